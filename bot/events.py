"""What the adapters hand the conversation service, and what it hands back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.screens import Screen
from flows.engine import ContactShared, Typed


@dataclass(frozen=True)
class Who:
    """The person behind an input: a keyed hash, never the Telegram id itself."""

    key: str
    language_hint: str | None = None
    update_id: int | None = None


@dataclass(frozen=True)
class Command:
    name: str
    arg: str = ""


@dataclass(frozen=True)
class Press:
    token: str


@dataclass(frozen=True)
class Reply:
    """Screens to show; `in_place` when they may replace the message whose button was pressed.

    `urgent` marks a crisis reply (/sos, a check-in, the answer to "not safe"): it goes out
    before any plan-building reply and never waits behind one.

    `keep_pressed_buttons`: the press did nothing (storage is down), so the pressed
    message keeps its buttons, to be pressed again; adapters leave it as it is.
    """

    screens: list[Screen]
    in_place: bool = False
    urgent: bool = False
    keep_pressed_buttons: bool = False


@dataclass(frozen=True)
class Unsupported:
    """A sticker, photo, voice note, file, location or an edit: things a step can't take.

    `text` is an edit's new words or a caption: never an answer, but read for danger.
    """

    what: str
    text: str = ""


Event = Command | Typed | Press | ContactShared | Unsupported


_UNPAIRED_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # all but \t \n \r
# Spaces, and invisible marks: zero-width, joiners, direction marks and overrides, BOM.
_BLANK = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch != "\n") + (
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)


def clean_text(text: str) -> str:
    """What a person sent, made safe to store, show and send back; adapters call it first.

    An unpaired surrogate (which no UTF-8 encoder takes) becomes U+FFFD; control characters
    go, except tabs and line breaks; spaces and invisible marks are trimmed from the ends of
    each line, so a line of zero-width spaces is empty, and /myplan after one is the command.
    """
    text = _CONTROL.sub("", _UNPAIRED_SURROGATE.sub("\ufffd", text))
    return "\n".join(line.strip(_BLANK) for line in text.split("\n"))
