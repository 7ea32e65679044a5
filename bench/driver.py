"""One benchmark run: a bot process, the fake Bot API server, and N closed-loop users.

Method, in short:

* The fake server (``tests.fakebot.FakeBotApi``) and the users run in this process; the bot
  runs in a child process (:mod:`bench.botproc`), so its CPU time and memory are its own.
* Each user slot acts, then waits for the end of the bot's turn (a message sent or edited
  with an inline keyboard, as ``ScriptedUser.reply`` defines it) before acting again. A slot
  plays one whole conversation per person, then starts over as a new person.
* Before the users start, one person plays the conversation once (lazy imports, caches), and
  the bot's idle RSS is read. Then the users ramp up, a warm-up passes, and figures are taken
  over the measured window only: turns that end inside it, CPU deltas across it.
* ``ScriptedUser.wait_for`` waits on the server's one ``asyncio.Condition``, so every request
  would wake every waiting user: O(users) work per request, enough to make the harness the
  bottleneck. Here a single :class:`TurnWatcher` waits on that condition instead and checks
  only the chats whose event count moved, using the same public ``Chat`` API.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.botproc import Kind
from bench.scripts import BARE_CONVERSATION, SAFEPLAN_CONVERSATION, Action
from tests.fakebot import Chat, FakeBotApi, ScriptedUser

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0
MAX_CONVERSATIONS = 100_000  # per slot: a bound, far beyond any run's length
SAMPLE_EVERY = 0.25  # seconds between RSS samples of the bot process
SOS = Action("text", "/sos")
SOS_EVERY = 2.0  # seconds a probe waits between getting its /sos reply and sending the next


@dataclass
class RunOptions:
    kind: Kind
    latency_ms: float
    users: int
    seconds: float
    turns: int | None = None
    warmup: float = 3.0
    ramp: float = 1.0
    prime: bool = True
    turn_timeout: float = 60.0  # a failure guard for one turn, never a measured figure
    profile_to: Path | None = None
    sos_probes: int = 0  # people who send /sos again and again, besides the users
    overall_limit: int | None = None  # the fake answers 429 above this many calls a second


@dataclass
class RunResult:
    """Figures of one (bot, API latency) configuration; times in ms unless named otherwise."""

    config: str
    latency_ms: float
    users: int
    window_s: float
    turns: int
    updates_per_s: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bot_cpu_ms_per_update: float
    bot_cpu_percent: float  # of one core, over the window
    bot_thread_cpu_ms_per_update: dict[str, float]
    driver_cpu_ms_per_update: float
    driver_cpu_percent: float
    others_cpu_percent: float | None  # every other process on the machine, of one core
    api_calls_per_update: float  # Bot API calls other than getUpdates
    calls_by_method: dict[str, float]  # per update
    get_updates_per_s: float
    rss_idle_mb: float
    rss_peak_mb: float  # highest RSS sampled from the users' start to the window's end
    maxrss_mb: float  # getrusage peak, whole life of the process
    memory_per_user_kb: float
    conversations: int  # whole conversations finished inside the window
    text_share: float  # of the turns in the window, the share that were typed messages
    errors: int
    error_example: str = ""
    bot_log_lines: int = 0
    bot_log_tail: list[str] = field(default_factory=list)
    sos_count: int = 0  # /sos sent before the window closed and answered after it opened
    sos_p50_ms: float = 0.0
    sos_p95_ms: float = 0.0
    sos_max_ms: float = 0.0
    refused_per_s: float = 0.0  # calls the fake answered with 429, over the window

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Wait:
    chat: Chat
    seen: int
    done: asyncio.Future[float]


class TurnWatcher:
    """Resolves a user's wait when the bot ends its turn in that user's chat.

    The only waiter on ``FakeBotApi.changed`` besides the bot's long poll; after each change
    it looks only at chats whose event count moved, and only at their new events.
    """

    def __init__(self, api: FakeBotApi) -> None:
        self._api = api
        self._waits: dict[int, _Wait] = {}
        self._closed = False

    def expect(self, chat: Chat) -> asyncio.Future[float]:
        """Call before acting: resolves with ``perf_counter()`` at the turn-ending reply."""
        done: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waits[chat.id] = _Wait(chat, chat.event_count, done)
        return done

    def forget(self, chat: Chat) -> None:
        self._waits.pop(chat.id, None)

    async def run(self) -> None:
        changed = self._api.changed
        async with changed:
            while not self._closed:
                await changed.wait()
                self._scan()

    async def close(self) -> None:
        self._closed = True
        async with self._api.changed:
            self._api.changed.notify_all()

    def _scan(self) -> None:
        now = time.perf_counter()
        finished: list[int] = []
        for chat_id, wait in self._waits.items():
            count = wait.chat.event_count
            if count == wait.seen:
                continue
            new = wait.chat.messages_since(wait.seen)
            wait.seen = count
            if any(m.buttons and not m.deleted for m in new):
                finished.append(chat_id)
        for chat_id in finished:
            wait = self._waits.pop(chat_id)
            if not wait.done.done():
                wait.done.set_result(now)


class BotProcess:
    """The bot in a child process, and the line protocol of :mod:`bench.botproc`."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self._process = process
        self._lock = asyncio.Lock()
        self.log = log
        self.ready: dict[str, Any] = {}

    @classmethod
    async def start(cls, kind: Kind, base_url: str, workdir: Path) -> BotProcess:
        log = workdir / "bot.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bench.botproc",
                "--kind",
                kind,
                "--base-url",
                base_url,
                "--workdir",
                str(workdir),
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=stderr,
            )
        bot = cls(process, log)
        try:
            async with asyncio.timeout(START_TIMEOUT):
                bot.ready = await bot._read()
        except BaseException:
            await bot.kill()
            raise
        return bot

    async def _read(self) -> dict[str, Any]:
        assert self._process.stdout is not None
        line = await self._process.stdout.readline()
        if not line:
            tail = self.log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the bot process ended early:\n{tail}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def request(self, command: str) -> dict[str, Any]:
        assert self._process.stdin is not None
        async with self._lock:
            self._process.stdin.write(command.encode() + b"\n")
            await self._process.stdin.drain()
            return await self._read()

    async def sample(self) -> dict[str, Any]:
        return await self.request("sample")

    async def quit(self) -> dict[str, Any]:
        """Stop the bot cleanly; returns its last sample (with the lifetime peak RSS)."""
        assert self._process.stdin is not None
        async with self._lock:
            self._process.stdin.write(b"quit\n")
            await self._process.stdin.drain()
            async with asyncio.timeout(30):
                bye = await self._read()
                await self._process.wait()
        return bye

    async def kill(self) -> None:
        if self._process.returncode is None:
            self._process.kill()
            await self._process.wait()


def machine_busy() -> float | None:
    """CPU seconds all processes have used since boot, from /proc/stat (None elsewhere).

    Other engineers' test runs on the same 2 cores skew every figure; the busy time of the
    machine minus the bot's and the driver's shows how much they did during a window.
    """
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (0 when there are none)."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(q / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


class Run:
    """Drives one configuration from start to finish; see the module docstring."""

    def __init__(self, options: RunOptions, api: FakeBotApi, bot: BotProcess) -> None:
        self.options = options
        self.api = api
        self.bot = bot
        self.watcher = TurnWatcher(api)
        bare = options.kind.startswith("bare")
        self.script: tuple[Action, ...] = BARE_CONVERSATION if bare else SAFEPLAN_CONVERSATION
        self.window: tuple[float, float] = (float("inf"), float("inf"))
        self.stop_at = float("inf")
        self.turns: list[tuple[float, float, str]] = []  # (end, latency s, action kind)
        self.sos_turns: list[tuple[float, float, str]] = []  # the same, for the /sos probes
        self.conversation_ends: list[float] = []
        self.errors: list[str] = []
        self.rss_samples: list[int] = []

    async def turn(
        self,
        user: ScriptedUser,
        action: Action,
        into: list[tuple[float, float, str]] | None = None,
    ) -> bool:
        """One action and the wait for the bot's reply; False if it failed."""
        chat = user.private_chat
        done = self.watcher.expect(chat)
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.options.turn_timeout):
                if action.kind == "text":
                    await user.send(action.value)
                else:
                    await user.click(action.value)
                ended = await done
        except (TimeoutError, AssertionError) as error:
            self.watcher.forget(chat)
            if len(self.errors) < 20:
                why = str(error) or f"no reply in {self.options.turn_timeout:g} s; chat so far: "
                why += "" if str(error) else chat.transcript()[-600:]
                self.errors.append(f"{action.kind} {action.value!r}: {why[:1500]}")
            else:
                self.errors.append("")
            return False
        (self.turns if into is None else into).append((ended, ended - started, action.kind))
        return True

    async def conversation(self, user: ScriptedUser) -> bool:
        for action in self.script:
            if time.perf_counter() >= self.stop_at or not await self.turn(user, action):
                return False
        self.conversation_ends.append(time.perf_counter())
        return True

    async def slot(self, index: int, delay: float) -> None:
        await asyncio.sleep(delay)
        for person in range(MAX_CONVERSATIONS):
            if time.perf_counter() >= self.stop_at:
                return
            user_id = 10_000_000 + index * 100_000 + person
            await self.conversation(self.api.user(user_id=user_id, first_name=f"P{index}"))

    async def probe(self, index: int) -> None:
        """One person in crisis among the users: /sos, the reply, a pause, again."""
        user = self.api.user(user_id=900_000_000 + index, first_name=f"S{index}")  # no slot's id
        while time.perf_counter() < self.stop_at:
            await self.turn(user, SOS, into=self.sos_turns)
            await asyncio.sleep(SOS_EVERY)

    async def sample_rss(self) -> None:
        while time.perf_counter() < self.stop_at:
            rss = (await self.bot.sample()).get("rss_kb")
            if rss is not None:
                self.rss_samples.append(int(rss))
            await asyncio.sleep(SAMPLE_EVERY)

    async def execute(self) -> RunResult:
        options = self.options
        watcher = asyncio.create_task(self.watcher.run())
        try:
            if options.prime:
                # Untimed and without API latency: warms lazy imports and caches in the bot.
                self.stop_at = time.perf_counter() + 120
                await self.conversation(self.api.user(user_id=1, first_name="Primer"))
                self.turns.clear()
                self.conversation_ends.clear()
            self.api.set_latency(options.latency_ms / 1000)
            idle = await self.bot.sample()
            return await self._measure(idle)
        finally:
            await self.watcher.close()
            await watcher

    async def _measure(self, idle: dict[str, Any]) -> RunResult:
        options = self.options
        loop_start = time.perf_counter()
        start = loop_start + options.ramp + options.warmup
        self.stop_at = start + options.seconds
        delays = [options.ramp * i / options.users for i in range(options.users)]
        slots = [asyncio.create_task(self.slot(i, d)) for i, d in enumerate(delays)]
        slots += [asyncio.create_task(self.probe(i)) for i in range(options.sos_probes)]
        if options.overall_limit is not None:
            self.api.set_rate_limits(overall=options.overall_limit)
        sampler = asyncio.create_task(self.sample_rss())
        try:
            await asyncio.sleep(max(0.0, start - time.perf_counter()))
            if options.profile_to is not None:
                await self.bot.request("profile-start")
            first = len(self.api.requests)
            before = await self.bot.sample()
            driver_before = time.process_time()
            machine_before = machine_busy()
            opened = time.perf_counter()
            await self._wait_window_end(opened, len(self.turns))
            closed = time.perf_counter()
            driver_after = time.process_time()
            machine_after = machine_busy()
            after = await self.bot.sample()
            if options.profile_to is not None:
                await self.bot.request(f"profile-stop {options.profile_to}")
            last = len(self.api.requests)
            self.stop_at = closed
            self.window = (opened, closed)
            await asyncio.gather(*slots)
            await sampler
        except BaseException:
            for task in [*slots, sampler]:
                task.cancel()
            raise
        calls = Counter(r.method for r in self.api.requests[first:last])
        refused = sum(1 for r in self.api.requests[first:last] if r.status == 429)
        machine_cpu = None
        if machine_before is not None and machine_after is not None:
            machine_cpu = machine_after - machine_before
        return self._result(
            idle,
            before,
            after,
            driver_after - driver_before,
            machine_cpu,
            calls,
            refused,
            await self.bot.quit(),
        )

    async def _wait_window_end(self, opened: float, turns_before: int) -> None:
        """Until --seconds pass, or --turns turns end in the window, whichever comes first."""
        end = opened + self.options.seconds
        wanted = self.options.turns
        while (now := time.perf_counter()) < end:
            if wanted is not None and len(self.turns) - turns_before >= wanted:
                return
            await asyncio.sleep(min(0.02, end - now))

    def _result(
        self,
        idle: dict[str, Any],
        before: dict[str, Any],
        after: dict[str, Any],
        driver_cpu: float,
        machine_cpu: float | None,
        calls: Counter[str],
        refused: int,
        bye: dict[str, Any],
    ) -> RunResult:
        options = self.options
        opened, closed = self.window
        wall = closed - opened
        inside = [t for t in self.turns if opened <= t[0] < closed]
        n = len(inside)
        per = 1 / n if n else 0.0
        latencies = sorted(t[1] * 1000 for t in inside)
        # Every /sos sent before the window closed and answered after it opened, even if the
        # answer came after the window: a slow crisis reply must not drop out of the figures.
        sos = sorted(t[1] * 1000 for t in self.sos_turns if t[0] >= opened and t[0] - t[1] < closed)
        bot_cpu = after["cpu"] - before["cpu"]
        others = None
        if machine_cpu is not None and wall > 0:
            others = max(0.0, 100 * (machine_cpu - bot_cpu - driver_cpu) / wall)
        threads = {
            name: max(0.0, after["threads"].get(name, 0.0) - before["threads"].get(name, 0.0))
            * 1000
            * per
            for name in after["threads"]
        }
        idle_kb = idle.get("rss_kb") or idle["maxrss_kb"]
        peak_kb = max(self.rss_samples, default=after.get("rss_kb") or after["maxrss_kb"])
        log_lines = self.bot.log.read_text(errors="replace").splitlines()
        api_calls = sum(c for method, c in calls.items() if method != "getUpdates")
        return RunResult(
            config=options.kind,
            latency_ms=options.latency_ms,
            users=options.users,
            window_s=wall,
            turns=n,
            updates_per_s=n / wall if wall > 0 else 0.0,
            p50_ms=percentile(latencies, 50),
            p95_ms=percentile(latencies, 95),
            p99_ms=percentile(latencies, 99),
            max_ms=latencies[-1] if latencies else 0.0,
            bot_cpu_ms_per_update=bot_cpu * 1000 * per,
            bot_cpu_percent=100 * bot_cpu / wall if wall > 0 else 0.0,
            bot_thread_cpu_ms_per_update={k: v for k, v in sorted(threads.items()) if v > 0},
            driver_cpu_ms_per_update=driver_cpu * 1000 * per,
            driver_cpu_percent=100 * driver_cpu / wall if wall > 0 else 0.0,
            others_cpu_percent=others,
            api_calls_per_update=api_calls * per,
            calls_by_method={m: c * per for m, c in calls.most_common() if m != "getUpdates"},
            get_updates_per_s=calls["getUpdates"] / wall if wall > 0 else 0.0,
            rss_idle_mb=idle_kb / 1024,
            rss_peak_mb=peak_kb / 1024,
            maxrss_mb=bye["maxrss_kb"] / 1024,
            memory_per_user_kb=max(0.0, (peak_kb - idle_kb) / options.users),
            conversations=sum(1 for end in self.conversation_ends if opened <= end < closed),
            text_share=(sum(1 for t in inside if t[2] == "text") / n) if n else 0.0,
            errors=len(self.errors),
            error_example=next((e for e in self.errors if e), ""),
            bot_log_lines=len(log_lines),
            bot_log_tail=log_lines[-5:],
            sos_count=len(sos),
            sos_p50_ms=percentile(sos, 50),
            sos_p95_ms=percentile(sos, 95),
            sos_max_ms=sos[-1] if sos else 0.0,
            refused_per_s=refused / wall if wall > 0 else 0.0,
        )


async def run_one(options: RunOptions) -> RunResult:
    """Start a fresh server and bot process, drive them, and tear both down."""
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-") as scratch:
        workdir = Path(scratch)
        async with FakeBotApi() as api:
            bot = await BotProcess.start(options.kind, api.base_url, workdir)
            try:
                return await Run(options, api, bot).execute()
            finally:
                await bot.kill()
