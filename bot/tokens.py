"""Button data: short tokens that say which flow, version and step a button belongs to.

`sp1|warning_signs|done` is the Done button of step `warning_signs` in version 1 of the
flow with code `sp`. `x|delete|<nonce>:yes` is an action outside a flow. A button from
an earlier message is recognised as stale by comparing these parts with saved state.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_BYTES = 64
ACTION = "x"
_FLOW_TAG = re.compile(r"([a-z]{2})([0-9]{1,6})")
_SMALL_NUMBER = re.compile(r"[0-9]{1,6}")


@dataclass(frozen=True)
class FlowButton:
    code: str
    version: int
    state: str
    value: str


@dataclass(frozen=True)
class ActionButton:
    name: str
    arg: str


def flow_token(code: str, version: int, state: str, value: str) -> str:
    return _checked(f"{code}{version}|{state}|{value}")


def action_token(name: str, arg: str = "") -> str:
    return _checked(f"{ACTION}|{name}|{arg}")


def parse(token: str) -> FlowButton | ActionButton | None:
    """None for anything we did not make: a forged or garbled button is just stale."""
    if len(token.encode(errors="replace")) > MAX_BYTES:
        return None
    parts = token.split("|", 2)
    if len(parts) != 3:
        return None
    tag, middle, last = parts
    if tag == ACTION:
        return ActionButton(middle, last)
    match = _FLOW_TAG.fullmatch(tag)
    if not match or not middle:
        return None
    return FlowButton(match.group(1), int(match.group(2)), middle, last)


def small_number(text: str) -> int | None:
    """A number a button carries ("3"); None for anything else: "²", "٣", "-1", "1e9"."""
    return int(text) if _SMALL_NUMBER.fullmatch(text) else None


def _checked(token: str) -> str:
    if len(token.encode()) > MAX_BYTES:
        raise ValueError(f"button data over {MAX_BYTES} bytes: {token!r}")
    return token
