"""How well `detect` reads the evaluation corpus: recall per kind and the false-alarm rate.

The corpus (one YAML file per language, format in ``tests/data/crisis_eval/README.md``) lives
with the tests, so the directory is always passed in. Definitions:

- a message labelled ``intent_now`` or ``self_harm_now`` is recalled when `detect` returns
  either of those kinds; ``injury_now`` and ``overdose_now`` only when it returns that kind.
  Acute recall = recalled acute messages / acute messages.
- a ``thoughts`` message is recalled when `detect` returns any kind.
- a ``none`` message is a false alarm when `detect` returns any kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import yaml

from bot.crisis.detection import KINDS, CrisisKind, detect

NONE: Final = "none"
LABELS: Final[tuple[str, ...]] = (*KINDS, NONE)
ACUTE: Final[tuple[CrisisKind, ...]] = ("intent_now", "self_harm_now", "injury_now", "overdose_now")
_INTENT_OR_SELF_HARM: Final[frozenset[str]] = frozenset({"intent_now", "self_harm_now"})


class CorpusError(ValueError):
    """A corpus file is malformed: not a list of text and label, a bad label, a repeat."""


@dataclass(frozen=True)
class Example:
    text: str
    label: str


def load_corpus(path: Path) -> list[Example]:
    """One language's messages; raises `CorpusError` on any mistake."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise CorpusError(f"{path.name}: expected a list of entries")
    examples: list[Example] = []
    seen: set[str] = set()
    for index, entry in enumerate(raw):
        where = f"{path.name} entry {index + 1}"
        if not isinstance(entry, dict) or set(entry) != {"text", "label"}:
            raise CorpusError(f"{where}: expected exactly text and label")
        text, label = entry["text"], entry["label"]
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{where}: text must be a non-empty string")
        if label not in LABELS:
            raise CorpusError(f"{where}: label must be one of {', '.join(LABELS)}")
        if text in seen:
            raise CorpusError(f"{where}: repeated message")
        seen.add(text)
        examples.append(Example(text, str(label)))
    return examples


def recalled(label: str, found: CrisisKind | None) -> bool:
    """Whether `detect` answering `found` counts as a hit for a message labelled `label`.

    For ``none``, a hit is a false alarm.
    """
    if found is None:
        return False
    if label in _INTENT_OR_SELF_HARM:
        return found in _INTENT_OR_SELF_HARM
    if label in ACUTE:
        return found == label
    return True


@dataclass
class Score:
    """Messages and hits per label, for one language or a total."""

    language: str
    messages: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)

    def add(self, label: str, hit: bool) -> None:
        self.messages[label] += 1
        self.hits[label] += hit

    def merged(self, other: Score) -> None:
        self.messages.update(other.messages)
        self.hits.update(other.hits)

    @property
    def total(self) -> int:
        return sum(self.messages.values())

    def rate(self, labels: Iterable[str]) -> float:
        """Hits / messages over these labels; 0 when there are none."""
        labels = tuple(labels)
        count = sum(self.messages[label] for label in labels)
        return sum(self.hits[label] for label in labels) / count if count else 0.0

    @property
    def acute_recall(self) -> float:
        return self.rate(ACUTE)

    @property
    def thoughts_recall(self) -> float:
        return self.rate(["thoughts"])

    @property
    def false_alarm_rate(self) -> float:
        return self.rate([NONE])


def score(language: str, examples: Iterable[Example]) -> Score:
    result = Score(language)
    for example in examples:
        signal = detect(example.text, language)
        result.add(example.label, recalled(example.label, signal.kind if signal else None))
    return result


def evaluate(directory: Path) -> list[Score]:
    """A score per corpus file in `directory` (its name is the language), by language."""
    return [score(path.stem, load_corpus(path)) for path in sorted(directory.glob("*.yaml"))]


def total(scores: Iterable[Score]) -> Score:
    result = Score("total")
    for part in scores:
        result.merged(part)
    return result


def _percent(part: float) -> str:
    return f"{100 * part:.1f}%"


COLUMNS: Final = (
    "language",
    "messages",
    "acute recall",
    "thoughts recall",
    "false alarms",
    *KINDS,
    "none flagged",
)


def _row(result: Score) -> list[str]:
    return [
        result.language,
        str(result.total),
        _percent(result.acute_recall),
        _percent(result.thoughts_recall),
        _percent(result.false_alarm_rate),
        *(f"{result.hits[label]}/{result.messages[label]}" for label in LABELS),
    ]


def report(scores: list[Score]) -> str:
    """A table: a row per language and a total row. Per label, hits/messages (recalled; for
    ``none``, false alarms)."""
    lines = [list(COLUMNS), *(_row(s) for s in [*scores, total(scores)])]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    return "\n".join(
        "  ".join(
            cell.ljust(width) if index == 0 else cell.rjust(width)
            for index, (cell, width) in enumerate(zip(line, widths, strict=True))
        ).rstrip()
        for line in lines
    )
