"""Asking which country someone is in: a short list, "another country", or typing its name."""

from __future__ import annotations

import html

from bot.helplines import region_display_name
from bot.i18n import Translator
from bot.regions import suggested_regions
from bot.screens import Button, Message, rows
from bot.tokens import action_token
from flows.model import N_

REGION, SUBDIVISION, OTHER, SKIP = "region", "subdiv", "region_other", "region_skip"

# The parts of a country whose crisis lines differ; Babel has no names for these.
# A test holds this to every subdivision the directory lists.
SUBDIVISION_NAMES = {
    "CA-QC": N_("Quebec"),
    "GB-ENG": N_("England"),
    "GB-SCT": N_("Scotland"),
    "GB-WLS": N_("Wales"),
    "GB-NIR": N_("Northern Ireland"),
}


def _country_buttons(codes: list[str], language: str) -> list[Button]:
    return [
        Button(region_display_name(code, language), action_token(REGION, code)) for code in codes
    ]


def suggested_countries(language: str) -> list[Button]:
    """One tap for each country most people speaking this language are in."""
    return _country_buttons(suggested_regions(language), language)


def ask_region(t: Translator, language: str) -> Message:
    text = html.escape(
        t.gettext("Which country are you in? I'll show the crisis lines that work there.")
    )
    buttons = [
        *suggested_countries(language),
        Button(t.pgettext("button", "Another country"), action_token(OTHER)),
        Button(t.pgettext("button", "Not now"), action_token(SKIP)),
    ]
    return Message(text, rows(*buttons))


def ask_country_name(t: Translator) -> Message:
    text = html.escape(t.gettext("Type the name of your country."))
    return Message(text, rows(Button(t.pgettext("button", "Not now"), action_token(SKIP))))


def offer_matches(codes: list[str], t: Translator, language: str) -> Message:
    if not codes:
        text = t.gettext("I couldn't find a country by that name. Could you try again?")
        return Message(
            html.escape(text), rows(Button(t.pgettext("button", "Not now"), action_token(SKIP)))
        )
    text = html.escape(t.gettext("Did you mean one of these?"))
    buttons = [
        *_country_buttons(codes, language),
        Button(t.pgettext("button", "Not now"), action_token(SKIP)),
    ]
    return Message(text, rows(*buttons))


def ask_subdivision(region: str, subdivisions: list[str], t: Translator, language: str) -> Message:
    text = html.escape(t.gettext("Some lines depend on where you are. Which part of the country?"))
    buttons = [
        Button(t.gettext(SUBDIVISION_NAMES[code]), action_token(SUBDIVISION, code))
        for code in subdivisions
    ]
    buttons.append(
        Button(
            t.gettext("Somewhere else in {country}").format(
                country=region_display_name(region, language)
            ),
            action_token(SUBDIVISION, region),
        )
    )
    return Message(text, rows(*buttons))
