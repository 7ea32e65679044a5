"""Crisis lines as screens: the emergency number first, then crisis lines, then a contact card.

Shown before every plan, on /sos, and whenever someone says they are not safe. Numbers
are written so a tap dials them, and the main line also goes out as a contact card,
because Telegram buttons cannot dial.
"""

from __future__ import annotations

import html

from bot.helplines import Directory, Line, RegionLines, format_dialable, region_display_name
from bot.i18n import Translator
from bot.render import Place
from bot.screens import ContactCard, Message, Screen


def _around_the_clock(line: Line) -> bool:
    return line.always_open or (line.hours_verified and line.hours.startswith("24/7"))


def _crisis_lines_in_order(lines: RegionLines) -> list[Line]:
    """Lines confirmed open around the clock first, then the directory's order (local first)."""
    return sorted(lines.crisis, key=lambda line: not _around_the_clock(line))


def _main_line(crisis: list[Line]) -> Line | None:
    """The first crisis line with a number: the one sent as a contact card."""
    return next((line for line in crisis if line.phones), None)


def _ways(line: Line, t: Translator) -> str:
    """How to reach a line: "call … · text … · chat: …"."""
    ways: list[str] = []
    if line.dial_number:
        ways.append(t.gettext("call {number}").format(number=html.escape(line.dial_number)))
    if line.sms:
        ways.append(t.gettext("text {number}").format(number=html.escape(line.sms.text)))
    if line.chat_url:
        ways.append(t.gettext("chat: {url}").format(url=html.escape(line.chat_url)))
    return " · ".join(ways)


def _line_block(line: Line, t: Translator) -> str:
    parts = [f"<b>{html.escape(line.name)}</b>"]
    ways = _ways(line, t)
    if ways:
        parts.append(ways)
    if line.always_open:
        parts.append(t.gettext("Open 24/7"))
    elif line.hours_verified and line.hours:
        parts.append(t.gettext("Hours: {hours}").format(hours=html.escape(line.hours)))
    else:
        parts.append(t.gettext("Opening hours may vary."))
    if line.audience:
        parts.append(t.gettext("For: {who}").format(who=html.escape(line.audience)))
    return "\n".join(parts)


def drug_line_blocks(
    directory: Directory,
    region: str | None,
    subdivision: str | None,
    kinds: tuple[str, ...],
    t: Translator,
) -> list[str]:
    """The region's lines of these kinds: overdose response ("never use alone") and drug
    information (including treatment referral), each only when `kinds` names it."""
    if region is None:
        return []
    lines = directory.lines_for(region, subdivision)
    shown = (lines.harm_reduction if "harm_reduction" in kinds else ()) + (
        lines.drug_info if "drug_info" in kinds else ()
    )
    return [_line_block(line, t) for line in shown]


def crisis_lines(
    directory: Directory,
    region: str | None,
    subdivision: str | None,
    t: Translator,
    language: str,
    *,
    kinds: tuple[str, ...] = ("crisis",),
) -> list[Screen]:
    """The region's emergency number and lines, or the international fallback."""
    lines = directory.lines_for(region, subdivision) if region else None
    if lines is None or not lines.known or region is None:
        first = (
            t.gettext("I don't have checked crisis lines for {country} yet.").format(
                country=region_display_name(region, language)
            )
            if region
            else t.gettext("Tell me your country with /region to see its lines here.")
        )
        text = "\n\n".join(
            [
                "<b>{}</b>".format(
                    html.escape(
                        t.gettext(
                            "If you are in danger now, call your local emergency number. "
                            "112 works from most mobile phones."
                        )
                    )
                ),
                t.gettext("Find a crisis line where you are: {url}").format(
                    url=directory.finder_url
                ),
                html.escape(first),
            ]
        )
        return [Message(text)]
    emergency = ", ".join(
        format_dialable(e.number, region) + (f" ({html.escape(e.label)})" if e.label else "")
        for e in lines.emergency
        if not e.non_emergency
    )
    country = region_display_name(region, language)
    blocks = [
        "<b>{}</b>".format(
            t.gettext("If you are in danger now, call {number}.").format(number=emergency)
        ),
        "<b>{}</b>".format(
            html.escape(t.gettext("Crisis lines in {country}").format(country=country))
        ),
    ]
    crisis = _crisis_lines_in_order(lines)
    blocks += [_line_block(line, t) for line in crisis]
    drug_lines = drug_line_blocks(directory, region, subdivision, kinds, t)
    if drug_lines:
        heading = html.escape(t.gettext("Overdose and drug information lines"))
        blocks += [f"<b>{heading}</b>", *drug_lines]
    blocks.append(
        t.gettext("Somewhere else? {url} lists lines in other countries.").format(
            url=directory.finder_url
        )
    )
    screens: list[Screen] = [Message("\n\n".join(blocks))]
    main = _main_line(crisis)
    if main is not None:
        screens.append(ContactCard(main.name, format_dialable(main.phones[0].number, region)))
    return screens


def main_crisis_line(
    directory: Directory, region: str | None, subdivision: str | None, t: Translator
) -> str:
    """The region's main crisis line on one line, to list among the people a plan can
    contact; where no line is checked, where to find one."""
    lines = directory.lines_for(region, subdivision) if region else None
    main = _main_line(_crisis_lines_in_order(lines)) if lines and lines.known else None
    if main is None:
        return t.gettext("Find a crisis line where you are: {url}").format(url=directory.finder_url)
    return f"<b>{html.escape(main.name)}</b>: {_ways(main, t)}"


def place_for(
    directory: Directory,
    region: str | None,
    subdivision: str | None,
    t: Translator,
    services: tuple[str, ...] = (),
) -> Place:
    """What rendering needs to know about where the person is: numbers to dial, lines."""
    known = directory.lines_for(region, subdivision) if region else None
    numbers = [e.number for e in known.emergency if not e.non_emergency] if known else []
    emergency = (
        format_dialable(numbers[0], region) if numbers else t.gettext("your local emergency number")
    )
    return Place(
        dial=lambda raw: format_dialable(raw, region),
        emergency=emergency,
        helplines=lambda kinds: drug_line_blocks(directory, region, subdivision, kinds, t),
        services=services,
        crisis_line=main_crisis_line(directory, region, subdivision, t),
    )
