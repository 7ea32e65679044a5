"""Crisis-line directory: typed loader, lookup and phone formatting.

The data lives in ``bot/data/helplines.yaml`` (see the header comment there for the rules).
It is validated strictly on load: a malformed entry raises ``ValueError`` naming the region
and line, because showing a half-parsed crisis line is worse than refusing to start.

Nothing in this module is user-facing prose except data (line names, hours text) and the
operator-facing stale report used by ``python -m bot helplines check``.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, Literal, cast, get_args

import phonenumbers
import yaml
from babel import Locale, UnknownLocaleError

__all__ = [
    "DEFAULT_PATH",
    "Directory",
    "EmergencyNumber",
    "Fallback",
    "Kind",
    "Line",
    "PhoneEntry",
    "Region",
    "RegionLines",
    "Sms",
    "babel_locale",
    "format_dialable",
    "format_stale_report",
    "load_directory",
    "region_display_name",
]

DEFAULT_PATH: Final = Path(__file__).resolve().parent / "data" / "helplines.yaml"

Kind = Literal["crisis", "harm_reduction", "drug_info"]
SmsChannel = Literal["sms", "whatsapp"]
FallbackKind = Literal["directory", "emergency"]

_KINDS: Final[frozenset[str]] = frozenset(get_args(Kind))
_SMS_CHANNELS: Final[frozenset[str]] = frozenset(get_args(SmsChannel))
_FALLBACK_KINDS: Final[frozenset[str]] = frozenset(get_args(FallbackKind))
_STATUSES: Final = frozenset({"verified", "partial"})

_REGION_CODE_RE: Final = re.compile(r"^[A-Z]{2}$")
_SUBDIVISION_RE: Final = re.compile(r"^[A-Z]{2}-[A-Z0-9]{1,3}$")
# One dialable number as written locally: digits with optional spaces/hyphens, optional "+".
_NUMBER_RE: Final = re.compile(r"^\+?\d(?:[\d -]*\d)?$")
# "0919-057-1553 (Smart, TNT)" -> number + note.
_PHONE_PART_RE: Final = re.compile(r"^(?P<number>\+?\d[\d -]*?\d|\d)(?: \((?P<note>[^()]+)\))?$")
_URL_RE: Final = re.compile(r"^https?://\S+$")
_LANGUAGE_RE: Final = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

_TOP_KEYS: Final = frozenset({"schema_version", "regions", "international"})
_REGION_KEYS: Final = frozenset(
    {"name", "status", "emergency", "subdivisions", "lines", "withheld"}
)
_EMERGENCY_KEYS: Final = frozenset({"number", "label", "note", "non_emergency"})
_LINE_KEYS: Final = frozenset(
    {
        "name",
        "kind",
        "audience",
        "subdivision",
        "phone",
        "sms",
        "chat_url",
        "url",
        "hours",
        "hours_verified",
        "always_open",
        "languages",
        "source",
        "source_date",
        "checked",
    }
)
_REQUIRED_LINE_KEYS: Final = frozenset(
    {"name", "kind", "hours", "hours_verified", "languages", "source", "checked"}
)
_SMS_KEYS: Final = frozenset({"number", "keywords", "channel", "note", "text"})
_WITHHELD_KEYS: Final = frozenset({"name", "phone", "reason"})
_FALLBACK_KEYS: Final = frozenset(
    {"key", "name", "kind", "url", "phone", "source", "source_date", "checked"}
)

#: Hours text that, together with ``hours_verified``, allows ``always_open``.
ALWAYS_OPEN_HOURS: Final = "24/7"

# Number types that are reliably reachable in international form even when short.
_SUBSCRIBER_TYPES: Final = frozenset(
    {
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }
)


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True, slots=True, kw_only=True)
class EmergencyNumber:
    """An emergency (or urgent-care) number; the first one of a region is for immediate danger."""

    number: str
    label: str | None = None
    note: str | None = None
    #: True for urgent non-emergency lines (116 117, 1177, ...) listed beside the emergency ones.
    non_emergency: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class PhoneEntry:
    """One number of a line's phone text, e.g. ``0919-057-1553`` with note ``Smart, TNT``."""

    number: str
    note: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Sms:
    """A text-message contact. ``text`` is the reference's own wording, for display fallback."""

    number: str
    keywords: tuple[str, ...] = ()
    channel: SmsChannel = "sms"
    note: str | None = None
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class Line:
    """A helpline. ``phone`` is the text as the reference writes it (may hold several numbers)."""

    name: str
    phone: str | None
    sms: Sms | None
    chat_url: str | None
    url: str | None
    hours: str
    always_open: bool
    languages: tuple[str, ...]
    kind: Kind
    audience: str | None
    subdivision: str | None
    sources: tuple[str, ...]
    checked: date
    #: Whether ``hours`` was confirmed in a dated source; if not, do not quote it as fact.
    hours_verified: bool = False
    #: The reference's source_date wording when it was not a full ISO date.
    source_date: str | None = None
    #: ISO 3166-1 code of the region the line belongs to (needed to format its numbers).
    region: str
    phones: tuple[PhoneEntry, ...] = ()

    @property
    def dial_number(self) -> str | None:
        """The phone text with every number written so that a tap in Telegram dials it.

        Full numbers become international ("+44 300 123 6600"); short codes stay as written
        ("116 123"). Notes are kept: "1553 (landline) / +63 919 057 1553 (Smart, TNT) / ...".
        """
        if not self.phones:
            return None
        parts = []
        for entry in self.phones:
            shown = format_dialable(entry.number, self.region)
            parts.append(f"{shown} ({entry.note})" if entry.note else shown)
        return " / ".join(parts)


@dataclass(frozen=True, slots=True, kw_only=True)
class Region:
    code: str
    name: str
    emergency: tuple[EmergencyNumber, ...]
    lines: tuple[Line, ...]
    #: Subdivisions (ISO 3166-2) that have lines of their own, in the order to offer them.
    subdivisions: tuple[str, ...] = ()
    status: str = "verified"


@dataclass(frozen=True, slots=True, kw_only=True)
class Fallback:
    """An international fallback: a directory link or the 112 emergency note."""

    key: str
    name: str
    kind: FallbackKind
    url: str | None
    phone: str | None
    sources: tuple[str, ...]
    checked: date


@dataclass(frozen=True, slots=True, kw_only=True)
class RegionLines:
    """What to show for one region (and optional subdivision), already filtered and ordered."""

    region_code: str
    subdivision: str | None
    known: bool
    emergency: tuple[EmergencyNumber, ...] = ()
    crisis: tuple[Line, ...] = ()
    harm_reduction: tuple[Line, ...] = ()
    drug_info: tuple[Line, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class Directory:
    regions: Mapping[str, Region]
    international: tuple[Fallback, ...]
    schema_version: int = 1

    @property
    def finder_url(self) -> str:
        """The international helpline directory: for unknown regions, and as a second link."""
        return next(f.url for f in self.international if f.kind == "directory" and f.url)

    def lines_for(self, region_code: str, subdivision: str | None = None) -> RegionLines:
        """Lines for a region: that subdivision's lines first, then country-wide ones.

        Lines for other subdivisions are never included. A subdivision the region does not
        list (e.g. "CA-ON") just means "country-wide lines only". An unknown region gives an
        empty result with ``known=False`` so the caller shows the international fallback.
        """
        code = region_code.strip().upper()
        sub = subdivision.strip().upper() if subdivision else None
        region = self.regions.get(code)
        if region is None:
            return RegionLines(region_code=code, subdivision=sub, known=False)
        if sub is not None and sub not in region.subdivisions:
            sub = None

        def pick(kind: Kind) -> tuple[Line, ...]:
            own = [ln for ln in region.lines if ln.kind == kind and ln.subdivision == sub]
            if sub is None:
                return tuple(own)
            national = [ln for ln in region.lines if ln.kind == kind and ln.subdivision is None]
            return (*own, *national)

        return RegionLines(
            region_code=code,
            subdivision=sub,
            known=True,
            emergency=region.emergency,
            crisis=pick("crisis"),
            harm_reduction=pick("harm_reduction"),
            drug_info=pick("drug_info"),
        )

    def stale_lines(self, older_than_months: int, today: date) -> list[tuple[str, Line]]:
        """Lines whose ``checked`` date is more than ``older_than_months`` before ``today``.

        Sorted oldest first, then by region and name.
        """
        if older_than_months < 0:
            raise ValueError("older_than_months must be >= 0")
        cutoff = _months_before(today, older_than_months)
        found = [
            (code, line)
            for code, region in self.regions.items()
            for line in region.lines
            if line.checked < cutoff
        ]
        found.sort(key=lambda item: (item[1].checked, item[0], item[1].name))
        return found


# --------------------------------------------------------------------------- formatting


def format_dialable(raw: str, region_code: str | None) -> str:
    """Write a phone number so that tapping it in Telegram dials it.

    Valid full numbers that can be dialled in international form are returned in
    ``INTERNATIONAL`` format ("020 7946 0000", "GB" -> "+44 20 7946 0000"). Everything else is
    returned stripped but otherwise unchanged: short codes (988, 116 123, 3114, 1737), numbers
    that libphonenumber says cannot be dialled internationally (e.g. Australian 13/1300/1800),
    5-digit national service numbers (Norway's 08588), input containing letters (never guess
    vanity numbers), and anything that does not parse. Also used for people's plan contacts.
    """
    text = raw.strip()
    if not text or any(ch.isalpha() for ch in text):
        return text
    region = region_code.strip().upper() if region_code else None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return text
    if not phonenumbers.is_valid_number(number):
        return text
    if not phonenumbers.can_be_internationally_dialled(number):
        return text
    if (
        not text.startswith("+")
        and len(phonenumbers.national_significant_number(number)) <= 5
        and phonenumbers.number_type(number) not in _SUBSCRIBER_TYPES
    ):
        return text
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL))


def format_stale_report(
    stale: Sequence[tuple[str, Line]], *, older_than_months: int, today: date
) -> str:
    """A plain-text table for operators: region, line name, checked date, first source."""
    cutoff = _months_before(today, older_than_months)
    if not stale:
        return (
            f"Nothing is stale: every helpline was checked on or after {cutoff.isoformat()} "
            f"(within {older_than_months} months of {today.isoformat()})."
        )
    header = ("REGION", "LINE", "CHECKED", "FIRST SOURCE")
    rows = [
        (code, line.name, line.checked.isoformat(), line.sources[0] if line.sources else "-")
        for code, line in stale
    ]
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(3)]

    def render(row: tuple[str, str, str, str]) -> str:
        cells = [row[i].ljust(widths[i]) for i in range(3)]
        return "  ".join([*cells, row[3]]).rstrip()

    lines = [
        f"{len(rows)} helpline(s) last checked before {cutoff.isoformat()} "
        f"(more than {older_than_months} months before {today.isoformat()}):",
        "",
        render(header),
        render(("-" * widths[0], "-" * widths[1], "-" * widths[2], "-" * len(header[3]))),
        *(render(row) for row in rows),
    ]
    return "\n".join(lines)


@functools.lru_cache(maxsize=64)
def babel_locale(tag: str | None) -> Locale | None:
    """Parse a Telegram/BCP 47 language tag ("pt-br", "en", "zh-hans") into a Babel Locale.

    Falls back to the bare language ("de-CH-x" -> "de") and returns None if Babel does not
    know it.
    """
    if not tag:
        return None
    cleaned = tag.strip().replace("-", "_")
    candidates = [cleaned]
    if "_" in cleaned:
        candidates.append(cleaned.split("_", 1)[0])
    for candidate in candidates:
        try:
            return Locale.parse(candidate)
        except (UnknownLocaleError, ValueError, TypeError):
            continue
    return None


def region_display_name(code: str, locale: str) -> str:
    """The territory's name in ``locale`` (Babel/CLDR), falling back to English, then the code."""
    upper = code.strip().upper()
    for tag in (locale, "en"):
        parsed = babel_locale(tag)
        if parsed is not None:
            name = parsed.territories.get(upper)
            if name:
                return str(name)
    return upper


# --------------------------------------------------------------------------- loading


def load_directory(path: Path | str | None = None) -> Directory:
    """Load and validate the directory. The default file is loaded once and cached."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Directory:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Directory:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    return _parse_directory(raw, where=str(path))


def _fail(where: str, message: str) -> ValueError:
    return ValueError(f"{where}: {message}")


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, f"expected a mapping, got {type(value).__name__}")
    for key in value:
        if not isinstance(key, str):
            raise _fail(where, f"key {key!r} is not a string (quote it: YAML reads NO as false)")
    return cast(dict[str, Any], value)


def _check_keys(
    data: Mapping[str, Any], allowed: frozenset[str], where: str, required: Iterable[str] = ()
) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _fail(where, f"unknown field(s) {', '.join(unknown)}")
    missing = sorted(key for key in required if key not in data or data[key] is None)
    if missing:
        raise _fail(where, f"missing {', '.join(missing)}")


def _text(value: object, where: str, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(where, f"{what} must be a non-empty string")
    return value.strip()


def _req_text(value: object, where: str, what: str) -> str:
    result = _text(value, where, what)
    assert result is not None
    return result


def _bool(value: object, where: str, what: str, default: bool | None = None) -> bool:
    if value is None and default is not None:
        return default
    if not isinstance(value, bool):
        raise _fail(where, f"{what} must be true or false")
    return value


def _date(value: object, where: str, what: str) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(where, f"{what} must be an ISO date (YYYY-MM-DD), got {value!r}")


def _url(value: object, where: str, what: str, *, optional: bool = True) -> str | None:
    text = _text(value, where, what, optional=optional)
    if text is not None and not _URL_RE.match(text):
        raise _fail(where, f"{what} must be an http(s) URL, got {text!r}")
    return text


def _sources(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "missing source (a non-empty list of URLs)")
    return tuple(cast(str, _url(item, where, "source", optional=False)) for item in value)


def _number(value: object, where: str, what: str) -> str:
    text = _req_text(value, where, what)
    if not _NUMBER_RE.match(text):
        raise _fail(where, f"{what} {text!r} is not a phone number (digits, spaces, hyphens)")
    return text


def _phone_entries(text: str, where: str) -> tuple[PhoneEntry, ...]:
    entries = []
    for part in text.split(" / "):
        match = _PHONE_PART_RE.match(part.strip())
        if match is None:
            raise _fail(
                where,
                f"phone {text!r}: cannot read {part!r} (expected 'number' or 'number (note)')",
            )
        entries.append(PhoneEntry(number=match["number"], note=match["note"]))
    return tuple(entries)


def _parse_sms(value: object, where: str) -> Sms | None:
    if value is None:
        return None
    data = _mapping(value, f"{where}: sms")
    _check_keys(data, _SMS_KEYS, f"{where}: sms", required=("number", "text"))
    keywords = data.get("keywords") or []
    if not isinstance(keywords, list) or not all(isinstance(k, str) and k for k in keywords):
        raise _fail(where, "sms keywords must be a list of strings")
    channel = data.get("channel", "sms")
    if channel not in _SMS_CHANNELS:
        raise _fail(where, f"sms channel must be one of {sorted(_SMS_CHANNELS)}, got {channel!r}")
    return Sms(
        number=_number(data["number"], where, "sms number"),
        keywords=tuple(keywords),
        channel=cast(SmsChannel, channel),
        note=_text(data.get("note"), where, "sms note", optional=True),
        text=_req_text(data["text"], where, "sms text"),
    )


def _parse_line(value: object, code: str, subdivisions: tuple[str, ...], index: int) -> Line:
    name_hint = value.get("name") if isinstance(value, dict) else None
    where = f"region {code}, line {name_hint!r}" if name_hint else f"region {code}, line #{index}"
    data = _mapping(value, where)
    _check_keys(data, _LINE_KEYS, where, required=_REQUIRED_LINE_KEYS)
    name = _req_text(data["name"], where, "name")

    kind = data["kind"]
    if kind not in _KINDS:
        raise _fail(where, f"unknown kind {kind!r} (expected one of {sorted(_KINDS)})")

    phone = _text(data.get("phone"), where, "phone", optional=True)
    phones = _phone_entries(phone, where) if phone else ()
    sms = _parse_sms(data.get("sms"), where)
    chat_url = _url(data.get("chat_url"), where, "chat_url")
    url = _url(data.get("url"), where, "url")
    if kind == "crisis" and not (phone or sms or chat_url):
        raise _fail(where, "a crisis line needs a phone, an sms or a chat_url")
    if not (phone or sms or chat_url or url):
        raise _fail(where, "a line needs at least one way to reach it")

    subdivision = _text(data.get("subdivision"), where, "subdivision", optional=True)
    if subdivision is not None:
        if not _SUBDIVISION_RE.match(subdivision) or not subdivision.startswith(f"{code}-"):
            raise _fail(where, f"subdivision {subdivision!r} is not an ISO 3166-2 code of {code}")
        if subdivision not in subdivisions:
            raise _fail(where, f"subdivision {subdivision} is not listed in {code}.subdivisions")

    hours = _req_text(data["hours"], where, "hours")
    hours_verified = _bool(data["hours_verified"], where, "hours_verified")
    always_open = _bool(data.get("always_open"), where, "always_open", default=False)
    if always_open and not (hours == ALWAYS_OPEN_HOURS and hours_verified):
        raise _fail(
            where,
            f"always_open needs hours exactly {ALWAYS_OPEN_HOURS!r} and hours_verified: true",
        )

    languages = data["languages"]
    if (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(lang, str) and _LANGUAGE_RE.match(lang) for lang in languages)
    ):
        raise _fail(where, "languages must be a non-empty list of BCP 47 codes")

    source_date = data.get("source_date")
    if source_date is not None and not isinstance(source_date, str):
        raise _fail(where, "source_date must be a string (the reference's wording)")

    return Line(
        name=name,
        phone=phone,
        sms=sms,
        chat_url=chat_url,
        url=url,
        hours=hours,
        always_open=always_open,
        languages=tuple(languages),
        kind=cast(Kind, kind),
        audience=_text(data.get("audience"), where, "audience", optional=True),
        subdivision=subdivision,
        sources=_sources(data["source"], where),
        checked=_date(data["checked"], where, "checked"),
        hours_verified=hours_verified,
        source_date=source_date,
        region=code,
        phones=phones,
    )


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _parse_region(code: object, value: object) -> Region:
    if not isinstance(code, str) or not _REGION_CODE_RE.match(code):
        raise ValueError(
            f"region key {code!r} is not an ISO 3166-1 alpha-2 code"
            " (quote it: YAML reads NO as false)"
        )
    where = f"region {code}"
    data = _mapping(value, where)
    _check_keys(data, _REGION_KEYS, where, required=("name", "emergency", "lines"))

    status = data.get("status", "verified")
    if status not in _STATUSES:
        raise _fail(where, f"status must be one of {sorted(_STATUSES)}, got {status!r}")

    emergency_raw = data["emergency"]
    if not isinstance(emergency_raw, list) or not emergency_raw:
        raise _fail(where, "emergency must be a non-empty list")
    emergency = []
    for item in emergency_raw:
        entry = _mapping(item, f"{where}: emergency")
        _check_keys(entry, _EMERGENCY_KEYS, f"{where}: emergency", required=("number",))
        emergency.append(
            EmergencyNumber(
                number=_number(entry["number"], where, "emergency number"),
                label=_text(entry.get("label"), where, "emergency label", optional=True),
                note=_text(entry.get("note"), where, "emergency note", optional=True),
                non_emergency=_bool(entry.get("non_emergency"), where, "non_emergency", False),
            )
        )
    if emergency[0].non_emergency:
        raise _fail(where, "the first emergency number must be a real emergency number")

    subdivisions_raw = data.get("subdivisions") or []
    if not isinstance(subdivisions_raw, list) or not all(
        isinstance(s, str) and _SUBDIVISION_RE.match(s) and s.startswith(f"{code}-")
        for s in subdivisions_raw
    ):
        raise _fail(where, f"subdivisions must be ISO 3166-2 codes of {code}")
    subdivisions = tuple(cast(list[str], subdivisions_raw))
    if len(set(subdivisions)) != len(subdivisions):
        raise _fail(where, "duplicate subdivisions")

    lines_raw = data["lines"]
    if not isinstance(lines_raw, list):
        raise _fail(where, "lines must be a list")
    lines = tuple(
        _parse_line(item, code, subdivisions, index) for index, item in enumerate(lines_raw)
    )
    names = [line.name for line in lines]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise _fail(where, f"duplicate line name(s): {', '.join(duplicates)}")
    for sub in subdivisions:
        if not any(line.subdivision == sub for line in lines):
            raise _fail(where, f"subdivision {sub} is listed but has no lines of its own")

    _check_withheld(data.get("withheld"), code, lines)

    return Region(
        code=code,
        name=_req_text(data["name"], where, "name"),
        emergency=tuple(emergency),
        lines=lines,
        subdivisions=subdivisions,
        status=status,
    )


def _check_withheld(value: object, code: str, lines: Sequence[Line]) -> None:
    """Refuse a shown line that matches a withheld one by name or by phone number."""
    if value is None:
        return
    where = f"region {code}: withheld"
    if not isinstance(value, list):
        raise _fail(where, "must be a list")
    shown_numbers = {_digits(entry.number): line.name for line in lines for entry in line.phones}
    shown_names = {line.name.casefold(): line.name for line in lines}
    for item in value:
        entry = _mapping(item, where)
        _check_keys(entry, _WITHHELD_KEYS, where, required=("name", "reason"))
        name = _req_text(entry["name"], where, "name")
        _req_text(entry["reason"], where, "reason")
        if name.casefold() in shown_names:
            raise _fail(
                f"region {code}, line {name!r}", "is withheld (see its reason) but is also shown"
            )
        phone = _text(entry.get("phone"), where, "phone", optional=True)
        if phone:
            for part in phone.split(" / "):
                digits = _digits(part.split(" (", 1)[0])
                if digits and digits in shown_numbers:
                    raise _fail(
                        f"region {code}, line {shown_numbers[digits]!r}",
                        f"uses {part!r}, the number of withheld line {name!r}",
                    )


def _parse_fallback(value: object, index: int) -> Fallback:
    key_hint = value.get("key") if isinstance(value, dict) else None
    where = f"international fallback {key_hint or index!r}"
    data = _mapping(value, where)
    _check_keys(data, _FALLBACK_KEYS, where, required=("key", "name", "kind", "source", "checked"))
    kind = data["kind"]
    if kind not in _FALLBACK_KINDS:
        raise _fail(where, f"unknown kind {kind!r} (expected one of {sorted(_FALLBACK_KINDS)})")
    url = _url(data.get("url"), where, "url")
    phone = data.get("phone")
    phone_text = _number(phone, where, "phone") if phone is not None else None
    if not (url or phone_text):
        raise _fail(where, "needs a url or a phone")
    return Fallback(
        key=_req_text(data["key"], where, "key"),
        name=_req_text(data["name"], where, "name"),
        kind=cast(FallbackKind, kind),
        url=url,
        phone=phone_text,
        sources=_sources(data["source"], where),
        checked=_date(data["checked"], where, "checked"),
    )


def _parse_directory(raw: object, where: str) -> Directory:
    data = _mapping(raw, where)
    _check_keys(data, _TOP_KEYS, where, required=("regions", "international"))
    version = data.get("schema_version", 1)
    if version != 1:
        raise _fail(where, f"unsupported schema_version {version!r}")
    regions_raw = _mapping(data["regions"], f"{where}: regions")
    regions = {code: _parse_region(code, value) for code, value in regions_raw.items()}
    fallbacks_raw = data["international"]
    if not isinstance(fallbacks_raw, list) or not fallbacks_raw:
        raise _fail(where, "international must be a non-empty list")
    fallbacks = tuple(_parse_fallback(item, i) for i, item in enumerate(fallbacks_raw))
    keys = [fallback.key for fallback in fallbacks]
    if len(set(keys)) != len(keys):
        raise _fail(where, "duplicate international fallback keys")
    return Directory(
        regions=MappingProxyType(regions), international=fallbacks, schema_version=version
    )


def _months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier, clamped to that month's last day."""
    year, month0 = divmod(day.year * 12 + (day.month - 1) - months, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))
