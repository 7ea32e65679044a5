"""What each scripted person does: one whole safety-plan conversation.

The bare bots get the same sequence of update kinds (the same texts, and a press of their one
button wherever safeplan's script presses one), so both sides see the same mix of messages
and callback queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ActionKind = Literal["text", "press"]
BARE_BUTTON = "Next"


@dataclass(frozen=True)
class Action:
    """One user action: type ``value``, or press the button labelled ``value``."""

    kind: ActionKind
    value: str


def _text(value: str) -> Action:
    return Action("text", value)


def _press(label: str) -> Action:
    return Action("press", label)


# As tests/test_e2e_safety_plan.py builds a whole plan, with the contact typed rather than
# shared (a bare bot has no contact handler), then /myplan to read it back.
SAFEPLAN_CONVERSATION: tuple[Action, ...] = (
    _text("/start"),
    _press("Continue"),
    _press("Yes, I'm safe right now"),
    _press("A safety plan"),
    _press("United Kingdom"),
    _press("England"),
    _press("Feeling hopeless"),
    _text("Can't sleep <b>at all</b> & restless"),
    _press("Done ›"),
    _text("Go for a run\nCall my sister"),
    _press("Done ›"),
    _press("Skip"),
    _text("Sam Taylor +44 7911 123456"),
    _press("Done ›"),
    _text("Dr Patel 020 7946 0000"),
    _press("Done ›"),
    _press("Give my medicines"),
    _press("Done ›"),
    _text("My dog, Biscuit"),
    _press("Done ›"),
    _press("Save my plan"),
    _text("/myplan"),
)


def bare_conversation(conversation: tuple[Action, ...]) -> tuple[Action, ...]:
    """The same texts, and a press of the bare bot's only button for every press."""
    return tuple(a if a.kind == "text" else _press(BARE_BUTTON) for a in conversation)


BARE_CONVERSATION = bare_conversation(SAFEPLAN_CONVERSATION)
