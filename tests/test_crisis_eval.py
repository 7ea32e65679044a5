"""Crisis detection measured on the evaluation corpus (tests/data/crisis_eval/), per language.

The thresholds are the bar every language's phrase file must clear: acute recall >= 95 %,
thoughts recall >= 90 %, false alarms <= 2 % of the messages that signal nothing.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.crisis.detection import CrisisKind
from bot.crisis.evaluation import (
    LABELS,
    CorpusError,
    Score,
    evaluate,
    load_corpus,
    recalled,
    report,
    score,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "data" / "crisis_eval"
LANGUAGES = ("de", "en", "es", "fr", "pt_BR", "ru", "uk")
MIN_MESSAGES = 55
MIN_TOTAL = 400


def _score(language: str) -> Score:
    path = CORPUS / f"{language}.yaml"
    assert path.is_file(), f"no evaluation corpus for {language}"
    return score(language, load_corpus(path))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_corpus_is_large_enough(language: str) -> None:
    assert _score(language).total >= MIN_MESSAGES


@pytest.mark.parametrize("language", LANGUAGES)
def test_acute_danger_is_recalled(language: str) -> None:
    assert _score(language).acute_recall >= 0.95


@pytest.mark.parametrize("language", LANGUAGES)
def test_suicidal_thoughts_are_recalled(language: str) -> None:
    assert _score(language).thoughts_recall >= 0.90


@pytest.mark.parametrize("language", LANGUAGES)
def test_false_alarms_are_rare(language: str) -> None:
    result = _score(language)
    assert result.messages["none"] > 0
    assert result.false_alarm_rate <= 0.02


def test_the_corpus_covers_every_language_with_enough_messages() -> None:
    scores = evaluate(CORPUS)
    assert sorted(s.language for s in scores) == sorted(LANGUAGES)
    assert sum(s.total for s in scores) >= MIN_TOTAL


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda path: path.stem)
def test_every_corpus_file_is_well_formed(path: Path) -> None:
    """Unique messages, valid labels (load_corpus refuses anything else), every label used."""
    examples = load_corpus(path)
    assert len({e.text for e in examples}) == len(examples)
    assert {e.label for e in examples} == set(LABELS)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        pytest.param("- {text: hi, label: none}\n- {text: hi, label: none}\n", "repeated"),
        pytest.param("- {text: hi, label: crisis}\n", "label must be one of"),
        pytest.param("- {text: hi}\n", "exactly text and label"),
        pytest.param("- {text: '', label: none}\n", "non-empty"),
        pytest.param("text: hi\n", "a list"),
    ],
)
def test_a_malformed_corpus_file_is_refused(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(CorpusError, match=problem):
        load_corpus(path)


@pytest.mark.parametrize(
    ("label", "found", "hit"),
    [
        ("intent_now", "self_harm_now", True),
        ("self_harm_now", "intent_now", True),
        ("intent_now", "thoughts", False),
        ("intent_now", "overdose_now", False),
        ("injury_now", "self_harm_now", False),
        ("injury_now", "injury_now", True),
        ("overdose_now", "intent_now", False),
        ("overdose_now", "overdose_now", True),
        ("thoughts", "overdose_now", True),
        ("thoughts", None, False),
        ("none", "thoughts", True),
        ("none", None, False),
    ],
)
def test_what_counts_as_recalled(label: str, found: CrisisKind | None, hit: bool) -> None:
    assert recalled(label, found) is hit


def test_scores_and_report_on_a_small_corpus(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text(
        "- {text: 'i just took too many pills', label: overdose_now}\n"
        "- {text: 'i want to kill myself tonight', label: intent_now}\n"
        "- {text: 'hello there', label: intent_now}\n"
        "- {text: 'i want to die', label: thoughts}\n"
        "- {text: 'see you at 8', label: none}\n",
        encoding="utf-8",
    )
    [result] = evaluate(tmp_path)
    assert (result.language, result.total) == ("en", 5)
    assert result.acute_recall == pytest.approx(2 / 3)
    assert result.thoughts_recall == 1.0
    assert result.false_alarm_rate == 0.0
    header, row, total_row = (line.split() for line in report([result]).splitlines())
    assert header[:2] == ["language", "messages"]
    assert row[:5] == ["en", "5", "66.7%", "100.0%", "0.0%"]
    assert row[5:] == ["1/2", "0/0", "0/0", "1/1", "1/1", "0/1"]
    assert total_row[0] == "total"
    assert total_row[1:] == row[1:]


def test_the_command_prints_every_language_and_a_total(tmp_path: Path) -> None:
    (tmp_path / "en.yaml").write_text(
        "- {text: 'im going to kill myself tonight', label: intent_now}\n", encoding="utf-8"
    )
    finished = subprocess.run(
        [sys.executable, "-m", "bot", "crisis-eval", "--dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    lines = [line.split() for line in finished.stdout.splitlines()]
    assert [line[0] for line in lines] == ["language", "en", "total"]
    assert lines[1][:3] == ["en", "1", "100.0%"]


def test_the_benchmark_reports_the_same_figures() -> None:
    from bench.report import crisis_eval

    text, figures = crisis_eval()
    assert text.splitlines()[1:] == report(evaluate(CORPUS)).splitlines()
    assert figures[-1]["language"] == "total"
    assert figures[-1]["messages"] == sum(s.total for s in evaluate(CORPUS))
