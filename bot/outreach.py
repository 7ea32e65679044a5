"""Outreach links: what an outreach worker's link or QR code tells the bot, and who made it.

An outreach worker hands the bot to the people they serve with a link (or a printed QR code)
that opens it in the right language, with the right region's crisis lines, optionally straight
into one plan, and with their organisation's local services in the plan. The organisations
are declared as data in ``bot/data/organisations.yaml``; this module reads and validates that
file, and encodes and decodes the link's ``/start`` payload. Pure apart from reading the file.

PAYLOAD FORMAT, VERSION 1
=========================

Telegram passes ``https://t.me/<bot>?start=<payload>`` to the bot as ``/start <payload>``; a
payload is at most 64 characters of ``A-Z a-z 0-9 _ -``. Version 1 is::

    o1_<org>[_<language>[_<region>[_<plan>]]]

- ``o1``: the kind of payload (``o`` = outreach) and the format's version. A later format
  uses another prefix (``o2``...); a payload with a prefix this code does not know decodes to
  None, so an old bot given a newer link simply starts as if no link was used.
- ``_`` separates the fields, which are positional. A field may be empty (``o1_demo__GB``:
  no language), and trailing empty fields are left out, so every link has exactly one
  payload (decoding accepts only that canonical spelling).
- ``org``: the organisation's code, ``[a-z0-9]{2,16}``.
- ``language``: one of `LANGUAGES`, written without its underscore (``pt_BR`` -> ``ptBR``);
  always ``[a-z]{2,3}`` optionally followed by ``[A-Z]{2}``, so this is unambiguous.
- ``region``: an ISO 3166-1 alpha-2 code (upper case) that libphonenumber knows, optionally
  followed by an ISO 3166-2 subdivision suffix: ``GB``, ``CA-QC``.
- ``plan``: ``s`` (safety plan) or ``h`` (harm reduction plan); see `PLANS`.

The longest possible payload (16-character code, ``ptBR``, ``XX-XXX``, a plan) is 33
characters, so every valid link fits Telegram's limit with room to spare. Examples::

    o1_demo                  7   organisation only: the bot asks language and region itself
    o1_demo_uk_UA           13   Ukrainian, Ukraine's crisis lines
    o1_demoua_uk_DE_h       17   Ukrainian, Germany's lines, straight into a harm reduction plan
    o1_democa_fr_CA-QC_s    20   French, Quebec's and Canada's lines, safety plan
    o1_demo__GB_s           13   no language (Telegram's), UK lines, safety plan
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final, cast

import phonenumbers
import yaml
from telegram.helpers import create_deep_linked_url

from bot.helplines import format_dialable
from bot.i18n import Translator
from flows.model import N_

__all__ = [
    "DEFAULT_PATH",
    "LANGUAGES",
    "OFFERS",
    "PLANS",
    "PLAN_OPTIONS",
    "Organisation",
    "OutreachLink",
    "Service",
    "link_from_options",
    "link_url",
    "load_organisations",
    "offer_label",
    "organisation",
]

DEFAULT_PATH: Final = Path(__file__).resolve().parent / "data" / "organisations.yaml"

#: The languages a link can name: the bot's languages. Adding a catalog means adding it here.
LANGUAGES: Final[tuple[str, ...]] = ("en", "es", "fr", "de", "pt_BR", "uk", "ru")

#: Plan kinds (flow ids, as in `Plan.kind`) and their one-letter code in a payload.
PLANS: Final[Mapping[str, str]] = MappingProxyType({"safety_plan": "s", "harm_reduction": "h"})

#: The words an operator types for ``--plan``, and the plan kind each one means.
PLAN_OPTIONS: Final[Mapping[str, str]] = MappingProxyType(
    {"safety": "safety_plan", "harm-reduction": "harm_reduction"}
)

#: What a local service can offer: a fixed vocabulary, each with its label (a gettext msgid).
OFFERS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "naloxone": N_("Naloxone (reverses an opioid overdose)"),
        "testing": N_("Testing for HIV, hepatitis and STIs"),
        "sterile_equipment": N_("Sterile equipment"),
        "counselling": N_("Counselling"),
        "prep": N_("PrEP (medicine that prevents HIV)"),
        "drug_checking": N_("Drug checking"),
    }
)

_PREFIX: Final = "o1"
_MAX_PAYLOAD: Final = 64  # Telegram's limit for a /start payload
_PLAN_BY_CODE: Final = {code: kind for kind, code in PLANS.items()}
_CODE_RE: Final = re.compile(r"[a-z0-9]{2,16}")
_PAYLOAD_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,64}")
_LANGUAGE_FIELD_RE: Final = re.compile(r"(?P<language>[a-z]{2,3})(?P<country>[A-Z]{2})?")
_REGION_FIELD_RE: Final = re.compile(r"(?P<region>[A-Z]{2})(?P<subdivision>-[A-Z0-9]{1,3})?")
_SUBDIVISION_SUFFIX_RE: Final = re.compile(r"-[A-Z0-9]{1,3}")


def _known_region(code: str) -> bool:
    """An ISO 3166-1 alpha-2 code whose phone numbers libphonenumber can format."""
    return code in phonenumbers.SUPPORTED_REGIONS


# --------------------------------------------------------------------------- links


@dataclass(frozen=True)
class OutreachLink:
    """What an outreach link asks for. Construction validates; an invalid link cannot exist.

    ``plan`` is a plan kind (a key of `PLANS`: ``safety_plan`` or ``harm_reduction``);
    ``subdivision`` is a full ISO 3166-2 code (``CA-QC``) and needs ``region`` (``CA``).
    """

    org: str
    language: str | None = None
    region: str | None = None
    subdivision: str | None = None
    plan: str | None = None

    def __post_init__(self) -> None:
        if not _CODE_RE.fullmatch(self.org):
            raise ValueError(f"organisation code {self.org!r} is not [a-z0-9]{{2,16}}")
        if self.language is not None and self.language not in LANGUAGES:
            raise ValueError(f"language {self.language!r} is not one of {', '.join(LANGUAGES)}")
        if self.region is not None and not _known_region(self.region):
            raise ValueError(f"region {self.region!r} is not a known ISO 3166-1 alpha-2 code")
        if self.subdivision is not None and (
            self.region is None
            or not self.subdivision.startswith(self.region)
            or not _SUBDIVISION_SUFFIX_RE.fullmatch(self.subdivision[len(self.region) :])
        ):
            raise ValueError(
                f"subdivision {self.subdivision!r} is not an ISO 3166-2 code of {self.region!r}"
            )
        if self.plan is not None and self.plan not in PLANS:
            raise ValueError(f"plan {self.plan!r} is not one of {', '.join(PLANS)}")

    def encode(self) -> str:
        """The ``/start`` payload (see the module docstring for the format)."""
        fields = [
            self.org,
            (self.language or "").replace("_", ""),
            self.subdivision or self.region or "",
            PLANS[self.plan] if self.plan else "",
        ]
        while not fields[-1]:
            fields.pop()
        return "_".join([_PREFIX, *fields])

    @classmethod
    def decode(cls, payload: str) -> OutreachLink | None:
        """The link a payload encodes; None for anything unknown, malformed or not canonical.

        Never raises: the payload comes from whoever typed or forged the link.
        """
        if not _PAYLOAD_RE.fullmatch(payload):
            return None
        prefix, *fields = payload.split("_")
        if prefix != _PREFIX or not 1 <= len(fields) <= 4:
            return None
        org, language_field, region_field, plan_field = [*fields, "", "", ""][:4]

        language = None
        if language_field:
            match = _LANGUAGE_FIELD_RE.fullmatch(language_field)
            if match is None:
                return None
            country = match["country"]
            language = match["language"] + (f"_{country}" if country else "")

        region = subdivision = None
        if region_field:
            match = _REGION_FIELD_RE.fullmatch(region_field)
            if match is None:
                return None
            region = match["region"]
            subdivision = region_field if match["subdivision"] else None

        plan = None
        if plan_field:
            plan = _PLAN_BY_CODE.get(plan_field)
            if plan is None:
                return None

        try:
            link = cls(org, language, region, subdivision, plan)
        except ValueError:
            return None
        return link if link.encode() == payload else None


def link_from_options(
    org: str,
    language: str | None = None,
    region: str | None = None,
    plan: str | None = None,
) -> OutreachLink:
    """A link from what an operator typed: ``--lang pt-br --region ca-qc --plan safety``.

    Raises ValueError with a message for the operator when something is not valid.
    """
    lang = None
    if language is not None:
        wanted = language.strip().replace("-", "_").lower()
        lang = next((code for code in LANGUAGES if code.lower() == wanted), None)
        if lang is None:
            raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    code = sub = None
    if region is not None:
        code, _, suffix = region.strip().upper().partition("-")
        sub = f"{code}-{suffix}" if suffix else None
    kind = None
    if plan is not None:
        kind = PLAN_OPTIONS.get(plan.strip().lower())
        if kind is None:
            raise ValueError(f"unknown plan {plan!r}: use one of {', '.join(PLAN_OPTIONS)}")
    return OutreachLink(org.strip().lower(), lang, code, sub, kind)


def link_url(bot_username: str, link: OutreachLink) -> str:
    """``https://t.me/<bot>?start=<payload>``: the address the QR code and the card carry."""
    return create_deep_linked_url(bot_username.strip().removeprefix("@"), link.encode())


# --------------------------------------------------------------------------- organisations


@dataclass(frozen=True, slots=True, kw_only=True)
class Service:
    """A local service an organisation lists, shown in the plans of the people it serves.

    Names, addresses and hours are the organisation's own words (data, not translated).
    """

    name: str
    phone: str | None = None
    address: str | None = None
    hours: str | None = None
    offers: tuple[str, ...] = ()
    #: ISO 3166-1 code the phone number belongs to (the organisation's region).
    region: str

    @property
    def dial_number(self) -> str | None:
        """The phone number written so that a tap in Telegram dials it."""
        return format_dialable(self.phone, self.region) if self.phone else None


@dataclass(frozen=True, slots=True, kw_only=True)
class Organisation:
    code: str
    name: str
    #: Where the organisation works: its phone numbers' region, and its cards' default.
    region: str
    services: tuple[Service, ...] = ()


def offer_label(offer: str, t: Translator) -> str:
    """What a service offers, in the person's language."""
    return t.gettext(OFFERS[offer])


def organisation(code: str) -> Organisation | None:
    """The organisation with this code in the default file; None if there is none."""
    return load_organisations().get(code)


def load_organisations(path: Path | str | None = None) -> Mapping[str, Organisation]:
    """Organisations by code. The default file is loaded once; a mistake raises ValueError."""
    if path is None:
        return _load_default()
    return _load(Path(path))


@functools.cache
def _load_default() -> Mapping[str, Organisation]:
    return _load(DEFAULT_PATH)


def _load(path: Path) -> Mapping[str, Organisation]:
    with path.open(encoding="utf-8") as handle:
        raw = yaml.safe_load(handle)
    where = str(path)
    top = _mapping(raw, where)
    _check_keys(top, {"schema_version", "organisations"}, where)
    if top.get("schema_version") != 1:
        raise ValueError(f"{where}: schema_version must be 1")
    entries = top.get("organisations")
    if not isinstance(entries, list):
        raise ValueError(f"{where}: organisations must be a list")
    found: dict[str, Organisation] = {}
    for index, entry in enumerate(entries):
        org = _parse_organisation(entry, f"{where}: organisation #{index + 1}")
        if org.code in found:
            raise ValueError(f"{where}: organisation code {org.code!r} is used twice")
        found[org.code] = org
    return MappingProxyType(found)


def _parse_organisation(value: object, where: str) -> Organisation:
    data = _mapping(value, where)
    _check_keys(data, {"code", "name", "region", "services"}, where, {"code", "name", "region"})
    code = data["code"]
    if not isinstance(code, str) or not _CODE_RE.fullmatch(code):
        raise ValueError(f"{where}: code {code!r} must be 2-16 of a-z and 0-9")
    where = f"{where} ({code})"
    region = data["region"]
    if not isinstance(region, str) or not _known_region(region):
        raise ValueError(f"{where}: region {region!r} is not an ISO 3166-1 alpha-2 code")
    services = data.get("services") or []
    if not isinstance(services, list):
        raise ValueError(f"{where}: services must be a list")
    return Organisation(
        code=code,
        name=_text(data["name"], where, "name"),
        region=region,
        services=tuple(
            _parse_service(item, f"{where}, service #{i + 1}", region)
            for i, item in enumerate(services)
        ),
    )


def _parse_service(value: object, where: str, region: str) -> Service:
    data = _mapping(value, where)
    _check_keys(data, {"name", "phone", "address", "hours", "offers"}, where, {"name"})
    name = _text(data["name"], where, "name")
    where = f"{where} ({name})"
    phone = _optional_text(data.get("phone"), where, "phone")
    if phone is not None and not _valid_phone(phone, region):
        raise ValueError(f"{where}: phone {phone!r} is not a valid number in {region}")
    address = _optional_text(data.get("address"), where, "address")
    if phone is None and address is None:
        raise ValueError(f"{where}: a service needs a phone or an address")
    offers = data.get("offers") or []
    if not isinstance(offers, list) or not all(isinstance(o, str) for o in offers):
        raise ValueError(f"{where}: offers must be a list of words")
    unknown = sorted(set(offers) - set(OFFERS))
    if unknown:
        raise ValueError(
            f"{where}: unknown offer(s) {', '.join(unknown)} (use {', '.join(OFFERS)})"
        )
    if len(set(offers)) != len(offers):
        raise ValueError(f"{where}: an offer is listed twice")
    return Service(
        name=name,
        phone=phone,
        address=address,
        hours=_optional_text(data.get("hours"), where, "hours"),
        offers=tuple(offers),
        region=region,
    )


def _valid_phone(text: str, region: str) -> bool:
    """A full number, or a short code, that is valid in the region (never letters)."""
    if any(ch.isalpha() for ch in text):
        return False
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return False
    return bool(
        phonenumbers.is_valid_number(number)
        or phonenumbers.is_valid_short_number_for_region(number, region)
    )


def _mapping(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict) or not all(isinstance(key, str) for key in value):
        raise ValueError(f"{where}: expected a mapping with text keys")
    return cast(dict[str, Any], value)


def _check_keys(
    data: Mapping[str, Any], allowed: set[str], where: str, required: set[str] | None = None
) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(unknown)}")
    missing = sorted(key for key in required or set() if data.get(key) is None)
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")


def _text(value: object, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {what} must be a non-empty string")
    return value.strip()


def _optional_text(value: object, where: str, what: str) -> str | None:
    return None if value is None else _text(value, where, what)
