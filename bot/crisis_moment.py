"""The crisis moment inside a conversation turn: danger signals and the questions that follow.

`bot.crisis.response` says what each kind of danger gets; this module applies it to one
person's turn: it remembers which question waits (`person.pending`), whether they already
said they are safe in this step, and what they wrote that set the response off.
"""

from __future__ import annotations

import html
import secrets
from typing import TYPE_CHECKING, Any

from bot.crisis.detection import CrisisSignal, detect
from bot.crisis.response import (
    ALWAYS_ANSWERED,
    CALLED,
    CALLED_NOT_YET,
    CALLED_THANKS,
    CALLED_YES,
    GLAD,
    HELD_QUESTION,
    RESPONSE_OF,
    SAFE,
    SAFE_NOT,
    SAFE_OK,
    SAFE_PLAN,
    CrisisResponse,
    FromPlan,
    Whereabouts,
)
from bot.crisis.safety_answer import reads_as_safe
from bot.screens import Button, Message, Screen, rows
from bot.store import Draft
from bot.tokens import action_token
from flows.engine import REVIEW, Typed
from flows.model import AnswerKind

if TYPE_CHECKING:
    from bot.turn import Turn

KEEP = "keep"
SAFETY_PLAN = "safety_plan"
TEXT_KINDS = frozenset({AnswerKind.LIST, AnswerKind.TEXT})


class CrisisMoment:
    """Danger signals and safety questions for one turn."""

    def __init__(self, turn: Turn) -> None:
        self.turn = turn
        self.t = turn.t
        self.response = CrisisResponse(
            Whereabouts(
                turn.service.directory,
                turn.person.region,
                turn.person.subdivision,
                turn.language,
                turn.place,
            ),
            turn.t,
        )

    # --- signals ---------------------------------------------------------------------

    def signal(self, text: str, draft: Draft | None) -> CrisisSignal | None:
        """The danger this text signals, unless it is one to take as an answer here."""
        found = detect(text, self.turn.language)
        if found is None:
            return None
        response = RESPONSE_OF[found.kind]
        if response in ALWAYS_ANSWERED or draft is None:
            return found
        state = draft.snapshot.state
        if response == "thoughts" and self._takes_own_words(draft):
            return None  # a warning sign, often: kept, with a line that points to /sos
        if draft.checked_in == state:
            return None  # they told us they are safe, in this very step
        return found

    def thoughts_in_answer(self, text: str, draft: Draft | None) -> bool:
        """Whether an answer holds thoughts of dying, to add a line pointing to /sos."""
        found = detect(text, self.turn.language)
        return found is not None and draft is not None and self._takes_own_words(draft)

    def _takes_own_words(self, draft: Draft) -> bool:
        if draft.snapshot.state == REVIEW:
            return False
        engine = self.turn.service.engines[draft.flow]
        return engine.flow.step(draft.snapshot.state).kind in TEXT_KINDS

    def respond(self, found: CrisisSignal, text: str, draft: Draft | None) -> list[Screen]:
        """The response to a danger signal. What they wrote is held, not filed as an answer."""
        turn = self.turn
        if draft is not None and self._takes_own_words(draft):
            draft.held = text
        response = RESPONSE_OF[found.kind]
        nonce = secrets.token_hex(3)
        turn.person.pending = f"{CALLED if response == 'overdose' else SAFE}:{nonce}"
        turn.urgent = True
        return self.response.to_signal(response, nonce)

    def way_out(self) -> str:
        return self.response.way_out()

    def if_this_is_now(self) -> str:
        return self.response.if_this_is_now()

    # --- answers to the questions ----------------------------------------------------

    async def typed_answer(self, pending: str, text: str) -> list[Screen]:
        """Typed at "are you safe?" or "have you called?": only a clear yes reads as yes."""
        draft = self.turn.draft()
        found = detect(text, self.turn.language)
        if found is not None:
            return self.respond(found, text, draft)
        action, _, nonce = pending.partition(":")
        yes = reads_as_safe(text, self.turn.language)
        if action == CALLED:
            choice = CALLED_YES if yes else CALLED_NOT_YET
        else:
            choice = SAFE_OK if yes else SAFE_NOT
        self.turn.person.pending = pending  # the question answered is the one waiting
        return await self.answered(action, f"{nonce}:{choice}")

    async def answered(self, action: str, arg: str) -> list[Screen]:
        """A button of a safety question, or its typed answer.

        An old button still works: "not safe" always gets help. Only a "safe" answer to the
        question now waiting quietens a repeated signal in this step.
        """
        turn = self.turn
        nonce, _, choice = arg.partition(":")
        waiting = turn.person.pending == f"{action}:{nonce}"
        turn.person.pending = None
        if action == CALLED:
            if choice == CALLED_YES:
                return [Message(html.escape(self.t.gettext(CALLED_THANKS))), *turn.carry_on()]
            return self._ask_again(CALLED, self.response.call_please)
        if choice == SAFE_PLAN:
            return await turn.myplan()
        if choice == SAFE_OK:
            return self._safe(waiting)
        return await self.not_safe()

    def _ask_again(self, action: str, screens: Any) -> list[Screen]:
        nonce = secrets.token_hex(3)
        self.turn.person.pending = f"{action}:{nonce}"
        self.turn.urgent = True
        return list(screens(nonce))

    def _safe(self, waiting: bool) -> list[Screen]:
        turn = self.turn
        draft = turn.draft()
        glad = html.escape(self.t.gettext(GLAD))
        if waiting and draft is not None:
            draft.checked_in = draft.snapshot.state
            if turn.held_over is not None:
                # What they wrote stays out of the plan unless they add it.
                draft.held = turn.held_over
                t = self.t
                buttons = rows(
                    Button(t.pgettext("button", "Add it to my plan"), action_token(KEEP, "yes")),
                    Button(t.pgettext("button", "Leave it out"), action_token(KEEP, "no")),
                )
                return [Message(f"{glad}\n\n{html.escape(t.gettext(HELD_QUESTION))}", buttons)]
        return [Message(glad), *turn.carry_on()]

    def keep(self, choice: str) -> Typed | None:
        """What the person asked to add to their plan, if it is still held."""
        held = self.turn.held_over
        return Typed(held) if held is not None and choice == "yes" else None

    async def not_safe(self, plan_next: str | None = None) -> list[Screen]:
        """Help now, their own people and first step; then the bot stays, and offers a plan.

        `plan_next`: the plan an outreach link opens, offered after, not in the same breath.
        """
        turn = self.turn
        turn.urgent = True
        t = self.t
        plans = await turn.record.latest_plans()
        safety_plan = plans.get(SAFETY_PLAN)
        mine = from_answers(safety_plan.answers, turn) if safety_plan else FromPlan()
        after = []
        if plans:
            after.append(Button(t.pgettext("button", "Show my plan"), action_token("myplan")))
        draft = turn.draft()
        if plan_next is not None:
            label = t.pgettext("button", "Make my plan")
            after.append(Button(label, action_token("edit", plan_next)))
        elif draft is not None and not turn.service.engines[draft.flow].flow.saves_plan:
            after.append(Button(t.pgettext("button", "Make a plan"), action_token("resume")))
        elif draft is not None:
            label = t.pgettext("button", "Carry on where I was")
            after.append(Button(label, action_token("resume")))
        else:
            label = t.pgettext("button", "Make or change a plan")
            after.append(Button(label, action_token("begin")))
        return self.response.not_safe(mine, after)


def from_answers(answers: dict[str, Any], turn: Turn) -> FromPlan:
    """The people with a phone number, and the first coping step, from a safety plan."""
    people = tuple(
        (str(item.get("name") or item["phone"]), turn.place.dial(str(item["phone"])))
        for item in answers.get("people_to_ask") or []
        if isinstance(item, dict) and item.get("phone")
    )
    first = next(iter(answers.get("coping_alone") or []), None)
    step = turn.service.engines[SAFETY_PLAN].flow.step("coping_alone")
    words: str | None = None
    if isinstance(first, dict) and "id" in first:
        option = step.option(first["id"])
        words = turn.t.gettext(option.label) if option else None
    elif isinstance(first, dict) and first.get("text"):
        words = str(first["text"])
    return FromPlan(people, words)
