"""Gentle crisis detection: spot free text that signals danger now, or suicidal thoughts.

A match only makes the bot pause and *ask* whether the person is safe right now (for
thoughts, offer the crisis lines); it never decides that they are in danger. Precision
matters as much as recall: warning signs, plan items, the past, negations and questions
about a topic must not match, and neither may a bare word such as "suicide" (a keyword
detector once flagged a person with OCD for typing it). `bot.crisis.evaluation` measures
both on a corpus.

The phrase lists live in ``bot/data/crisis_phrases/<language>.yaml``; the header of each file
documents the phrase syntax and the exclusion rules. They are loaded and compiled once, at
import, so a malformed file stops the bot at start-up instead of silently missing a crisis,
and `detect` does no I/O.

Never log the text passed in here. A `CrisisSignal` holds no part of it and is safe to log.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, get_args

import yaml

CrisisKind = Literal["intent_now", "self_harm_now", "injury_now", "overdose_now", "thoughts"]
KINDS: Final[tuple[CrisisKind, ...]] = get_args(CrisisKind)
DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "crisis_phrases"
FALLBACK_LANGUAGE: Final = "en"


class CrisisDataError(ValueError):
    """A phrase file is malformed."""


@dataclass(frozen=True)
class CrisisSignal:
    """Which kind of danger a message seems to signal, and the phrase entry that matched.

    ``pattern_id`` is ``"<language>:<id>"``, e.g. ``"es:voy_a_matarme"``.
    """

    kind: CrisisKind
    pattern_id: str


# --- Normalisation -------------------------------------------------------------------------

# Mapped before NFKC, which would turn the spacing accents into a space and a combining mark.
_APOSTROPHE_VARIANTS: Final = re.compile("[’‘ʼʹ′`´＇‛]")
# Zero-width and invisible formatting characters: "k\u200bill" is still "kill".
_INVISIBLE: Final = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_LIGATURES: Final = {"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"}
# Accented Latin letters and their base letter. Only Latin: й, ї, є, ґ must stay as they are.
_UNACCENTED: Final = {
    char: unicodedata.normalize("NFD", char)[0]
    for char in map(chr, range(0xC0, 0x250))
    if unicodedata.normalize("NFD", char)[0].isascii()
    and len(unicodedata.normalize("NFD", char)) > 1
} | _LIGATURES
_LATIN_ACCENTED: Final = re.compile(f"[{''.join(_UNACCENTED)}]")
# Combining marks left on a Latin letter (NFKC composes the usual ones).
_LATIN_MARKS: Final = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
_COMBINING: Final = re.compile(r"[\u0300-\u036f]")
_CYRILLIC: Final = re.compile(r"[а-яіїєґ]")
# Latin look-alikes next to a Cyrillic letter, as typed by someone switching keyboards
# (a Ukrainian "пiсля" with a Latin i).
_LOOKALIKE: Final = re.compile(r"[aceiopxyk]")
_LOOKALIKES_IN_CYRILLIC: Final = re.compile(r"[а-яіїєґ][aceiopxyk]+|[aceiopxyk]+[а-яіїєґ]")
_LATIN_TO_CYRILLIC: Final = str.maketrans("aceiopxyk", "асеіорхук")
# A phrase never crosses a sentence break or a comma. An exclusion never crosses a sentence
# break, and counts a comma as one word: "when I feel like this, I want to die right now" is
# still a warning sign, while "no, me voy a matar" is not a negation. A question mark ends a
# sentence too, and an exclusion may name it: "¿me voy a matar?" is a doubt, not a plan.
_SENTENCE_BREAKS: Final = re.compile(r"[.!;…¿¡|\n\r]+")
_BREAK: Final = "|"
_QUESTION: Final = "?"
_COMMA: Final = ","
_ASCII_SENTENCE_BREAKS: Final = ".!;|\n\r"
_ASCII_PUNCTUATION: Final = set(string.punctuation) - set(_ASCII_SENTENCE_BREAKS) - set("',`?")
# For ASCII text, translate does what the regexes do for any text; it is fast only when it
# maps one character to one character, so the breaks are spaced out with str.replace.
_ASCII_TO_KEY: Final = str.maketrans(
    dict.fromkeys(_ASCII_PUNCTUATION, " ")
    | dict.fromkeys(_ASCII_SENTENCE_BREAKS, _BREAK)
    | {"`": "'"}
)
_ASCII_TO_WORDS: Final = str.maketrans(
    dict.fromkeys(_ASCII_PUNCTUATION | set(_ASCII_SENTENCE_BREAKS) | {",", "?"}, " ") | {"`": "'"}
)
_NON_WORD: Final = re.compile(r"[^\w\s',|?]+")
_STRAY_APOSTROPHE: Final = re.compile(r"(?<!\w)'|'(?!\w)")
_REPEATED_ASCII_LETTER: Final = re.compile(r"([a-z])\1+")
_REPEATED_CHARACTER: Final = re.compile(r"(\w)\1+")  # faster than matching letters only


def _clean(text: str, *, keep_breaks: bool) -> str:
    """Lower case, no accents on Latin letters, no punctuation except the breaks if kept.

    Written for speed, as it runs on every message: ``str.translate`` is fast on ASCII only,
    and each step that only non-ASCII text needs is skipped for ASCII.
    """
    text = text.casefold()
    if text.isascii() and not keep_breaks:
        return text.translate(_ASCII_TO_WORDS)
    if text.isascii():
        return _spaced_breaks(text.translate(_ASCII_TO_KEY), keep=True)
    text = _INVISIBLE.sub("", _APOSTROPHE_VARIANTS.sub("'", text))
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text).casefold()
    text = _LATIN_ACCENTED.sub(lambda m: _UNACCENTED[m.group()], text)
    if _COMBINING.search(text):
        text = _LATIN_MARKS.sub("", text)
    # Russian writers drop the dots of ё all the time.
    text = text.replace("ё", "е")
    if _CYRILLIC.search(text) and _LOOKALIKE.search(text):
        text = _LOOKALIKES_IN_CYRILLIC.sub(lambda m: m.group().translate(_LATIN_TO_CYRILLIC), text)
    text = _NON_WORD.sub(" ", _SENTENCE_BREAKS.sub(_BREAK, text).replace("_", " "))
    return _spaced_breaks(text, keep=keep_breaks)


def _spaced_breaks(text: str, *, keep: bool) -> str:
    """Each break mark as a word of its own, or as a space."""
    for mark in (_BREAK, _COMMA, _QUESTION):
        text = text.replace(mark, f" {mark} " if keep else " ")
    return text


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: no punctuation, emoji or Latin accents.

    Apostrophe variants become ``'``; Cyrillic letters keep their marks (й, ї), except that
    ё is read as е. Matching folds this further (see `_fold`).
    """
    text = _clean(text, keep_breaks=False)
    if "'" in text:
        text = _STRAY_APOSTROPHE.sub(" ", text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    """Apostrophes ignored (i'm = im) and a repeated letter counted once.

    The second rule makes "killl", "kil" and "kill" equal, and "to" equal to "too". It is
    applied to the phrase files as well as to the text, so it can only ever merge spellings.
    """
    text = text.replace("'", "")
    if text.isascii():
        return _REPEATED_ASCII_LETTER.sub(lambda m: m.group(1), text)
    return _REPEATED_CHARACTER.sub(
        lambda m: m.group(1) if m.group(1).isalpha() else m.group(), text
    )


def words(text: str) -> list[str]:
    """The words of `text` as phrases are matched: normalised, then folded (see `_fold`)."""
    return _fold(normalise(text)).split()


def _key(text: str) -> tuple[str, frozenset[str]]:
    """The text as matched, and its words: folded words, breaks as ``|``, ``?`` and ``,``,
    a space at either end."""
    words = _fold(_clean(text, keep_breaks=True)).split()
    return f" {' '.join(words)} ", frozenset(words)


# --- Phrase templates ----------------------------------------------------------------------

_ID: Final = re.compile(r"[a-z0-9_]+")
_MANY: Final = r"(?:[2-9]\d|[1-9]\d\d+)"  # "#" in a phrase: a number of 20 or more
_SLOT: Final = re.compile(r"\{(\w+)\}")
# Up to this many strings, a phrase or slot is compiled as a prefix tree, so the regex engine
# tries a handful of branches at each word instead of every alternative in turn.
_MAX_EXPANSION: Final = 60

Anchors = frozenset[str] | None
# What a text must hold for a pattern to possibly match: for one of its phrases (any), a word
# of each set (all). None: the regex always runs. Checking this first skips most patterns.
Needs = tuple[tuple[frozenset[str], ...], ...] | None
Literals = frozenset[str] | None
_Trie: TypeAlias = dict[str, "_Trie"]


@dataclass(frozen=True)
class _Compiled:
    """Part of a phrase. Its regex is built only when a larger part needs it."""

    literals: Literals  # every string it matches, if there are few enough
    anchors: Anchors  # words one of which every match holds; None: not known
    build: Callable[[], str]  # the regex, for when the strings are not listed
    needs: tuple[frozenset[str], ...] = ()  # of a phrase: the anchors of each required word

    def regex(self) -> str:
        return self.build() if self.literals is None else _trie_regex(self.literals)


@cache
def _trie_regex(strings: frozenset[str]) -> str:
    """A regex for exactly these strings, factored by common prefixes."""
    root: _Trie = {}
    for text in strings:
        node = root
        for char in text:
            node = node.setdefault(char, {})
        node[""] = {}
    return _emit(root)


def _emit(node: _Trie) -> str:
    branches = []
    for char, child in sorted(node.items()):
        if char:
            run = char  # follow a chain of single letters in one go
            while len(child) == 1 and "" not in child:
                next_char, child = next(iter(child.items()))
                run += next_char
            branches.append(re.escape(run) + _emit(child))
    if not branches:
        return ""
    if "" not in node:
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{'|'.join(branches)})?"


def _compiled(
    literals: Literals,
    anchors: Anchors,
    build: Callable[[], str],
    needs: tuple[frozenset[str], ...] = (),
) -> _Compiled:
    if literals is not None and len(literals) > _MAX_EXPANSION:
        literals = None
    return _Compiled(literals, anchors, build, needs)


def _joined(left: Literals, right: Literals, separator: str) -> Literals:
    if left is None or right is None or len(left) * len(right) > _MAX_EXPANSION:
        return None
    return frozenset(f"{a}{separator}{b}" if a and b else a or b for a in left for b in right)


def _union(parts: list[_Compiled]) -> _Compiled:
    literals: Literals = frozenset()
    anchors: Anchors = frozenset()
    for part in parts:
        literals = None if literals is None or part.literals is None else literals | part.literals
        anchors = None if anchors is None or part.anchors is None else anchors | part.anchors

    def build() -> str:
        return f"(?:{'|'.join(sorted({p.regex() for p in parts}, key=len, reverse=True))})"

    return _compiled(literals, anchors, build)


def _sequence(parts: list[tuple[_Compiled, bool]]) -> str:
    """The regex for words in a row; the flag marks an optional word."""
    out = ""
    joined = False  # whether a required word has been emitted yet
    for part, optional in parts:
        if optional:
            out += f"(?: {part.regex()})?" if joined else f"(?:{part.regex()} )?"
        else:
            out += f" {part.regex()}" if joined else part.regex()
            joined = True
    return out


def _selectivity(anchors: frozenset[str]) -> tuple[int, int]:
    """Prefer anchors whose shortest word is long (short words are common), then fewer."""
    return min(len(a) for a in anchors), -len(anchors)


class _Compiler:
    """Compiles the phrase templates of one file (syntax in the header of every file)."""

    def __init__(self, slots: Mapping[str, tuple[str, ...]], filename: str) -> None:
        self.slots = slots
        self.filename = filename
        self.compiled_slots: dict[str, _Compiled] = {}
        self.open_slots: set[str] = set()

    def phrases(self, phrases: list[str], where: str) -> tuple[re.Pattern[str], Needs]:
        """One regex for all phrases. It matches with the leading space of the key text, as
        starting on a literal lets the regex engine skip ahead instead of trying every position.
        """
        templates = [self.template(p, where) for p in phrases]
        regex = re.compile(f" ({_union(templates).regex()})(?= )")
        if any(not template.needs for template in templates):
            return regex, None
        return regex, tuple(dict.fromkeys(template.needs for template in templates))

    def template(self, template: str, where: str) -> _Compiled:
        parts: list[tuple[_Compiled, bool]] = []
        literals: Literals = frozenset({""})
        candidates: list[frozenset[str]] = []
        for raw in template.split():
            optional = raw.startswith("[") and raw.endswith("]")
            token = raw[1:-1] if optional else raw
            if not token or "[" in token or "]" in token:
                raise CrisisDataError(f"{where}: [...] must wrap exactly one word: {template!r}")
            part = self.token(token, where)
            parts.append((part, optional))
            if optional:
                maybe = None if part.literals is None else part.literals | {""}
                literals = _joined(literals, maybe, " ")
            else:
                literals = _joined(literals, part.literals, " ")
                if part.anchors:
                    candidates.append(part.anchors)
        if all(optional for _, optional in parts):
            raise CrisisDataError(f"{where}: {template!r} has no required word")
        anchors = max(candidates, key=_selectivity, default=None)
        return _compiled(literals, anchors, lambda: _sequence(parts), tuple(candidates))

    def token(self, token: str, where: str) -> _Compiled:
        if "{" not in token:
            return _union([self.word(w, where) for w in token.split("/")])
        if whole_slot := _SLOT.fullmatch(token):
            return self.slot(whole_slot[1], where)
        # Slots glued to text: "{someone}'s".
        parts: list[_Compiled] = []
        literals: Literals = frozenset({""})
        for index, piece in enumerate(_SLOT.split(token)):
            if index % 2:
                parts.append(self.slot(piece, where))
            elif "/" in piece or "*" in piece:
                raise CrisisDataError(f"{where}: no / or * next to a slot: {token!r}")
            elif piece:
                parts.append(self.word(piece, where))
            else:
                continue
            literals = _joined(literals, parts[-1].literals, "")
        return _compiled(literals, None, lambda: "".join(f"(?:{p.regex()})" for p in parts))

    def unused_slots(self) -> set[str]:
        return set(self.slots) - set(self.compiled_slots)

    def slot(self, name: str, where: str) -> _Compiled:
        if name in self.compiled_slots:
            return self.compiled_slots[name]
        if name not in self.slots:
            raise CrisisDataError(f"{where}: unknown slot {{{name}}}")
        if name in self.open_slots:
            raise CrisisDataError(f"{self.filename} slot {name}: uses itself")
        self.open_slots.add(name)
        where = f"{self.filename} slot {name}"
        compiled = _union([self.template(option, where) for option in self.slots[name]])
        self.open_slots.remove(name)
        self.compiled_slots[name] = compiled
        return compiled

    @staticmethod
    def word(word: str, where: str) -> _Compiled:
        """One plain word; ``word*`` matches any word starting with ``word``."""
        if word == _QUESTION:
            return _Compiled(frozenset({_QUESTION}), frozenset({_QUESTION}), lambda: r"\?")
        if word == "#":
            return _Compiled(None, None, lambda: _MANY)
        body = _fold(normalise(word.removesuffix("*")))
        if not body or any(c in body for c in "{}[]*/"):
            raise CrisisDataError(f"{where}: cannot read {word!r}")
        if word.endswith("*"):
            return _Compiled(None, None, lambda: re.escape(body) + r"\w*")
        anchor = max(body.split(), key=len)
        return _Compiled(frozenset({body}), frozenset({anchor}), lambda: re.escape(body))


# --- Phrase files --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    id: str
    kind: CrisisKind
    regex: re.Pattern[str]
    needs: Needs
    # Words one of which any match holds (None: not known), for a quicker first check.
    anchors: Anchors


@dataclass(frozen=True)
class Exclusion:
    """Vetoes a match of this file's patterns in the same sentence (rules in the file header)."""

    id: str
    regex: re.Pattern[str]
    before: int | None
    after: int | None
    kinds: frozenset[CrisisKind]
    patterns: frozenset[str] | None  # the ids it may veto; None: any of its kinds

    def applies_to(self, pattern: Pattern) -> bool:
        return pattern.kind in self.kinds and (self.patterns is None or pattern.id in self.patterns)


@dataclass(frozen=True)
class Lexicon:
    language: str
    patterns: tuple[Pattern, ...]
    exclusions: tuple[Exclusion, ...]


def _str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise CrisisDataError(f"{where}: expected a non-empty list of strings")
    return [str(v) for v in value]


def _window(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CrisisDataError(f"{where}: expected a whole number of words >= 0")
    return value


def _entry_id(entry: Any, seen: set[str], where: str) -> tuple[str, Mapping[str, Any]]:
    if not isinstance(entry, dict):
        raise CrisisDataError(f"{where}: each entry must be a mapping")
    entry_id = entry.get("id")
    if not isinstance(entry_id, str) or not _ID.fullmatch(entry_id):
        raise CrisisDataError(f"{where}: id must be lower_snake_case, got {entry_id!r}")
    if entry_id in seen:
        raise CrisisDataError(f"{where}: duplicate id {entry_id!r}")
    seen.add(entry_id)
    return entry_id, entry


def _kind(value: Any, where: str) -> CrisisKind:
    for kind in KINDS:
        if value == kind:
            return kind
    raise CrisisDataError(f"{where}: kind must be one of {', '.join(KINDS)}, got {value!r}")


def _pattern_ids(
    body: Mapping[str, Any], patterns: list[Pattern], where: str
) -> frozenset[str] | None:
    if "patterns" not in body:
        return None
    ids = frozenset(_str_list(body["patterns"], where))
    if unknown := ids - {pattern.id for pattern in patterns}:
        raise CrisisDataError(f"{where}: unknown patterns {', '.join(sorted(unknown))}")
    return ids


def load_lexicon(path: Path) -> Lexicon:
    """Read, check and compile one phrase file; raises `CrisisDataError` on any mistake."""
    language = path.stem
    with path.open(encoding="utf-8") as handle:
        # The C loader when PyYAML has it: the same safe loading, several times faster.
        raw = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    if not isinstance(raw, dict) or set(raw) != {"slots", "patterns", "exclusions"}:
        raise CrisisDataError(f"{path.name}: expected exactly slots, patterns and exclusions")
    if not isinstance(raw["slots"], dict):
        raise CrisisDataError(f"{path.name}: slots must be a mapping")
    compiler = _Compiler(
        {
            str(name): tuple(_str_list(values, f"{path.name} slot {name}"))
            for name, values in raw["slots"].items()
        },
        path.name,
    )
    if not isinstance(raw["patterns"], list) or not isinstance(raw["exclusions"], list):
        raise CrisisDataError(f"{path.name}: patterns and exclusions must be lists")

    seen: set[str] = set()
    patterns: list[Pattern] = []
    for entry in raw["patterns"]:
        entry_id, body = _entry_id(entry, seen, f"{path.name} patterns")
        where = f"{path.name} {entry_id}"
        if set(body) != {"id", "kind", "phrases"}:
            raise CrisisDataError(f"{where}: expected exactly id, kind and phrases")
        regex, needs = compiler.phrases(_str_list(body["phrases"], where), where)
        anchors = (
            None
            if needs is None
            else frozenset().union(*(max(phrase, key=_selectivity) for phrase in needs))
        )
        patterns.append(Pattern(entry_id, _kind(body["kind"], where), regex, needs, anchors))
    missing = set(KINDS) - {p.kind for p in patterns}
    if missing:
        raise CrisisDataError(f"{path.name}: no pattern of kind {', '.join(sorted(missing))}")

    exclusions: list[Exclusion] = []
    for entry in raw["exclusions"]:
        entry_id, body = _entry_id(entry, seen, f"{path.name} exclusions")
        where = f"{path.name} {entry_id}"
        if not set(body) <= {"id", "phrases", "before", "after", "kinds", "patterns"}:
            raise CrisisDataError(f"{where}: unknown keys {sorted(set(body) - {'id'})}")
        before = _window(body.get("before"), where)
        after = _window(body.get("after"), where)
        if before is None and after is None:
            raise CrisisDataError(f"{where}: give before:, after: or both")
        kinds = frozenset(
            _kind(k, where) for k in (_str_list(body["kinds"], where) if "kinds" in body else KINDS)
        )
        regex, _ = compiler.phrases(_str_list(body["phrases"], where), where)
        exclusions.append(
            Exclusion(entry_id, regex, before, after, kinds, _pattern_ids(body, patterns, where))
        )
    if unused := compiler.unused_slots():
        raise CrisisDataError(f"{path.name}: unused slots {', '.join(sorted(unused))}")
    return Lexicon(language, tuple(patterns), tuple(exclusions))


def _load_all(directory: Path) -> dict[str, Lexicon]:
    lexicons = {path.stem: load_lexicon(path) for path in sorted(directory.glob("*.yaml"))}
    _trie_regex.cache_clear()
    if FALLBACK_LANGUAGE not in lexicons:
        raise CrisisDataError(f"{directory}: no {FALLBACK_LANGUAGE}.yaml")
    return lexicons


_LEXICONS: Final = _load_all(DATA_DIR)


# --- Detection -----------------------------------------------------------------------------

# Exclusions reach a few words around a match; looking further into a long sentence is wasted.
_EXCLUSION_REACH: Final = 200


def available_languages() -> tuple[str, ...]:
    """The languages with a phrase file, e.g. ``("de", "en", ..., "pt_BR", "ru", "uk")``."""
    return tuple(sorted(_LEXICONS))


def with_fallback(language: str, available: Iterable[str]) -> tuple[str, ...]:
    """Which of `available` to read for `language`: its own (``pt-br`` and ``pt`` find
    ``pt_BR``), then English."""
    names = tuple(available)
    code = language.strip().replace("-", "_").lower()
    by_code = {name.lower(): name for name in names}
    by_base = {name.split("_")[0].lower(): name for name in names}
    name = by_code.get(code) or by_base.get(code.split("_")[0], FALLBACK_LANGUAGE)
    return tuple(dict.fromkeys((name, FALLBACK_LANGUAGE)))


@lru_cache(maxsize=128)
def _lexicons_for(language: str) -> tuple[Lexicon, ...]:
    return tuple(_LEXICONS[name] for name in with_fallback(language, _LEXICONS))


def _spans(regex: re.Pattern[str], key: str, low: int, high: int) -> Iterator[tuple[int, int]]:
    """The spans of every match in key[low:high], overlapping ones included."""
    while (match := regex.search(key, low, high)) is not None:
        yield match.span(1)
        low = match.start(1)


def _find(key: str, char: str, start: int) -> int:
    index = key.find(char, start)
    return len(key) if index == -1 else index


def _near(key: str, left: int, right: int, limit: int) -> bool:
    """Whether key[left:right] holds at most `limit` words; a comma counts as one."""
    return left >= right or len(key[left:right].split()) <= limit


def _vetoed(key: str, start: int, end: int, pattern: Pattern, lexicon: Lexicon) -> bool:
    # Search only this sentence, with the question mark that may end it, and only near the match.
    low = max(
        key.rfind(_BREAK, 0, start),
        key.rfind(_QUESTION, 0, start),
        key.rfind(" ", 0, max(0, start - _EXCLUSION_REACH)),
        0,
    )
    high = min(
        _find(key, _BREAK, end),
        _find(key, _QUESTION, end) + 2,
        _find(key, " ", end + _EXCLUSION_REACH) + 1,
        len(key),
    )
    for exclusion in lexicon.exclusions:
        if not exclusion.applies_to(pattern):
            continue
        for hit_start, hit_end in _spans(exclusion.regex, key, low, high):
            before, after = exclusion.before, exclusion.after
            if before is not None and hit_start < start and _near(key, hit_end, start, before):
                return True
            if after is not None and hit_end > end and _near(key, end, hit_start, after):
                return True
    return False


def _may_match(pattern: Pattern, words: frozenset[str]) -> bool:
    if pattern.needs is None or pattern.anchors is None:
        return True
    if pattern.anchors.isdisjoint(words):
        return False
    return any(all(not need.isdisjoint(words) for need in phrase) for phrase in pattern.needs)


# Most urgent first: what the bot says first if a message signals more than one.
URGENCY: Final[tuple[CrisisKind, ...]] = (
    "overdose_now",
    "injury_now",
    "intent_now",
    "self_harm_now",
    "thoughts",
)
_RANK: Final[Mapping[CrisisKind, int]] = {kind: rank for rank, kind in enumerate(URGENCY)}


def _signals(key: str, words: frozenset[str], lexicon: Lexicon) -> Iterator[Pattern]:
    """The patterns of `lexicon` that match the text and are not vetoed, in text order."""
    candidates = sorted(
        (
            (start, end, pattern)
            for pattern in lexicon.patterns
            if _may_match(pattern, words)
            for start, end in _spans(pattern.regex, key, 0, len(key))
        ),
        key=lambda candidate: (candidate[0], -candidate[1]),
    )
    vetoed: list[tuple[int, int]] = []
    for start, end, pattern in candidates:
        # Part of a vetoed match ("я убью себя" in "боюсь, что я убью себя") stays vetoed.
        if any(low <= start and end <= high for low, high in vetoed):
            continue
        if _vetoed(key, start, end, pattern, lexicon):
            vetoed.append((start, end))
            continue
        yield pattern


def detect(text: str, language: str) -> CrisisSignal | None:
    """The most urgent phrase signalling danger, in the person's language or English, or None.

    Urgency is `URGENCY`; between equally urgent matches, the person's language and then the
    first in the text win.
    """
    key, words = _key(text)
    best: CrisisSignal | None = None
    for lexicon in _lexicons_for(language):
        for pattern in _signals(key, words, lexicon):
            if best is None or _RANK[pattern.kind] < _RANK[best.kind]:
                best = CrisisSignal(pattern.kind, f"{lexicon.language}:{pattern.id}")
                if _RANK[best.kind] == 0:
                    return best
    return best
