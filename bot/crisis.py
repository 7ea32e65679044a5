"""Gentle crisis detection: spot free text that signals danger *now*.

A match only makes the bot pause and *ask* whether the person is safe right now; it never
decides that they are in danger. Precision beats recall: warning signs, plan items, the past,
negations and questions about a topic must not match, and neither may a bare word such as
"suicide" (a keyword detector once flagged a person with OCD for typing it).

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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, Literal, TypeAlias, get_args

import yaml

CrisisKind = Literal["intent_now", "self_harm_now", "overdose_now"]
KINDS: Final[tuple[CrisisKind, ...]] = get_args(CrisisKind)
DATA_DIR: Final = Path(__file__).resolve().parent / "data" / "crisis_phrases"
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
_APOSTROPHES: Final = str.maketrans(dict.fromkeys("’‘ʼʹ′`´＇‛", "'"))
# Russian writers drop the dots of ё all the time; й, ї, є, ґ and і stay as they are.
_CYRILLIC_FOLD: Final = str.maketrans({"ё": "е"})
# Accents are stripped from Latin letters only: NFD turns й into и + U+0306, which must stay.
_LATIN_MARKS: Final = re.compile(r"(?<=[a-z])[\u0300-\u036f]+")
_CYRILLIC: Final = re.compile(r"[а-яіїєґ]")
# A word mixing Cyrillic with Latin look-alikes, as typed by someone switching keyboards
# (a Ukrainian "пiсля" with a Latin i).
_MIXED_WORD: Final = re.compile(r"\w*(?:[a-z]\w*[а-яіїєґ]|[а-яіїєґ]\w*[a-z])\w*")
_LATIN_TO_CYRILLIC: Final = str.maketrans("aceiopxyk", "асеіорхук")
# Sentence and comma breaks: a phrase never crosses one, and neither does an exclusion.
_BREAKS: Final = re.compile(r"[.!?;,…¿¡|\n\r]+")
_BREAK: Final = "|"
_ASCII_PUNCTUATION: Final = str.maketrans(dict.fromkeys(set(string.punctuation) - {"'"}, " "))
_NON_WORD: Final = re.compile(r"[^\w\s'|]+|_+")  # emoji and the like, once ASCII is done
_STRAY_APOSTROPHE: Final = re.compile(r"(?<!\w)'|'(?!\w)")


def _clean(text: str, breaks: str) -> str:
    """Lower case, no accents on Latin letters, clause breaks as given, no punctuation.

    Written for speed (translate tables, no regex on plain ASCII): it runs on every message.
    """
    text = unicodedata.normalize("NFKC", text.translate(_APOSTROPHES)).casefold()
    if not text.isascii():
        text = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
        text = unicodedata.normalize("NFC", text).translate(_CYRILLIC_FOLD)
        if _CYRILLIC.search(text):
            text = _MIXED_WORD.sub(lambda m: m.group().translate(_LATIN_TO_CYRILLIC), text)
    text = _BREAKS.sub(breaks, text).translate(_ASCII_PUNCTUATION)
    return text if text.isascii() else _NON_WORD.sub(" ", text)


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: no punctuation, emoji or Latin accents.

    Apostrophe variants become ``'``; Cyrillic letters keep their marks (й, ї), except that
    ё is read as е. Matching folds this further (see `_fold`).
    """
    text = _clean(text, " ")
    if "'" in text:
        text = _STRAY_APOSTROPHE.sub(" ", text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    """Apostrophes ignored (i'm = im) and a repeated letter counted once.

    The second rule makes "killl", "kil" and "kill" equal, and "to" equal to "too". It is
    applied to the phrase files as well as to the text, so it can only ever merge spellings.
    """
    text = text.replace("'", "")
    letters = string.ascii_lowercase if text.isascii() else {c for c in set(text) if c.isalpha()}
    for letter in letters:
        double = letter * 2
        while double in text:
            text = text.replace(double, letter)
    return text


def _key(text: str) -> str:
    """The text as matched: folded words, clause breaks as ``|``, a space at either end."""
    return f" {' '.join(_fold(_clean(text, f' {_BREAK} ')).split())} "


# --- Phrase templates ----------------------------------------------------------------------

_ID: Final = re.compile(r"[a-z0-9_]+")
_SLOT: Final = re.compile(r"\{(\w+)\}")
# Up to this many strings, a phrase or slot is compiled as a prefix tree, so the regex engine
# tries a handful of branches at each word instead of every alternative in turn.
_MAX_EXPANSION: Final = 600

Anchors = frozenset[str] | None
Literals = frozenset[str] | None
_Trie: TypeAlias = dict[str, "_Trie"]


@dataclass(frozen=True)
class _Compiled:
    regex: str
    literals: Literals  # every string it matches, if they are few enough
    anchors: Anchors  # words one of which every match holds; None: not known


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
    branches = [re.escape(char) + _emit(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    if "" not in node:
        return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    return f"(?:{'|'.join(branches)})?"


def _from_literals(literals: Literals, regex: str, anchors: Anchors) -> _Compiled:
    if literals is not None and len(literals) <= _MAX_EXPANSION:
        return _Compiled(_trie_regex(literals), literals, anchors)
    return _Compiled(regex, None, anchors)


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
    regex = "|".join(sorted({p.regex for p in parts}, key=len, reverse=True))
    return _from_literals(literals, f"(?:{regex})", anchors)


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

    def phrases(self, phrases: list[str], where: str) -> tuple[re.Pattern[str], Anchors]:
        """One regex for all phrases. It matches with the leading space of the key text, as
        starting on a literal lets the regex engine skip ahead instead of trying every position.
        """
        union = _union([self.template(p, where) for p in phrases])
        return re.compile(f" ({union.regex})(?= )"), union.anchors

    def template(self, template: str, where: str) -> _Compiled:
        regex = ""
        literals: Literals = frozenset({""})
        joined = False  # whether a required word has been emitted yet
        candidates: list[frozenset[str]] = []
        for raw in template.split():
            optional = raw.startswith("[") and raw.endswith("]")
            token = raw[1:-1] if optional else raw
            if not token or "[" in token or "]" in token:
                raise CrisisDataError(f"{where}: [...] must wrap exactly one word: {template!r}")
            part = self.token(token, where)
            if optional:
                regex += f"(?: {part.regex})?" if joined else f"(?:{part.regex} )?"
                maybe = None if part.literals is None else part.literals | {""}
                literals = _joined(literals, maybe, " ")
                continue
            regex += f" {part.regex}" if joined else part.regex
            literals = _joined(literals, part.literals, " ")
            joined = True
            if part.anchors:
                candidates.append(part.anchors)
        if not joined:
            raise CrisisDataError(f"{where}: {template!r} has no required word")
        return _from_literals(literals, regex, max(candidates, key=_selectivity, default=None))

    def token(self, token: str, where: str) -> _Compiled:
        if "{" not in token:
            return _union([self.word(w, where) for w in token.split("/")])
        # One or more slots, possibly glued to literal text: "{someone}'s".
        regex = ""
        literals: Literals = frozenset({""})
        for index, part in enumerate(_SLOT.split(token)):
            if index % 2:
                compiled = self.slot(part, where)
            elif "/" in part or "*" in part:
                raise CrisisDataError(f"{where}: no / or * next to a slot: {token!r}")
            elif part:
                compiled = self.word(part, where)
            else:
                continue
            regex += f"(?:{compiled.regex})"
            literals = _joined(literals, compiled.literals, "")
        return _from_literals(literals, regex, None)

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
        body = _fold(normalise(word.removesuffix("*")))
        if not body or any(c in body for c in "{}[]*/"):
            raise CrisisDataError(f"{where}: cannot read {word!r}")
        if word.endswith("*"):
            return _Compiled(re.escape(body) + r"\w*", None, None)
        return _Compiled(re.escape(body), frozenset({body}), frozenset({max(body.split(), key=len)}))


# --- Phrase files --------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    id: str
    kind: CrisisKind
    regex: re.Pattern[str]
    anchors: Anchors  # a match holds one of these words; None: always try the regex


@dataclass(frozen=True)
class Exclusion:
    """Vetoes a match of this file's patterns in the same clause (rules in the file header)."""

    id: str
    regex: re.Pattern[str]
    before: int | None
    after: int | None
    kinds: frozenset[CrisisKind]


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


def load_lexicon(path: Path) -> Lexicon:
    """Read, check and compile one phrase file; raises `CrisisDataError` on any mistake."""
    language = path.stem
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
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
        regex, anchors = compiler.phrases(_str_list(body["phrases"], where), where)
        patterns.append(Pattern(entry_id, _kind(body["kind"], where), regex, anchors))
    missing = set(KINDS) - {p.kind for p in patterns}
    if missing:
        raise CrisisDataError(f"{path.name}: no pattern of kind {', '.join(sorted(missing))}")

    exclusions: list[Exclusion] = []
    for entry in raw["exclusions"]:
        entry_id, body = _entry_id(entry, seen, f"{path.name} exclusions")
        where = f"{path.name} {entry_id}"
        if not set(body) <= {"id", "phrases", "before", "after", "kinds"}:
            raise CrisisDataError(f"{where}: unknown keys {sorted(set(body) - {'id'})}")
        before = _window(body.get("before"), where)
        after = _window(body.get("after"), where)
        if before is None and after is None:
            raise CrisisDataError(f"{where}: give before:, after: or both")
        kinds = frozenset(
            _kind(k, where) for k in (_str_list(body["kinds"], where) if "kinds" in body else KINDS)
        )
        regex, _ = compiler.phrases(_str_list(body["phrases"], where), where)
        exclusions.append(Exclusion(entry_id, regex, before, after, kinds))
    return Lexicon(language, tuple(patterns), tuple(exclusions))


def _load_all(directory: Path) -> dict[str, Lexicon]:
    lexicons = {path.stem: load_lexicon(path) for path in sorted(directory.glob("*.yaml"))}
    if FALLBACK_LANGUAGE not in lexicons:
        raise CrisisDataError(f"{directory}: no {FALLBACK_LANGUAGE}.yaml")
    return lexicons


_LEXICONS: Final = _load_all(DATA_DIR)


# --- Detection -----------------------------------------------------------------------------

# Exclusions reach a few words around a match; looking further into a long clause is wasted.
_EXCLUSION_REACH: Final = 200


def available_languages() -> tuple[str, ...]:
    return tuple(sorted(_LEXICONS))


@lru_cache(maxsize=128)
def _lexicons_for(language: str) -> tuple[Lexicon, ...]:
    """The person's language (``pt-br`` and ``pt`` find ``pt_BR``), then English."""
    code = language.strip().replace("-", "_").lower()
    by_code = {name.lower(): name for name in _LEXICONS}
    by_base = {name.split("_")[0].lower(): name for name in sorted(_LEXICONS, reverse=True)}
    name = by_code.get(code) or by_base.get(code.split("_")[0], FALLBACK_LANGUAGE)
    names = dict.fromkeys((name, FALLBACK_LANGUAGE))
    return tuple(_LEXICONS[n] for n in names)


def _spans(regex: re.Pattern[str], key: str, low: int, high: int) -> Iterator[tuple[int, int]]:
    """The spans of every match in key[low:high], overlapping ones included."""
    while (match := regex.search(key, low, high)) is not None:
        yield match.span(1)
        low = match.start(1)


def _find(key: str, char: str, start: int) -> int:
    index = key.find(char, start)
    return len(key) if index == -1 else index


def _near(key: str, left: int, right: int, limit: int) -> bool:
    """Whether key[left:right] holds at most `limit` words and no clause break."""
    if left >= right:
        return True
    words = key[left:right].split()
    return len(words) <= limit and _BREAK not in words


def _vetoed(key: str, start: int, end: int, pattern: Pattern, lexicon: Lexicon) -> bool:
    # Search only this clause, and only near the match.
    low = max(key.rfind(_BREAK, 0, start), key.rfind(" ", 0, max(0, start - _EXCLUSION_REACH)), 0)
    high = min(_find(key, _BREAK, end), _find(key, " ", end + _EXCLUSION_REACH) + 1, len(key))
    for exclusion in lexicon.exclusions:
        if pattern.kind not in exclusion.kinds:
            continue
        for hit_start, hit_end in _spans(exclusion.regex, key, low, high):
            if exclusion.before is not None and hit_start < start:
                if _near(key, hit_end, start, exclusion.before):
                    return True
            if exclusion.after is not None and hit_end > end:
                if _near(key, end, hit_start, exclusion.after):
                    return True
    return False


def detect(text: str, language: str) -> CrisisSignal | None:
    """The first phrase signalling danger now, in the person's language or English, or None."""
    key = _key(text)
    words = frozenset(key.split())
    for lexicon in _lexicons_for(language):
        for pattern in lexicon.patterns:
            if pattern.anchors is not None and pattern.anchors.isdisjoint(words):
                continue
            for start, end in _spans(pattern.regex, key, 0, len(key)):
                if not _vetoed(key, start, end, pattern, lexicon):
                    return CrisisSignal(pattern.kind, f"{lexicon.language}:{pattern.id}")
    return None
