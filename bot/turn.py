"""One input from one person, handled inside their open transaction."""

from __future__ import annotations

import html
import secrets
from typing import TYPE_CHECKING

from babel import Locale

from bot import region_picker
from bot.crisis.detection import detect
from bot.crisis.response import CALLED, SAFE
from bot.crisis.safety_answer import reads_as_safe
from bot.crisis_lines import crisis_lines, place_for
from bot.crisis_moment import KEEP, CrisisMoment
from bot.events import Command, Event, Press, Unsupported, Who
from bot.helplines import region_display_name
from bot.i18n import Translator
from bot.outreach import Organisation, OutreachLink, offer_label, organisation
from bot.regions import (
    is_country_code,
    match_country,
    subdivision_hint,
    subdivisions_that_matter,
)
from bot.render import SERVICE_PREFIX, Place, StepRenderer, pack, plan_blocks, urgent_blocks
from bot.screens import Button, Message, Screen, rows
from bot.store import Draft, Record, SavedPlan
from bot.tokens import ActionButton, FlowButton, action_token, parse, small_number
from bot.wording import (
    CANT_READ,
    CONTACT_NOT_HERE,
    EDITING_SAVED,
    EDITS_IGNORED,
    HELP,
    KEPT,
    NO_PLAN_YET,
    NOT_IN_A_PLAN,
    NOTHING_TO_CANCEL,
    STALE_BUTTON,
    UNKNOWN_COMMAND,
)
from flows import FLOWS
from flows.engine import (
    NEEDS_BUTTON,
    REVIEW,
    REVIEW_BUTTONS,
    ContactShared,
    Effect,
    Engine,
    HandOff,
    Input,
    Notice,
    Outcome,
    Pressed,
    Saved,
    ShowReview,
    Snapshot,
    Typed,
)
from flows.entry import NOT_SAFE_EFFECT, SAFE_NOW_STEP
from flows.model import AnswerKind, Option

if TYPE_CHECKING:
    from bot.conversation import Conversations

ENTRY = "entry"
PAUSED = "paused"  # after /cancel: the plan waits until they carry on
# Replies to free text the bot cannot place: each ends with a way out.
FALLBACKS = frozenset({NEEDS_BUTTON, REVIEW_BUTTONS})
PLAN_ORDER = ("safety_plan", "harm_reduction")


def language_name(code: str) -> str:
    """A language named in itself, e.g. 'Українська', so anyone can find their own."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


class Turn:
    """Handles one input for one person, inside their open transaction."""

    def __init__(self, service: Conversations, record: Record, who: Who) -> None:
        self.service = service
        self.record = record
        self.person = record.person
        self.language = service.catalogs.negotiate(self.person.language, who.language_hint)
        self.t: Translator = service.catalogs.translator(self.language)
        self.fresh_press = False  # a button of the current step, not an old one
        self.urgent = False  # a crisis reply: it goes out before any other
        # What the person wrote that set off a crisis response, held out of the plan: it
        # lasts one more turn, for "add what I wrote to my plan".
        self.held_over: str | None = None

    @property
    def crisis(self) -> CrisisMoment:
        return CrisisMoment(self)

    # --- dispatch --------------------------------------------------------------------

    async def run(self, event: Event) -> list[Screen]:
        if self.record.draft is not None:
            self.held_over, self.record.draft.held = self.record.draft.held, None
        if isinstance(event, Unsupported) and event.text:
            found = self.crisis.signal(event.text, None)
            if found is not None:  # an edit or a caption is never an answer, but it is heard
                return self.crisis.respond(found, event.text, None)
        pending = self.person.pending
        if not isinstance(event, Press):
            self.person.pending = None
        match event:
            case Command(name="start", arg=arg):
                return await self.start(arg)
            case Command(name="myplan"):
                return await self.myplan()
            case Command(name="sos"):
                return self.sos()
            case Command(name="help"):
                return [self.say(HELP), *self.carry_on()]
            case Command(name="cancel"):
                return self.cancel()
            case Command(name="delete"):
                return self.ask_delete()
            case Command(name="region"):
                return [region_picker.ask_region(self.t, self.language)]
            case Command(name="language"):
                return [self.ask_language()]
            case Command():
                return [self.say(UNKNOWN_COMMAND, way_out=True), *self.carry_on()]
            case Press(token=token):
                return await self.press(token)
            case Typed(text=text) if pending and pending.startswith((f"{SAFE}:", f"{CALLED}:")):
                return await self.crisis.typed_answer(pending, text)
            case Typed() | ContactShared() if pending == PAUSED:
                self.person.pending = PAUSED  # until they carry on
                return await self.answer(event, paused=True)
            case Typed(text=text) if pending == "region_text" and not detect(text, self.language):
                return self.typed_country(text)
            case Typed() | ContactShared():
                return await self.answer(event)
            case Unsupported(what="edit"):
                return [self.say(EDITS_IGNORED), *self.carry_on()]
            case Unsupported():
                return [self.say(CANT_READ, way_out=True), *self.carry_on()]
        return self.carry_on()  # pragma: no cover - every event kind is matched above

    async def press(self, token: str) -> list[Screen]:
        button = parse(token)
        if isinstance(button, FlowButton):
            draft = self.draft()
            flow = FLOWS.get(draft.flow) if draft else None
            if draft and flow and (flow.code, flow.version) == (button.code, button.version):
                self.fresh_press = button.state == draft.snapshot.state
                if button.value.startswith(SERVICE_PREFIX) and self.fresh_press:
                    return await self.pick_service(button.value.removeprefix(SERVICE_PREFIX))
                return await self.step(Pressed(button.state, button.value))
        if isinstance(button, ActionButton):
            return await self.action(button)
        return [self.say(STALE_BUTTON), *self.carry_on()]

    async def action(self, button: ActionButton) -> list[Screen]:
        name, arg = button.name, button.arg
        nonce, _, choice = arg.partition(":")
        if name == "delete" and self.person.pending == f"delete:{nonce}":
            self.person.pending = None
            return await self.delete() if choice == "yes" else [self.say(KEPT), *self.carry_on()]
        if name in (SAFE, CALLED):
            return await self.crisis.answered(name, arg)
        if name == KEEP:
            held = self.crisis.keep(arg)
            return await self.step(held) if held is not None else self.carry_on()
        if name == "resume" and self.person.pending == f"resume:{nonce}" and choice == "restart":
            self.person.pending = None
            self.record.draft = None
            return self.begin(ENTRY)
        if name == "resume":
            self.person.pending = None
            return self.carry_on()
        if name == "myplan":
            return await self.myplan()
        if name == "sos":
            return self.sos()
        if name == "begin":
            return self.start_over()
        if name == "edit" and arg in PLAN_ORDER:
            return await self.edit_plan(arg)
        if name == "lang" and arg in self.service.catalogs.languages:
            self.person.language = arg
            self.language, self.t = arg, self.service.catalogs.translator(arg)
            said = self.t.gettext("I'll speak {language} with you from now on.").format(
                language=language_name(arg)
            )
            return [Message(html.escape(said)), *self.carry_on()]
        if name == region_picker.REGION:
            return self.set_region(arg)
        if name == region_picker.SUBDIVISION:
            return self.set_subdivision(arg)
        if name == region_picker.OTHER:
            self.person.pending = "region_text"
            return [region_picker.ask_country_name(self.t)]
        if name == region_picker.SKIP:
            self.person.pending = None
            return self.carry_on()
        return [self.say(STALE_BUTTON), *self.carry_on()]

    # --- commands --------------------------------------------------------------------

    async def start(self, payload: str) -> list[Screen]:
        """/start, perhaps from an outreach link that sets language, region and a plan."""
        link = OutreachLink.decode(payload) if payload else None
        if link is None:
            return self.start_over()
        self.person.start_payload = payload
        catalogs = self.service.catalogs
        if link.language in catalogs.languages:
            self.person.language = link.language
            self.language, self.t = link.language, catalogs.translator(link.language)
        if link.region:
            self.person.region, self.person.subdivision = link.region, link.subdivision
        org = organisation(link.org)
        if org is None:
            return self.start_over()
        self.record.note_outreach("opened", org=org.code)
        hello = self.t.gettext("Welcome. {organisation} shared this bot with you.").format(
            organisation=html.escape(org.name)
        )
        if link.plan and self.record.draft is None:
            return [Message(f"<b>{hello}</b>"), *self.begin(f"entry_{link.plan}")]
        return [Message(f"<b>{hello}</b>"), *self.start_over()]

    def start_over(self) -> list[Screen]:
        draft = self.draft()
        if draft and FLOWS[draft.flow].saves_plan:
            nonce = secrets.token_hex(3)
            self.person.pending = f"resume:{nonce}"
            title = self.t.gettext(FLOWS[draft.flow].title)
            text = self.t.gettext(
                "Welcome back. You have a plan in progress: {title}. "
                "Would you like to continue where you left off, or start again?"
            ).format(title=html.escape(title))
            buttons = rows(
                self.button(
                    self.t.pgettext("button", "Continue where I left off"),
                    "resume",
                    f"{nonce}:continue",
                ),
                self.button(self.t.pgettext("button", "Start again"), "resume", f"{nonce}:restart"),
            )
            return [Message(text, buttons)]
        return self.begin(ENTRY)

    async def myplan(self) -> list[Screen]:
        """Crisis lines first; then what a plan says to do in an emergency; then the plans."""
        self.urgent = True
        t, place = self.t, self.place
        plans = await self.record.latest_plans()
        shown = [
            (plans[kind], self.service.engines[kind])
            for kind in PLAN_ORDER
            if kind in plans and kind in self.service.engines
        ]
        kinds = {"crisis"}
        for plan, engine in shown:
            for section in engine.sections_in_plan(plan.answers):
                kinds.update(section.lines)
        screens: list[Screen] = list(self.crisis_lines(kinds=tuple(sorted(kinds))))
        urgent = [
            b for plan, engine in shown for b in urgent_blocks(engine, plan.answers, t, place)
        ]
        screens += [Message(text) for text in pack(urgent)]
        for plan, engine in shown:
            heading = "<b>{}</b>\n<i>{}</i>".format(
                html.escape(t.gettext(engine.flow.title).upper()),
                html.escape(
                    t.gettext("Version {version}, saved {date}").format(
                        version=plan.version, date=plan.created_at.strftime("%Y-%m-%d")
                    )
                ),
            )
            body = plan_blocks(
                engine, plan.answers, t, place, skip_empty=True, leave_out=engine.flow.urgent
            )
            screens += [Message(text) for text in pack([heading, *body])]
        services = self.services_block()
        if services and plans:
            screens += [Message(text) for text in pack([services])]
        if not plans:
            screens.append(self.say(NO_PLAN_YET))
        if self.person.region is None:
            return [*screens, region_picker.ask_region(t, self.language)]
        if self.record.draft is None and plans:
            return [*screens, self.plan_menu(list(plans))]
        return [*screens, *self.carry_on()]

    def ask_language(self) -> Message:
        buttons = [
            self.button(language_name(code), "lang", code)
            for code in self.service.catalogs.languages
        ]
        return Message(
            html.escape(self.t.gettext("Which language would you like?")), rows(*buttons)
        )

    @property
    def organisation(self) -> Organisation | None:
        """The organisation whose link this person came by, if any."""
        link = OutreachLink.decode(self.person.start_payload or "")
        return organisation(link.org) if link else None

    async def pick_service(self, value: str) -> list[Screen]:
        """A local service tapped as a suggestion: added as if the person had typed it."""
        services = self.organisation.services if self.organisation else ()
        index = small_number(value)
        if index is None or index >= len(services):
            return [self.say(STALE_BUTTON), *self.carry_on()]
        service = services[index]
        draft = self.draft()
        assert draft is not None
        step = self.service.engines[draft.flow].flow.step(draft.snapshot.state)
        if step.kind == AnswerKind.CONTACTS and service.phone:
            return await self.step(ContactShared(service.name, service.phone))
        details = [service.name]
        if service.offers:
            details.append(", ".join(offer_label(o, self.t) for o in service.offers))
        details += [x for x in (service.address, service.hours) if x]
        return await self.step(Typed(" · ".join(details)))

    def services_block(self) -> str | None:
        """The organisation's local services, under the person's own, in /myplan."""
        org = self.organisation
        if org is None or not org.services:
            return None
        heading = self.t.gettext("Local services from {organisation}").format(organisation=org.name)
        entries = []
        for service in org.services:
            lines = [f"<b>{html.escape(service.name)}</b>"]
            if service.dial_number:
                lines.append(
                    self.t.gettext("call {number}").format(number=html.escape(service.dial_number))
                )
            lines += [html.escape(x) for x in (service.address, service.hours) if x]
            if service.offers:
                lines.append(html.escape(", ".join(offer_label(o, self.t) for o in service.offers)))
            entries.append("\n".join(lines))
        return "\n\n".join([f"<b>{html.escape(heading)}</b>", *entries])

    def sos(self) -> list[Screen]:
        """Crisis lines at once, then back to where the person was (or a region choice)."""
        self.urgent = True
        lines = self.crisis.response.lines()
        return lines if self.person.region is None else [*lines, *self.carry_on()]

    def plan_menu(self, kinds: list[str]) -> Message:
        buttons = [
            self.button(f"✎ {self.t.gettext(FLOWS[k].title)}", "edit", k)
            for k in PLAN_ORDER
            if k in kinds
        ]
        buttons.append(self.button(self.t.pgettext("button", "Crisis lines"), "sos"))
        text = self.t.gettext(
            "Send /myplan any time to see this again. You can change your plan whenever "
            "you like; earlier versions are kept."
        )
        return Message(html.escape(text), rows(*buttons))

    def cancel(self) -> list[Screen]:
        if self.record.draft is None:
            return [self.say(NOTHING_TO_CANCEL), self.home()]
        self.person.pending = PAUSED
        return [self.paused()]

    def paused(self) -> Message:
        """The plan waits: what they type now is not filed as an answer."""
        text = html.escape(
            self.t.gettext(
                "Okay, we'll stop here for now. Your answers are kept: /start picks up where "
                "you left off, and /myplan shows your saved plan."
            )
        )
        return Message(text, rows(self.button(self.t.pgettext("button", "Continue now"), "resume")))

    def ask_delete(self) -> list[Screen]:
        nonce = secrets.token_hex(3)
        self.person.pending = f"delete:{nonce}"
        text = html.escape(
            self.t.gettext(
                "This erases everything I keep about you: your plans, their earlier versions, "
                "and any answers in progress. It can't be undone. Delete everything?"
            )
        )
        buttons = rows(
            self.button(
                self.t.pgettext("button", "Yes, delete everything"), "delete", f"{nonce}:yes"
            ),
            self.button(self.t.pgettext("button", "No, keep it"), "delete", f"{nonce}:no"),
        )
        return [Message(text, buttons)]

    async def delete(self) -> list[Screen]:
        await self.record.erase()
        text = html.escape(
            self.t.gettext(
                "Done. Everything I kept about you is erased. If you want to make a plan "
                "again one day, I'm here."
            )
        )
        return [
            Message(
                text,
                rows(self.button(self.t.pgettext("button", "Make a new plan"), "begin")),
            )
        ]

    async def edit_plan(self, kind: str) -> list[Screen]:
        draft = self.draft()
        if draft is not None and FLOWS[draft.flow].saves_plan:
            return self.carry_on()
        return await self.open_plan(kind)

    async def open_plan(self, kind: str) -> list[Screen]:
        """A plan to work on: the saved one opened for review, or a new one."""
        return self.begin(kind, (await self.record.latest_plans()).get(kind))

    # --- flows -----------------------------------------------------------------------

    def draft(self) -> Draft | None:
        """The draft, brought up to the flow's current version if it was made under another."""
        draft = self.record.draft
        if draft is None or draft.flow not in self.service.engines:
            return None
        engine = self.service.engines[draft.flow]
        if draft.flow_version != engine.flow.version:
            answers = {k: v for k, v in draft.snapshot.answers.items() if k in engine.flow.by_id}
            state = draft.snapshot.state
            if state != REVIEW and state not in engine.flow.by_id:
                state = engine.flow.steps[0].id
            draft = Draft(draft.flow, engine.flow.version, Snapshot(state, answers))
            self.record.draft = draft
        return draft

    def begin(self, flow_id: str, saved: SavedPlan | None = None) -> list[Screen]:
        engine = self.service.engines[flow_id]
        outcome = engine.start(saved.answers if saved is not None else None)
        screens = self.apply(flow_id, outcome)
        if saved is not None:
            screens.insert(0, self.say(EDITING_SAVED))
        if engine.flow.saves_plan and self.person.region is None:
            return [region_picker.ask_region(self.t, self.language)]
        return screens

    async def answer(self, event: Typed | ContactShared, *, paused: bool = False) -> list[Screen]:
        """An answer in a flow, first checked for signs of danger now.

        `paused`: after /cancel, words are read as outside a plan until they carry on.
        """
        draft = None if paused else self.draft()
        crisis = self.crisis
        if isinstance(event, Typed):
            found = crisis.signal(event.text, draft)
            if found is not None:
                return crisis.respond(found, event.text, draft)
        if draft is None:
            then = self.paused() if paused else self.home()
            return [self.say(NOT_IN_A_PLAN, way_out=True), then]
        engine = self.service.engines[draft.flow]
        state = draft.snapshot.state
        if state != REVIEW:
            step = engine.flow.step(state)
            if isinstance(event, ContactShared) and step.kind != AnswerKind.CONTACTS:
                return [self.say(CONTACT_NOT_HERE), *self.carry_on()]
            if isinstance(event, Typed) and step.id == SAFE_NOW_STEP:
                # Only a clear "yes" reads as safe: anything else gets help.
                safe = reads_as_safe(event.text, self.language)
                return await self.step(Pressed(state, "yes" if safe else "no"))
            if isinstance(event, Typed):
                option = self._typed_option(step.options, event.text)
                if option and step.kind != AnswerKind.LIST:
                    return await self.step(Pressed(state, option))
        screens = await self.step(event)
        if isinstance(event, Typed) and crisis.thoughts_in_answer(event.text, draft):
            screens.insert(0, Message(crisis.if_this_is_now()))
        return screens

    def _typed_option(self, options: tuple[Option, ...], text: str) -> str | None:
        wanted = text.strip().casefold()
        return next((o.id for o in options if self.t.gettext(o.label).casefold() == wanted), None)

    async def step(self, event: Input) -> list[Screen]:
        draft = self.draft()
        if draft is None:
            return [self.say(STALE_BUTTON), *self.carry_on()]
        outcome = self.service.engines[draft.flow].handle(draft.snapshot, event)
        return await self.apply_async(draft.flow, outcome)

    async def apply_async(self, flow_id: str, outcome: Outcome) -> list[Screen]:
        """Like `apply`, plus what needs storage: saving, and handing over to a plan."""
        handoff = next((r for r in outcome.replies if isinstance(r, HandOff)), None)
        if Effect(NOT_SAFE_EFFECT) in outcome.replies:
            # The bot stays with the person: help now, and a plan only when they want one.
            self.keep_draft(flow_id, outcome.snapshot)
            return await self.crisis.not_safe(handoff.flow if handoff else None)
        if handoff is not None:
            rest = tuple(r for r in outcome.replies if r is not handoff)
            screens = self.apply(flow_id, Outcome(outcome.snapshot, rest))
            return screens + await self.open_plan(handoff.flow)
        if any(isinstance(r, Saved) for r in outcome.replies):
            engine = self.service.engines[flow_id]
            version = await self.record.save_plan(
                flow_id, engine.flow.version, outcome.snapshot.answers
            )
            self.record.draft = None
            self.record.note_outreach("saved", flow_id)
            return [self.saved_message(flow_id, version)]
        return self.apply(flow_id, outcome)

    def keep_draft(self, flow_id: str, snapshot: Snapshot) -> Engine:
        """The draft at its new state; what the crisis moment noted for this flow stays."""
        engine = self.service.engines[flow_id]
        previous = self.record.draft
        same = previous is not None and previous.flow == flow_id
        if engine.flow.saves_plan and not same:
            self.record.note_outreach("started", flow_id)
        self.record.draft = Draft(
            flow_id,
            engine.flow.version,
            snapshot,
            previous.checked_in if previous and same else None,
            previous.held if previous and same else None,
        )
        return engine

    def apply(self, flow_id: str, outcome: Outcome) -> list[Screen]:
        engine = self.keep_draft(flow_id, outcome.snapshot)
        renderer = StepRenderer(engine, self.t, self.place)
        screens: list[Screen] = []
        for reply in outcome.replies:
            match reply:
                case Notice(msgid=msgid):
                    screens.append(self.say(msgid, way_out=msgid in FALLBACKS))
                case Effect():
                    pass  # the only effect, "not safe", is answered in `apply_async`
                case ShowReview():
                    screens += renderer.review(outcome.snapshot)
                case _:
                    screens += renderer.ask(outcome.snapshot)
        return screens

    def saved_message(self, flow_id: str, version: int) -> Message:
        t = self.t
        title = t.gettext(FLOWS[flow_id].title)
        if version == 1:
            first = t.gettext("Your plan is saved: {title}.").format(title=title)
        else:
            first = t.gettext(
                "Your plan is saved: {title}, version {version}. Earlier versions are kept."
            ).format(title=title, version=version)
        tip = t.gettext(
            "Send /myplan any time, day or night: it shows crisis lines first, then your "
            "plan. It can help to keep a copy on paper too, in case you lose your phone."
        )
        buttons = rows(
            self.button(t.pgettext("button", "Show my plan"), "myplan"),
            self.button(t.pgettext("button", "Crisis lines"), "sos"),
        )
        return Message(f"<b>{html.escape(first)}</b>\n\n{html.escape(tip)}", buttons)

    # --- region ----------------------------------------------------------------------

    def set_region(self, code: str) -> list[Screen]:
        if not is_country_code(code):
            return [self.say(STALE_BUTTON), *self.carry_on()]
        self.person.region, self.person.subdivision = code, None
        self.person.pending = None
        subdivisions = subdivisions_that_matter(code)
        if subdivisions:
            return [region_picker.ask_subdivision(code, subdivisions, self.t, self.language)]
        return self.region_set()

    def typed_country(self, text: str) -> list[Screen]:
        """A typed name: "Scotland" or "Québec" is taken at its word; a country is offered."""
        part = subdivision_hint(text)
        if part is not None:
            self.person.region, self.person.subdivision = part.split("-")[0], part
            return self.region_set()
        codes = match_country(text, self.language)
        if not codes:
            self.person.pending = "region_text"  # "try again" means typing it again
        return [region_picker.offer_matches(codes, self.t, self.language)]

    def set_subdivision(self, code: str) -> list[Screen]:
        region = self.person.region
        if region is None or not (code == region or code in subdivisions_that_matter(region)):
            return [self.say(STALE_BUTTON), *self.carry_on()]
        self.person.subdivision = None if code == region else code
        return self.region_set()

    def region_set(self) -> list[Screen]:
        assert self.person.region is not None
        country = region_display_name(self.person.region, self.language)
        note = self.t.gettext(
            "Thank you. I'll show crisis lines for {country}. You can change this with /region."
        ).format(country=country)
        return [*self.crisis_lines(note), *self.carry_on()]

    # --- shared pieces ---------------------------------------------------------------

    def crisis_lines(
        self, intro: str | None = None, kinds: tuple[str, ...] = ("crisis",)
    ) -> list[Screen]:
        """The crisis lines; `intro`, already in the person's language, heads the same message."""
        screens = crisis_lines(
            self.service.directory,
            self.person.region,
            self.person.subdivision,
            self.t,
            self.language,
            kinds=kinds,
        )
        first = screens[0]
        if intro and isinstance(first, Message):
            screens[0] = Message(f"{html.escape(intro)}\n\n{first.html}", first.buttons)
        return screens

    @property
    def place(self) -> Place:
        org = self.organisation
        return place_for(
            self.service.directory,
            self.person.region,
            self.person.subdivision,
            self.t,
            tuple(s.name for s in org.services) if org else (),
        )

    def carry_on(self) -> list[Screen]:
        """What ends a turn: the current question again, or the home menu."""
        draft = self.draft()
        if draft is None:
            return [self.home()]
        engine = self.service.engines[draft.flow]
        return self.apply(draft.flow, engine.current(draft.snapshot))

    def home(self) -> Message:
        t = self.t
        return Message(
            html.escape(t.gettext("What would you like to do?")),
            rows(
                self.button(t.pgettext("button", "Show my plan"), "myplan"),
                self.button(t.pgettext("button", "Make or change a plan"), "begin"),
                self.button(t.pgettext("button", "Crisis lines"), "sos"),
            ),
        )

    def button(self, label: str, action: str, arg: str = "") -> Button:
        """A button for an action outside the flows; `label` is already translated."""
        return Button(label, action_token(action, arg))

    def say(self, msgid: str, *, way_out: bool = False) -> Message:
        """A message; `way_out` ends it with the emergency number and /sos (for fallbacks)."""
        text = html.escape(self.t.gettext(msgid))
        return Message(f"{text}\n\n{self.crisis.way_out()}" if way_out else text)
