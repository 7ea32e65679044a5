"""What the bot shows, independent of Telegram or a terminal: messages, buttons, contact cards."""

from __future__ import annotations

from dataclasses import dataclass

Buttons = tuple[tuple["Button", ...], ...]


@dataclass(frozen=True)
class Button:
    label: str
    token: str  # at most 64 bytes: Telegram's limit for callback data


@dataclass(frozen=True)
class Message:
    html: str  # Telegram HTML; everything a person typed is already escaped
    buttons: Buttons = ()


@dataclass(frozen=True)
class ContactCard:
    """A phone number a tap can dial: Telegram inline buttons cannot."""

    name: str
    phone: str


Screen = Message | ContactCard


def rows(*buttons: Button) -> Buttons:
    """One button per row: labels stay readable on a narrow phone."""
    return tuple((b,) for b in buttons)
