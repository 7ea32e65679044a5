"""Every Bot API call but getUpdates passes through here: pacing, Telegram's 429s, retries.

Why our own rate limiter instead of PTB's ``AIORateLimiter``:

* One 429 for one chat halted every call for every chat (another person's /sos waited 19.6 s
  behind a stranger's flood wait), and its fixed 30 calls/s overall cap (Telegram's figure for
  bulk notifications, not for replies to people writing in) held the bot to ~22 updates/s.
* It retried only 429s: one 5xx, timeout or dropped connection lost the reply, /sos included.

What it does instead, for each call:

* Each chat is paced: about one message a second sustained after a burst of 20 (Telegram
  documents one a second per chat and tolerates short bursts; one reply showing a long plan
  is a burst). Edits and button answers are not messages and are not paced.
* A 429 pauses only the chat it names, for its ``retry_after``, and the call is made again.
  Only a 429 for a call without a chat (Telegram speaking about the bot as a whole) pauses
  every call.
* When Telegram refuses calls for several chats within a second, the bot has met an overall
  limit: for a while, calls to chats go out at most PRESSURE_RATE a second in total, in the
  order they became ready (none starves).
* Crisis replies (``rate_limit_args={"urgent": True}``, from ``Reply.urgent``) go first: they
  wait for no pace, only for a pause Telegram asked for; while one that may go is waiting, no
  other call goes before it. The calls they overtake pay for them: an urgent call still uses
  up its chat's and the overall allowance.
* 5xx answers, timeouts and network errors are retried with backoff (0.2 s, doubling, capped),
  a few times; crisis replies a few times more, and they follow more 429s. A send retried
  after a timeout may, rarely, arrive twice (Telegram had it, its answer was lost): for
  someone in crisis, twice beats never.
* Once the application stops (SIGTERM), a call that would wait longer than a short grace is
  given up and logged, so shutting down takes seconds, not a flood wait.

Nothing here reads what a message says; logs name the method and the kind of failure only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypedDict

from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError
from telegram.ext import BaseRateLimiter

log = logging.getLogger(__name__)

JSONResult = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, JSONResult]]

CHAT_RATE = 1.0  # messages a second to one chat, sustained
CHAT_BURST = 20.0  # messages to one chat at once before pacing starts (Telegram tolerates bursts)
PRESSURE_RATE = 25.0  # calls a second overall after Telegram refuses several chats at once
PRESSURE_BURST = 1.0
PRESSURE_CHATS = 3  # chats refused within PRESSURE_WINDOW that mean an overall limit
PRESSURE_WINDOW = 1.0
PRESSURE_HOLD = 60.0  # seconds the overall pace stays on after the last such refusal
FIRST_BACKOFF = 0.2
MAX_BACKOFF = 5.0
TRIES = 4  # per call, for 5xx / timeouts / network errors
URGENT_TRIES = 7
FLOOD_TRIES = 10  # 429s followed per call before giving up (crisis replies: twice as many)
SHUTDOWN_GRACE = 2.0  # seconds a call may still wait once the application stops
SLICE = 0.25  # longest single sleep, so a stop or a freed lane is noticed soon
YIELD = 0.02  # how often a plan-building call looks again while a crisis reply waits


class Priority(TypedDict, total=False):
    """What the adapter passes as ``rate_limit_args``."""

    urgent: bool


class Undelivered(TelegramError):
    """A call given up on because the bot is shutting down."""


@dataclass
class Bucket:
    """A token bucket: ``rate`` calls a second, ``burst`` at once; debt allowed for urgent calls."""

    rate: float
    burst: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.burst

    def refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def delay(self, now: float) -> float:
        """Seconds until one call may go (0 if it may go now)."""
        self.refill(now)
        return max(0.0, (1 - self.tokens) / self.rate)

    def take(self, now: float) -> None:
        self.refill(now)
        self.tokens = max(-self.burst, self.tokens - 1)

    def full(self, now: float) -> bool:
        self.refill(now)
        return self.tokens >= self.burst


@dataclass(eq=False)
class ChatState:
    pace: Bucket
    paused_until: float = 0.0
    waiting: int = 0


class Outbox(BaseRateLimiter[Priority]):
    """See the module docstring. ``pace=False`` keeps retries and 429s but paces nothing;
    ``lane=False`` treats crisis replies like any other (both for the benchmark)."""

    def __init__(self, *, pace: bool = True, lane: bool = True) -> None:
        self.pace = pace
        self.lane = lane
        self._chats: dict[int, ChatState] = {}
        self._paused_until = 0.0  # every call, after a 429 for a call without a chat
        self._pressure = Bucket(PRESSURE_RATE, PRESSURE_BURST)
        self._pressure_until = 0.0
        self._refusals: deque[tuple[float, int]] = deque()
        # The chat (None: no chat) of each crisis reply waiting to go.
        self._urgent: list[ChatState | None] = []
        # Under an overall limit, calls otherwise ready to go, oldest first; the first is set.
        self._line: deque[asyncio.Event] = deque()
        self._running: Callable[[], bool] = lambda: True
        self._seen_running = False
        self._stopped_at: float | None = None
        self._pruned_at = 0.0

    def watch(self, running: Callable[[], bool]) -> None:
        """Tell the outbox how to see that the application runs; once it stops, waits end."""
        self._running = running

    async def initialize(self) -> None:
        """Nothing to open: state is made as calls come."""

    async def shutdown(self) -> None:
        self._chats.clear()

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> JSONResult:
        chat = data.get("chat_id")
        chat_id = chat if isinstance(chat, int) else None
        paced = self.pace and endpoint.startswith("send")
        urgent = bool(rate_limit_args and rate_limit_args.get("urgent")) and self.lane
        tries, floods, backoff = 0, 0, FIRST_BACKOFF
        most_tries, most_floods = (
            (URGENT_TRIES, 2 * FLOOD_TRIES) if urgent else (TRIES, FLOOD_TRIES)
        )
        not_before = 0.0
        while True:
            await self._admit(chat_id, urgent, paced, not_before, endpoint)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as error:
                floods += 1
                self._refused(chat_id, _seconds(error.retry_after))
                if floods >= most_floods:
                    raise
                log.info("%s: Telegram asked to wait %.0f s", endpoint, _seconds(error.retry_after))
                not_before = 0.0
            except NetworkError as error:  # 5xx, timeouts, dropped connections; not BadRequest
                if isinstance(error, BadRequest):
                    raise
                tries += 1
                if tries >= most_tries:
                    raise
                log.info("%s failed (%s); trying again", endpoint, type(error).__name__)
                not_before = time.monotonic() + backoff
                backoff = min(backoff * 2, MAX_BACKOFF)

    # -- admission ---------------------------------------------------------------------------

    async def _admit(
        self, chat_id: int | None, urgent: bool, paced: bool, not_before: float, endpoint: str
    ) -> None:
        """Wait until this call may go, then count it against its chat and the overall pace."""
        self._stopping()  # notes that the application runs
        state = self._chat(chat_id)
        if state is not None:
            state.waiting += 1
        if urgent:
            self._urgent.append(state)
        try:
            while (delay := self._delay(state, urgent, paced, not_before)) > 0:
                await self._pause(delay, endpoint)
            if not urgent and self._pressured(state):
                await self._wait_in_line(state, paced, not_before, endpoint)
            self._take(state if paced else None)
        finally:
            if state is not None:
                state.waiting -= 1
            if urgent:
                self._urgent.remove(state)
            self._prune()

    def _delay(
        self, state: ChatState | None, urgent: bool, paced: bool, not_before: float
    ) -> float:
        now = time.monotonic()
        paused = max(not_before, self._paused_until, state.paused_until if state else 0.0)
        delay = paused - now
        if urgent:
            return delay
        if self._urgent_may_go(now):
            delay = max(delay, YIELD)
        if paced and state is not None:
            delay = max(delay, state.pace.delay(now))
        return delay

    def _pressured(self, state: ChatState | None) -> bool:
        return self.pace and state is not None and time.monotonic() < self._pressure_until

    async def _wait_in_line(
        self, state: ChatState | None, paced: bool, not_before: float, endpoint: str
    ) -> None:
        """Under an overall limit, calls take turns, oldest first, so that none starves."""
        turn = asyncio.Event()
        self._line.append(turn)
        self._line[0].set()
        try:
            while True:
                if not turn.is_set():
                    await self._pause(SLICE, endpoint, turn)
                    continue
                now = time.monotonic()
                delay = self._delay(state, False, paced, not_before)
                if (delay := max(delay, self._pressure.delay(now))) <= 0:
                    return
                await self._pause(delay, endpoint)
        finally:
            self._line.remove(turn)
            if self._line:
                self._line[0].set()

    async def _pause(self, delay: float, endpoint: str, turn: asyncio.Event | None = None) -> None:
        """Sleep up to ``delay`` (or until ``turn`` is set); give up if the bot is stopping."""
        if self._stopping() and not self._may_still_wait(delay):
            log.warning("%s given up: the bot is stopping", endpoint)
            raise Undelivered("the bot is stopping")
        if turn is None:
            await asyncio.sleep(min(delay, SLICE))
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(turn.wait(), min(delay, SLICE))

    def _urgent_may_go(self, now: float) -> bool:
        """A crisis reply is waiting, and Telegram has not paused its chat (or every call)."""
        if now < self._paused_until:
            return False
        return any(state is None or state.paused_until <= now for state in self._urgent)

    def _take(self, state: ChatState | None) -> None:
        now = time.monotonic()
        if state is not None:
            state.pace.take(now)
        if now < self._pressure_until:
            self._pressure.take(now)

    def _chat(self, chat_id: int | None) -> ChatState | None:
        if chat_id is None:
            return None
        state = self._chats.get(chat_id)
        if state is None:
            state = self._chats[chat_id] = ChatState(Bucket(CHAT_RATE, CHAT_BURST))
        return state

    def _refused(self, chat_id: int | None, seconds: float) -> None:
        """A 429: pause its chat (or every call, if it named none); notice an overall limit."""
        now = time.monotonic()
        until = now + seconds
        state = self._chat(chat_id)
        if chat_id is None or state is None:
            self._paused_until = max(self._paused_until, until)
            return
        state.paused_until = max(state.paused_until, until)
        self._refusals.append((now, chat_id))
        while self._refusals and self._refusals[0][0] < now - PRESSURE_WINDOW:
            self._refusals.popleft()
        if len({chat for _, chat in self._refusals}) >= PRESSURE_CHATS:
            if now >= self._pressure_until:
                log.warning("Telegram refuses several chats at once: pacing every call")
                self._pressure = Bucket(PRESSURE_RATE, PRESSURE_BURST)
            self._pressure_until = max(self._pressure_until, now + PRESSURE_HOLD)

    def _prune(self) -> None:
        """Forget chats with nothing pending, at most once a second."""
        now = time.monotonic()
        if now - self._pruned_at < 1.0:
            return
        self._pruned_at = now
        idle = [
            chat_id
            for chat_id, state in self._chats.items()
            if not state.waiting and state.paused_until <= now and state.pace.full(now)
        ]
        for chat_id in idle:
            del self._chats[chat_id]

    # -- stopping ----------------------------------------------------------------------------

    def _stopping(self) -> bool:
        running = self._running()
        self._seen_running = self._seen_running or running
        if self._seen_running and not running and self._stopped_at is None:
            self._stopped_at = time.monotonic()
        return self._stopped_at is not None

    def _may_still_wait(self, delay: float) -> bool:
        assert self._stopped_at is not None
        return time.monotonic() + delay <= self._stopped_at + SHUTDOWN_GRACE


def _seconds(retry_after: int | timedelta) -> float:
    return retry_after.total_seconds() if isinstance(retry_after, timedelta) else float(retry_after)
