"""Tests for the crisis-line directory (bot/data/helplines.yaml) and its loader.

A wrong number in a crisis is the worst defect this product can have, so these tests check the
whole file: every number against libphonenumber, every line against the research reference
(../shared/reference/helplines.yaml from the repo root), and the loader's refusal of bad data.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import phonenumbers
import pytest
import yaml
from phonenumbers import shortnumberinfo

from bot.helplines import (
    DEFAULT_PATH,
    Directory,
    Line,
    format_dialable,
    format_stale_report,
    load_directory,
    region_display_name,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
REFERENCE_PATH = REPO_ROOT.parent / "shared" / "reference" / "helplines.yaml"
REFERENCE_COMPILED = date(2026, 11, 28)

# fmt: off
EXPECTED_REGIONS = frozenset({
    "US", "CA", "GB", "IE", "AU", "NZ", "DE", "AT", "CH", "FR", "BE", "NL", "ES", "IT", "PT", "BR",
    "MX", "AR", "IN", "ZA", "NG", "KE", "PH", "JP", "KR", "UA", "PL", "SE", "NO", "DK", "FI",
})
# fmt: on

# Short codes that are real (each confirmed in the reference's sources) but that libphonenumber's
# short-number metadata does not (yet) list as valid for the region. Every other short code must
# pass is_valid_short_number_for_region. test_allowlists_are_still_needed fails when the library
# learns one of these, so the list only ever shrinks.
SHORT_CODES_UNKNOWN_TO_LIBPHONENUMBER: dict[tuple[str, str], str] = {
    ("NL", "113"): "113 Zelfmoordpreventie, dialable since July 2020 (nu.nl), free since 2025-10",
    ("PT", "1411"): "Linha Nacional de Prevenção do Suicídio, live since 2025-09-10",
    ("BR", "188"): "CVV, free nationwide since 2018-07-01",
    ("AR", "141"): "SEDRONAR Línea 141 (national drug line)",
    ("IN", "14416"): "Tele MANAS, launched October 2022",
    ("IN", "14446"): "DoSJE de-addiction helpline (replaced 1800-11-0031)",
    ("KR", "109"): "national suicide-prevention line since 2024-01-01",
    ("KR", "1342"): "drug counselling line since March 2024",
    ("UA", "7333"): "Lifeline Ukraine, mobile-operator short code",
    ("PH", "1553"): "NCMH crisis hotline, landline short code (DOH)",
}
# Emergency numbers that libphonenumber's emergency metadata does not list for the region.
EMERGENCY_UNKNOWN_TO_LIBPHONENUMBER: dict[tuple[str, str], str] = {
    ("NG", "112"): "Nigeria's toll-free national emergency number (reference, NCC)",
    ("KE", "911"): "listed with 999 and 112 by the reference for Kenya",
}


# --------------------------------------------------------------------------- fixtures/helpers


@pytest.fixture(scope="module")
def directory() -> Directory:
    return load_directory()


@pytest.fixture(scope="module")
def reference() -> dict[str, Any]:
    if not REFERENCE_PATH.is_file():
        pytest.skip(f"reference {REFERENCE_PATH} not found: cross-check against it skipped")
    with REFERENCE_PATH.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _all_lines() -> list[tuple[str, Line]]:
    return [
        (code, line) for code, region in load_directory().regions.items() for line in region.lines
    ]


def _line_id(item: tuple[str, Line]) -> str:
    return f"{item[0]}:{item[1].name}"


def _phone_cases() -> Iterator[Any]:
    for code, line in _all_lines():
        for entry in line.phones:
            yield pytest.param(
                code, line.name, entry.number, id=f"{code}:{line.name}:{entry.number}"
            )


def _sms_cases() -> Iterator[Any]:
    for code, line in _all_lines():
        if line.sms is not None:
            yield pytest.param(code, line.name, line.sms.number, id=f"{code}:{line.name}:sms")


def _emergency_cases() -> Iterator[Any]:
    for code, region in load_directory().regions.items():
        for entry in region.emergency:
            yield pytest.param(code, entry.number, entry.non_emergency, id=f"{code}:{entry.number}")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _ref_checked(source_date: str) -> tuple[date, bool]:
    """The directory's rule: a full ISO date prefix is the check date, else the compile date."""
    match = re.match(r"^(\d{4}-\d{2}-\d{2})", source_date)
    if match:
        return date.fromisoformat(match.group(1)), source_date != match.group(1)
    return REFERENCE_COMPILED, True


# --------------------------------------------------------------------------- the whole file


def test_default_file_loads_once(directory: Directory) -> None:
    assert DEFAULT_PATH.is_file()
    assert load_directory() is directory
    assert load_directory(DEFAULT_PATH) == directory  # an explicit path is parsed afresh


def test_all_regions_present(directory: Directory) -> None:
    assert set(directory.regions) == EXPECTED_REGIONS
    assert len(directory.regions) == 31


def test_reference_regions_present(directory: Directory, reference: dict[str, Any]) -> None:
    assert set(reference["regions"]) == set(directory.regions)
    for code, ref_region in reference["regions"].items():
        assert directory.regions[code].name == ref_region["name"], code


@pytest.mark.parametrize("code", sorted(EXPECTED_REGIONS))
def test_region_has_emergency_and_crisis_lines(directory: Directory, code: str) -> None:
    region = directory.regions[code]
    assert region.emergency, f"{code}: no emergency number"
    assert not region.emergency[0].non_emergency, f"{code}: first emergency number is non-emergency"
    # Whether or not the person picks a subdivision, there is a crisis line to show.
    assert directory.lines_for(code).crisis, f"{code}: no country-wide crisis line"
    for sub in region.subdivisions:
        assert directory.lines_for(code, sub).crisis, f"{code}/{sub}: no crisis line"


@pytest.mark.parametrize(("code", "name", "number"), list(_phone_cases()))
def test_phone_number_is_valid_for_region(code: str, name: str, number: str) -> None:
    parsed = phonenumbers.parse(number, code)
    if phonenumbers.is_valid_number(parsed):
        # is_valid_number_for_region, not region_code_for_number: NANP toll-free numbers are
        # shared by US and CA and report "US".
        assert phonenumbers.is_valid_number_for_region(parsed, code), f"{code} / {name}: {number}"
        return
    if shortnumberinfo.is_valid_short_number_for_region(parsed, code):
        return
    assert (code, number) in SHORT_CODES_UNKNOWN_TO_LIBPHONENUMBER, (
        f"{code} / {name}: {number!r} is neither a valid number nor a valid short code for {code}"
    )


@pytest.mark.parametrize(("code", "name", "number"), list(_sms_cases()))
def test_sms_number_is_valid_for_region(code: str, name: str, number: str) -> None:
    parsed = phonenumbers.parse(number, code)
    assert phonenumbers.is_valid_number(parsed) or shortnumberinfo.is_valid_short_number_for_region(
        parsed, code
    ), f"{code} / {name}: sms {number!r} is neither a valid number nor a valid short code"


@pytest.mark.parametrize(("code", "number", "non_emergency"), list(_emergency_cases()))
def test_emergency_number_is_valid(code: str, number: str, non_emergency: bool) -> None:
    if non_emergency:
        parsed = phonenumbers.parse(number, code)
        assert shortnumberinfo.is_valid_short_number_for_region(parsed, code), f"{code}: {number}"
        return
    assert (
        shortnumberinfo.is_emergency_number(number, code)
        or (code, number) in EMERGENCY_UNKNOWN_TO_LIBPHONENUMBER
    ), f"{code}: {number!r} is not an emergency number for {code} according to libphonenumber"


def test_allowlists_are_still_needed(directory: Directory) -> None:
    used = {(code, entry.number) for code, line in _all_lines() for entry in line.phones}
    for code, number in SHORT_CODES_UNKNOWN_TO_LIBPHONENUMBER:
        assert (code, number) in used, f"{code} {number} is no longer in the directory"
        parsed = phonenumbers.parse(number, code)
        assert not shortnumberinfo.is_valid_short_number_for_region(parsed, code), (
            f"libphonenumber now knows {code} {number}: remove it from the allowlist"
        )
    emergency = {(c, e.number) for c, r in directory.regions.items() for e in r.emergency}
    for code, number in EMERGENCY_UNKNOWN_TO_LIBPHONENUMBER:
        assert (code, number) in emergency
        assert not shortnumberinfo.is_emergency_number(number, code), (
            f"libphonenumber now knows {code} {number}: remove it from the allowlist"
        )


@pytest.mark.parametrize("item", _all_lines(), ids=_line_id)
def test_line_has_sources_and_a_past_checked_date(item: tuple[str, Line]) -> None:
    code, line = item
    assert line.sources, f"{code} / {line.name}: no source"
    assert any(s.startswith(("https://", "http://")) for s in line.sources), f"{code} / {line.name}"
    assert line.checked <= date.today(), (
        f"{code} / {line.name}: checked {line.checked} is in the future"
    )


def test_fallbacks_have_sources(directory: Directory) -> None:
    keys = [fallback.key for fallback in directory.international]
    assert {"findahelpline", "befrienders", "iasp", "emergency_112"} <= set(keys)
    assert keys[0] == "findahelpline"
    for fallback in directory.international:
        assert fallback.sources
        assert all(s.startswith(("https://", "http://")) for s in fallback.sources)
        assert fallback.checked <= date.today()
    emergency = [f for f in directory.international if f.kind == "emergency"]
    assert [f.phone for f in emergency] == ["112"]


@pytest.mark.parametrize("item", _all_lines(), ids=_line_id)
def test_always_open_only_when_confirmed(item: tuple[str, Line]) -> None:
    code, line = item
    if line.always_open:
        assert line.hours == "24/7", f"{code} / {line.name}"
        assert line.hours_verified, f"{code} / {line.name}"


# --------------------------------------------------------------------------- vs the reference


def test_no_withheld_reference_line_is_shown(
    directory: Directory, reference: dict[str, Any]
) -> None:
    shown_names = {line.name.casefold() for _, line in _all_lines()}
    for code, ref_region in reference["regions"].items():
        region_numbers = {
            _digits(e.number) for line in directory.regions[code].lines for e in line.phones
        }
        for ref_line in ref_region["lines"]:
            if ref_line["display"] and ref_line["verified"]:
                continue
            assert ref_line["name"].casefold() not in shown_names, (
                f"{code}: {ref_line['name']} is shown"
            )
            for part in (ref_line["phone"] or "").split(" / "):
                digits = _digits(part.split(" (", 1)[0])
                assert not digits or digits not in region_numbers, (
                    f"{code}: number {part!r} of withheld line {ref_line['name']!r} is shown"
                )


def test_every_displayable_reference_line_is_present(
    directory: Directory, reference: dict[str, Any]
) -> None:
    for code, ref_region in reference["regions"].items():
        ours = [line.name for line in directory.regions[code].lines]
        theirs = [line["name"] for line in ref_region["lines"] if line["display"]]
        assert ours == theirs, f"{code}: lines (or their order) differ from the reference"


def test_lines_match_the_reference_field_by_field(
    directory: Directory, reference: dict[str, Any]
) -> None:
    for code, ref_region in reference["regions"].items():
        ref_lines = {line["name"]: line for line in ref_region["lines"]}
        for line in directory.regions[code].lines:
            ref = ref_lines[line.name]
            where = f"{code} / {line.name}"
            assert ref["display"] is True, where
            assert ref["verified"] is True, where
            assert line.phone == ref["phone"], where
            assert (line.sms.text if line.sms else None) == ref["sms"], where
            assert line.chat_url == ref["chat_url"], where
            assert line.url == ref["url"], where
            assert line.hours == ref["hours"], where
            assert line.hours_verified == ref["hours_verified"], where
            assert line.kind == ref["kind"], where
            assert line.audience == ref.get("audience"), where
            assert line.subdivision == ref.get("subdivision"), where
            assert list(line.languages) == ref["languages"], where
            # A reference source may be "URL (path in that repository)": ours is then a link
            # to that file, which starts with the URL.
            ref_sources = [s.split(" (", 1)[0] for s in ref["source"]]
            assert len(line.sources) == len(ref_sources), where
            assert all(
                ours.startswith(theirs)
                for ours, theirs in zip(line.sources, ref_sources, strict=True)
            ), where
            checked, keep_original = _ref_checked(ref["source_date"])
            assert line.checked == checked, where
            assert line.source_date == (ref["source_date"] if keep_original else None), where
            assert line.always_open == (ref["hours"] == "24/7" and ref["hours_verified"] is True), (
                where
            )


def test_emergency_numbers_match_the_reference(
    directory: Directory, reference: dict[str, Any]
) -> None:
    for code, ref_region in reference["regions"].items():
        theirs = [entry.split(" (", 1)[0] for entry in ref_region["emergency"]]
        assert [e.number for e in directory.regions[code].emergency] == theirs, code


def test_fallbacks_match_the_reference(directory: Directory, reference: dict[str, Any]) -> None:
    ref_by_name = {f["name"]: f for f in reference["international_fallbacks"]}
    for fallback in directory.international:
        ref = ref_by_name[fallback.name]
        assert ref["verified"] is True
        assert fallback.url == ref.get("url")
        assert fallback.phone == ref.get("phone")
        assert list(fallback.sources) == ref["source"]


# --------------------------------------------------------------------------- lookup


def test_quebec_gets_its_line_first(directory: Directory) -> None:
    quebec = directory.lines_for("CA", "CA-QC")
    assert quebec.known
    assert quebec.subdivision == "CA-QC"
    assert quebec.crisis[0].subdivision == "CA-QC"
    assert quebec.crisis[0].phone == "1-866-277-3553"
    assert "988" in [line.phone for line in quebec.crisis]
    rest_of_canada = directory.lines_for("CA")
    assert all(line.subdivision is None for line in rest_of_canada.crisis)
    assert rest_of_canada.crisis[0].phone == "988"
    # A province without lines of its own gets the country-wide lines.
    assert directory.lines_for("ca", "ca-on") == rest_of_canada


def test_gb_nations(directory: Directory) -> None:
    scotland = directory.lines_for("GB", "GB-SCT")
    assert scotland.crisis[0].subdivision == "GB-SCT"
    assert {line.subdivision for line in scotland.crisis} == {"GB-SCT", None}
    assert "Samaritans" in [line.name for line in scotland.crisis]
    assert scotland.drug_info
    assert scotland.drug_info[0].name.startswith("FRANK")
    wales = directory.lines_for("GB", "GB-WLS")
    assert wales.crisis[0].dial_number == "111 (press 2)"


def test_no_subdivision_leaks(directory: Directory) -> None:
    for code, region in directory.regions.items():
        for sub in (None, *region.subdivisions):
            found = directory.lines_for(code, sub)
            for line in (*found.crisis, *found.harm_reduction, *found.drug_info):
                assert line.subdivision in (None, sub), f"{code}/{sub}: {line.name} leaked"
            own = [line for line in found.crisis if line.subdivision is not None]
            assert found.crisis[: len(own)] == tuple(own), f"{code}/{sub}: own lines not first"


def test_subdivision_lines_are_never_shown_for_other_regions(directory: Directory) -> None:
    for code in directory.regions:
        found = directory.lines_for(code, "CA-QC")
        for line in (*found.crisis, *found.harm_reduction, *found.drug_info):
            assert line.region == code
            assert line.subdivision is None or line.subdivision.startswith(f"{code}-")


def test_unknown_region() -> None:
    found = load_directory().lines_for("XX")
    assert found.known is False
    assert (found.emergency, found.crisis, found.harm_reduction, found.drug_info) == (
        (),
        (),
        (),
        (),
    )


def test_lookup_by_kind(directory: Directory) -> None:
    us = directory.lines_for("us")
    assert us.emergency[0].number == "911"
    assert [line.kind for line in us.crisis] == ["crisis"] * len(us.crisis)
    assert us.harm_reduction[0].name.startswith("Never Use Alone")
    assert us.drug_info[0].name.startswith("SAMHSA")


# --------------------------------------------------------------------------- stale report


def test_stale_lines_with_fixed_today(directory: Directory) -> None:
    today = date(2026, 11, 28)
    stale = directory.stale_lines(24, today)
    names = [(code, line.name) for code, line in stale]
    assert ("NZ", "Need to talk? 1737") in names  # checked 2017-06-29
    assert all(line.checked < date(2024, 11, 28) for _, line in stale)
    assert [line.checked for _, line in stale] == sorted(line.checked for _, line in stale)
    report = format_stale_report(stale, older_than_months=24, today=today)
    for text in ("REGION", "CHECKED", "FIRST SOURCE", "Need to talk? 1737", "2017-06-29"):
        assert text in report
    assert "https://m.scoop.co.nz/" in report
    assert f"{len(stale)} helpline(s)" in report


def test_nothing_stale_is_said_clearly(directory: Directory) -> None:
    today = date(2026, 11, 28)
    stale = directory.stale_lines(240, today)
    assert stale == []
    report = format_stale_report(stale, older_than_months=240, today=today)
    assert report.startswith("Nothing is stale")


def test_stale_months_are_calendar_months(tmp_path: Path) -> None:
    path = _write(tmp_path, _minimal(checked="2026-02-27"))
    fresh_path = _write(tmp_path, _minimal(checked="2026-02-28"), name="fresh.yaml")
    assert load_directory(path).stale_lines(1, date(2026, 3, 31))  # cutoff is 2026-02-28
    assert not load_directory(fresh_path).stale_lines(1, date(2026, 3, 31))


# --------------------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("020 7946 0000", "GB", "+44 20 7946 0000"),
        ("0300 123 6600", "GB", "+44 300 123 6600"),
        ("988", "US", "988"),
        ("116 123", "GB", "116 123"),
        ("3114", "FR", "3114"),
        ("1737", "NZ", "1737"),
        ("13 11 14", "AU", "13 11 14"),  # AU 13 numbers cannot be dialled in +61 form
        ("1800 250 015", "AU", "1800 250 015"),
        ("08588", "NO", "08588"),
        ("0919-057-1553", "PH", "+63 919 057 1553"),
        ("  +44 300 123 6600 ", None, "+44 300 123 6600"),
        ("0300 123 6600", None, "0300 123 6600"),  # no region: cannot know the country
        ("1-800-FLOWERS", "US", "1-800-FLOWERS"),  # letters are never guessed
        ("not a number", "GB", "not a number"),
        ("  ", "GB", ""),
        ("12", "ZZ", "12"),
    ],
)
def test_format_dialable(raw: str, region: str | None, expected: str) -> None:
    assert format_dialable(raw, region) == expected


def test_dial_number_keeps_every_number_and_note(directory: Directory) -> None:
    ncmh = directory.regions["PH"].lines[0]
    assert ncmh.dial_number == (
        "1553 (landline) / +63 919 057 1553 (Smart, TNT) / +63 917 899 8727 (Globe, TM)"
    )
    samaritans = directory.regions["GB"].lines[0]
    assert samaritans.dial_number == "116 123"
    shout = next(line for line in directory.regions["GB"].lines if line.name == "Shout 85258")
    assert shout.dial_number is None
    assert shout.sms is not None
    assert shout.sms.keywords == ("SHOUT",)
    telefono_amico = directory.regions["IT"].lines[0]
    assert telefono_amico.sms is not None
    assert telefono_amico.sms.channel == "whatsapp"


def test_region_display_name() -> None:
    assert region_display_name("DE", "uk") == "Німеччина"
    assert region_display_name("DE", "es") == "Alemania"
    assert region_display_name("de", "pt-br") == "Alemanha"
    assert region_display_name("GB", "en") == "United Kingdom"
    assert region_display_name("DE", "xx-unknown") == "Germany"
    assert region_display_name("QQ", "en") == "QQ"


# --------------------------------------------------------------------------- strict loading


def _minimal(**line_overrides: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "name": "Test Line",
        "kind": "crisis",
        "phone": "0800 111 0 111",
        "sms": None,
        "chat_url": None,
        "url": "https://example.org",
        "hours": "24/7",
        "hours_verified": True,
        "always_open": True,
        "languages": ["de"],
        "source": ["https://example.org/source"],
        "checked": "2026-01-02",
    }
    for key, value in line_overrides.items():
        if value is _DROP:
            line.pop(key)
        else:
            line[key] = value
    return {
        "schema_version": 1,
        "regions": {"DE": {"name": "Germany", "emergency": [{"number": "112"}], "lines": [line]}},
        "international": [
            {
                "key": "findahelpline",
                "name": "Find A Helpline",
                "kind": "directory",
                "url": "https://findahelpline.com",
                "source": ["https://findahelpline.com"],
                "checked": "2026-11-28",
            }
        ],
    }


_DROP: Any = object()


def _write(tmp_path: Path, data: dict[str, Any], name: str = "helplines.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_minimal_file_loads(tmp_path: Path) -> None:
    loaded = load_directory(_write(tmp_path, _minimal()))
    line = loaded.regions["DE"].lines[0]
    assert line.checked == date(2026, 1, 2)
    assert line.dial_number == "+49 800 1110111"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"kind": "hotline"}, "unknown kind 'hotline'"),
        ({"source": _DROP}, "missing source"),
        ({"source": []}, "missing source"),
        ({"source": ["ftp://example.org"]}, "http(s) URL"),
        ({"checked": _DROP}, "missing checked"),
        ({"checked": "2026-13"}, "ISO date"),
        ({"phone": None, "sms": None, "chat_url": None}, "needs a phone, an sms or a chat_url"),
        ({"hours": "24/7 (phone)"}, "always_open needs hours exactly"),
        ({"hours_verified": False}, "always_open needs hours exactly"),
        ({"subdivision": "DE-BY"}, "not listed in DE.subdivisions"),
        ({"phone": "0800 FREE"}, "cannot read"),
        ({"colour": "red"}, "unknown field(s) colour"),
        ({"languages": []}, "languages"),
    ],
)
def test_loader_rejects_bad_lines(tmp_path: Path, overrides: dict[str, Any], message: str) -> None:
    path = _write(tmp_path, _minimal(**overrides))
    with pytest.raises(ValueError, match=re.escape(message)) as excinfo:
        load_directory(path)
    assert "region DE" in str(excinfo.value)
    assert "'Test Line'" in str(excinfo.value)


def test_loader_rejects_a_withheld_line_coming_back(tmp_path: Path) -> None:
    data = _minimal()
    data["regions"]["DE"]["withheld"] = [
        {"name": "Old Line", "phone": "0800 111 0 111", "reason": "STALE: closed"}
    ]
    with pytest.raises(ValueError, match="withheld line 'Old Line'") as excinfo:
        load_directory(_write(tmp_path, data))
    assert "Test Line" in str(excinfo.value)
    data["regions"]["DE"]["withheld"] = [{"name": "test line", "phone": None, "reason": "x"}]
    with pytest.raises(ValueError, match="is withheld"):
        load_directory(_write(tmp_path, data))


def test_loader_rejects_bare_no_key(tmp_path: Path) -> None:
    text = textwrap.dedent(
        """\
        regions:
          NO:
            name: Norway
            emergency: [{number: "112"}]
            lines: []
        international:
          - {key: x, name: x, kind: directory, url: "https://x.org",
             source: ["https://x.org"], checked: 2026-11-28}
        """
    )
    path = tmp_path / "bare.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match="quote it"):
        load_directory(path)


def test_loader_rejects_non_emergency_first(tmp_path: Path) -> None:
    data = _minimal()
    data["regions"]["DE"]["emergency"] = [{"number": "116 117", "non_emergency": True}]
    with pytest.raises(ValueError, match="region DE"):
        load_directory(_write(tmp_path, data))


def test_the_international_directory_link_comes_from_the_data() -> None:
    assert load_directory().finder_url == "https://findahelpline.com"
