"""The conversation service: one input from one person -> state saved -> screens to show.

Both adapters (Telegram and the terminal) call `Conversations.handle`. Each call opens
one transaction for that person, runs the pure flow engine (in `bot.turn`), commits, and
only then returns what to show, so every answer the bot acknowledges is already durable.
"""

from __future__ import annotations

import html
import logging
from collections import OrderedDict

from sqlalchemy.exc import SQLAlchemyError

from bot import region_picker
from bot.crisis_lines import crisis_lines
from bot.events import Command, Event, Press, Reply, Who
from bot.helplines import Directory
from bot.i18n import Catalogs
from bot.screens import Message, Screen
from bot.store import Record, Store
from bot.tokens import ActionButton, parse
from bot.turn import Turn
from bot.wording import CANT_LOAD, CANT_SAVE
from flows.engine import (
    Engine,
)

log = logging.getLogger(__name__)


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
        self._recent: OrderedDict[str, tuple[str | None, str | None, str | None]] = OrderedDict()

    async def handle(self, who: Who, event: Event) -> Reply:
        try:
            async with self.store.open(who.key, who.update_id) as record:
                if record.duplicate:
                    return Reply([])
                turn = Turn(self, record, who)
                screens = await turn.run(event)
        except (SQLAlchemyError, OSError) as error:
            log.error("storage unavailable: %s", type(error).__name__)
            return Reply(self._storage_down(who, event))
        self._remember(who.key, record)
        sos = isinstance(event, Command) and event.name == "sos"
        return Reply(screens, in_place=turn.fresh_press and len(screens) == 1, urgent=sos)

    def _remember(self, key: str, record: Record) -> None:
        if record.erased:
            self._recent.pop(key, None)
            return
        p = record.person
        self._recent[key] = (p.region, p.subdivision, p.language)
        self._recent.move_to_end(key)
        while len(self._recent) > 10_000:
            self._recent.popitem(last=False)

    def _storage_down(self, who: Who, event: Event) -> list[Screen]:
        """Without the database: crisis lines from what we remember, or a one-tap region choice.

        Nothing can be saved, so a region tapped now is used for this answer only.
        """
        region, subdivision, language = self._recent.get(who.key, (None, None, None))
        language = self.catalogs.negotiate(language, who.language_hint)
        t = self.catalogs.translator(language)
        tapped = parse(event.token) if isinstance(event, Press) else None
        if isinstance(tapped, ActionButton) and tapped.name == region_picker.REGION:
            region, subdivision = tapped.arg, None
        lines = crisis_lines(self.directory, region, subdivision, t, language)
        if region is None:
            return [*lines, region_picker.ask_region(t, language)]
        if tapped is not None or (isinstance(event, Command) and event.name == "sos"):
            return lines
        myplan = isinstance(event, Command) and event.name == "myplan"
        return [*lines, Message(html.escape(t.gettext(CANT_LOAD if myplan else CANT_SAVE)))]
