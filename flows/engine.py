"""One engine for every flow: (saved snapshot, input) -> (new snapshot, what to say).

Each flow declaration is turned into a `transitions` machine once, when the engine is
built. The machine holds the flow's graph (advance, back, edit, save); the engine
holds what an answer means for each kind of step. Pure: no I/O, no Telegram.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from transitions import EventData, Machine

from flows.model import LIST_KINDS, N_, AnswerKind, Answers, Flow, Step

REVIEW = "review"
SAVED = "saved"
FLOW_PREFIX = "flow:"

# Controls a step's buttons can send, besides option ids.
CONTINUE, DONE, SKIP, BACK, SAVE = "continue", "done", "skip", "back", "save"
EDIT_PREFIX, REMOVE_PREFIX = "edit:", "rm:"

MAX_ITEM_CHARS = 1000
MAX_ITEMS = 30

STALE = N_("That button belongs to an earlier question. Here is where you are now.")
NEEDS_BUTTON = N_("Please choose one of the buttons below.")
NEEDS_ONE = N_("This step needs at least one answer before moving on.")
NOT_OPTIONAL = N_("This step can't be skipped, but any answer in your own words is fine.")
FIRST_STEP = N_("This is the first step, so there is nothing to go back to.")
TOO_LONG = N_(
    "That is longer than I can keep as one answer (1000 characters). "
    "Could you send it in a few shorter parts?"
)
TOO_MANY = N_("This section is full (30 answers). You can remove some to add others.")
REVIEW_BUTTONS = N_("Please use the buttons under your plan to edit a section or save it.")
NOTHING_TYPED = N_("I didn't catch any words there. Could you type your answer?")


@dataclass(frozen=True)
class Snapshot:
    """Where a person is in a flow. This is what storage keeps between messages."""

    state: str
    answers: Answers = field(default_factory=dict)
    editing: bool = False  # came from the review to change one section


# Inputs
@dataclass(frozen=True)
class Typed:
    text: str


@dataclass(frozen=True)
class Pressed:
    state: str  # the step the button was shown for
    value: str


@dataclass(frozen=True)
class ContactShared:
    name: str
    phone: str


Input = Typed | Pressed | ContactShared


# What to say
@dataclass(frozen=True)
class Ask:
    step: str


@dataclass(frozen=True)
class ShowReview:
    pass


@dataclass(frozen=True)
class Notice:
    msgid: str


@dataclass(frozen=True)
class Effect:
    name: str


@dataclass(frozen=True)
class HandOff:
    flow: str


@dataclass(frozen=True)
class Saved:
    pass


Reply = Ask | ShowReview | Notice | Effect | HandOff | Saved


@dataclass(frozen=True)
class Outcome:
    snapshot: Snapshot
    replies: tuple[Reply, ...]


class _Cursor:
    """The model that the flow's machine moves; lives for one input."""

    state: str

    def __init__(self, answers: Answers, editing: bool) -> None:
        self.answers = answers
        self.editing = editing


def item_fingerprint(item: Any) -> str:
    """A short digest so a Remove button from an old message can't remove the wrong item."""
    return hashlib.sha1(json.dumps(item, sort_keys=True).encode()).hexdigest()[:6]


_PHONE = re.compile(r"[+(]?\d[\d\s().\-]{4,}\d")


def parse_contact(line: str) -> dict[str, str | None]:
    """'Sam 07700 900123' -> name and phone; a line without a number is a name alone."""
    match = _PHONE.search(line)
    if not match:
        return {"name": line, "phone": None}
    name = (line[: match.start()] + " " + line[match.end() :]).strip(" -:,;\t")
    return {"name": " ".join(name.split()) or match.group().strip(), "phone": match.group().strip()}


class Engine:
    """Runs one flow. Build once per flow at start-up; `handle` is pure and cheap."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        states = [s.id for s in flow.steps] + ([REVIEW, SAVED] if flow.saves_plan else [])
        self._machine = Machine(
            model=None,
            states=states,
            transitions=self._graph(),
            initial=flow.steps[0].id,
            auto_transitions=False,
            send_event=True,
        )

    # --- the graph, derived from the declaration --------------------------------------

    def _applies(self, step: Step) -> Any:
        when = step.when
        if when is None:
            return []
        return [lambda ev: when.holds(ev.model.answers)]

    def _graph(self) -> list[dict[str, Any]]:
        flow, steps = self.flow, self.flow.steps
        editing = [lambda ev: ev.model.editing]
        graph: list[dict[str, Any]] = []
        for i, step in enumerate(steps):
            if flow.saves_plan:
                # An edit can bring a part of the plan into play (a new area ticked):
                # ask its questions before going back to the review.
                for later in steps[i + 1 :]:
                    graph.append(
                        {
                            "trigger": "advance",
                            "source": step.id,
                            "dest": later.id,
                            "conditions": [*editing, *self._applies(later), _unvisited(later.id)],
                        }
                    )
                graph.append(
                    {"trigger": "advance", "source": step.id, "dest": REVIEW, "conditions": editing}
                )
                graph.append(
                    {"trigger": "back", "source": step.id, "dest": REVIEW, "conditions": editing}
                )
            for option in step.options:
                if option.goto and not option.goto.startswith(FLOW_PREFIX):
                    graph.append(
                        {
                            "trigger": "advance",
                            "source": step.id,
                            "dest": option.goto,
                            "conditions": [_answered(step.id, option.id)],
                        }
                    )
            if step.next:
                graph.append({"trigger": "advance", "source": step.id, "dest": step.next})
            else:
                for later in steps[i + 1 :]:
                    graph.append(
                        {
                            "trigger": "advance",
                            "source": step.id,
                            "dest": later.id,
                            "conditions": self._applies(later),
                        }
                    )
                if flow.saves_plan:
                    graph.append({"trigger": "advance", "source": step.id, "dest": REVIEW})
            for earlier in reversed(steps[:i]):
                graph.append(
                    {
                        "trigger": "back",
                        "source": step.id,
                        "dest": earlier.id,
                        "conditions": self._applies(earlier),
                    }
                )
        if flow.saves_plan:
            for step in reversed(steps):
                graph.append(
                    {
                        "trigger": "back",
                        "source": REVIEW,
                        "dest": step.id,
                        "conditions": self._applies(step),
                    }
                )
            for section in flow.sections:
                graph.append(
                    {
                        "trigger": "edit",
                        "source": REVIEW,
                        "dest": section.id,
                        "conditions": [_targets(section.id)],
                    }
                )
            graph.append({"trigger": "save", "source": REVIEW, "dest": SAVED})
        return graph

    def _fire(self, snap: Snapshot, trigger: str, **kwargs: Any) -> Snapshot | None:
        """Moves a cursor through the machine; None when no transition applies."""
        cursor = _Cursor(snap.answers, snap.editing)
        self._machine.add_model(cursor, initial=snap.state)
        try:
            if trigger not in self._machine.get_triggers(snap.state):
                return None
            moved = cursor.trigger(trigger, **kwargs)  # type: ignore[attr-defined]
            return replace(snap, state=cursor.state) if moved else None
        finally:
            self._machine.remove_model(cursor)

    # --- queries -------------------------------------------------------------------

    def applies(self, step: Step, answers: Mapping[str, Any]) -> bool:
        return step.when is None or step.when.holds(answers)

    def position(self, step_id: str, answers: Mapping[str, Any]) -> tuple[int, int]:
        """(n, of) for "step n of m", counting only the sections that apply."""
        sections = [s.id for s in self.flow.sections if self.applies(s, answers)]
        if step_id not in sections:
            return (0, len(sections))
        return (sections.index(step_id) + 1, len(sections))

    def can_go_back(self, snap: Snapshot) -> bool:
        return self._fire(snap, "back") is not None

    def sections_in_plan(self, answers: Mapping[str, Any]) -> list[Step]:
        return [s for s in self.flow.sections if self.applies(s, answers)]

    # --- entry points ---------------------------------------------------------------

    def start(self, answers: Answers | None = None) -> Outcome:
        """A new draft at the first step, or (with answers) a saved plan opened for review."""
        if answers is not None and self.flow.saves_plan:
            return Outcome(Snapshot(REVIEW, dict(answers)), (ShowReview(),))
        first = self.flow.steps[0].id
        return Outcome(Snapshot(first, {}), (Ask(first),))

    def current(self, snap: Snapshot) -> Outcome:
        """Says the current question again, e.g. after a restart or a stale button."""
        return Outcome(snap, (ShowReview(),) if snap.state == REVIEW else (Ask(snap.state),))

    def handle(self, snap: Snapshot, event: Input) -> Outcome:
        if isinstance(event, Pressed) and event.state != snap.state:
            return self._notice(snap, STALE)
        if snap.state == REVIEW:
            return self._on_review(snap, event)
        step = self.flow.step(snap.state)
        if isinstance(event, Pressed):
            if event.value == BACK:
                return self._back(snap)
            if event.value == SKIP:
                if not step.optional:
                    return self._notice(snap, NOT_OPTIONAL)
                skipped = snap.answers.get(step.id, [] if step.kind in LIST_KINDS else None)
                return self._advance(_with(snap, step.id, skipped))
        if step.kind in LIST_KINDS:
            return self._on_list(step, snap, event)
        return self._on_single(step, snap, event)

    # --- per kind --------------------------------------------------------------------

    def _on_single(self, step: Step, snap: Snapshot, event: Input) -> Outcome:
        if step.kind == AnswerKind.INFO:
            return self._advance(_with(snap, step.id, True))
        if step.kind == AnswerKind.TEXT:
            if isinstance(event, Typed):
                text = event.text.strip()
                if not text:
                    return self._notice(snap, NOTHING_TYPED)
                if len(text) > MAX_ITEM_CHARS:
                    return self._notice(snap, TOO_LONG)
                return self._advance(_with(snap, step.id, text))
            return self._notice(snap, NEEDS_BUTTON)
        # CHOICE and YES_NO
        if not isinstance(event, Pressed) or step.option(event.value) is None:
            return self._notice(snap, NEEDS_BUTTON)
        option = step.option(event.value)
        assert option is not None
        chosen = _with(snap, step.id, option.id)
        effects: tuple[Reply, ...] = (Effect(option.effect),) if option.effect else ()
        if option.goto and option.goto.startswith(FLOW_PREFIX):
            return Outcome(chosen, (*effects, HandOff(option.goto.removeprefix(FLOW_PREFIX))))
        moved = self._advance(chosen)
        return Outcome(moved.snapshot, effects + moved.replies)

    def _on_list(self, step: Step, snap: Snapshot, event: Input) -> Outcome:
        items: list[Any] = list(snap.answers.get(step.id) or [])
        if isinstance(event, Pressed):
            value = event.value
            if value == DONE:
                if not items and not step.optional:
                    return self._notice(snap, NEEDS_ONE)
                return self._advance(_with(snap, step.id, items))
            if value.startswith(REMOVE_PREFIX):
                return self._remove(step, snap, items, value.removeprefix(REMOVE_PREFIX))
            picked = {"id": value}
            # Not offered: unknown, or for an area not chosen (a ticked one can be unticked).
            if picked not in items and value not in {o.id for o in step.offered(snap.answers)}:
                return self._notice(snap, STALE)
            if picked in items:
                if step.kind == AnswerKind.LIST:
                    return self.current(snap)
                items.remove(picked)  # a checklist or a multiple choice toggles
                return self.current(_with(snap, step.id, items))
            new_items: list[Any] = [picked]
        elif isinstance(event, ContactShared):
            new_items = [{"name": event.name, "phone": event.phone}]
        else:
            lines = [" ".join(line.split()) for line in event.text.splitlines()]
            lines = [line for line in lines if line]
            if not lines:
                return self._notice(snap, NOTHING_TYPED)
            if any(len(line) > MAX_ITEM_CHARS for line in lines):
                return self._notice(snap, TOO_LONG)
            if step.kind == AnswerKind.CONTACTS:
                new_items = [parse_contact(line) for line in lines]
            else:
                new_items = [{"text": line} for line in lines]
        if len(items) + len(new_items) > MAX_ITEMS:
            return self._notice(snap, TOO_MANY)
        items.extend(i for i in new_items if i not in items)
        return self.current(_with(snap, step.id, items))

    def _remove(self, step: Step, snap: Snapshot, items: list[Any], ref: str) -> Outcome:
        index, _, digest = ref.partition(":")
        if not (index.isascii() and index.isdigit()) or int(index) >= len(items):
            return self._notice(snap, STALE)
        if item_fingerprint(items[int(index)]) != digest:
            return self._notice(snap, STALE)
        del items[int(index)]
        return self.current(_with(snap, step.id, items))

    def _on_review(self, snap: Snapshot, event: Input) -> Outcome:
        if not isinstance(event, Pressed):
            return Outcome(snap, (Notice(REVIEW_BUTTONS), ShowReview()))
        if event.value == SAVE:
            saved = self._fire(snap, "save")
            assert saved is not None
            kept = {
                s.id: snap.answers[s.id]
                for s in self.sections_in_plan(snap.answers)
                if s.id in snap.answers
            }
            return Outcome(replace(saved, answers=kept), (Saved(),))
        if event.value == BACK:
            return self._back(snap)
        if event.value.startswith(EDIT_PREFIX):
            target = event.value.removeprefix(EDIT_PREFIX)
            moved = self._fire(replace(snap, editing=True), "edit", target=target)
            if moved is not None:
                return Outcome(moved, (Ask(moved.state),))
        return self._notice(snap, STALE)

    # --- moving ----------------------------------------------------------------------

    def _advance(self, snap: Snapshot) -> Outcome:
        moved = self._fire(snap, "advance")
        if moved is None:  # a flow that does not save ends where it hands over
            return self.current(snap)
        moved = replace(moved, editing=moved.editing and moved.state != REVIEW)
        return self.current(moved)

    def _back(self, snap: Snapshot) -> Outcome:
        moved = self._fire(snap, "back")
        if moved is None:
            return self._notice(snap, FIRST_STEP)
        return self.current(replace(moved, editing=moved.editing and moved.state != REVIEW))

    def _notice(self, snap: Snapshot, msgid: str) -> Outcome:
        return Outcome(snap, (Notice(msgid), *self.current(snap).replies))


def _with(snap: Snapshot, key: str, value: Any) -> Snapshot:
    return replace(snap, answers={**snap.answers, key: value})


def _unvisited(step_id: str) -> Any:
    return lambda ev: step_id not in ev.model.answers


def _answered(step_id: str, option_id: str) -> Any:
    return lambda ev: ev.model.answers.get(step_id) == option_id


def _targets(step_id: str) -> Any:
    def condition(ev: EventData) -> bool:
        return bool(ev.kwargs.get("target") == step_id)

    return condition
