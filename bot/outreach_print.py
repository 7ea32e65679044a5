"""Print material for outreach links: the QR code alone (PNG or SVG) and a one-page A6 card.

The card says in a sentence or two what the bot does, carries the QR code and the link
written out, the organisation's name, and the region's emergency number and main crisis
line, so it helps even when nobody scans it (many people served by outreach lose phones).
Its font is Noto Sans (Latin, Greek and Cyrillic), shipped by the ``fontpkg-noto-sans``
package and embedded in the PDF, so the card prints the same in every language the bot
speaks. The QR code is drawn as vector squares: sharp at any printer resolution.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Final, cast

import segno
from fpdf import FPDF

from bot.helplines import Directory, Line, RegionLines, format_dialable
from bot.i18n import Translator
from bot.outreach import Organisation, OutreachLink
from flows.model import N_

__all__ = ["font_path", "write_card", "write_qr"]

_TITLES: Final[dict[str | None, str]] = {
    None: N_("Your own plan, on your phone"),
    "safety_plan": N_("A safety plan, on your phone"),
    "harm_reduction": N_("A harm reduction plan, on your phone"),
}
_ABOUT: Final[dict[str | None, str]] = {
    None: N_(
        "Scan the code to open a free Telegram bot. It helps you make a safety plan for "
        "getting through a crisis, or a harm reduction plan for staying safer, in your own "
        "words."
    ),
    "safety_plan": N_(
        "Scan the code to open a free Telegram bot. It helps you make a safety plan, step by "
        "step and in your own words, for getting through a crisis."
    ),
    "harm_reduction": N_(
        "Scan the code to open a free Telegram bot. It helps you make a harm reduction plan "
        "for staying safer, on your terms and in your own words."
    ),
}
_MYPLAN: Final = N_("Send /myplan any time to see your plan, with crisis lines first.")
_NOT_A_SERVICE: Final = N_("The bot is a program, not a crisis service.")

_PAGE: Final = (105.0, 148.0)  # A6 portrait, mm
_MARGIN: Final = 8.0
_GAP: Final = 3.0
_SPACING: Final = 1.5  # mm between two blocks of text
_QR_MAX: Final = 56.0  # mm with the quiet zone: over 1.3 mm a module for a typical link
_QR_MIN: Final = 32.0
_QR_BORDER: Final = 4  # modules of quiet zone, as the QR standard asks
_FONT: Final = "NotoSans"
_INK: Final = (34, 34, 34)
_ACCENT: Final = (0, 82, 107)
_MUTED: Final = (96, 96, 96)
_DANGER: Final = (150, 20, 20)
_PANEL: Final = (238, 244, 246)


def font_path() -> Path:
    """Noto Sans regular (the variable font's default instance), from fontpkg-noto-sans."""
    return Path(str(files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"))


def _qr(url: str) -> segno.QRCode:
    # Level M at least; segno raises it to Q or H when that fits in the same size.
    return segno.make_qr(url, error="m")


def write_qr(url: str, path: Path | str) -> None:
    """The QR code alone, as PNG or SVG (chosen by the file's suffix), black on white."""
    target = Path(path)
    kind = target.suffix.lower().lstrip(".")
    if kind not in ("png", "svg"):
        raise ValueError(f"{target.name}: write the QR code as .png or .svg")
    _qr(url).save(str(target), kind=kind, scale=10, border=_QR_BORDER, dark="#000", light="#fff")


@dataclass(frozen=True)
class _Block:
    text: str
    size: float  # points
    color: tuple[int, int, int] = _INK
    line_height: float = 1.35  # times the font size


def write_card(
    path: Path | str,
    url: str,
    org: Organisation,
    link: OutreachLink,
    t: Translator,
    directory: Directory,
) -> None:
    """A one-page A6 PDF card in the translator's language.

    Crisis lines are the link's region's, or the organisation's when the link names none.
    """
    pdf = FPDF(unit="mm", format=_PAGE)
    pdf.set_auto_page_break(False)
    pdf.set_margins(_MARGIN, _MARGIN, _MARGIN)
    pdf.add_font(_FONT, "", str(font_path()))
    pdf.set_title(org.name)
    pdf.set_creator("safeplan")
    if link.language:
        pdf.set_lang(link.language.replace("_", "-"))
    pdf.add_page()

    region = link.region or org.region
    subdivision = link.subdivision if link.region else None
    texts = [
        (org.name, 9, _MUTED, 1.35),
        (t.gettext(_TITLES[link.plan]), 15, _ACCENT, 1.25),
        (t.gettext(_ABOUT[link.plan]), 9.5, _INK, 1.35),
        (t.gettext(_MYPLAN), 9.5, _INK, 1.35),
    ]
    lines = directory.lines_for(region, subdivision)
    # Some languages need more words: the text shrinks a little before the QR code may.
    for scale in (1.0, 0.92, 0.85, 0.78):
        top = [_Block(text, size * scale, color, height) for text, size, color, height in texts]
        bottom = [
            _Block(t.gettext(_NOT_A_SERVICE), 8.5 * scale, _MUTED),
            *_crisis_blocks(lines, directory.finder_url, t, scale),
        ]
        address = _Block(url.removeprefix("https://"), 7, _MUTED)
        y = _MARGIN + sum(_height(pdf, block) + _SPACING for block in top)
        panel_height = sum(_height(pdf, block) + _SPACING for block in bottom) + 2 * _GAP
        panel_top = _PAGE[1] - _MARGIN - panel_height
        size = min(_QR_MAX, panel_top - y - _height(pdf, address) - 3 * _GAP)
        if size >= _QR_MIN:
            break
    else:
        raise ValueError("the card's text is too long to leave room for the QR code")
    y = _MARGIN
    for block in top:
        y = _write(pdf, block, y) + _SPACING
    qr_top = y + _GAP
    _draw_qr(pdf, _qr(url), qr_top, size)
    _write(pdf, address, qr_top + size + _GAP)

    pdf.set_fill_color(*_PANEL)
    pdf.rect(_MARGIN - 2, panel_top, _PAGE[0] - 2 * (_MARGIN - 2), panel_height, style="F")
    y = panel_top + _GAP
    for block in bottom:
        y = _write(pdf, block, y) + _SPACING
    pdf.output(str(path))


def _crisis_blocks(
    lines: RegionLines, finder_url: str, t: Translator, scale: float
) -> list[_Block]:
    """The emergency number, then the main crisis line; the world-wide fallback without one."""
    emergency = next((e for e in lines.emergency if not e.non_emergency), None)
    if emergency is None:
        danger = t.gettext(
            "If you are in danger now, call your local emergency number. "
            "112 works from most mobile phones."
        )
    else:
        number = _unbroken(format_dialable(emergency.number, lines.region_code))
        danger = t.gettext("If you are in danger now, call {number}.").format(number=number)
    main = _main_line(lines.crisis)
    if main is None:
        line = t.gettext("Find a crisis line where you are: {url}").format(url=finder_url)
    else:
        number = _unbroken(format_dialable(main.phones[0].number, main.region))
        line = "\n".join(
            [
                t.gettext("Crisis line: {name}").format(name=main.name),
                t.gettext("Call {number}").format(number=number),
            ]
        )
        if main.always_open:
            line += "\n" + t.gettext("Open 24/7")
    return [_Block(danger, 10.5 * scale, _DANGER), _Block(line, 10.5 * scale)]


def _unbroken(number: str) -> str:
    """A phone number that never breaks across two lines."""
    return number.replace(" ", "\N{NO-BREAK SPACE}")


def _main_line(crisis: tuple[Line, ...]) -> Line | None:
    """The line for everyone, open around the clock if one is, that a phone can call."""
    callable_lines = [line for line in crisis if line.phones]
    return min(
        callable_lines,
        key=lambda line: (line.audience is not None, not line.always_open),
        default=None,
    )


def _height(pdf: FPDF, block: _Block) -> float:
    pdf.set_font(_FONT, size=block.size)
    lines = cast(
        list[str],
        pdf.multi_cell(0, _line_mm(block), block.text, dry_run=True, output="LINES"),
    )
    return len(lines) * _line_mm(block)


def _write(pdf: FPDF, block: _Block, y: float) -> float:
    """Writes a centred block from ``y``; returns where it ends."""
    pdf.set_font(_FONT, size=block.size)
    pdf.set_text_color(*block.color)
    pdf.set_xy(_MARGIN, y)
    pdf.multi_cell(0, _line_mm(block), block.text, align="C", new_x="LMARGIN", new_y="NEXT")
    return pdf.get_y()


def _line_mm(block: _Block) -> float:
    return block.size * block.line_height * 25.4 / 72


def _draw_qr(pdf: FPDF, qr: segno.QRCode, top: float, size: float) -> None:
    """The code as filled squares (one rectangle per run of dark modules), centred."""
    rows = [list(row) for row in qr.matrix_iter(border=_QR_BORDER)]
    module = size / len(rows)
    left = (_PAGE[0] - size) / 2
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(rows):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # A hair taller than a module, so no seam shows between rows on screen.
            x, y = left + start * module, top + r * module
            pdf.rect(x, y, (c - start) * module, module * 1.02, style="F")
