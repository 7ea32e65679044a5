"""The bot side of a benchmark run, in a process of its own: ``python -m bench.botproc``.

Why a separate process: the fake server and the scripted users cost CPU too. With the bot
alone in this process, ``time.process_time()`` here is the bot's CPU (every thread, so
aiosqlite's worker thread counts) and the resident set size is the bot's memory, with nothing
of the harness mixed in. On a 2-core machine the driver and the bot each get a core.

Control protocol, one JSON object per line: this process prints ``{"event": "ready"}`` once it
polls; then for each line on stdin (``sample``, ``profile-start``, ``profile-stop PATH``,
``quit``) it prints one answer line. Samples are cheap reads of ``/proc`` and ``getrusage``.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import os
import re
import resource
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, get_args

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bench.scripts import BARE_BUTTON

Kind = Literal["bare", "bare-concurrent", "safeplan", "safeplan-unthrottled", "safeplan-nolane"]
# The throughput table; safeplan-nolane runs only in the /sos latency scenario.
KINDS: tuple[Kind, ...] = ("bare", "bare-concurrent", "safeplan", "safeplan-unthrottled")
ALL_KINDS: tuple[Kind, ...] = get_args(Kind)
# How each safeplan variant builds its outbox (bot/outbox.py); "safeplan" is the bot as shipped.
OUTBOX_OPTIONS: dict[str, dict[str, bool]] = {
    "safeplan": {},
    "safeplan-unthrottled": {"pace": False},
    "safeplan-nolane": {"lane": False},
}
TOKEN = "123456:BENCH"
ALLOWED_UPDATES = ["message", "edited_message", "callback_query"]
AnyApplication = Application[Any, Any, Any, Any, Any, Any]

_KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton(BARE_BUTTON, callback_data="next")]])


# -- the bare bots ---------------------------------------------------------------------------


async def _echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One call per text: echo it, with an inline keyboard (that ends the user's turn)."""
    message = update.message
    if message is None or message.text is None:
        return
    await context.bot.send_message(message.chat_id, message.text, reply_markup=_KEYBOARD)


async def _pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Two calls per press: answer the callback query, then a message with a keyboard."""
    query = update.callback_query
    if query is None or query.message is None:
        return
    await query.answer()
    await context.bot.send_message(query.message.chat.id, "Pressed.", reply_markup=_KEYBOARD)


def build_bare(base_url: str, *, concurrent: bool) -> AnyApplication:
    """python-telegram-bot with default settings; ``concurrent`` turns on 256 at a time."""
    builder = Application.builder().token(TOKEN).base_url(base_url)
    if concurrent:
        builder = builder.concurrent_updates(True)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, _echo))
    application.add_handler(CallbackQueryHandler(_pressed))
    return application


# -- safeplan --------------------------------------------------------------------------------


@asynccontextmanager
async def safeplan(base_url: str, workdir: Path, kind: Kind) -> AsyncIterator[Any]:
    """The bot as ``tests.e2e.running_bot`` builds it: real adapter, SQLite file, encryption.

    The variants differ only in their outbox: ``safeplan-unthrottled`` paces nothing (to show
    the bot's own cost), ``safeplan-nolane`` gives crisis replies no lane of their own.
    """
    from bot import telegram_adapter
    from bot.crypto import new_encryption_key, new_id_secret
    from bot.outbox import Outbox
    from bot.runtime import open_runtime
    from bot.settings import Settings

    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=base_url,
        database_url=f"sqlite:///{workdir / 'safeplan.sqlite3'}",
        safeplan_encryption_keys=new_encryption_key(),
        safeplan_id_secret=new_id_secret(),
        log_level="WARNING",
    )
    outbox = Outbox(**OUTBOX_OPTIONS[kind])
    runtime = await open_runtime(settings)
    try:
        adapter = telegram_adapter.TelegramAdapter(runtime, outbox)
        application = adapter.build()
        if application.bot.rate_limiter is not outbox:
            raise RuntimeError(f"unexpected rate limiter: {application.bot.rate_limiter!r}")
        async with application:
            await adapter.set_menus(application)
            yield application
    finally:
        await runtime.close()


# -- measuring -------------------------------------------------------------------------------


def _rss_kb() -> int | None:
    """Current resident set size from /proc (Linux); None where there is no /proc."""
    try:
        fields = Path("/proc/self/statm").read_text().split()
    except OSError:
        return None
    return int(fields[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def _maxrss_kb() -> int:
    """Peak resident set size of this process, in kB.

    VmHWM from /proc where there is one: Linux keeps ``ru_maxrss`` across ``execve``, so a
    child started from a big parent would report the parent's peak as its own.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak  # bytes on macOS


def _thread_cpu() -> dict[str, float]:
    """CPU seconds per thread, by Python thread name ("MainThread", aiosqlite's, ...).

    Read from /proc/self/task (Linux); empty elsewhere. cProfile sees only the main thread,
    so this is how the SQLite work done in aiosqlite's thread shows up at all.
    """
    ticks = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: _thread_label(t) for t in threading.enumerate()}
    main = threading.main_thread().native_id
    cpu: dict[str, float] = {}
    try:
        tasks = list(Path("/proc/self/task").iterdir())
    except OSError:
        return cpu
    for task in tasks:
        try:
            stat = (task / "stat").read_text()
        except OSError:  # the thread ended meanwhile
            continue
        fields = stat.rpartition(")")[2].split()
        seconds = (int(fields[11]) + int(fields[12])) / ticks  # utime + stime
        tid = int(task.name)
        name = "MainThread" if tid == main else names.get(tid, "other")
        cpu[name] = cpu.get(name, 0.0) + seconds
    return cpu


def _thread_label(thread: threading.Thread) -> str:
    """A stable label: aiosqlite's worker threads are "aiosqlite"; numbers are dropped."""
    if "_connection_worker_thread" in thread.name:
        return "aiosqlite"
    return re.sub(r"[-_ ]?\d+", "", thread.name) or "other"


def sample() -> dict[str, Any]:
    return {
        "monotonic": time.monotonic(),
        "cpu": time.process_time(),
        "rss_kb": _rss_kb(),
        "maxrss_kb": _maxrss_kb(),
        "threads": _thread_cpu(),
    }


def _emit(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def _stdin_lines() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def control(reader: asyncio.StreamReader) -> None:
    """Answer commands until ``quit`` or the driver goes away (end of stdin)."""
    profiler: cProfile.Profile | None = None

    def start_profile(_arg: str) -> dict[str, Any]:
        nonlocal profiler
        # Thread CPU time, not wall time: idle waits in epoll cost nothing, and the time of
        # other threads (aiosqlite's) is not charged to whatever the main thread was doing.
        profiler = cProfile.Profile(time.thread_time)
        profiler.enable()
        return {"event": "profiling"}

    def stop_profile(path: str) -> dict[str, Any]:
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(path)
        return {"event": "profile", "path": path}

    commands: dict[str, Callable[[str], dict[str, Any]]] = {
        "sample": lambda _arg: {"event": "sample", **sample()},
        "profile-start": start_profile,
        "profile-stop": stop_profile,
    }
    while line := (await reader.readline()).decode().strip():
        command, _, arg = line.partition(" ")
        if command == "quit":
            return
        handler = commands.get(command)
        _emit(handler(arg) if handler else {"event": "error", "unknown": command})


async def serve(kind: Kind, base_url: str, workdir: Path) -> None:
    reader = await _stdin_lines()
    async with AsyncExitStack() as stack:
        if kind in ("bare", "bare-concurrent"):
            application = build_bare(base_url, concurrent=kind == "bare-concurrent")
            await stack.enter_async_context(application)
        else:
            application = await stack.enter_async_context(safeplan(base_url, workdir, kind))
        await application.start()
        try:
            async with _fetching(kind, application):
                _emit({"event": "ready", "pid": os.getpid(), **sample()})
                await control(reader)
        finally:
            await application.stop()
    _emit({"event": "bye", **sample()})


@asynccontextmanager
async def _fetching(kind: Kind, application: Any) -> AsyncIterator[None]:
    """Bare bots poll with PTB's Updater; ours with `bot.polling.Polling`, as shipped."""
    if kind in ("safeplan", "safeplan-unthrottled"):
        from bot.polling import Polling

        async with Polling(application, ALLOWED_UPDATES):
            yield
        return
    assert application.updater is not None
    await application.updater.start_polling(
        poll_interval=0.0, timeout=timedelta(seconds=10), allowed_updates=ALLOWED_UPDATES
    )
    try:
        yield
    finally:
        await application.updater.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.botproc")
    parser.add_argument("--kind", choices=ALL_KINDS, required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args(argv)
    if not str(args.base_url).startswith("http://127.0.0.1:"):
        parser.error("--base-url must be the fake server on http://127.0.0.1")
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    with tempfile.TemporaryDirectory(prefix="safeplan-bench-") as scratch:
        asyncio.run(serve(args.kind, args.base_url, args.workdir or Path(scratch)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
