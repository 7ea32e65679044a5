"""``python -m bench``: throughput, latency, CPU and memory of safeplan against bare PTB bots.

Configurations run one after another, never at once (2 cores: one for the bot, one for the
harness), grouped by API latency so that each ratio compares runs made close together.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import report
from bench.botproc import KINDS, Kind
from bench.driver import RunOptions, RunResult, run_one

PROFILED: Kind = "safeplan-unthrottled"
# /sos latency among people building plans, with and without the lane for crisis replies.
SOS_KINDS: tuple[Kind, ...] = ("safeplan", "safeplan-nolane")
SOS_LIMIT = 30  # calls a second the fake accepts overall in that scenario, like Telegram


@dataclass(frozen=True)
class Plan:
    """The resolved command line."""

    configs: tuple[Kind, ...]
    latencies_ms: tuple[float, ...]
    users: int
    seconds: float
    turns: int | None
    warmup: float
    ramp: float
    turn_timeout: float
    profile: bool
    repeat: int
    json_path: Path | None
    scenarios: tuple[str, ...] = ("throughput", "sos")
    sos_users: int = 200
    sos_probes: int = 4


def parse(argv: list[str] | None) -> Plan:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--users", type=int, help="closed-loop users (default 100; quick 5)")
    parser.add_argument("--seconds", type=float, help="measured window (default 15; quick 1.5)")
    parser.add_argument(
        "--turns", type=int, help="end the window after this many updates (--seconds still caps)"
    )
    parser.add_argument(
        "--latency-ms",
        type=float,
        action="append",
        help="added to every Bot API call; repeatable (default 0 and 50; quick 0)",
    )
    parser.add_argument(
        "--config", choices=KINDS, action="append", help="repeatable (default: all)"
    )
    parser.add_argument("--warmup", type=float, help="seconds after ramp-up, not measured")
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=None,
        help=f"one more run of {PROFILED} under cProfile (default on; off with --quick)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run every configuration this many times; the table shows the median run",
    )
    parser.add_argument(
        "--scenario",
        choices=["throughput", "sos"],
        action="append",
        help="throughput: the table against bare PTB; sos: /sos latency while people build "
        f"plans, the fake refusing above {SOS_LIMIT} calls/s (repeatable; default both)",
    )
    parser.add_argument(
        "--sos-users", type=int, help="people building plans in the sos scenario (default 200)"
    )
    parser.add_argument("--quick", action="store_true", help="a small run for smoke tests")
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    quick: bool = args.quick
    users = args.users if args.users is not None else (5 if quick else 100)
    seconds = args.seconds if args.seconds is not None else (1.5 if quick else 15.0)
    if users < 1 or seconds <= 0 or args.repeat < 1 or (args.turns is not None and args.turns < 1):
        parser.error("--users, --seconds, --turns and --repeat must be positive")
    latencies = args.latency_ms or ([0.0] if quick else [0.0, 50.0])
    if any(latency < 0 for latency in latencies):
        parser.error("--latency-ms must not be negative")
    return Plan(
        configs=tuple(dict.fromkeys(args.config or KINDS)),
        latencies_ms=tuple(dict.fromkeys(latencies)),
        users=users,
        seconds=seconds,
        turns=args.turns,
        warmup=args.warmup if args.warmup is not None else (0.3 if quick else 3.0),
        ramp=0.2 if quick else 1.0,
        turn_timeout=20.0 if quick else 60.0,
        profile=args.profile if args.profile is not None else not quick,
        repeat=args.repeat,
        json_path=args.json,
        scenarios=tuple(dict.fromkeys(args.scenario or ["throughput", "sos"])),
        sos_users=args.sos_users or (10 if quick else 200),
        sos_probes=1 if quick else 4,
    )


def options(
    plan: Plan, kind: Kind, latency_ms: float, profile_to: Path | None = None
) -> RunOptions:
    return RunOptions(
        kind=kind,
        latency_ms=latency_ms,
        users=plan.users,
        seconds=plan.seconds,
        turns=plan.turns,
        warmup=plan.warmup,
        ramp=plan.ramp,
        turn_timeout=plan.turn_timeout,
        profile_to=profile_to,
    )


async def run(plan: Plan) -> dict[str, Any]:
    out = report.out
    info = report.machine()
    out(report.format_machine(info))
    window = f"{plan.seconds:g} s" + (f" or {plan.turns} updates" if plan.turns else "")
    out(
        f"{plan.users} closed-loop users, {window} measured after {plan.ramp:g} s ramp-up and "
        f"{plan.warmup:g} s warm-up, API latency {', '.join(f'{x:g}' for x in plan.latencies_ms)}"
        " ms; all traffic on 127.0.0.1"
    )
    began = time.perf_counter()
    every_run: list[RunResult] = []
    latencies = plan.latencies_ms if "throughput" in plan.scenarios else ()
    for latency in latencies:
        for round_ in range(plan.repeat):
            for kind in plan.configs:
                again = f" (run {round_ + 1} of {plan.repeat})" if plan.repeat > 1 else ""
                out(f"  running {kind} @ {latency:g} ms{again} ...")
                result = await run_one(options(plan, kind, latency))
                others = result.others_cpu_percent
                out(
                    f"    {result.updates_per_s:.1f} updates/s, p50 {result.p50_ms:.0f} ms, "
                    f"{result.bot_cpu_ms_per_update:.2f} CPU ms/update, {result.errors} errors"
                    + ("" if others is None else f"; other processes {others:.0f}% CPU")
                )
                every_run.append(result)
    results = median_runs(every_run)
    sos_results = await run_sos(plan) if "sos" in plan.scenarios else []
    profile_text, profile_json = "", None
    if plan.profile and PROFILED in plan.configs and "throughput" in plan.scenarios:
        latency = plan.latencies_ms[0]
        out(f"  profiling {PROFILED} @ {latency:g} ms ...")
        with tempfile.TemporaryDirectory(prefix="safeplan-bench-profile-") as scratch:
            path = Path(scratch) / "bot.prof"
            profiled = await run_one(options(plan, PROFILED, latency, profile_to=path))
            reference = next(
                (r for r in results if (r.config, r.latency_ms) == (PROFILED, latency)), None
            )
            profile_text, profile_json = report.format_profile(path, profiled, reference)
    found = report.ratios(results)
    out()
    if results:
        out(report.format_results(results))
    if sos_results:
        out()
        out(report.format_sos(sos_results, SOS_LIMIT))
    warning = report.busy_machine_warning(results + sos_results)
    if warning:
        out(warning)
    out()
    if found:
        out("Ratios, our bot against the bare bots on the same harness and API latency:")
        out(report.format_ratios(found))
        out()
    out(report.format_details(results + sos_results))
    crisis_text, crisis_figures = report.crisis_eval()
    out(crisis_text)
    out()
    out(report.METHOD)
    if profile_text:
        out()
        out(profile_text)
    out()
    out(f"Benchmark took {time.perf_counter() - began:.0f} s.")
    return {
        "machine": info,
        "options": {k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(plan).items()},
        "results": [r.to_json() for r in results],
        "all_runs": [r.to_json() for r in every_run],
        "ratios": [r.to_json() for r in found],
        "sos": [r.to_json() for r in sos_results],
        "profile": profile_json,
        "crisis_eval": crisis_figures,
    }


async def run_sos(plan: Plan) -> list[RunResult]:
    """/sos latency while many people build plans and the fake refuses above SOS_LIMIT/s."""
    out = report.out
    latency = plan.latencies_ms[-1]
    found = []
    for kind in SOS_KINDS:
        out(
            f"  running {kind} @ {latency:g} ms: {plan.sos_users} people building plans, "
            f"{plan.sos_probes} sending /sos, 429 above {SOS_LIMIT} calls/s ..."
        )
        result = await run_one(
            RunOptions(
                kind=kind,
                latency_ms=latency,
                users=plan.sos_users,
                seconds=plan.seconds,
                warmup=plan.warmup,
                ramp=plan.ramp,
                turn_timeout=plan.turn_timeout,
                sos_probes=plan.sos_probes,
                overall_limit=SOS_LIMIT,
            )
        )
        out(
            f"    /sos p50 {result.sos_p50_ms:.0f} ms, p95 {result.sos_p95_ms:.0f} ms "
            f"({result.sos_count} replies); plans {result.updates_per_s:.1f} updates/s"
        )
        found.append(result)
    return found


def median_runs(runs: list[RunResult]) -> list[RunResult]:
    """Per configuration and latency, the run with the median throughput (lower middle)."""
    groups: dict[tuple[str, float], list[RunResult]] = {}
    for result in runs:
        groups.setdefault((result.config, result.latency_ms), []).append(result)
    chosen = []
    for group in groups.values():
        ranked = sorted(group, key=lambda r: r.updates_per_s)
        chosen.append(ranked[(len(ranked) - 1) // 2])
    return chosen


def main(argv: list[str] | None = None) -> int:
    plan = parse(argv)
    figures = asyncio.run(run(plan))
    if plan.json_path is not None:
        plan.json_path.write_text(json.dumps(figures, indent=2, allow_nan=False, default=str))
        report.out(f"Figures written to {plan.json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
