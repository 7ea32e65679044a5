"""The benchmark runs end to end: figures only, never a timing threshold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench.__main__ import SOS_KINDS
from bench.botproc import KINDS

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmark_completes_with_figures_for_every_configuration(
    tmp_path: Path,
) -> None:
    """A subprocess, as `make bench` runs it: its own event loop and its own bot processes."""
    figures = tmp_path / "bench.json"
    finished = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", "--json", str(figures)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a hang guard only; --quick takes seconds
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    found = json.loads(figures.read_text())
    results = found["results"]
    assert sorted(r["config"] for r in results) == sorted(KINDS)
    for result in results:
        assert result["updates_per_s"] > 0, result
        assert result["turns"] > 0, result
    # The /sos scenario: with and without the lane for crisis replies, both reported.
    assert sorted(r["config"] for r in found["sos"]) == sorted(SOS_KINDS)
