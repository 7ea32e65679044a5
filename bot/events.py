"""What the adapters hand the conversation service, and what it hands back."""

from __future__ import annotations

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
    """A sticker, photo, voice note, file or location: things a step can't take."""

    what: str


Event = Command | Typed | Press | ContactShared | Unsupported
