"""Reading a typed answer to "are you safe right now?".

Only a clear "yes, I'm safe" counts as safe. Anything else, a "no", a "not really", a
question, a hedge, a word the bot can't read, counts as *not safe*: at this question, a
wrong "safe" costs far more than a wrong "not safe".

The words live in ``bot/data/safety_answers.yaml`` (its header has the rules). They are
loaded and checked once, at import, so a malformed file stops the bot at start-up.
Never log the text passed in here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import yaml

from bot.crisis.detection import (
    FALLBACK_LANGUAGE,
    available_languages,
    detect,
    with_fallback,
    words,
)

DATA_FILE: Final = Path(__file__).resolve().parent.parent / "data" / "safety_answers.yaml"
_QUESTION_MARKS: Final = ("?", "¿", "？")

Phrase = tuple[str, ...]


class SafetyAnswersError(ValueError):
    """The safety answers file is malformed."""


@dataclass(frozen=True)
class Vocabulary:
    """One language's words, as read (see `detection.words`)."""

    safe: frozenset[Phrase]
    fillers: frozenset[Phrase]
    negations: frozenset[Phrase]


def _phrases(value: Any, where: str) -> frozenset[Phrase]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise SafetyAnswersError(f"{where}: expected a non-empty list of strings")
    phrases = frozenset(tuple(words(v)) for v in value)
    if () in phrases:
        raise SafetyAnswersError(f"{where}: a phrase has no words once read")
    return phrases


def _vocabulary(language: str, body: Any) -> Vocabulary:
    if not isinstance(body, dict) or set(body) != {"safe", "fillers", "negations"}:
        raise SafetyAnswersError(f"{language}: expected exactly safe, fillers and negations")
    return Vocabulary(
        *(_phrases(body[part], f"{language} {part}") for part in ("safe", "fillers", "negations"))
    )


def _check_no_overlap(vocabularies: Mapping[str, Vocabulary]) -> None:
    """No safe phrase or filler may hold a negation word of its language or of English."""
    for language, vocabulary in vocabularies.items():
        negation_words = {
            word
            for name in with_fallback(language, vocabularies)
            for phrase in vocabularies[name].negations
            for word in phrase
        }
        for phrase in vocabulary.safe | vocabulary.fillers:
            if negation_words.intersection(phrase):
                raise SafetyAnswersError(f"{language}: {' '.join(phrase)!r} holds a negation word")


def load_vocabularies(path: Path) -> dict[str, Vocabulary]:
    """Read and check the file; raises `SafetyAnswersError` on any mistake."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise SafetyAnswersError(f"{path.name}: expected a mapping of languages")
    vocabularies = {
        str(language): _vocabulary(str(language), body) for language, body in raw.items()
    }
    if FALLBACK_LANGUAGE not in vocabularies:
        raise SafetyAnswersError(f"{path.name}: no {FALLBACK_LANGUAGE}")
    _check_no_overlap(vocabularies)
    if missing := set(available_languages()) - set(vocabularies):
        raise SafetyAnswersError(f"{path.name}: no answers for {', '.join(sorted(missing))}")
    return vocabularies


_VOCABULARIES: Final = load_vocabularies(DATA_FILE)


@lru_cache(maxsize=32)
def _merged(language: str) -> Vocabulary:
    """The person's language and English together."""
    parts = [_VOCABULARIES[name] for name in with_fallback(language, _VOCABULARIES)]
    return Vocabulary(
        frozenset().union(*(p.safe for p in parts)),
        frozenset().union(*(p.fillers for p in parts)),
        frozenset().union(*(p.negations for p in parts)),
    )


def _holds(text: list[str], phrases: Iterable[Phrase]) -> bool:
    return any(
        tuple(text[i : i + len(phrase)]) == phrase
        for phrase in phrases
        for i in range(len(text) - len(phrase) + 1)
    )


def _only_safe_and_fillers(text: list[str], vocabulary: Vocabulary) -> bool:
    """Whether `text` splits into safe phrases and fillers, with at least one safe phrase."""
    # reachable[i]: the ways words[:i] can be covered; True = a safe phrase was used.
    reachable: list[set[bool]] = [set() for _ in range(len(text) + 1)]
    reachable[0].add(False)
    for start in range(len(text)):
        for used_safe in tuple(reachable[start]):
            for phrases, is_safe in ((vocabulary.safe, True), (vocabulary.fillers, False)):
                for phrase in phrases:
                    end = start + len(phrase)
                    if tuple(text[start:end]) == phrase:
                        reachable[end].add(used_safe or is_safe)
    return True in reachable[-1]


def reads_as_safe(text: str, language: str) -> bool:
    """Whether `text`, typed at "are you safe right now?", clearly says "yes, I'm safe"."""
    if any(mark in text for mark in _QUESTION_MARKS):
        return False
    answer = words(text)
    vocabulary = _merged(language)
    if not answer or _holds(answer, vocabulary.negations):
        return False
    return _only_safe_and_fillers(answer, vocabulary) and detect(text, language) is None
