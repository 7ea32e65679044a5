"""Tests for region choice helpers (bot/regions.py)."""

from __future__ import annotations

import re

import pytest

from bot.helplines import load_directory
from bot.region_picker import SUBDIVISION_NAMES
from bot.regions import (
    match_country,
    subdivision_hint,
    subdivisions_that_matter,
    suggested_regions,
)

TWO_LETTER = re.compile(r"^[A-Z]{2}$")


# --------------------------------------------------------------------------- suggested_regions


@pytest.mark.parametrize(
    ("language", "expected_start"),
    [
        ("en", ["US", "GB", "CA", "AU", "IE", "NZ"]),
        ("en-GB", ["GB", "IE"]),
        ("es", ["ES", "MX", "AR", "US"]),
        ("es-MX", ["MX"]),
        ("fr", ["FR", "CA", "BE", "CH"]),
        ("de", ["DE", "AT", "CH"]),
        ("pt", ["BR", "PT"]),
        ("pt-br", ["BR", "PT"]),
        ("pt_PT", ["PT", "BR"]),
        ("uk", ["UA", "PL", "DE"]),
        ("ru", ["UA", "DE", "PL"]),
        ("ja", ["JP"]),
        ("nb", ["NO"]),
        ("it-CH", ["IT", "CH"]),  # unknown variant falls back to the language
    ],
)
def test_suggested_regions(language: str, expected_start: list[str]) -> None:
    suggestions = suggested_regions(language)
    assert suggestions[: len(expected_start)] == expected_start


def test_suggested_regions_are_in_the_directory_and_limited() -> None:
    regions = load_directory().regions
    for language in ("en", "es", "fr", "de", "pt", "uk", "ru", "pl", "sv", "hi", "sw", "fil"):
        suggestions = suggested_regions(language)
        assert suggestions, language
        assert len(suggestions) <= 6
        assert len(set(suggestions)) == len(suggestions)
        assert all(code in regions for code in suggestions), language
    assert suggested_regions("en", limit=2) == ["US", "GB"]
    assert suggested_regions("en", limit=0) == []


@pytest.mark.parametrize("language", ["tr", "zh-hans", "", None, "??"])
def test_no_guess_for_other_languages(language: str | None) -> None:
    assert suggested_regions(language) == []


# --------------------------------------------------------------------------- match_country


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        # English
        ("Germany", "en", "DE"),
        ("germ", "en", "DE"),
        ("united kingdom", "en", "GB"),
        ("  IRELAND ", "en", "IE"),
        ("new zealand", "en", "NZ"),
        ("Mexico", "en", "MX"),
        # Spanish
        ("Alemania", "es", "DE"),
        ("méxico", "es", "MX"),
        ("Mexico", "es", "MX"),  # without the accent
        ("Estados Unidos", "es", "US"),
        ("España", "es", "ES"),
        ("espana", "es", "ES"),
        # German
        ("Deutschland", "de", "DE"),
        ("Vereinigtes Königreich", "de", "GB"),
        ("Österreich", "de", "AT"),
        ("oesterreich", "de", "AT"),
        ("Schweiz", "de", "CH"),
        # Ukrainian and Russian
        ("Німеччина", "uk", "DE"),
        ("німеч", "uk", "DE"),
        ("Україна", "uk", "UA"),
        ("Польща", "uk", "PL"),
        ("Германия", "ru", "DE"),
        # French, Portuguese, Japanese
        ("Royaume-Uni", "fr", "GB"),
        ("Suisse", "fr", "CH"),
        ("Alemanha", "pt-br", "DE"),
        ("ドイツ", "ja", "DE"),
        # A country's own name works whatever the person's language
        ("Deutschland", "en", "DE"),
        ("Україна", "en", "UA"),
        ("Suomi", "es", "FI"),
        ("Norge", "en", "NO"),
        ("日本", "en", "JP"),
        # Aliases and codes
        ("uk", "en", "GB"),
        ("U.K.", "en", "GB"),
        ("usa", "en", "US"),
        ("U.S.A.", "en", "US"),
        ("America", "en", "US"),
        ("England", "en", "GB"),
        ("Scotland", "de", "GB"),
        ("Wales", "en", "GB"),
        ("Northern Ireland", "en", "GB"),
        ("Holland", "en", "NL"),
        ("Québec", "fr", "CA"),
        ("de", "en", "DE"),
        ("DEU", "en", "DE"),
        ("nz", "en", "NZ"),
        # Places CLDR lists separately from their country
        ("Canary Islands", "en", "ES"),
        ("Canarias", "es", "ES"),
        # Not in our directory: still matched, the bot shows the international fallback
        ("Turkey", "en", "TR"),
        ("Türkiye", "en", "TR"),
        ("Kosovo", "en", "XK"),
    ],
)
def test_match_country_best_first(text: str, locale: str, expected: str) -> None:
    matches = match_country(text, locale)
    assert matches, f"{text!r} ({locale}) matched nothing"
    assert matches[0] == expected, f"{text!r} ({locale}) -> {matches}"


def test_match_country_ranks_exact_before_prefix_and_prefers_our_regions() -> None:
    assert match_country("niger", "en")[:2] == ["NE", "NG"]  # exact name beats prefix
    assert match_country("united", "en")[:2] == ["US", "GB"]  # ties: our regions first
    assert match_country("uk", "en")[:2] == ["GB", "UA"]
    assert match_country("korea", "en")[0] == "KR"


def test_match_country_returns_only_country_codes() -> None:
    for text in ("a", "an", "uni", "europe", "world", "island", "unknown", "zone", "oceania"):
        for locale in ("en", "es", "uk"):
            for code in match_country(text, locale, limit=50):
                assert TWO_LETTER.match(code), (text, code)
                assert code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ", "IC", "EA"}, text


def test_match_country_limit_and_unknown_locale() -> None:
    assert len(match_country("an", "en", limit=3)) <= 3
    assert match_country("Germany", "en", limit=0) == []
    assert match_country("Germany", "xx-unknown")[0] == "DE"
    assert match_country("Germany", None)[0] == "DE"


@pytest.mark.parametrize("text", ["", "   ", "!!!", "x", "asdfgh", "zzzz", "12345", "🙂🙂", "qq"])
def test_match_country_garbage(text: str) -> None:
    assert match_country(text, "en") == []


# --------------------------------------------------------------------------- subdivisions


def test_subdivisions_that_matter() -> None:
    assert subdivisions_that_matter("CA") == ["CA-QC"]
    assert subdivisions_that_matter("gb") == ["GB-ENG", "GB-SCT", "GB-WLS", "GB-NIR"]
    assert subdivisions_that_matter("US") == []
    assert subdivisions_that_matter("XX") == []


def test_subdivisions_that_matter_follow_the_data() -> None:
    directory = load_directory()
    for code, region in directory.regions.items():
        used = {line.subdivision for line in region.lines if line.subdivision}
        assert set(subdivisions_that_matter(code)) == used, code


def test_every_subdivision_the_directory_lists_has_a_translatable_name() -> None:
    listed = {sub for r in load_directory().regions.values() for sub in r.subdivisions}
    assert listed == set(SUBDIVISION_NAMES)
    assert SUBDIVISION_NAMES["GB-SCT"] == "Scotland"
    assert SUBDIVISION_NAMES["CA-QC"] == "Quebec"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Scotland", "GB-SCT"),
        ("  wales ", "GB-WLS"),
        ("Cymru", "GB-WLS"),
        ("England", "GB-ENG"),
        ("Northern Ireland", "GB-NIR"),
        ("Québec", "CA-QC"),
        ("Escocia", "GB-SCT"),
        ("Germany", None),
        ("", None),
    ],
)
def test_subdivision_hint(text: str, expected: str | None) -> None:
    assert subdivision_hint(text) == expected
    if expected is not None:
        assert match_country(text, "en")[0] == expected.split("-", 1)[0]
