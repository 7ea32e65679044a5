"""Outreach links, organisations, print material and anonymous counts. No network."""

from __future__ import annotations

import io
import itertools
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pytest
import zxingcpp
from alembic import command
from alembic.config import Config
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import NullTranslations, Translations
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]  # fpdf2 brings it
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import Date, inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import stats
from bot.database import MIGRATIONS, create_engine, migrate
from bot.helplines import load_directory
from bot.i18n import Translator, available_languages
from bot.outreach import (
    LANGUAGES,
    OFFERS,
    PLANS,
    OutreachLink,
    link_from_options,
    link_url,
    load_organisations,
    offer_label,
    organisation,
)
from bot.outreach_print import font_path, write_card, write_qr

ENGLISH = Translator(NullTranslations())

# --------------------------------------------------------------------------- payloads

ORGS = ("ab", "demo", "x9", "a" * 16)
REGIONS = (
    (None, None),
    ("GB", None),
    ("GB", "GB-ENG"),
    ("CA", "CA-QC"),
    ("US", "US-1"),
    ("UA", None),
    ("XK", None),
)


def test_every_combination_round_trips() -> None:
    languages = (None, *LANGUAGES)
    plans = (None, *PLANS)
    for org, language, (region, subdivision), plan in itertools.product(
        ORGS, languages, REGIONS, plans
    ):
        link = OutreachLink(org, language, region, subdivision, plan)
        payload = link.encode()
        assert len(payload) <= 64
        assert re.fullmatch(r"[A-Za-z0-9_-]+", payload)
        assert OutreachLink.decode(payload) == link, payload


@pytest.mark.parametrize(
    ("link", "payload"),
    [
        (OutreachLink("demo"), "o1_demo"),
        (OutreachLink("demo", "uk", "UA"), "o1_demo_uk_UA"),
        (OutreachLink("demoua", "uk", "DE", plan="harm_reduction"), "o1_demoua_uk_DE_h"),
        (OutreachLink("democa", "fr", "CA", "CA-QC", "safety_plan"), "o1_democa_fr_CA-QC_s"),
        (OutreachLink("demo", None, "GB", plan="safety_plan"), "o1_demo__GB_s"),
        (OutreachLink("demo", "pt_BR", "BR"), "o1_demo_ptBR_BR"),
        (OutreachLink("demo", plan="harm_reduction"), "o1_demo___h"),
    ],
)
def test_documented_payloads(link: OutreachLink, payload: str) -> None:
    assert link.encode() == payload
    assert OutreachLink.decode(payload) == link


def test_the_longest_payload_fits_telegram() -> None:
    link = OutreachLink("z" * 16, "pt_BR", "GB", "GB-ENG", "harm_reduction")
    assert len(link.encode()) == 33


@pytest.mark.parametrize(
    "payload",
    [
        "",
        "o1",
        "o1_",
        "o2_demo",  # a format this version does not know
        "O1_demo",
        "v1_demo",
        "demo",
        "o1_demo_",  # not canonical: trailing empty field
        "o1_demo__",
        "o1_demo_en_GB_",
        "o1_demo_en_GB_s_",
        "o1_demo_en_GB_s_x",  # too many fields
        "o1_a",  # code too short
        "o1_" + "a" * 17,  # code too long
        "o1_Demo",
        "o1_de-mo",
        "o1_demo_xx",  # unknown language
        "o1_demo_it",
        "o1_demo_pt_BR",  # "_" splits fields: language "pt", region "BR" -> unknown language
        "o1_demo_ptbr",
        "o1_demo_enGB",  # en_GB is not one of the bot's languages
        "o1_demo_EN",
        "o1_demo_en_ZZ",  # unknown region
        "o1_demo_en_EU",
        "o1_demo_en_gb",
        "o1_demo_en_GBR",
        "o1_demo_en_GB-",
        "o1_demo_en_GB-ABCD",
        "o1_demo_en_GB-eng",
        "o1_demo_en_GB_x",  # unknown plan
        "o1_demo_en_GB_S",
        "o1_demo_en_GB_safety",
        "o1_demo_en_GB s",  # characters Telegram never sends
        "o1_demo/en",
        "o1_démo",
        "o1_demo\n",
        "o1_demo_en_GB_s" + "_" * 50,  # over 64 characters
        "o1_" + "a" * 62,
        "___",
        "-",
    ],
)
def test_bad_payloads_decode_to_none(payload: str) -> None:
    assert OutreachLink.decode(payload) is None


def test_garbage_never_raises_and_only_canonical_payloads_decode() -> None:
    rng = random.Random(20261128)
    alphabet = "o1_-demoukUAGBCAQCsh" + "ABCxyz0129"
    for _ in range(5000):
        payload = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 70)))
        link = OutreachLink.decode(payload)
        if link is not None:
            assert link.encode() == payload


@pytest.mark.parametrize(
    "fields",
    [
        {"org": "a"},
        {"org": "Demo"},
        {"org": "demo", "language": "it"},
        {"org": "demo", "language": "pt-BR"},
        {"org": "demo", "region": "ZZ"},
        {"org": "demo", "region": "gb"},
        {"org": "demo", "subdivision": "CA-QC"},
        {"org": "demo", "region": "GB", "subdivision": "CA-QC"},
        {"org": "demo", "region": "GB", "subdivision": "GB"},
        {"org": "demo", "plan": "safety"},
    ],
)
def test_an_invalid_link_cannot_be_made(fields: dict[str, str]) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the messages are for operators
        OutreachLink(**fields)


def test_link_from_what_an_operator_types() -> None:
    link = link_from_options(" Demo ", "pt-br", "ca-qc", "harm-reduction")
    assert link == OutreachLink("demo", "pt_BR", "CA", "CA-QC", "harm_reduction")
    assert link_from_options("demo", "UK", "ua", "safety") == OutreachLink(
        "demo", "uk", "UA", None, "safety_plan"
    )
    assert link_from_options("demo") == OutreachLink("demo")
    for bad in ({"language": "klingon"}, {"region": "XX"}, {"plan": "crisis"}):
        with pytest.raises(ValueError, match=r"unknown|not a known"):
            link_from_options("demo", **bad)


def test_link_url() -> None:
    link = OutreachLink("demo", "uk", "UA")
    assert link_url("safeplan_bot", link) == "https://t.me/safeplan_bot?start=o1_demo_uk_UA"
    assert link_url("@safeplan_bot", link) == "https://t.me/safeplan_bot?start=o1_demo_uk_UA"


def test_every_language_with_a_catalog_can_be_linked() -> None:
    assert set(available_languages()) <= set(LANGUAGES)


# --------------------------------------------------------------------------- organisations


def test_the_example_organisations_are_fictional_and_valid() -> None:
    orgs = load_organisations()
    assert 2 <= len(orgs) <= 3
    for code, org in orgs.items():
        assert org.code == code
        assert re.fullmatch(r"[a-z0-9]{2,16}", code)
        assert "fictional" in org.name or "fictif" in org.name
        for service in org.services:
            assert set(service.offers) <= set(OFFERS)
    assert organisation("demo") is orgs["demo"]
    assert organisation("nosuchorg") is None


def test_service_numbers_are_written_to_dial() -> None:
    demo = organisation("demo")
    assert demo is not None
    assert demo.services[0].dial_number == "+44 20 7946 0123"
    assert offer_label("naloxone", ENGLISH) == "Naloxone (reverses an opioid overdose)"


def test_the_example_file_header_says_fictional() -> None:
    text = (Path(__file__).parent.parent / "bot" / "data" / "organisations.yaml").read_text()
    assert "FICTIONAL" in text.split("schema_version")[0]


GOOD_SERVICE = '{name: "Drop-in", phone: "020 7946 0123", offers: [naloxone]}'


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("organisations: []", "schema_version"),
        ("schema_version: 1\norganisations: {}", "must be a list"),
        ("schema_version: 1\norganisations: []\nextra: 1", "unknown field"),
        ('schema_version: 1\norganisations:\n  - {code: D, name: "X", region: GB}', "code"),
        ('schema_version: 1\norganisations:\n  - {code: d, name: "X", region: GB}', "code"),
        ("schema_version: 1\norganisations:\n  - {code: demo, region: GB}", "missing name"),
        ('schema_version: 1\norganisations:\n  - {code: demo, name: " ", region: GB}', "name"),
        ('schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: ZZ}', "region"),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB}\n'
            '  - {code: demo, name: "Y", region: GB}',
            "used twice",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, web: x}',
            "unknown field",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, '
            'services: [{name: "S", phone: "12345678901234"}]}',
            "not a valid number",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, '
            'services: [{name: "S", phone: "0800 HELP ME"}]}',
            "not a valid number",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: US, '
            'services: [{name: "S", phone: "020 7946 0123"}]}',
            "not a valid number in US",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, '
            'services: [{name: "S", hours: "9-5"}]}',
            "phone or an address",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, '
            'services: [{name: "S", address: "A", offers: [hugs]}]}',
            "unknown offer",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, '
            'services: [{name: "S", address: "A", offers: [prep, prep]}]}',
            "listed twice",
        ),
        (
            'schema_version: 1\norganisations:\n  - {code: demo, name: "X", region: GB, '
            'services: [{name: "S", address: "A", url: "x"}]}',
            "unknown field",
        ),
    ],
)
def test_organisation_file_is_validated_strictly(tmp_path: Path, body: str, error: str) -> None:
    path = tmp_path / "organisations.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ValueError, match=error):
        load_organisations(path)


def test_a_minimal_organisation_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "organisations.yaml"
    path.write_text(
        "schema_version: 1\norganisations:\n"
        f'  - {{code: demo, name: "X", region: GB, services: [{GOOD_SERVICE}]}}\n'
        '  - {code: other, name: "Y", region: US, services: [{name: "S", phone: "988"}]}\n',
        encoding="utf-8",
    )
    orgs = load_organisations(path)
    assert orgs["demo"].services[0].offers == ("naloxone",)
    assert orgs["other"].services[0].dial_number == "988"


# --------------------------------------------------------------------------- QR codes and cards

URL = "https://t.me/safeplan_bot?start=o1_demoua_uk_UA_h"


def decoded(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def rasterize_segno_svg(path: Path) -> Image.Image:
    """Draws segno's SVG (one path of horizontal strokes, one module high) as an image."""
    root = ET.parse(path).getroot()
    size = int(root.attrib["width"]) // 10  # written with scale=10
    stroke = next(el for el in root.iter() if el.get("stroke") == "#000")
    tokens = re.findall(r"[Mmh]|-?\d+(?:\.\d+)?", stroke.attrib["d"])
    image = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(image)
    x = y = 0.0
    i = 0
    while i < len(tokens):
        op = tokens[i]
        if op in "Mm":
            dx, dy = float(tokens[i + 1]), float(tokens[i + 2])
            x, y = (dx, dy) if op == "M" else (x + dx, y + dy)
            i += 3
        else:
            length = float(tokens[i + 1])
            draw.rectangle((x, y - 0.5, x + length - 1, y - 0.5), fill=0)
            x += length
            i += 2
    return image.resize((size * 8, size * 8), Image.Resampling.NEAREST)


def test_png_qr_code_decodes_to_the_link(tmp_path: Path) -> None:
    write_qr(URL, tmp_path / "qr.png")
    assert decoded(Image.open(tmp_path / "qr.png")) == [URL]


def test_svg_qr_code_decodes_to_the_link(tmp_path: Path) -> None:
    write_qr(URL, tmp_path / "qr.SVG")
    assert decoded(rasterize_segno_svg(tmp_path / "qr.SVG")) == [URL]


def test_qr_code_needs_a_known_format(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"png or \.svg"):
        write_qr(URL, tmp_path / "qr.jpg")


UKRAINIAN = {
    "A harm reduction plan, on your phone": "План зменшення шкоди — у вашому телефоні",
    "Scan the code to open a free Telegram bot. It helps you make a harm reduction plan "
    "for staying safer, on your terms and in your own words.": (
        "Відскануйте код, щоб відкрити безкоштовного Telegram-бота. Він допоможе скласти "
        "план зменшення шкоди — на ваших умовах і вашими словами."
    ),
    "Send /myplan any time to see your plan, with crisis lines first.": (
        "Надішліть /myplan будь-коли, щоб побачити свій план, а спершу — кризові лінії."
    ),
    "The bot is a program, not a crisis service.": "Бот — це програма, а не кризова служба.",
    "If you are in danger now, call {number}.": "Якщо ви в небезпеці зараз, телефонуйте {number}.",
    "Crisis line: {name}": "Кризова лінія: {name}",
    "Call {number}": "Телефон {number}",
    "Open 24/7": "Цілодобово",
}


def ukrainian() -> Translator:
    catalog = Catalog(locale="uk")
    for msgid, text in UKRAINIAN.items():
        catalog.add(msgid, text)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translator(Translations(buffer))


def card_text(path: Path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    return " ".join(reader.pages[0].extract_text().replace("\xa0", " ").split())


def test_english_card(tmp_path: Path) -> None:
    org = organisation("demo")
    assert org is not None
    link = OutreachLink("demo", "en", "GB", plan="safety_plan")
    path = tmp_path / "card.pdf"
    write_card(path, link_url("safeplan_bot", link), org, link, ENGLISH, load_directory())
    text = card_text(path)
    assert org.name in text
    assert "If you are in danger now, call 999." in text
    assert "Crisis line: Samaritans Call 116 123" in text
    assert "A safety plan, on your phone" in text
    assert "t.me/safeplan_bot?start=o1_demo_en_GB_s" in text


def test_ukrainian_card_renders_cyrillic(tmp_path: Path) -> None:
    org = organisation("demoua")
    assert org is not None
    link = OutreachLink("demoua", "uk", "UA", plan="harm_reduction")
    path = tmp_path / "card.pdf"
    write_card(path, link_url("safeplan_bot", link), org, link, ukrainian(), load_directory())
    text = card_text(path)
    assert org.name in text
    assert "План зменшення шкоди — у вашому телефоні" in text
    assert "Бот — це програма, а не кризова служба." in text
    assert "Якщо ви в небезпеці зараз, телефонуйте 112." in text
    assert "Кризова лінія: Lifeline Ukraine Телефон 7333 Цілодобово" in text


def test_card_without_a_region_uses_the_organisations(tmp_path: Path) -> None:
    org = organisation("democa")
    assert org is not None
    link = OutreachLink("democa", "fr")
    path = tmp_path / "card.pdf"
    write_card(path, link_url("safeplan_bot", link), org, link, ENGLISH, load_directory())
    assert "call 911" in card_text(path)


def test_card_for_a_region_without_lines_points_to_the_directory(tmp_path: Path) -> None:
    org = organisation("demo")
    assert org is not None
    link = OutreachLink("demo", region="GR")
    path = tmp_path / "card.pdf"
    write_card(path, link_url("safeplan_bot", link), org, link, ENGLISH, load_directory())
    text = card_text(path)
    assert "112 works from most mobile phones" in text
    assert "https://findahelpline.com" in text


def test_a_card_too_full_for_its_qr_code_is_refused(tmp_path: Path) -> None:
    catalog = Catalog(locale="de")
    catalog.add("Your own plan, on your phone", "Ein sehr langer Titel " * 30)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    org = organisation("demo")
    assert org is not None
    link = OutreachLink("demo", "de", "DE")
    with pytest.raises(ValueError, match="too long"):
        write_card(
            tmp_path / "card.pdf",
            link_url("safeplan_bot", link),
            org,
            link,
            Translator(Translations(buffer)),
            load_directory(),
        )


def test_the_font_covers_every_language_the_bot_speaks() -> None:
    cmap = TTFont(font_path()).getBestCmap()
    letters = (
        "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ'"  # uk
        "ёъыэЁЪЫЭ"  # ru
        "áéíóúñüÁÉÍÓÚÑÜ¿¡"  # es
        "àâæçèéêëîïôœùûüÿÀÂÆÇÈÉÊËÎÏÔŒÙÛÜŸ«»"  # fr
        "äöüßÄÖÜẞ„“"  # de
        "ãõçáâêíóúàÃÕÇ"  # pt_BR
        "—–’…·/+"
    )
    assert [ch for ch in letters if ord(ch) not in cmap] == []


def test_the_printed_card_scans(tmp_path: Path) -> None:
    org = organisation("demoua")
    assert org is not None
    link = OutreachLink("demoua", "uk", "UA", plan="harm_reduction")
    write_card(tmp_path / "card.pdf", URL, org, link, ukrainian(), load_directory())
    page = pdfium.PdfDocument(tmp_path / "card.pdf")[0]
    image = page.render(scale=150 / 72).to_pil()
    assert decoded(image) == [URL]


# --------------------------------------------------------------------------- counts


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'stats.sqlite3'}")
    await migrate(engine)
    yield engine
    await engine.dispose()


DAY = date(2026, 11, 27)
NEXT_DAY = date(2026, 11, 28)


async def test_counts_add_up(engine: AsyncEngine) -> None:
    await stats.count(engine, "demo", "opened", day=DAY)
    await stats.count(engine, "demo", "opened", day=DAY)
    await stats.count(engine, "demo", "started", "safety_plan", day=DAY)
    await stats.count(engine, "demo", "opened", day=NEXT_DAY)
    assert await stats.report(engine) == [
        stats.Row("demo", DAY, "opened", "", 2),
        stats.Row("demo", DAY, "started", "safety_plan", 1),
        stats.Row("demo", NEXT_DAY, "opened", "", 1),
    ]


async def test_counting_in_a_session_is_part_of_its_transaction(engine: AsyncEngine) -> None:
    async with AsyncSession(engine) as session, session.begin():
        await stats.count(session, "demo", "saved", "harm_reduction", day=DAY)
        await stats.count(session, "demo", "saved", "harm_reduction", day=DAY)

    async def failed_turn() -> None:
        async with AsyncSession(engine) as session, session.begin():
            await stats.count(session, "demo", "saved", "harm_reduction", day=DAY)
            raise RuntimeError("the person's turn failed: nothing it did is kept")

    with pytest.raises(RuntimeError):
        await failed_turn()
    assert await stats.report(engine) == [stats.Row("demo", DAY, "saved", "harm_reduction", 2)]


async def test_count_defaults_to_today(engine: AsyncEngine) -> None:
    await stats.count(engine, "demo", "opened")
    (row,) = await stats.report(engine)
    assert row.day == stats.today()


async def test_count_refuses_what_is_not_a_count(engine: AsyncEngine) -> None:
    with pytest.raises(ValueError, match="unknown event"):
        await stats.count(engine, "demo", "clicked")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="kind"):
        await stats.count(engine, "demo", "opened", "safety_plan")
    with pytest.raises(ValueError, match="kind"):
        await stats.count(engine, "demo", "saved")


async def test_report_filters_by_org_and_since(engine: AsyncEngine) -> None:
    for org, day in (("demo", DAY), ("demo", NEXT_DAY), ("democa", DAY)):
        await stats.count(engine, org, "opened", day=day)
    assert {(r.org, r.day) for r in await stats.report(engine, org="demo")} == {
        ("demo", DAY),
        ("demo", NEXT_DAY),
    }
    assert {(r.org, r.day) for r in await stats.report(engine, since=NEXT_DAY)} == {
        ("demo", NEXT_DAY)
    }
    assert await stats.report(engine, org="democa", since=NEXT_DAY) == []


ROWS = [
    stats.Row("demo", DAY, "opened", "", 3),
    stats.Row("demo", DAY, "started", "safety_plan", 2),
    stats.Row("demo", NEXT_DAY, "saved", "safety_plan", 1),
    stats.Row("democa", DAY, "opened", "", 1),
]


def test_csv_format() -> None:
    assert stats.format_csv(ROWS) == (
        "org,day,event,kind,count\n"
        "demo,2026-11-27,opened,,3\n"
        "demo,2026-11-27,started,safety_plan,2\n"
        "demo,2026-11-28,saved,safety_plan,1\n"
        "democa,2026-11-27,opened,,1\n"
    )


def test_table_format() -> None:
    assert stats.format_table(ROWS).splitlines() == [
        "ORG     DAY         opened  started safety_plan  saved safety_plan",
        "demo    2026-11-27       3                    2                  0",
        "demo    2026-11-28       0                    0                  1",
        "demo    total            3                    2                  1",
        "democa  2026-11-27       1                    0                  0",
        "democa  total            1                    0                  0",
    ]
    assert stats.format_table([]) == "No outreach counts for this selection yet."


PERSON_FREE = {"org", "day", "event", "kind", "count"}


async def test_the_counts_table_cannot_identify_anyone(engine: AsyncEngine) -> None:
    table = stats.OutreachDay.__table__  # type: ignore[attr-defined]
    assert {c.name for c in table.columns} == PERSON_FREE
    assert isinstance(table.c.day.type, Date)  # a day, never a time
    assert {c.name for c in table.primary_key.columns} == PERSON_FREE - {"count"}  # no row id

    def columns(connection: Connection) -> dict[str, str]:
        found = inspect(connection).get_columns("outreach_day")
        return {c["name"]: str(c["type"]) for c in found}

    async with engine.connect() as connection:
        migrated = await connection.run_sync(columns)
    assert migrated == {
        "org": "VARCHAR(16)",
        "day": "DATE",
        "event": "VARCHAR(16)",
        "kind": "VARCHAR(32)",
        "count": "INTEGER",
    }


def test_the_postgresql_upsert_adds_one() -> None:
    statement = stats._upsert(
        "postgresql", {"org": "demo", "day": DAY, "event": "opened", "kind": "", "count": 1}
    )
    compiled = statement.compile(
        dialect=create_engine("postgresql://safeplan@localhost/safeplan").dialect,
        compile_kwargs={"literal_binds": True},
    )
    assert " ".join(str(compiled).split()).endswith(
        "ON CONFLICT (org, day, event, kind) DO UPDATE SET count = (outreach_day.count + 1)"
    )


def test_migration_0002_goes_down_and_up_again(tmp_path: Path) -> None:
    from sqlalchemy import create_engine as create_sync_engine

    sync = create_sync_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
    with sync.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        assert "outreach_counted" in {c["name"] for c in inspect(connection).get_columns("person")}
        command.downgrade(config, "0001")
        assert "outreach_day" not in inspect(connection).get_table_names()
        assert "outreach_counted" not in {
            c["name"] for c in inspect(connection).get_columns("person")
        }
        command.upgrade(config, "head")
        assert "outreach_day" in inspect(connection).get_table_names()
    sync.dispose()


# --------------------------------------------------------------------------- counting once


def test_each_persons_events_count_once() -> None:
    assert stats.claim(None, "started", "safety_plan") is None  # never came by a link
    opened = stats.claim(None, "opened", org="demo")
    assert opened == stats.Claim("demo", "demo:o")
    assert stats.claim("demo:o", "opened", org="demo") is None  # the same link again
    started = stats.claim("demo:o", "started", "safety_plan")
    assert started == stats.Claim("demo", "demo:o,ss")
    assert stats.claim("demo:o,ss", "started", "safety_plan") is None
    saved = stats.claim("demo:o,ss", "saved", "safety_plan")
    assert saved == stats.Claim("demo", "demo:o,ss,fs")
    assert stats.claim("demo:o,ss,fs", "saved", "safety_plan") is None  # an edit, saved again
    assert stats.claim("demo:o,ss,fs", "saved", "harm_reduction") == stats.Claim(
        "demo", "demo:o,ss,fs,fh"
    )
    # Another organisation's link: from now on, their plans count for that one.
    assert stats.claim("demo:o,ss,fs", "opened", org="democa") == stats.Claim("democa", "democa:o")
    assert stats.claim("democa:o", "saved", "safety_plan") == stats.Claim("democa", "democa:o,fs")


def test_the_flag_fits_its_column() -> None:
    counted = stats.claim(None, "opened", org="z" * 16)
    assert counted is not None
    flag = counted.counted
    for event in ("started", "saved"):
        for kind in PLANS:
            step = stats.claim(flag, event, kind)
            assert step is not None
            flag = step.counted
    assert len(flag) <= 32


def test_claim_refuses_a_wrong_call() -> None:
    with pytest.raises(ValueError, match="org"):
        stats.claim(None, "opened")
    with pytest.raises(ValueError, match="plan kind"):
        stats.claim("demo:o", "started", "entry")
    with pytest.raises(ValueError, match="plan kind"):
        stats.claim("demo:o", "saved", "safety_plan", org="demo")
