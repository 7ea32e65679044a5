"""Translations: complete, current, with the source's placeholders, and valid Telegram HTML."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n import LOCALES, MissingCatalog, available_languages, load_catalogs
from tests.e2e import ROOT
from tests.fakebot import HtmlError, parse_html

LANGUAGES = ["en", "de", "es", "fr", "pt_BR", "ru", "uk"]
TRANSLATED = [code for code in LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def catalog(language: str) -> Catalog:
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def template() -> Catalog:
    with (LOCALES / "messages.pot").open("rb") as pot:
        return read_po(pot)


def texts(message: Message) -> list[str]:
    value = message.string
    return list(value) if isinstance(value, tuple | list) else [value or ""]


def ids(message: Message) -> list[str]:
    value = message.id
    return list(value) if isinstance(value, tuple | list) else [value]


def test_the_bot_speaks_seven_languages() -> None:
    assert sorted(available_languages()) == sorted(LANGUAGES)
    assert sorted(load_catalogs().languages) == sorted(LANGUAGES)


def test_the_template_holds_exactly_the_strings_in_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "pyproject.toml",
            "-o",
            str(fresh),
            "--add-comments=TRANSLATORS:",
            "--no-location",
            "bot",
            "flows",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as pot:
        extracted = {(m.context, str(m.id)) for m in read_po(pot) if m.id}
    committed = {(m.context, str(m.id)) for m in template() if m.id}
    assert extracted == committed, "run `make extract` and translate what changed"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_catalog_is_current_and_complete(language: str) -> None:
    wanted = {(m.context, str(m.id)) for m in template() if m.id}
    po = catalog(language)
    have = {(m.context, str(m.id)) for m in po if m.id}
    assert have == wanted, f"{language}: run `make extract` and translate what changed"
    untranslated = [str(m.id) for m in po if m.id and not all(texts(m))]
    fuzzy = [str(m.id) for m in po if m.id and m.fuzzy]
    assert not untranslated, f"{language}: untranslated: {untranslated[:5]}"
    assert not fuzzy, f"{language}: fuzzy: {fuzzy[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_their_source(language: str) -> None:
    for message in catalog(language):
        if not message.id:
            continue
        wanted = sorted(PLACEHOLDER.findall(ids(message)[0]))
        for text in texts(message):
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (language, message.id, text)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_valid_telegram_html(language: str) -> None:
    messages = template() if language == "en" else catalog(language)
    for message in messages:
        if not message.id:
            continue  # the catalog's header
        for text in texts(message) if language != "en" else ids(message):
            if not text:
                continue
            filled = PLACEHOLDER.sub("x", text)
            try:
                parse_html(filled)
            except HtmlError as error:
                pytest.fail(f"{language}: {message.id!r}: {error}")


def test_babel_finds_nothing_stale() -> None:
    done = subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "update",
            "--check",
            "-i",
            "locales/messages.pot",
            "-d",
            "locales",
            "-D",
            "messages",
            "--no-fuzzy-matching",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_language_without_a_compiled_catalog_stops_the_bot(tmp_path: Path) -> None:
    shutil.copytree(LOCALES, tmp_path / "locales")
    for compiled in (tmp_path / "locales").glob("*/LC_MESSAGES/messages.mo"):
        compiled.unlink()
    with pytest.raises(MissingCatalog, match="make catalogs"):
        load_catalogs(locales=tmp_path / "locales")


@pytest.mark.parametrize(
    ("telegram", "chosen"),
    [
        ("pt-br", "pt_BR"),
        ("pt", "pt_BR"),
        ("uk", "uk"),
        ("ru", "ru"),
        ("de-AT", "de"),
        ("es-419", "es"),
        ("fr", "fr"),
        ("en-GB", "en"),
        ("zz", "en"),
        (None, "en"),
    ],
)
def test_telegrams_language_is_negotiated_against_ours(telegram: str | None, chosen: str) -> None:
    assert load_catalogs().negotiate(None, telegram) == chosen


def test_a_saved_choice_wins_over_telegrams_language() -> None:
    assert load_catalogs().negotiate("uk", "de") == "uk"
