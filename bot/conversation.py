"""The conversation service: one input from one person -> state saved -> screens to show.

Both adapters (Telegram and the terminal) call `Conversations.handle`. Each call opens
one transaction for that person, runs the pure flow engine (in `bot.turn`), commits, and
only then returns what to show, so every answer the bot acknowledges is already durable.
"""

from __future__ import annotations

import html
import logging
import secrets
from collections import OrderedDict

from bot import region_picker
from bot.crisis.detection import detect
from bot.crisis.response import (
    CALLED,
    CALLED_NOT_YET,
    RESPONSE_OF,
    SAFE,
    SAFE_OK,
    CrisisResponse,
    FromPlan,
    Whereabouts,
)
from bot.crisis_lines import crisis_lines, place_for
from bot.crypto import Unreadable
from bot.database import UNAVAILABLE, clear_leftovers
from bot.events import Command, Event, Press, Reply, Who
from bot.helplines import Directory
from bot.i18n import Catalogs
from bot.screens import Button, Message, Screen
from bot.store import Record, Store
from bot.tokens import ActionButton, FlowButton, action_token, parse
from bot.turn import Turn
from bot.wording import CANT_LOAD, CANT_SAVE, NOT_DONE
from flows.engine import (
    Engine,
    Typed,
)

log = logging.getLogger(__name__)

Remembered = tuple[str | None, str | None, str | None]  # region, subdivision, language


class Conversations:
    def __init__(
        self,
        store: Store,
        engines: dict[str, Engine],
        catalogs: Catalogs,
        directory: Directory,
    ) -> None:
        self.store = store
        self.engines = engines
        self.catalogs = catalogs
        self.directory = directory
        # Region and language only, so crisis lines still show when the database is down.
        self._recent: OrderedDict[str, Remembered] = OrderedDict()
        # False while the database is not ready (down at start): crisis lines only till then.
        self.storage_ready = True

    async def handle(self, who: Who, event: Event) -> Reply:
        if not self.storage_ready:
            return self._storage_down(who, event)
        try:
            async with self.store.open(who.key, who.update_id) as record:
                turn = Turn(self, record, who)
                # Delivered again (e.g. after a crash before Telegram heard it was handled): the
                # answer is already in; show where they are, in case the reply never went out.
                screens = turn.carry_on() if record.duplicate else await turn.run(event)
        except Unreadable:
            log.error("a stored record can't be decrypted: serving crisis lines only")
            return self._storage_down(who, event, await self._stored_place(who.key))
        except UNAVAILABLE as error:
            log.error("storage unavailable: %s", type(error).__name__)
            return self._storage_down(who, event)
        if record.erased:
            await self._clear_leftovers()
        self._remember(who.key, record)
        return Reply(screens, in_place=turn.fresh_press and len(screens) == 1, urgent=turn.urgent)

    def _remember(self, key: str, record: Record) -> None:
        if record.erased:
            self._recent.pop(key, None)
            return
        p = record.person
        self._recent[key] = (p.region, p.subdivision, p.language)
        self._recent.move_to_end(key)
        while len(self._recent) > 10_000:
            self._recent.popitem(last=False)

    def _crisis_without_storage(
        self, event: Event, region: str | None, subdivision: str | None, language: str
    ) -> list[Screen] | None:
        """A danger signal, or an answer to a safety question, still gets its response."""
        t = self.catalogs.translator(language)
        place = place_for(self.directory, region, subdivision, t)
        response = CrisisResponse(
            Whereabouts(self.directory, region, subdivision, language, place), t
        )
        nonce = secrets.token_hex(3)
        if isinstance(event, Typed):
            found = detect(event.text, language)
            return response.to_signal(RESPONSE_OF[found.kind], nonce) if found else None
        tapped = parse(event.token) if isinstance(event, Press) else None
        if not isinstance(tapped, ActionButton) or tapped.name not in (SAFE, CALLED):
            return None
        choice = tapped.arg.partition(":")[2]
        if tapped.name == CALLED:
            return response.call_please(nonce) if choice == CALLED_NOT_YET else response.lines()
        if choice == SAFE_OK:
            return None
        sos = Button(t.pgettext("button", "Crisis lines"), action_token("sos"))
        return response.not_safe(FromPlan(), [sos])

    async def _stored_place(self, key: str) -> Remembered | None:
        """Region and language from the person's row (not encrypted), when their plan won't open."""
        try:
            return await self.store.place(key)
        except UNAVAILABLE:
            return None

    async def _clear_leftovers(self) -> None:
        try:
            await clear_leftovers(self.store.engine)
        except UNAVAILABLE as error:
            log.warning(
                "erased; old copies stay on disk until a later checkpoint: %s", type(error).__name__
            )

    def _storage_down(self, who: Who, event: Event, stored: Remembered | None = None) -> Reply:
        """Without the database: crisis lines from what we remember, or a one-tap region choice.

        Nothing can be saved, so a region tapped now is used for this answer only. Any other
        press says that nothing happened, and its buttons stay to be pressed again.
        """
        region, subdivision, language = stored or self._recent.get(who.key, (None, None, None))
        language = self.catalogs.negotiate(language, who.language_hint)
        t = self.catalogs.translator(language)
        crisis = self._crisis_without_storage(event, region, subdivision, language)
        if crisis is not None:
            return Reply(crisis, urgent=True)
        tapped = parse(event.token) if isinstance(event, Press) else None
        if isinstance(tapped, ActionButton) and tapped.name == region_picker.REGION:
            region, subdivision = tapped.arg, None
        screens = crisis_lines(self.directory, region, subdivision, t, language)
        note = _storage_down_note(event, tapped)
        if note is not None:
            screens.append(Message(html.escape(t.gettext(note))))
        if region is None:
            screens.append(region_picker.ask_region(t, language))
        return Reply(screens, urgent=True, keep_pressed_buttons=note == NOT_DONE)


def _storage_down_note(event: Event, tapped: FlowButton | ActionButton | None) -> str | None:
    """What to say after the crisis lines when storage is down: nothing after /sos."""
    if isinstance(tapped, ActionButton):
        if tapped.name in ("sos", "safe", region_picker.REGION):
            return None
        if tapped.name == "myplan":
            return CANT_LOAD
    if isinstance(event, Press):
        return NOT_DONE
    if isinstance(event, Command) and event.name == "sos":
        return None
    if isinstance(event, Command) and event.name == "myplan":
        return CANT_LOAD
    return CANT_SAVE
