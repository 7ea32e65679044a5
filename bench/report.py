"""Tables, ratios, the machine description, and a cProfile breakdown by subsystem."""

from __future__ import annotations

import os
import platform
import pstats
import sqlite3
import sys
import sysconfig
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from bench.driver import ROOT, RunResult

BARE = ("bare", "bare-concurrent")
OURS = ("safeplan", "safeplan-unthrottled")


def machine() -> dict[str, Any]:
    """CPU count (and the ones this process may use), CPU model, Python and library versions."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.partition(":")[2].strip()
                break
    except OSError:
        model = platform.processor()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    versions = {}
    for package in ("python-telegram-bot", "httpx", "httpcore", "SQLAlchemy", "aiosqlite"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "not installed"
    return {
        "cpu_count": os.cpu_count(),
        "usable_cpus": usable,
        "cpu_model": model,
        "platform": platform.platform(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "sqlite": sqlite3.sqlite_version,
        **versions,
    }


def format_machine(info: dict[str, Any]) -> str:
    return (
        f"Machine: {info['cpu_count']} CPUs ({info['usable_cpus']} usable), {info['cpu_model']}; "
        f"{info['platform']}\n"
        f"{info['python']}, python-telegram-bot {info['python-telegram-bot']}, "
        f"httpx {info['httpx']}, httpcore {info['httpcore']}, SQLAlchemy {info['SQLAlchemy']}, "
        f"aiosqlite {info['aiosqlite']}, SQLite {info['sqlite']}"
    )


def _table(header: list[str], rows: Iterable[list[str]]) -> str:
    lines = [header, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]

    def render(line: list[str]) -> str:
        cells = [line[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True)
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([render(header), rule, *(render(line) for line in lines[1:])])


def format_results(results: list[RunResult]) -> str:
    header = [
        "config",
        "API ms",
        "users",
        "upd/s",
        "p50 ms",
        "p95 ms",
        "CPU ms/upd",
        "(sqlite thr)",
        "bot CPU%",
        "calls/upd",
        "idle MB",
        "peak MB",
        "KB/user",
        "driver CPU%",
        "others CPU%",
        "errors",
    ]
    rows = [
        [
            r.config,
            f"{r.latency_ms:g}",
            str(r.users),
            f"{r.updates_per_s:.1f}",
            f"{r.p50_ms:.0f}",
            f"{r.p95_ms:.0f}",
            f"{r.bot_cpu_ms_per_update:.2f}",
            f"{r.bot_thread_cpu_ms_per_update.get('aiosqlite', 0.0):.2f}",
            f"{r.bot_cpu_percent:.0f}",
            f"{r.api_calls_per_update:.2f}",
            f"{r.rss_idle_mb:.1f}",
            f"{r.rss_peak_mb:.1f}",
            f"{r.memory_per_user_kb:.0f}",
            f"{r.driver_cpu_percent:.0f}",
            "?" if r.others_cpu_percent is None else f"{r.others_cpu_percent:.0f}",
            str(r.errors),
        ]
        for r in results
    ]
    return _table(header, rows)


def format_sos(results: list[RunResult], limit: int) -> str:
    """The /sos latency scenario: one row per variant of the bot."""
    header = [
        f"/sos among plans, 429 above {limit}/s",
        "API ms",
        "users",
        "/sos p50 ms",
        "/sos p95 ms",
        "/sos max ms",
        "/sos n",
        "plan upd/s",
        "plan p50 ms",
        "429s/s",
        "errors",
    ]
    rows = [
        [
            r.config + (" (no lane)" if r.config.endswith("nolane") else " (lane)"),
            f"{r.latency_ms:g}",
            str(r.users),
            f"{r.sos_p50_ms:.0f}",
            f"{r.sos_p95_ms:.0f}",
            f"{r.sos_max_ms:.0f}",
            str(r.sos_count),
            f"{r.updates_per_s:.1f}",
            f"{r.p50_ms:.0f}",
            f"{r.refused_per_s:.1f}",
            str(r.errors),
        ]
        for r in results
    ]
    return _table(header, rows)


@dataclass(frozen=True)
class Ratio:
    ours: str
    bare: str
    latency_ms: float
    throughput: float
    cpu_per_update: float
    p50: float
    idle_rss: float

    def to_json(self) -> dict[str, Any]:
        """NaN (a bare run that finished nothing) becomes null: JSON has no NaN."""
        return {k: None if v != v else v for k, v in self.__dict__.items()}


def _div(a: float, b: float) -> float:
    return a / b if b else float("nan")


def ratios(results: list[RunResult]) -> list[Ratio]:
    """Each of our configurations against each bare one, at the same API latency."""
    found: list[Ratio] = []
    by_key = {(r.config, r.latency_ms): r for r in results}
    for (config, latency), ours in by_key.items():
        if config not in OURS:
            continue
        for bare_config in BARE:
            bare = by_key.get((bare_config, latency))
            if bare is None:
                continue
            found.append(
                Ratio(
                    config,
                    bare_config,
                    latency,
                    _div(ours.updates_per_s, bare.updates_per_s),
                    _div(ours.bot_cpu_ms_per_update, bare.bot_cpu_ms_per_update),
                    _div(ours.p50_ms, bare.p50_ms),
                    _div(ours.rss_idle_mb, bare.rss_idle_mb),
                )
            )
    return found


def format_ratios(found: list[Ratio]) -> str:
    header = ["ours / bare", "API ms", "throughput", "CPU/update", "p50 latency", "idle RSS"]
    rows = [
        [
            f"{r.ours} / {r.bare}",
            f"{r.latency_ms:g}",
            f"x{r.throughput:.2f}",
            f"x{r.cpu_per_update:.2f}",
            f"x{r.p50:.2f}",
            f"x{r.idle_rss:.2f}",
        ]
        for r in found
    ]
    return _table(header, rows)


def busy_machine_warning(results: list[RunResult], limit: float = 20.0) -> str:
    """A note when other processes took a noticeable share of the CPU during some runs."""
    busy = [r for r in results if (r.others_cpu_percent or 0.0) > limit]
    if not busy:
        return ""
    worst = max(r.others_cpu_percent or 0.0 for r in busy)
    names = ", ".join(f"{r.config} @ {r.latency_ms:g} ms" for r in busy)
    return (
        f"Note: other processes used more than {limit:g}% of a core during {names} (up to "
        f"{worst:.0f}%); those rows understate what the bot can do. Rerun on a quiet machine, "
        "or with --repeat."
    )


def format_details(results: list[RunResult]) -> str:
    """Per run: API calls per update by method, thread CPU, mix, and any failures."""
    lines = []
    for r in results:
        calls = ", ".join(f"{m} {v:.2f}" for m, v in r.calls_by_method.items())
        threads = ", ".join(f"{t} {v:.2f}" for t, v in r.bot_thread_cpu_ms_per_update.items())
        lines.append(
            f"{r.config} @ {r.latency_ms:g} ms: {r.turns} updates in {r.window_s:.1f} s, "
            f"{r.conversations} whole conversations, {100 * r.text_share:.0f}% typed; "
            f"p99 {r.p99_ms:.0f} ms, max {r.max_ms:.0f} ms; getUpdates {r.get_updates_per_s:.0f}/s"
        )
        lines.append(f"    calls/update: {calls or '-'}")
        lines.append(
            f"    bot CPU ms/update by thread: {threads or '-'}; "
            f"driver CPU {r.driver_cpu_ms_per_update:.2f} ms/update; "
            f"lifetime peak RSS {r.maxrss_mb:.1f} MB"
        )
        if r.errors:
            lines.append(f"    {r.errors} failed turns, e.g. {r.error_example[:300]}")
        if r.bot_log_lines:
            tail = " | ".join(r.bot_log_tail)[-400:]
            lines.append(f"    bot wrote {r.bot_log_lines} log lines; last: {tail}")
    return "\n".join(lines)


METHOD = """\
How to read this:
- Each bot runs alone in a child process; CPU ms/upd is that process's CPU time (all threads)
  over the measured window divided by the updates finished in it. "(sqlite thr)" is the part
  spent in aiosqlite's worker threads. The fake Bot API server and the scripted users run in
  the driver process; its own CPU is shown as "driver CPU%" (of one core): near 100% would
  mean the harness, not the bot, sets the pace. "others CPU%" is what every other process on
  the machine used meanwhile: on 2 cores, anything large there skews that row.
- Users are a closed loop: each acts, waits for the bot's turn-ending reply (a message sent
  or edited with an inline keyboard), then acts again. p50/p95 are those waits. One update
  is one user action (a text or a button press). Each user plays a whole 22-step safety-plan
  conversation as one person, then starts over as a new one; with many users and a short
  window most are still early in their first conversation ("whole conversations", "% typed"
  below), so fewer users (--users 20) give a mix closer to whole conversations.
- Memory: "idle" is the bot's RSS after one primed conversation, before the users start;
  "peak" the highest RSS sampled under load; KB/user = (peak - idle) / users. It includes
  whatever grows with load (connections, SQLite page caches, buffers), not only per-person
  state, so it is an upper bound per user.
- safeplan is the bot as built, with its outbox (bot/outbox.py): each chat paced at about
  one message a second after a burst of 20, retries, 429s followed per chat.
  safeplan-unthrottled is the same bot with pacing off, to show its own cost. The bare bots
  have no rate limiter (PTB defaults); closed-loop users that never pause are exactly what
  per-chat pacing slows down, so safeplan's row is a floor for real people, who read.
- The /sos scenario: many people build plans while a few send /sos, wait for the reply,
  pause two seconds and send it again (a /sos counts if it was sent before the window
  closed and answered after it opened, however late); the fake answers 429 (retry after
  1 s) above 30 calls a second across chats. "(lane)" is the bot as built; "(no lane)" the
  same bot with crisis replies queued like any other. /sos latency is to the end of the reply."""


# -- cProfile breakdown --------------------------------------------------------------------

_SITE_CATEGORIES = (
    ("HTTP client (httpx/httpcore/h11/anyio)", ("httpx/", "httpcore/", "h11/", "anyio/")),
    ("python-telegram-bot", ("telegram/",)),
    (
        "database (SQLAlchemy/sqlmodel/aiosqlite)",
        ("sqlalchemy/", "sqlmodel/", "aiosqlite/", "pydantic/", "pydantic_core/", "greenlet/"),
    ),
    ("encryption (cryptography)", ("cryptography/",)),
    ("conversation & rendering", ("transitions/", "babel/", "phonenumbers/", "yaml/")),
)
_PROJECT_CATEGORIES = (
    ("rate limiter (bot/outbox.py)", ("bot/outbox.py",)),
    ("encryption (cryptography)", ("bot/crypto.py",)),
    ("crisis detection (bot/crisis/)", ("bot/crisis/",)),
    ("Telegram adapter (bot/telegram_adapter.py)", ("bot/telegram_adapter.py",)),
    ("conversation & rendering", ("bot/", "flows/")),
    ("bench's own sampling (bench/)", ("bench/",)),
)
_STDLIB_CATEGORIES = (
    ("asyncio event loop", ("asyncio/", "selectors.py")),
    ("HTTP client (httpx/httpcore/h11/anyio)", ("socket.py", "ssl.py", "urllib/", "http/")),
    ("encryption (cryptography)", ("hmac.py", "hashlib.py", "base64.py")),
    ("conversation & rendering", ("gettext.py", "html/", "string.py")),
    ("logging", ("logging/",)),
)
_BUILTIN_CATEGORIES = (
    ("database (SQLAlchemy/sqlmodel/aiosqlite)", ("sqlite3", "greenlet")),
    ("encryption (cryptography)", ("cryptography", "_hashlib", "binascii", "urandom")),
    ("asyncio event loop", ("select.epoll", "_asyncio", "_contextvars")),
    ("HTTP client (httpx/httpcore/h11/anyio)", ("_socket", "_ssl")),
)
_STDLIB = sysconfig.get_paths()["stdlib"]

Func = tuple[str, int, str]


def _own_category(func: Func) -> str | None:
    """The subsystem a function belongs to, or None for generic code (builtins, json, re...)."""
    filename, _, name = func
    path = filename.replace("\\", "/")
    if filename == "~":
        return next((c for c, keys in _BUILTIN_CATEGORIES if any(k in name for k in keys)), None)
    if "/site-packages/" in path:
        tail = path.split("/site-packages/", 1)[1]
        return next((c for c, keys in _SITE_CATEGORIES if tail.startswith(keys)), "other")
    if path.startswith(str(ROOT)):
        tail = path[len(str(ROOT)) + 1 :]
        return next((c for c, keys in _PROJECT_CATEGORIES if tail.startswith(keys)), "other")
    if path.startswith(_STDLIB):
        tail = path[len(_STDLIB) + 1 :]
        return next((c for c, keys in _STDLIB_CATEGORIES if tail.startswith(keys)), None)
    return "other"


def profile_breakdown(path: Path) -> tuple[float, dict[str, float], list[tuple[str, float]]]:
    """Main-thread CPU seconds under cProfile, shares by subsystem, and the top functions.

    Generic code (builtins, json, re, typing...) is charged to its callers' subsystems in
    proportion to the time each caller spent in it, up a few levels.
    """
    stats: dict[Func, Any] = pstats.Stats(str(path)).stats  # type: ignore[attr-defined]
    memo: dict[Func, dict[str, float]] = {}

    def mix(func: Func, depth: int) -> dict[str, float]:
        if func in memo:
            return memo[func]
        own = _own_category(func)
        if own is not None:
            return {own: 1.0}
        callers: dict[Func, tuple[Any, ...]] = stats[func][4] if func in stats else {}
        total = sum(c[2] for c in callers.values())
        if depth > 6 or total <= 0:
            return {"other": 1.0}
        memo[func] = {"other": 1.0}  # guards against recursion through cycles
        shares: dict[str, float] = {}
        for caller, numbers in callers.items():
            for category, share in mix(caller, depth + 1).items():
                shares[category] = shares.get(category, 0.0) + share * numbers[2] / total
        memo[func] = shares
        return shares

    seconds: dict[str, float] = {}
    for func, (_, _, tottime, _, _) in stats.items():
        for category, share in mix(func, 0).items():
            seconds[category] = seconds.get(category, 0.0) + tottime * share
    total = sum(seconds.values())
    ranked = sorted(seconds.items(), key=lambda item: -item[1])
    shares = {category: s / total for category, s in ranked} if total else {}
    top = sorted(stats.items(), key=lambda item: -item[1][2])[:12]
    return total, shares, [(_func_name(f), numbers[2] / total) for f, numbers in top]


def _func_name(func: Func) -> str:
    filename, line, name = func
    if filename == "~":
        return name
    path = filename.replace("\\", "/")
    for marker in ("/site-packages/", f"{ROOT}/", f"{_STDLIB}/"):
        if marker in path:
            path = path.split(marker, 1)[1]
            break
    return f"{path}:{line}({name})"


def format_profile(
    path: Path, profiled: RunResult, reference: RunResult | None
) -> tuple[str, dict[str, Any]]:
    """Shares of the main thread's CPU by subsystem, scaled to ms/update where possible."""
    total, shares, top = profile_breakdown(path)
    basis = reference or profiled
    main_ms = basis.bot_thread_cpu_ms_per_update.get("MainThread", basis.bot_cpu_ms_per_update)
    sqlite_ms = basis.bot_thread_cpu_ms_per_update.get("aiosqlite", 0.0)
    lines = [
        f"Where {profiled.config}'s CPU goes (cProfile on its main thread, thread CPU time, "
        f"{profiled.turns} updates at {profiled.latency_ms:g} ms API latency, "
        f"{total:.2f} s profiled).",
        f"ms/update = share x the main thread's {main_ms:.2f} ms/update measured without the "
        f"profiler ({basis.config} @ {basis.latency_ms:g} ms); cProfile inflates Python-heavy "
        "code more than C, so read shares as approximate. Generic code (builtins, json, re) is "
        "charged to its callers. SQLite itself runs in aiosqlite's threads, outside this "
        f"profile: {sqlite_ms:.2f} ms/update more.",
    ]
    rows = [[c, f"{100 * s:.1f}%", f"{s * main_ms:.2f}"] for c, s in shares.items()]
    lines.append(_table(["subsystem (main thread)", "share", "ms/update"], rows))
    lines.append("Top functions by own time:")
    lines += [f"  {100 * share:5.1f}%  {name}" for name, share in top]
    payload = {
        "config": profiled.config,
        "latency_ms": profiled.latency_ms,
        "profiled_seconds": total,
        "main_thread_ms_per_update": main_ms,
        "sqlite_thread_ms_per_update": sqlite_ms,
        "shares": shares,
        "top_functions": [{"function": name, "share": share} for name, share in top],
    }
    return "\n".join(lines), payload


def out(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


CRISIS_CORPUS = ROOT / "tests" / "data" / "crisis_eval"


def crisis_eval() -> tuple[str, list[dict[str, Any]]]:
    """Crisis detection on the evaluation corpus: the `python -m bot crisis-eval` figures."""
    from bot.crisis.evaluation import evaluate, report, total

    scores = evaluate(CRISIS_CORPUS)
    figures = [
        {
            "language": s.language,
            "messages": s.total,
            "acute_recall": s.acute_recall,
            "thoughts_recall": s.thoughts_recall,
            "false_alarm_rate": s.false_alarm_rate,
        }
        for s in [*scores, total(scores)]
    ]
    text = "Crisis detection on tests/data/crisis_eval (python -m bot crisis-eval):\n"
    return text + report(scores), figures
