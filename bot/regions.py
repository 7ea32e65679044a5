"""Region choice helpers: suggest regions for a language, match a typed country name.

Telegram tells us the person's language, never their country, and a language does not tell
us the country (``es`` may be ES, MX, AR or US). So the bot asks, offering a few likely
regions as buttons and matching whatever the person types. Everything here is pure and
deterministic; country names come from Babel (CLDR).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from typing import Final

from babel.languages import get_official_languages

from bot.helplines import Directory, babel_locale, load_directory

__all__ = [
    "match_country",
    "subdivision_hint",
    "subdivisions_that_matter",
    "suggested_regions",
]

# Likely regions per language tag (lower case, "-" separated), best first. Codes missing from
# the directory are dropped at lookup, so this table may mention regions we add later.
_SUGGESTIONS: Final[Mapping[str, tuple[str, ...]]] = {
    "en": ("US", "GB", "CA", "AU", "IE", "NZ", "IN", "ZA", "NG", "KE", "PH"),
    "en-us": ("US", "CA", "GB", "AU", "IE", "NZ"),
    "en-gb": ("GB", "IE", "US", "CA", "AU", "NZ"),
    "en-ca": ("CA", "US", "GB", "AU", "IE", "NZ"),
    "en-au": ("AU", "NZ", "GB", "US", "CA", "IE"),
    "en-nz": ("NZ", "AU", "GB", "US", "CA", "IE"),
    "en-ie": ("IE", "GB", "US", "CA", "AU", "NZ"),
    "en-in": ("IN", "GB", "US", "CA", "AU"),
    "es": ("ES", "MX", "AR", "US"),
    "es-mx": ("MX", "US", "ES", "AR"),
    "es-ar": ("AR", "ES", "MX", "US"),
    "es-us": ("US", "MX", "ES", "AR"),
    "fr": ("FR", "CA", "BE", "CH"),
    "fr-ca": ("CA", "FR", "BE", "CH"),
    "fr-be": ("BE", "FR", "CA", "CH"),
    "fr-ch": ("CH", "FR", "BE", "CA"),
    "de": ("DE", "AT", "CH"),
    "de-at": ("AT", "DE", "CH"),
    "de-ch": ("CH", "DE", "AT"),
    "it": ("IT", "CH"),
    "nl": ("NL", "BE"),
    "nl-be": ("BE", "NL"),
    "pt": ("BR", "PT"),
    "pt-br": ("BR", "PT"),
    "pt-pt": ("PT", "BR"),
    "uk": ("UA", "PL", "DE"),
    "ru": ("UA", "DE", "PL", "FI"),
    "be": ("PL", "UA", "DE"),
    "pl": ("PL", "GB", "DE", "IE"),
    "sv": ("SE", "FI"),
    "nb": ("NO",),
    "nn": ("NO",),
    "no": ("NO",),
    "da": ("DK",),
    "fi": ("FI", "SE"),
    "ja": ("JP",),
    "ko": ("KR",),
    "hi": ("IN",),
    "bn": ("IN",),
    "ta": ("IN",),
    "te": ("IN",),
    "mr": ("IN",),
    "gu": ("IN",),
    "kn": ("IN",),
    "ml": ("IN",),
    "pa": ("IN",),
    "or": ("IN",),
    "as": ("IN",),
    "fil": ("PH",),
    "tl": ("PH",),
    "sw": ("KE",),
    "ha": ("NG",),
    "yo": ("NG",),
    "ig": ("NG",),
    "pcm": ("NG",),
    "zu": ("ZA",),
    "xh": ("ZA",),
    "af": ("ZA",),
    "ca": ("ES",),
    "eu": ("ES",),
    "gl": ("ES",),
    "cy": ("GB",),
    "gd": ("GB",),
    "ga": ("IE", "GB"),
    "mi": ("NZ",),
}

# Typed names that Babel does not give us (all already normalised; see _normalise).
_ALIASES: Final[Mapping[str, str]] = {
    "uk": "GB",
    "u k": "GB",
    "britain": "GB",
    "great britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "cymru": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "u s": "US",
    "u s a": "US",
    "america": "US",
    "united states of america": "US",
    "the states": "US",
    "holland": "NL",
    "the netherlands": "NL",
    "quebec": "CA",
    "eire": "IE",
    "rsa": "ZA",
    # Older English names that CLDR has since replaced.
    "turkey": "TR",
    "czech republic": "CZ",
    "ivory coast": "CI",
    "swaziland": "SZ",
    "east timor": "TL",
    "burma": "MM",
    # ISO 3166-1 alpha-3 codes of the regions in our directory.
    "gbr": "GB",
    "can": "CA",
    "aus": "AU",
    "nzl": "NZ",
    "irl": "IE",
    "deu": "DE",
    "aut": "AT",
    "che": "CH",
    "fra": "FR",
    "bel": "BE",
    "nld": "NL",
    "esp": "ES",
    "ita": "IT",
    "prt": "PT",
    "bra": "BR",
    "mex": "MX",
    "arg": "AR",
    "ind": "IN",
    "zaf": "ZA",
    "nga": "NG",
    "ken": "KE",
    "phl": "PH",
    "jpn": "JP",
    "kor": "KR",
    "ukr": "UA",
    "pol": "PL",
    "swe": "SE",
    "nor": "NO",
    "dnk": "DK",
    "fin": "FI",
}

# Subdivisions that change the lines, by typed name (normalised), in a few languages.
_SUBDIVISION_ALIASES: Final[Mapping[str, str]] = {
    "england": "GB-ENG",
    "angleterre": "GB-ENG",
    "inglaterra": "GB-ENG",
    "scotland": "GB-SCT",
    "ecosse": "GB-SCT",
    "escocia": "GB-SCT",
    "schottland": "GB-SCT",
    "alba": "GB-SCT",
    "wales": "GB-WLS",
    "cymru": "GB-WLS",
    "pays de galles": "GB-WLS",
    "gales": "GB-WLS",
    "northern ireland": "GB-NIR",
    "irlande du nord": "GB-NIR",
    "irlanda del norte": "GB-NIR",
    "nordirland": "GB-NIR",
    "quebec": "CA-QC",
}

# Two-letter CLDR territory codes that are not countries a person can be in.
_NOT_COUNTRIES: Final = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
# CLDR "exceptionally reserved" territories that belong to a country we should show instead.
_TERRITORY_OF: Final[Mapping[str, str]] = {
    "IC": "ES",  # Canary Islands
    "EA": "ES",  # Ceuta and Melilla
    "AC": "SH",  # Ascension Island
    "TA": "SH",  # Tristan da Cunha
    "CP": "FR",  # Clipperton Island
    "DG": "IO",  # Diego Garcia
    "CQ": "GG",  # Sark
}

_SCORE_EXACT: Final = 0
_SCORE_PREFIX: Final = 1
_SCORE_WORD_PREFIX: Final = 2
_SCORE_SUBSTRING: Final = 3
_LONGEST_NAME: Final = 100  # longer than any country's name: not one, and slow to compare


def suggested_regions(
    language: str | None, limit: int = 6, *, directory: Directory | None = None
) -> list[str]:
    """Region codes from our directory to offer first for a Telegram ``language_code``.

    Tries the full tag ("pt-br"), then the bare language ("pt"). Returns [] for a language we
    have no sensible guess for: the bot should then ask the person to type their country.
    """
    if not language or limit <= 0:
        return []
    known = (directory or load_directory()).regions
    tag = language.strip().lower().replace("_", "-")
    candidates = [tag]
    if "-" in tag:
        candidates.append(tag.split("-", 1)[0])
    for candidate in candidates:
        codes = _SUGGESTIONS.get(candidate)
        if codes:
            return [code for code in codes if code in known][:limit]
    return []


def match_country(text: str, locale: str | None, limit: int = 5) -> list[str]:
    """Match a typed country name; returns ISO 3166-1 alpha-2 codes, best match first.

    Names come from Babel in the person's language and in English, plus the country's own
    name for the regions in our directory ("Deutschland", "Україна"), a few aliases ("UK",
    "USA", "Holland", "Turkey"), the subdivisions we know ("Scotland", "Escocia" -> GB; see
    ``subdivision_hint`` for the subdivision itself) and alpha-3 codes of our regions.
    Matching ignores case, accents and punctuation; exact names and two-letter codes beat
    prefixes, which beat word prefixes, which beat substrings. Ties prefer regions in our
    directory. The result may include countries that are not in the directory (the bot then
    shows the international fallback). Garbage gives [].
    """
    query = _normalise(text)
    if not 2 <= len(query) <= _LONGEST_NAME or limit <= 0:
        return []
    index = _name_index(_locale_key(locale))
    known = load_directory().regions
    best: dict[str, tuple[int, int]] = {}

    def offer(code: str, score: int, length: int) -> None:
        current = best.get(code)
        if current is None or (score, length) < current:
            best[code] = (score, length)

    compact = query.replace(" ", "")
    if len(compact) == 2 and compact.upper() in _country_codes():
        offer(compact.upper(), _SCORE_EXACT, 0)
    alias = _ALIASES.get(query)
    if alias is not None:
        offer(alias, _SCORE_EXACT, 0)
    subdivision = _SUBDIVISION_ALIASES.get(query)
    if subdivision is not None:
        offer(subdivision.split("-", 1)[0], _SCORE_EXACT, 0)

    for name, code in index:
        if name == query:
            offer(code, _SCORE_EXACT, len(name))
        elif name.startswith(query):
            offer(code, _SCORE_PREFIX, len(name))
        elif any(word.startswith(query) for word in name.split(" ")):
            offer(code, _SCORE_WORD_PREFIX, len(name))
        elif len(query) >= 3 and query in name:
            offer(code, _SCORE_SUBSTRING, len(name))

    ranked = sorted(
        best.items(), key=lambda item: (item[1][0], item[0] not in known, item[1][1], item[0])
    )
    return [code for code, _ in ranked[:limit]]


def is_country_code(code: str) -> bool:
    """True for an ISO 3166-1 alpha-2 code of a country ("GB"); False for "gb", "ZZ", "ÄÖ"."""
    return code in _country_codes()


def subdivision_hint(text: str) -> str | None:
    """The subdivision a typed name points at ("Scotland" -> "GB-SCT"), if it matters to us."""
    return _SUBDIVISION_ALIASES.get(_normalise(text))


def subdivisions_that_matter(region_code: str, *, directory: Directory | None = None) -> list[str]:
    """Subdivisions whose lines differ from the rest of the country (ask only for these).

    E.g. CA -> ["CA-QC"]; GB -> ["GB-ENG", "GB-SCT", "GB-WLS", "GB-NIR"] (the directory's
    order). Unknown regions and regions without subdivision lines give [].
    """
    region = (directory or load_directory()).regions.get(region_code.strip().upper())
    return list(region.subdivisions) if region else []


# --------------------------------------------------------------------------- internals


def _normalise(text: str) -> str:
    """Casefold, drop accents and punctuation, collapse spaces.

    "Côte d’Ivoire" -> "cote d ivoire"; "Österreich" -> "osterreich".
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", stripped).split())


def _locale_key(locale: str | None) -> str:
    parsed = babel_locale(locale)
    return str(parsed) if parsed is not None else "en"


def _variants(name: str) -> set[str]:
    """The normalised name, plus a German-style umlaut spelling ("oesterreich") if different."""
    folded = name.casefold()
    umlauts = folded.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
    return {_normalise(folded), _normalise(umlauts)} - {""}


def _territories(tag: str) -> dict[str, str]:
    """Babel's two-letter territory names for a locale ({} if Babel does not know it)."""
    parsed = babel_locale(tag)
    if parsed is None:
        return {}
    return {
        code: name
        for code, name in parsed.territories.items()
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and isinstance(name, str)
    }


@functools.cache
def _country_codes() -> frozenset[str]:
    return frozenset(
        _TERRITORY_OF.get(code, code) for code in _territories("en") if code not in _NOT_COUNTRIES
    )


@functools.cache
def _endonyms() -> tuple[tuple[str, str], ...]:
    """Each directory region's name in its own official languages ("Deutschland", "Suomi")."""
    names: list[tuple[str, str]] = []
    for code in load_directory().regions:
        for language in get_official_languages(code, de_facto=True):
            name = _territories(language).get(code)
            if name:
                names.extend((variant, code) for variant in sorted(_variants(name)))
    return tuple(names)


@functools.lru_cache(maxsize=32)
def _name_index(locale_key: str) -> tuple[tuple[str, str], ...]:
    """(normalised name, code) pairs for a locale, English and the endonyms; deduplicated."""
    seen: set[tuple[str, str]] = set()
    entries: list[tuple[str, str]] = []
    valid = _country_codes()
    candidates: list[tuple[str, str]] = []
    for tag in (locale_key, "en"):
        for raw_code, name in _territories(tag).items():
            code = _TERRITORY_OF.get(raw_code, raw_code)
            if raw_code in _NOT_COUNTRIES or code not in valid:
                continue
            candidates.extend((variant, code) for variant in sorted(_variants(name)))
    for entry in (*candidates, *_endonyms()):
        if entry not in seen:
            seen.add(entry)
            entries.append(entry)
    return tuple(entries)
