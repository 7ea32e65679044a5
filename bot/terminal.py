"""The terminal skin: the same flows and storage, with numbered choices for buttons."""

from __future__ import annotations

import asyncio
import getpass
import html
import os
import re
from typing import Protocol, TextIO

from bot.events import Command, Event, Press, Who, clean_text
from bot.runtime import Runtime
from bot.screens import Button, ContactCard, Screen
from bot.tokens import small_number
from flows.engine import Typed
from flows.model import N_

INTRO = N_(
    "safeplan in your terminal. Type your answer, or a number to press a button. "
    "Commands work as in Telegram (/myplan, /sos, /help). Ctrl-D leaves."
)
GOODBYE = N_("Take care. Your answers are kept; come back any time.")

_TAG = re.compile(r"<[^>]+>")
_BOLD = re.compile(r"</?b>")


class Lines(Protocol):
    def readline(self) -> str: ...


def plain(markup: str) -> str:
    """Telegram HTML as terminal text: bold becomes *stars*, other tags go."""
    return html.unescape(_TAG.sub("", _BOLD.sub("*", markup)))


def show(screens: list[Screen], out: TextIO) -> list[Button]:
    """Prints screens; returns the buttons, numbered from 1, that a number can press."""
    buttons: list[Button] = []
    for screen in screens:
        if isinstance(screen, ContactCard):
            out.write(f"☎ {screen.name}: {screen.phone}\n\n")
            continue
        out.write(plain(screen.html) + "\n")
        for row in screen.buttons:
            for button in row:
                buttons.append(button)
                out.write(f"  [{len(buttons)}] {button.label}\n")
        out.write("\n")
    out.flush()
    return buttons


def parse_line(line: str, buttons: list[Button]) -> Event | None:
    line = clean_text(line)
    text = line.strip()
    number = small_number(text)
    if number is not None and 1 <= number <= len(buttons):
        return Press(buttons[number - 1].token)
    if text.startswith("/"):
        name, _, arg = text[1:].partition(" ")
        return Command(name.lower(), arg.strip())
    return Typed(line.rstrip("\n")) if text else None


def terminal_language() -> str | None:
    """The terminal's language (LANG=uk_UA.UTF-8 -> "uk-UA"), as Telegram would say it."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").split(".")[0]
        if value and value not in ("C", "POSIX"):
            return value.replace("_", "-")
    return None


async def chat(runtime: Runtime, stdin: Lines, stdout: TextIO, user: str | None = None) -> None:
    hint = terminal_language()
    who = Who(runtime.vault.person_key("terminal", user or getpass.getuser()), hint)
    catalogs = runtime.conversations.catalogs
    t = catalogs.translator(catalogs.negotiate(None, hint))
    stdout.write(t.gettext(INTRO) + "\n\n")
    buttons = show((await runtime.conversations.handle(who, Command("start"))).screens, stdout)
    while True:
        stdout.write("> ")
        stdout.flush()
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            stdout.write("\n" + t.gettext(GOODBYE) + "\n")
            return
        event = parse_line(line, buttons)
        if event is not None:
            reply = await runtime.conversations.handle(who, event)
            buttons = show(reply.screens, stdout) or buttons
