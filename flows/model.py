"""The declaration format for flows: steps as data, read by `flows.engine`.

A flow is a tuple of steps. Each step names the question it asks (a gettext msgid
marked with `N_`), the kind of answer it takes, its suggestions, and where it leads.
Nothing here knows about Telegram, storage or languages.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

# What a draft holds: step id -> answer. Answers are JSON-ready:
#   list kinds: [{"id": option_id} | {"text": own_words} | {"name": ..., "phone": ...}]
#   choice / yes-no: option id; text: a string.
Answers = dict[str, Any]


def N_(msgid: str) -> str:
    """Mark a message for extraction; it is translated when shown, in the person's language."""
    return msgid


class AnswerKind(StrEnum):
    INFO = "info"  # something to read, with a Continue button
    YES_NO = "yes_no"
    CHOICE = "choice"  # one option
    MULTI = "multi"  # several options, plus own words
    LIST = "list"  # several items: suggestions or own words
    CONTACTS = "contacts"  # people or services: a name and a phone number
    CHECKLIST = "checklist"  # actions to tick, plus "something else" in own words
    TEXT = "text"  # one answer in own words


LIST_KINDS = frozenset(
    {AnswerKind.MULTI, AnswerKind.LIST, AnswerKind.CONTACTS, AnswerKind.CHECKLIST}
)


@dataclass(frozen=True)
class Chosen:
    """A step applies only when an earlier answer includes an option."""

    step: str
    option: str

    def holds(self, answers: Mapping[str, Any]) -> bool:
        answer = answers.get(self.step)
        if isinstance(answer, list):
            return any(isinstance(i, dict) and i.get("id") == self.option for i in answer)
        return bool(answer == self.option)


@dataclass(frozen=True)
class Option:
    """A button a step offers. `goto` names a step, or `flow:<id>` to hand over to a flow."""

    id: str
    label: str
    goto: str | None = None
    effect: str | None = None  # something the adapter does at once, e.g. "crisis_lines"
    source: str | None = None  # where the wording's advice comes from, for review
    # Offered only when an earlier answer includes an option, e.g. a goal for one area.
    # An answer already given stays in the plan either way.
    when: Chosen | None = None


@dataclass(frozen=True)
class Step:
    id: str
    prompt: str
    kind: AnswerKind
    title: str | None = None  # the section's heading in the plan, for plan sections
    hint: str | None = None
    options: tuple[Option, ...] = ()
    optional: bool = False
    when: Chosen | None = None
    next: str | None = None  # an explicit next step; otherwise the next one declared
    # A short card of what to do, shown with the question and in the plan: paragraphs,
    # each a msgid that may hold {emergency}, which the renderer fills with the region's
    # emergency number. `source` names where its advice comes from, for review.
    card: tuple[str, ...] = ()
    source: str | None = None
    # Kinds of helpline this part of a plan brings in, e.g. ("harm_reduction", "drug_info"):
    # shown with the question and with the crisis lines in /myplan.
    lines: tuple[str, ...] = ()
    # Offers the local services of the organisation whose link the person came by.
    local_services: bool = False
    # Lists the region's main crisis line first, with the question and in the plan.
    crisis_line: bool = False

    @property
    def is_section(self) -> bool:
        """Plan sections have a title; they are numbered, reviewed and saved."""
        return self.title is not None

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)

    def offered(self, answers: Mapping[str, Any]) -> tuple[Option, ...]:
        """The options this step offers, given the answers so far."""
        return tuple(o for o in self.options if o.when is None or o.when.holds(answers))


@dataclass(frozen=True)
class Flow:
    """A whole conversation. `version` changes whenever steps change meaning."""

    id: str
    code: str  # a short token used in button data, e.g. "sp"
    version: int
    title: str
    steps: tuple[Step, ...]
    saves_plan: bool = True  # ends with a review and Save
    # Sections shown straight after the crisis lines in /myplan, when they apply.
    urgent: tuple[str, ...] = ()
    by_id: Mapping[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {s.id: s for s in self.steps})

    def step(self, step_id: str) -> Step:
        return self.by_id[step_id]

    @property
    def sections(self) -> Sequence[Step]:
        return [s for s in self.steps if s.is_section]
