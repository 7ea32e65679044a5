"""The terminal chat: the same flows and storage, driven by typed lines and numbers."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot.runtime import Runtime
from bot.settings import Settings
from bot.terminal import chat
from tests.e2e import ROOT


class Person:
    """Types each line in turn; a line in [brackets] presses the button with that label."""

    def __init__(self, out: io.StringIO, *lines: str) -> None:
        self.out = out
        self.lines = list(lines)

    def readline(self) -> str:
        if not self.lines:
            return ""
        line = self.lines.pop(0)
        if line.startswith("[") and line.endswith("]"):
            line = number_of(self.out.getvalue(), line[1:-1])
        return line + "\n"


def number_of(screen: str, label: str) -> str:
    """The number printed before a button's label on the newest screen that shows it."""
    for line in reversed(screen.splitlines()):
        if line.strip().endswith(f"] {label}"):
            return line.strip()[1:].split("]")[0]
    raise AssertionError(f"no button {label!r} in:\n{screen}")


async def test_the_whole_safety_plan_can_be_built_and_shown_in_the_terminal(
    runtime: Runtime,
) -> None:
    out = io.StringIO()
    person = Person(
        out,
        "[Continue]",
        "[Yes, I'm safe right now]",
        "[A safety plan]",
        "[New Zealand]",
        "Can't sleep",
        "[Feeling hopeless]",
        "[Done ›]",
        "Walk the dog",
        "[Done ›]",
        "[Skip]",
        "Mum +64 21 123 4567",
        "[Done ›]",
        "[Skip]",
        "[Stay with other people, or go where people are]",
        "[Done ›]",
        "My cat",
        "[Done ›]",
        "[✓ Save my plan]",
        "/myplan",
    )
    await chat(runtime, person, out, user="tester")
    text = out.getvalue()
    assert "Step 1 of 7 · Warning signs" in text
    assert "Your plan is saved" in text
    plan = text[text.rindex("If you are in danger now") :]
    assert plan.index("call 111") < plan.index("1. Warning signs")
    for answer in (
        "Can't sleep",
        "Feeling hopeless",
        "Walk the dog",
        "Mum: +64 21 123 4567",
        "Stay with other people",
        "My cat",
    ):
        assert answer in plan
    assert "Take care. Your answers are kept" in text


def test_make_run_without_a_token_starts_the_terminal_chat(settings: Settings) -> None:
    """What a newcomer sees: one line on getting a token, then the chat."""
    assert settings.safeplan_encryption_keys
    assert settings.safeplan_id_secret
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "SAFEPLAN_"))}
    env |= {
        "DATABASE_URL": settings.database_url,
        "SAFEPLAN_ENCRYPTION_KEYS": settings.safeplan_encryption_keys.get_secret_value(),
        "SAFEPLAN_ID_SECRET": settings.safeplan_id_secret.get_secret_value(),
        "TELEGRAM_BOT_TOKEN": "",
    }
    done = subprocess.run(
        [sys.executable, "-m", "bot", "auto"],
        input="1\n/sos\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
        check=True,
    )
    assert done.stdout.startswith("No TELEGRAM_BOT_TOKEN set")
    assert "@BotFather" in done.stdout.splitlines()[0]
    assert "are you safe right now?" in done.stdout


def test_the_bot_refuses_to_start_without_its_secrets(settings: Settings) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLAN_")}
    env |= {"DATABASE_URL": settings.database_url, "TELEGRAM_BOT_TOKEN": "1:x"}
    done = subprocess.run(
        [sys.executable, "-m", "bot"], capture_output=True, text=True, cwd="/", env=env, timeout=60
    )
    assert done.returncode == 2
    assert "SAFEPLAN_ENCRYPTION_KEYS" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_init_writes_missing_secrets_once_and_never_replaces_them(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAFEPLAN_")}
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=\n")

    def init() -> str:
        return subprocess.run(
            [sys.executable, "-m", "bot", "init"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env=env,
            check=True,
        ).stdout

    said = init()
    assert "SAFEPLAN_ENCRYPTION_KEYS and SAFEPLAN_ID_SECRET" in said
    first = (tmp_path / ".env").read_text()
    assert first.startswith("TELEGRAM_BOT_TOKEN=\n")
    assert (tmp_path / ".env").stat().st_mode & 0o777 == 0o600
    assert init() == ""
    assert (tmp_path / ".env").read_text() == first
