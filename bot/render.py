"""Turns engine replies and plans into screens, in the person's language.

Everything a person typed is escaped here, once, before it meets any markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.i18n import Translator
from bot.screens import Button, Buttons, Message
from bot.tokens import flow_token
from flows.engine import (
    BACK,
    CONTINUE,
    DONE,
    EDIT_PREFIX,
    REMOVE_PREFIX,
    SAVE,
    SKIP,
    Engine,
    Snapshot,
    item_fingerprint,
)
from flows.harm_reduction import MEDICAL_HELP, OVERDOSE
from flows.model import LIST_KINDS, N_, AnswerKind, Answers, Flow, Step

TEXT_LIMIT = 4096
_TAG = re.compile(r"<[^>]+>")
REMOVE_LABEL_CHARS = 28
NOTHING_YET = N_("Nothing here yet.")
SO_FAR = N_("So far:")
SERVICE_PREFIX = "svc:"  # a local service picked as an answer; the service turns it into one

Dialer = Callable[[str], str]  # writes a phone number so a tap dials it


def visible_length(markup: str) -> int:
    """Telegram counts UTF-16 units after parsing HTML: tags are free, &amp; is one, 😀 two."""
    return len(html.unescape(_TAG.sub("", markup)).encode("utf-16-le")) // 2


def pack(blocks: Iterable[str], limit: int = TEXT_LIMIT - 96) -> list[str]:
    """Packs blocks into as few messages as fit, splitting only between lines.

    Every line is a whole item, already escaped and tagged, so no tag spans two
    messages. A margin under Telegram's limit leaves room for headings.
    """
    messages: list[str] = []
    current = ""
    for block in blocks:
        for piece in _fit(block, limit):
            joined = f"{current}\n\n{piece}" if current else piece
            if visible_length(joined) <= limit:
                current = joined
            else:
                messages.append(current)
                current = piece
    if current:
        messages.append(current)
    return messages


def _fit(block: str, limit: int) -> list[str]:
    if visible_length(block) <= limit:
        return [block]
    pieces: list[str] = []
    current = ""
    for line in block.split("\n"):
        joined = f"{current}\n{line}" if current else line
        if visible_length(joined) <= limit:
            current = joined
        else:
            if current:
                pieces.append(current)
            current = line
    if current:
        pieces.append(current)
    return pieces


def item_text(step: Step, item: Any, t: Translator, dial: Dialer) -> str:
    """One answer, as HTML. Suggestions are translated; own words are escaped."""
    if isinstance(item, dict) and "id" in item:
        option = step.option(item["id"])
        return html.escape(t.gettext(option.label)) if option else ""
    if isinstance(item, dict) and "name" in item:
        name = html.escape(item.get("name") or "")
        phone = item.get("phone")
        return f"{name}: {html.escape(dial(phone))}" if phone else name
    if isinstance(item, dict):
        return html.escape(str(item.get("text", "")))
    if isinstance(item, str):
        option = step.option(item)
        return html.escape(t.gettext(option.label) if option else item)
    return ""


def items_of(step: Step, answers: Mapping[str, Any]) -> list[Any]:
    answer = answers.get(step.id)
    if answer is None:
        return []
    return list(answer) if isinstance(answer, list) else [answer]


@dataclass(frozen=True)
class Place:
    """What rendering needs to know about where the person is."""

    dial: Dialer  # writes a phone number so a tap dials it
    emergency: str  # the emergency number, or words for it where the region is unknown
    helplines: Callable[[tuple[str, ...]], list[str]]  # the region's lines of these kinds
    services: tuple[str, ...] = ()  # names of local services to suggest, from an outreach link
    # The region's main crisis line on one line (or where to find one), for a plan section
    # that lists it among the people to contact.
    crisis_line: str | None = None


def card_text(step: Step, t: Translator, place: Place) -> str:
    """A step's card, its paragraphs translated, with the emergency number in bold."""
    emergency = f"<b>{html.escape(place.emergency)}</b>"
    return "\n\n".join(
        html.escape(t.gettext(paragraph)).format(emergency=emergency) for paragraph in step.card
    )


def listed_items(step: Step, answers: Mapping[str, Any]) -> list[tuple[int, Any]]:
    """Answers shown under a question, with their places: ticked options show as ticks.

    An option no longer offered (its area unticked) has no button to show its tick, so it
    is listed like own words, where it can be removed.
    """
    if step.kind not in LIST_KINDS:
        return []
    ticks = step.kind in (AnswerKind.MULTI, AnswerKind.CHECKLIST)
    offered = {o.id for o in step.offered(answers)} if ticks else set()
    return [
        (i, item)
        for i, item in enumerate(items_of(step, answers))
        if not (isinstance(item, dict) and item.get("id") in offered)
    ]


def section_lines(step: Step, answers: Mapping[str, Any], t: Translator, place: Place) -> list[str]:
    """What a section holds: its card, or the region's crisis line and the answers."""
    if step.card:
        return [card_text(step, t, place)]
    lines = [item_text(step, item, t, place.dial) for item in items_of(step, answers)]
    if step.crisis_line and place.crisis_line:
        lines.insert(0, place.crisis_line)
    return [f"• {line}" for line in lines if line]


def section_block(
    number: int | None, step: Step, answers: Mapping[str, Any], t: Translator, place: Place
) -> str:
    assert step.title is not None
    title = html.escape(t.gettext(step.title))
    heading = f"<b>{number}. {title}</b>" if number else f"<b>{title}</b>"
    lines = section_lines(step, answers, t, place)
    if not lines:
        lines = [f"<i>{html.escape(t.gettext(NOTHING_YET))}</i>"]
    return "\n".join([heading, *lines])


def overdose_card(t: Translator, place: Place) -> str:
    """What to do if someone overdoses, with the region's emergency number: the same block
    a harm reduction plan shows first, for anyone, with or without a plan."""
    return section_block(None, OVERDOSE, {}, t, place)


def medical_help_card(t: Translator, place: Place) -> str:
    """When to get medical help after self-harm, and burn first aid, with the region's
    emergency number: the block a harm reduction plan holds, for anyone."""
    return section_block(None, MEDICAL_HELP, {}, t, place)


def plan_blocks(
    engine: Engine,
    answers: Answers,
    t: Translator,
    place: Place,
    *,
    skip_empty: bool = False,
    leave_out: tuple[str, ...] = (),
) -> list[str]:
    """The plan's sections in order, one block each; the review also shows empty ones."""
    sections = engine.sections_in_plan(answers)
    return [
        section_block(n, s, answers, t, place)
        for n, s in enumerate(sections, 1)
        if s.id not in leave_out and not (skip_empty and not section_lines(s, answers, t, place))
    ]


def urgent_blocks(engine: Engine, answers: Answers, t: Translator, place: Place) -> list[str]:
    """Sections a plan puts first, right after the crisis lines (e.g. what to do in an
    overdose): rendered as `overdose_card` renders them, whatever else the plan holds."""
    return [
        section_block(None, s, answers, t, place)
        for s in engine.sections_in_plan(answers)
        if s.id in engine.flow.urgent
    ]


class StepRenderer:
    """Questions and the review, with their buttons."""

    def __init__(self, engine: Engine, t: Translator, place: Place) -> None:
        self.engine = engine
        self.flow: Flow = engine.flow
        self.t = t
        self.place = place
        self.dial = place.dial

    def _button(self, label: str, state: str, value: str) -> Button:
        return Button(label, flow_token(self.flow.code, self.flow.version, state, value))

    def ask(self, snap: Snapshot) -> list[Message]:
        t = self.t
        step = self.flow.step(snap.state)
        parts: list[str] = []
        if step.is_section:
            assert step.title is not None
            n, of = self.engine.position(step.id, snap.answers)
            heading = t.gettext("Step {n} of {total}").format(n=n, total=of)
            parts.append(f"<b>{heading} · {html.escape(t.gettext(step.title))}</b>")
        parts.append(t.gettext(step.prompt))
        if step.crisis_line and self.place.crisis_line:
            parts.append(self.place.crisis_line)
        listed = listed_items(step, snap.answers)
        if listed:
            lines = "\n".join(f"• {item_text(step, i, t, self.dial)}" for _, i in listed)
            parts.append(f"{html.escape(t.gettext(SO_FAR))}\n{lines}")
        if step.card:
            parts.append(card_text(step, t, self.place))
        parts += self.place.helplines(step.lines) if step.lines else []
        if step.hint:
            parts.append(f"<i>{t.gettext(step.hint)}</i>")
        texts = pack(parts)
        *first, last = texts
        return [Message(text) for text in first] + [Message(last, self._buttons(step, snap))]

    def _buttons(self, step: Step, snap: Snapshot) -> Buttons:
        t, state = self.t, step.id
        items = items_of(step, snap.answers)
        offered = step.offered(snap.answers)
        rows: list[tuple[Button, ...]] = []
        if step.kind == AnswerKind.INFO:
            rows.append((self._button(t.pgettext("button", "Continue"), state, CONTINUE),))
        elif step.kind in (AnswerKind.CHOICE, AnswerKind.YES_NO):
            rows += [(self._button(t.gettext(o.label), state, o.id),) for o in offered]
        elif step.kind in (AnswerKind.CHECKLIST, AnswerKind.MULTI):
            for option in offered:
                ticked = {"id": option.id} in items
                label = ("✓ " if ticked else "") + t.gettext(option.label)
                rows.append((self._button(label, state, option.id),))
        elif step.kind == AnswerKind.LIST:
            rows += [
                (self._button(t.gettext(o.label), state, o.id),)
                for o in offered
                if {"id": o.id} not in items
            ]
        if step.local_services:
            rows += [
                (self._button(name[:60], state, f"{SERVICE_PREFIX}{i}"),)
                for i, name in enumerate(self.place.services)
                if not any(name in html.unescape(item_text(step, x, t, self.dial)) for x in items)
            ]
        listed = listed_items(step, snap.answers)
        if listed:
            rows += self._remove_buttons(step, listed if snap.editing else listed[-1:])
        controls = []
        if self.engine.can_go_back(snap):
            controls.append(self._button(t.pgettext("button", "‹ Back"), state, BACK))
        if step.optional and not items:
            controls.append(self._button(t.pgettext("button", "Skip"), state, SKIP))
        if step.kind in (AnswerKind.LIST, AnswerKind.CONTACTS, AnswerKind.CHECKLIST) or (
            step.kind == AnswerKind.MULTI
        ):
            controls.append(self._button(t.pgettext("button", "Done ›"), state, DONE))
        if controls:
            rows.append(tuple(controls))
        return tuple(rows)

    def _remove_buttons(self, step: Step, chosen: list[tuple[int, Any]]) -> list[tuple[Button]]:
        """While editing, every item can be removed; while building, the last one."""
        out = []
        for index, item in chosen:
            text = html.unescape(item_text(step, item, self.t, self.dial))
            if len(text) > REMOVE_LABEL_CHARS:
                text = text[: REMOVE_LABEL_CHARS - 1] + "…"
            label = self.t.gettext("✕ Remove: {item}").format(item=text)
            value = f"{REMOVE_PREFIX}{index}:{item_fingerprint(item)}"
            out.append((self._button(label, step.id, value),))
        return out

    def review(self, snap: Snapshot) -> list[Message]:
        t = self.t
        intro = "<b>{}</b>\n{}".format(
            html.escape(t.gettext("Here is your plan.")),
            html.escape(t.gettext("Read it through. You can change any part, then save it.")),
        )
        texts = pack([intro, *plan_blocks(self.engine, snap.answers, t, self.place)])
        buttons: list[tuple[Button, ...]] = [
            (self._button(t.pgettext("button", "✓ Save my plan"), "review", SAVE),)
        ]
        for number, section in enumerate(self.engine.sections_in_plan(snap.answers), 1):
            assert section.title is not None
            label = t.gettext("✎ {number}. {title}").format(
                number=number, title=t.gettext(section.title)
            )
            buttons.append((self._button(label, "review", EDIT_PREFIX + section.id),))
        buttons.append((self._button(t.pgettext("button", "‹ Back"), "review", BACK),))
        *first, last = texts
        return [Message(text) for text in first] + [Message(last, tuple(buttons))]
