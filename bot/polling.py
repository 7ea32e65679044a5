"""Fetching updates from Telegram so that none is lost: confirmed only once handled.

PTB's Updater confirms an update (the next getUpdates offset) as soon as it is fetched, so a
crash before the turn was committed lost what the person had typed. Here the offset moves
past an update only once it has been handled: Telegram sends again whatever a crash cut
short, and `Store.open` recognises the ones whose turn was already committed.

Updates from one person are handled in order, different people at once (the application's
update processor, `OnePersonAtATime`). An update the library can't read is skipped and
logged by its id only: one odd update never stops the bot for everyone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Any, Self

import httpx
from telegram import Update
from telegram.ext import Application

log = logging.getLogger(__name__)

FIRST_BACKOFF = 0.25  # seconds after a failed getUpdates, doubling up to MAX_BACKOFF
MAX_BACKOFF = 2.0
# While turns are in flight Telegram answers at once with them (they are unconfirmed), so
# the next look for new updates waits for a turn to end, or BUSY_POLL at most; and at least
# BUSY_GAP, since each look carries every update in flight again.
BUSY_POLL = 0.2
BUSY_GAP = 0.05
STOP_GRACE = 5.0  # seconds turns in flight may take to finish when the bot stops


class GetUpdatesFailed(Exception):
    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"getUpdates failed with status {status}")
        self.retry_after = retry_after


class Polling:
    """Long polling for `application`, from `async with Polling(...)` until the block ends."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        allowed_updates: Sequence[str],
        timeout: int = 30,
    ) -> None:
        self._application = application
        self._allowed_updates = list(allowed_updates)
        self._timeout = timeout  # seconds a long poll waits for an update
        self._url = f"{application.bot.base_url}/getUpdates"
        self._client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, read=timeout + 10.0))
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._handled: set[int] = set()  # handled, but not yet below the offset Telegram has
        self._after: int | None = None  # one above the newest update fetched
        self._turn_ended = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None

    @property
    def offset(self) -> int | None:
        """Telegram forgets every update below this one: they are all handled."""
        return min(self._in_flight, default=self._after)

    async def __aenter__(self) -> Self:
        self._poller = asyncio.create_task(self._poll())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Ends the long poll at once; turns in flight finish, or stay unconfirmed."""
        assert self._poller is not None
        self._poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._poller
        if self._in_flight:
            _, unfinished = await asyncio.wait(self._in_flight.values(), timeout=STOP_GRACE)
            for task in unfinished:
                task.cancel()  # rolled back and left unconfirmed: Telegram sends it again
            await asyncio.gather(*unfinished, return_exceptions=True)
        with contextlib.suppress(httpx.HTTPError, GetUpdatesFailed):
            await self._fetch(hold=0, limit=1)  # confirms what was handled
        await self._client.aclose()

    async def _poll(self) -> None:
        backoff = FIRST_BACKOFF
        while True:
            self._turn_ended.clear()
            try:
                fetched = await self._fetch(hold=0 if self._in_flight else self._timeout)
            except (httpx.HTTPError, GetUpdatesFailed, ValueError) as error:
                retry_after = error.retry_after if isinstance(error, GetUpdatesFailed) else None
                wait = retry_after or backoff
                # The error's name or status only: an httpx message may carry the URL (token).
                reason = error if isinstance(error, GetUpdatesFailed) else type(error).__name__
                log.warning("getUpdates failed (%s); trying again in %.2f s", reason, wait)
                await asyncio.sleep(wait)
                backoff = min(backoff * 2, MAX_BACKOFF)
                continue
            backoff = FIRST_BACKOFF
            fresh = [self._take(update) for update in fetched]
            if self._in_flight and not any(fresh):
                await asyncio.sleep(BUSY_GAP)
                # Not asyncio.wait_for: in 3.11 it can swallow the cancel that stops polling.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(BUSY_POLL - BUSY_GAP):
                        await self._turn_ended.wait()

    async def _fetch(self, hold: int, limit: int = 100) -> list[dict[str, Any]]:
        """One getUpdates call, held up to `hold` seconds; confirms every update below `offset`."""
        offset = self.offset
        request: dict[str, Any] = {
            "timeout": hold,
            "limit": limit,
            "allowed_updates": self._allowed_updates,
        }
        if offset is not None:
            request["offset"] = offset
        response = await self._client.post(self._url, json=request)
        body = response.json()
        if not isinstance(body, dict):  # e.g. a proxy's error page that happens to be JSON
            raise GetUpdatesFailed(response.status_code, None)
        if not body.get("ok"):
            retry_after = (body.get("parameters") or {}).get("retry_after")
            raise GetUpdatesFailed(response.status_code, retry_after)
        if offset is not None:
            self._handled = {update_id for update_id in self._handled if update_id >= offset}
        result: list[dict[str, Any]] = body["result"]
        return result

    def _take(self, data: dict[str, Any]) -> bool:
        """Starts handling one fetched update; False if it is already being or was handled."""
        update_id = int(data["update_id"])
        self._after = update_id + 1
        if update_id in self._in_flight or update_id in self._handled:
            return False
        try:
            update = Update.de_json(data, self._application.bot)
        except Exception:  # any shape the library can't read
            # Never the content: it may hold what a person wrote, and who they are.
            log.error("update %s skipped: it could not be read", update_id)
            self._handled.add(update_id)
            return True
        self._in_flight[update_id] = asyncio.create_task(self._handle(update))
        return True

    async def _handle(self, update: Update) -> None:
        application = self._application
        try:
            await application.update_processor.process_update(
                update, application.process_update(update)
            )
        except Exception:
            log.exception("update %s failed", update.update_id)
        # Not reached when cancelled at shutdown: the update stays unconfirmed.
        del self._in_flight[update.update_id]
        self._handled.add(update.update_id)
        self._turn_ended.set()
