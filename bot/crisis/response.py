"""What a danger signal gets: one place decides it, for every path in the bot.

- intent, a plan, a goodbye, self-harm now: the emergency number and the region's crisis
  line, one tap each; then "are you safe right now?".
- overdose, someone not breathing: "call {emergency} now" and the overdose steps; the
  overdose line; then "have you called?".
- injury now, bleeding: firm pressure, when to call, the medical-help card; the check-in.
- thoughts without a time word: the crisis lines and a gentle check-in.
- "not safe", tapped or typed: the lines (or one-tap countries with 112), their own
  people and first step, and the bot stays.

The screens here hold no state: the caller (the conversation turn, or the storage-down
path) remembers which question is waiting, by the nonce in the buttons.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from bot import region_picker
from bot.crisis.detection import CrisisKind
from bot.crisis_lines import crisis_lines, drug_line_blocks
from bot.helplines import Directory, format_dialable
from bot.i18n import Translator
from bot.render import Place, medical_help_card, overdose_card
from bot.screens import Button, ContactCard, Message, Screen, rows
from bot.tokens import action_token
from flows.model import N_

Response = Literal["intent", "overdose", "injury", "thoughts"]
RESPONSE_OF: dict[CrisisKind, Response] = {
    "intent_now": "intent",
    "self_harm_now": "intent",
    "overdose_now": "overdose",
    "injury_now": "injury",
    "thoughts": "thoughts",
}
# Never quietened, even right after a check-in in the same step.
ALWAYS_ANSWERED: frozenset[Response] = frozenset({"overdose", "injury"})

# Actions of the buttons below; their argument is "<nonce>:<choice>".
SAFE, CALLED = "safe", "called"
SAFE_OK, SAFE_NOT, SAFE_PLAN = "ok", "not", "plan"
CALLED_YES, CALLED_NOT_YET = "yes", "notyet"

CHECK_IN = N_(
    "What you wrote sounds like you might be in danger right now. I'm a bot, so I can't "
    "tell for sure, and I'd rather ask: are you safe right now?"
)
THOUGHTS = N_(
    "Thank you for telling me. Thoughts like these can be very heavy, and you don't have to "
    "carry them alone: the people at these lines are there to listen, day or night."
)
GENTLE_CHECK_IN = N_("Are you safe right now?")
NOT_SAFE_INTRO = N_(
    "Thank you for telling me. Please reach out to one of these now: they are there to help. "
    "If you can, move away from anything you could hurt yourself with, and go to where "
    "other people are."
)
CALL_NOW = N_("Call {emergency} now.")
OVERDOSE_LINES = N_("Overdose and poison lines")
HAVE_YOU_CALLED = N_("Have you called {emergency}?")
CALL_PLEASE = N_(
    "Please call {emergency} now. If you can't, ask someone near you to call. Don't leave "
    "anyone alone who has taken too much, yourself included."
)
OVERDOSE_SELF = N_(
    "If it's you who took too much: call now, even if you feel fine, and tell someone near "
    "you or unlock your door so help can get in."
)
CALLED_THANKS = N_(
    "Thank you. Do what the operator tells you, and don't leave anyone alone who has taken "
    "too much, yourself included. I'm here."
)
FIRST_AID = N_(
    "Press firmly on the wound with a clean cloth, or your hand, and keep pressing. Call "
    "{emergency} if it is still bleeding after 10 minutes of pressure, if blood spurts, or "
    "if the wound is deep or wide. For a burn: cool it under running water."
)
YOUR_PEOPLE = N_("People from your plan you can call now:")
YOUR_FIRST_STEP = N_("Something from your plan that can help right now: {step}")
STAY = N_("I'm here. When you feel ready, you can look at your plan, or we can make one together.")
GLAD = N_("Thank you for letting me know. Let's carry on where we were.")
HELD_QUESTION = N_("What you wrote just before is not in your plan. Would you like to add it?")
WAY_OUT = N_("In danger now? Call {emergency} · /sos")
IF_THIS_IS_NOW = N_("If this is how you feel right now: /sos")


@dataclass(frozen=True)
class Whereabouts:
    """Where the person is, for the numbers: what every crisis response needs."""

    directory: Directory
    region: str | None
    subdivision: str | None
    language: str
    place: Place

    @property
    def emergency_number(self) -> str | None:
        """The region's number for immediate danger, written to dial; None if unknown."""
        if self.region is None:
            return None
        lines = self.directory.lines_for(self.region, self.subdivision)
        numbers = [e.number for e in lines.emergency if not e.non_emergency] if lines else []
        return format_dialable(numbers[0], self.region) if numbers else None


@dataclass(frozen=True)
class FromPlan:
    """What the person's own plan offers in a crisis: their people and their first step."""

    people: tuple[tuple[str, str], ...] = ()  # (name, phone)
    first_step: str | None = None  # already in the person's language


class CrisisResponse:
    """The screens for each kind of danger, in the person's language."""

    def __init__(self, where: Whereabouts, t: Translator) -> None:
        self.where = where
        self.t = t

    # --- pieces ----------------------------------------------------------------------

    def _text(self, msgid: str) -> str:
        return html.escape(self.t.gettext(msgid))

    def _emergency_words(self) -> str:
        return self.where.emergency_number or self.where.place.emergency

    def _with_number(self, msgid: str) -> str:
        number = f"<b>{html.escape(self._emergency_words())}</b>"
        return self._text(msgid).format(emergency=number)

    def emergency_card(self) -> list[Screen]:
        number = self.where.emergency_number
        if number is None:
            return []
        return [ContactCard(self.t.pgettext("contact", "Emergency"), number)]

    def lines(self, intro: str | None = None, *, picker: bool = True) -> list[Screen]:
        """The region's crisis lines with the emergency number as a card too.

        Without a region: 112 and the directory link, and with `picker` one-tap countries,
        in the same message. A turn has one keyboard, on its last message: a response that
        asks a question after the lines leaves the countries for later.
        """
        where, t = self.where, self.t
        screens = crisis_lines(where.directory, where.region, where.subdivision, t, where.language)
        first = screens[0]
        assert isinstance(first, Message)
        text = f"{html.escape(intro)}\n\n{first.html}" if intro else first.html
        if where.region is None:
            return [self._with_picker(text, ()) if picker else Message(text)]
        return [Message(text, first.buttons), *self.emergency_card(), *screens[1:]]

    def _with_picker(self, text: str, after: Sequence[Button]) -> Message:
        """A message ending with the question of the country, and one tap for each."""
        ask = region_picker.ask_region(self.t, self.where.language)
        countries = region_picker.suggested_countries(self.where.language)
        return Message(f"{text}\n\n{ask.html}", rows(*countries, *after))

    def way_out(self) -> str:
        """The line every fallback reply ends with."""
        return self._with_number(WAY_OUT)

    def if_this_is_now(self) -> str:
        return f"<i>{self._text(IF_THIS_IS_NOW)}</i>"

    # --- questions -------------------------------------------------------------------

    def safety_question(self, nonce: str, msgid: str = CHECK_IN) -> Message:
        t = self.t
        return Message(
            self._text(msgid),
            rows(
                Button(t.pgettext("button", "I'm safe"), action_token(SAFE, f"{nonce}:{SAFE_OK}")),
                Button(
                    t.pgettext("button", "I'm not safe"), action_token(SAFE, f"{nonce}:{SAFE_NOT}")
                ),
                Button(
                    t.pgettext("button", "Show my plan"), action_token(SAFE, f"{nonce}:{SAFE_PLAN}")
                ),
            ),
        )

    def called_question(self, nonce: str) -> Message:
        t = self.t
        return Message(
            self._with_number(HAVE_YOU_CALLED),
            rows(
                Button(
                    t.pgettext("button", "Yes, I've called"),
                    action_token(CALLED, f"{nonce}:{CALLED_YES}"),
                ),
                Button(
                    t.pgettext("button", "Not yet"),
                    action_token(CALLED, f"{nonce}:{CALLED_NOT_YET}"),
                ),
            ),
        )

    # --- responses -------------------------------------------------------------------

    def to_signal(self, response: Response, nonce: str) -> list[Screen]:
        """The first answer to a danger signal; its last screen asks the follow-up question."""
        if response == "overdose":
            return self.overdose(nonce)
        if response == "injury":
            return [*self.first_aid(), *self.check_in(nonce)]
        if response == "thoughts":
            lines = self.lines(self.t.gettext(THOUGHTS), picker=False)
            return [*lines, self.safety_question(nonce, GENTLE_CHECK_IN)]
        return self.check_in(nonce)

    def check_in(self, nonce: str) -> list[Screen]:
        return [*self.lines(picker=False), self.safety_question(nonce)]

    def overdose(self, nonce: str) -> list[Screen]:
        """Call now, the steps, then the overdose line where there is one; "have you called?"."""
        where, t = self.where, self.t
        steps = overdose_card(t, where.place)
        first = Message(
            f"<b>{self._with_number(CALL_NOW)}</b>\n\n{steps}\n\n{self._text(OVERDOSE_SELF)}"
        )
        screens: list[Screen] = [first, *self.emergency_card()]
        blocks = drug_line_blocks(
            where.directory, where.region, where.subdivision, ("harm_reduction",), t
        )
        if blocks:
            heading = f"<b>{self._text(OVERDOSE_LINES)}</b>"
            screens.append(Message("\n\n".join([heading, *blocks])))
        return [*screens, self.called_question(nonce)]

    def first_aid(self) -> list[Screen]:
        card = medical_help_card(self.t, self.where.place)
        text = f"<b>{self._with_number(FIRST_AID)}</b>\n\n{card}"
        return [Message(text), *self.emergency_card()]

    def call_please(self, nonce: str) -> list[Screen]:
        return [
            Message(self._with_number(CALL_PLEASE)),
            *self.emergency_card(),
            self.called_question(nonce),
        ]

    def not_safe(self, mine: FromPlan, after: Sequence[Button]) -> list[Screen]:
        """The lines, the person's own people and first step; the bot stays with them.

        `after` are the buttons of the last message: what the person can do next.
        """
        t = self.t
        screens: list[Screen] = list(self.lines(t.gettext(NOT_SAFE_INTRO), picker=False))
        if mine.people:
            screens.append(Message(self._text(YOUR_PEOPLE)))
            screens += [ContactCard(name, phone) for name, phone in mine.people]
        if mine.first_step:
            screens.append(
                Message(self._text(YOUR_FIRST_STEP).format(step=html.escape(mine.first_step)))
            )
        if self.where.region is not None:
            return [*screens, Message(self._text(STAY), rows(*after))]
        # No country yet: one tap for each, with 112 and the directory link in the same
        # message when nothing of their own comes between.
        if len(screens) == 1:
            only = screens[0]
            assert isinstance(only, Message)
            return [self._with_picker(f"{only.html}\n\n{self._text(STAY)}", after)]
        return [*screens, self._with_picker(self._text(STAY), after)]
