"""Lays out a ``WorksheetContent`` as a PDF with ReportLab platypus.

All wording and number formatting comes from ``content``; this module only chooses
fonts, boxes and alignment. Every piece of text enters Paragraph markup through
``markup`` (escaped), so a name like ``O'Brien <Jr> & Co`` prints literally and can
never inject markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table
from reportlab.platypus import TableStyle as TS
from reportlab.platypus.flowables import HRFlowable

from core.worksheet.bars import VialBarsFlowable
from core.worksheet.content import DRAFT_MARK, TITLE, Field, Paper, WorksheetContent
from core.worksheet.fonts import BOLD, REGULAR, printable, register_fonts
from core.worksheet.page import FLAG, FOOTER_HEIGHT, INK, MUTED, RULE, Footer, canvas_maker

PAGE_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "letter": LETTER}

ACCENT = colors.HexColor("#1F3A5F")
BAND = colors.HexColor("#E8EDF3")
LABEL_BG = colors.HexColor("#F4F6F8")
FLAG_BG = colors.HexColor("#FDECEE")
WARN_BG = colors.HexColor("#FFF4E0")
GRID = colors.HexColor("#C5CDD6")

_ENTITIES = {'"': "&quot;", "'": "&#39;"}


def markup(text: str) -> str:
    """User or computed text made safe for Paragraph markup; line breaks kept, and
    characters the font cannot draw written as code points (see ``fonts``)."""
    text = printable(text, register_fonts())
    return escape(text, _ENTITIES).replace("\n", "<br/>")


#: Line height as a multiple of the font size: tight enough that a normal case, with its
#: vial bars, necessity and denial-risk check, stays on one page.
LEADING = 1.12


def _style(name: str, size: float = 8.5, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=kw.pop("font", REGULAR), fontSize=size, leading=size * LEADING, **kw
    )


BODY = _style("body", textColor=INK)
SMALL = _style("small", 7.2, textColor=MUTED)
SMALL_FLAG = _style("small-flag", 7.2, textColor=FLAG)
LABEL = _style("label", 7.2, textColor=MUTED)
VALUE = _style("value", 8.8, textColor=INK)
STRONG = _style("strong", 8.8, font=BOLD, textColor=INK)
FLAGGED = _style("flagged", 8.8, font=BOLD, textColor=FLAG)
TOTAL = _style("total", 12.5, font=BOLD, textColor=INK)
SECTION = _style("section", 9, font=BOLD, textColor=colors.white)
SECTION_ASIDE = _style("section-aside", 8, textColor=colors.white, alignment=2)
TITLE_STYLE = _style("title", 13.5, font=BOLD, textColor=ACCENT)
FACILITY = _style("facility", 10, font=BOLD, textColor=INK)
ID_STYLE = _style("id", 12, font=BOLD, textColor=INK, alignment=2)
RIGHT_SMALL = _style("right", 8, textColor=INK, alignment=2)
RIGHT_FLAG = _style("right-flag", 9, font=BOLD, textColor=FLAG, alignment=2)
CLAIM_HEAD = _style("claim-head", 7.6, font=BOLD, textColor=colors.white)
CLAIM = _style("claim", 10, font=BOLD, textColor=INK)
CLAIM_SOFT = _style("claim-soft", 8.4, textColor=INK)


def p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(markup(text), style)


def _cell_pad(table_style: list[tuple[Any, ...]], pad: float = 2.2) -> list[tuple[Any, ...]]:
    return [
        *table_style,
        # Tables default to Helvetica; even unused, it would be a font the PDF does not carry.
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]


def section(
    number: int, title: str, body: Sequence[Any], width: float, aside: str = ""
) -> KeepTogether:
    """A numbered band and its body, kept on one page; ``aside`` is printed in the band."""
    band = Table(
        [[p(f"{number}  {title.upper()}", SECTION), p(aside, SECTION_ASIDE)]],
        colWidths=[width * 0.45, width * 0.55],
    )
    band.setStyle(TS(_cell_pad([("BACKGROUND", (0, 0), (-1, -1), ACCENT)], 1.4)))
    return KeepTogether([band, Spacer(0, 1.5), *body, Spacer(0, 2)])


def _value(field: Field) -> Any:
    value = p(field.value, FLAGGED if field.flagged else VALUE)
    if not field.note:
        return value
    return [value, p(field.note, SMALL_FLAG if field.note_flagged else SMALL)]


#: Column fractions (label, value, label, value, ...) for two and three pairs a row.
#: With three, the first value (the patient's name) gets the most room.
_GRID_COLUMNS = {
    1: (0.14, 0.86),
    2: (0.14, 0.36, 0.14, 0.36),
    3: (0.13, 0.27, 0.12, 0.18, 0.12, 0.18),
}


def label_value_grid(rows: Sequence[Sequence[Field]], width: float, pad: float = 2.2) -> Table:
    """Label|value pairs, up to three to a row (a short row's last value spans the rest),
    with the labels in tinted cells for quick scanning."""
    per_row = max(len(fields) for fields in rows)
    cells: list[list[Any]] = []
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (0, -1), LABEL_BG),
    ]
    for i, fields in enumerate(rows):
        row: list[Any] = []
        for field in fields:
            row += [p(field.label, LABEL), _value(field)]
        if len(fields) < per_row:
            row += [""] * (2 * (per_row - len(fields)))
            style.append(("SPAN", (2 * len(fields) - 1, i), (-1, i)))
        style += [("BACKGROUND", (2 * k, i), (2 * k, i), LABEL_BG) for k in range(1, len(fields))]
        cells.append(row)
    # splitInRow: a very long value (pages of notes) continues on the next page
    # instead of failing the layout.
    table = Table(cells, colWidths=[width * f for f in _GRID_COLUMNS[per_row]], splitInRow=1)
    table.setStyle(TS(_cell_pad(style, pad)))
    return table


def pairs(fields: Sequence[Field]) -> list[list[Field]]:
    return [list(fields[i : i + 2]) for i in range(0, len(fields), 2)]


def _header(c: WorksheetContent, width: float) -> list[Any]:
    left = [
        p(c.facility or "Facility not set", FACILITY if c.facility else FLAGGED),
        p(TITLE, TITLE_STYLE),
    ]
    right = [p(f"Worksheet {c.worksheet_id}", ID_STYLE), p(f"Printed {c.printed}", RIGHT_SMALL)]
    if c.replaces:
        right.append(p(c.replaces, RIGHT_FLAG))
    if c.draft:
        right.append(p(DRAFT_MARK, RIGHT_FLAG))
    table = Table([[left, right]], colWidths=[width * 0.68, width * 0.32])
    table.setStyle(
        TS(
            _cell_pad(
                [("LINEBELOW", (0, 0), (-1, 0), 1.6, ACCENT), ("LEFTPADDING", (0, 0), (0, 0), 0)],
                2,
            )
        )
    )
    flow: list[Any] = [table, Spacer(0, 6)]
    if c.draft and c.missing:
        box = Table(
            [[p("Not ready for the chart: " + "; ".join(c.missing) + ".", FLAGGED)]],
            colWidths=[width],
        )
        box.setStyle(
            TS(
                _cell_pad(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), FLAG_BG),
                        ("BOX", (0, 0), (-1, -1), 0.8, FLAG),
                    ]
                )
            )
        )
        flow += [box, Spacer(0, 6)]
    return flow


def _vials(c: WorksheetContent, width: float) -> list[Any]:
    serials = any(v.serial for v in c.vials)  # scanned vials print their serial numbers
    head = ["#", "Size", "Lot", *(["Serial"] if serials else []), "Expiry", "Type"]
    head.append("Status")
    rows: list[list[Any]] = [[p(h, LABEL) for h in head]]
    style: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), LABEL_BG),
    ]
    for i, v in enumerate(c.vials, start=1):
        flag = v.expired or v.missing
        rows.append(
            [
                p(str(v.number), VALUE),
                p(v.size, VALUE),
                p(v.lot, FLAGGED if v.missing else STRONG),
                *([p(v.serial or "not scanned", VALUE)] if serials else []),
                p(v.expiry, FLAGGED if flag else VALUE),
                p(v.kind, VALUE),
                p(v.status, FLAGGED if flag else VALUE),
            ]
        )
        if v.expired:
            style.append(("BACKGROUND", (0, i), (-1, i), FLAG_BG))
    fractions = (
        (0.05, 0.09, 0.16, 0.18, 0.13, 0.13, 0.26)
        if serials
        else (0.05, 0.1, 0.22, 0.14, 0.14, 0.35)
    )
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(TS(_cell_pad(style, 2.5)))
    return [table]


def _calculation(c: WorksheetContent, width: float) -> list[Any]:
    totals = Table(
        [[[p(f.label, LABEL), p(f.value, TOTAL)] for f in c.totals]],
        colWidths=[width / len(c.totals)] * len(c.totals),
    )
    totals.setStyle(
        TS(
            _cell_pad(
                [
                    ("BOX", (0, 0), (-1, -1), 0.6, RULE),
                    ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID),
                    ("BACKGROUND", (0, 0), (-1, -1), BAND),
                ],
                3,
            )
        )
    )
    steps = Table(
        [[p(f"{n}.", SMALL), p(step, BODY)] for n, step in enumerate(c.steps, start=1)],
        colWidths=[width * 0.04, width * 0.96],
    )
    steps.setStyle(TS(_cell_pad([], 1)))
    return [totals, Spacer(0, 3), steps]


def _claim_lines(c: WorksheetContent, width: float) -> list[Any]:
    head = [
        "Line",
        "Billed as",
        "Modifier",
        "Units",
        "Drug ID on claim (N4 + NDC + unit + quantity)",  # ML, ME (mg) or UN
        "For",
    ]
    rows: list[list[Any]] = [[p(h, CLAIM_HEAD) for h in head]]
    for line in c.claim_lines:
        rows.append(
            [
                p(str(line.number), CLAIM_SOFT),
                p(line.billed_code, CLAIM),
                p(line.modifiers, CLAIM),
                p(line.units, CLAIM),
                p(line.ndc_segment, CLAIM),
                p(line.meaning, CLAIM_SOFT),
            ]
        )
    fractions = (0.06, 0.15, 0.10, 0.12, 0.37, 0.20)
    table = Table(rows, colWidths=[width * f for f in fractions], repeatRows=1)
    table.setStyle(
        TS(
            _cell_pad(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
                    ("BOX", (0, 0), (-1, -1), 1.4, ACCENT),
                    ("LINEBELOW", (0, 1), (-1, -2), 0.4, GRID),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ],
                3.2,
            )
        )
    )
    return [table, Spacer(0, 2), p(c.claim_note, SMALL)]


def _waste(c: WorksheetContent, width: float) -> list[Any]:
    flow: list[Any] = []
    if c.waste:
        flow += [label_value_grid(c.waste, width), Spacer(0, 3)]
    flow.append(p(c.waste_statement, STRONG if c.waste else BODY))
    return flow


def _warnings(c: WorksheetContent, width: float) -> list[Any]:
    flow: list[Any] = []
    if c.warnings:
        box = Table(
            [[p("\N{BULLET} " + w, BODY)] for w in c.warnings], colWidths=[width], splitInRow=1
        )
        box.setStyle(
            TS(
                _cell_pad(
                    [
                        ("BACKGROUND", (0, 0), (-1, -1), WARN_BG),
                        ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#E0A030")),
                    ],
                    2,
                )
            )
        )
        flow.append(box)
    else:
        flow.append(p("No warnings were shown.", BODY))
    if c.reasons:
        flow += [Spacer(0, 3), label_value_grid([[r] for r in c.reasons], width)]
    return flow


CHECK_TEXT = _style("check", 6.5, textColor=INK)
CHECK_STATE = _style("check-state", 6.5, font=BOLD, textColor=INK)
CHECK_FAIL = _style("check-fail", 6.5, font=BOLD, textColor=FLAG)


def _checks(c: WorksheetContent, width: float) -> list[Any]:
    """The denial-risk check two to a row, each cell its state, title and detail;
    failures and warnings tinted."""
    cells: list[Any] = []
    style: list[tuple[Any, ...]] = [("GRID", (0, 0), (-1, -1), 0.4, GRID)]
    for i, row in enumerate(c.checks):
        detail = row.message + (f" {row.reason}" if row.reason else "")
        cells += [
            p(row.state, CHECK_FAIL if row.state == "FAIL" else CHECK_STATE),
            Paragraph(f"<b>{markup(row.title)}</b>: {markup(detail)}", CHECK_TEXT),
        ]
        if row.state != "PASS":
            at = (2 * (i % 2), i // 2)
            end = (at[0] + 1, at[1])
            style.append(("BACKGROUND", at, end, FLAG_BG if row.state == "FAIL" else WARN_BG))
    if not cells:
        return []
    if len(cells) % 4:
        cells += ["", ""]
    rows = [cells[i : i + 4] for i in range(0, len(cells), 4)]
    fractions = (0.06, 0.44, 0.06, 0.44)
    table = Table(rows, colWidths=[width * f for f in fractions], splitInRow=1)
    table.setStyle(TS(_cell_pad(style, 0.3)))
    return [table]


def _warnings_and_checks(c: WorksheetContent, width: float) -> tuple[list[Any], float, str]:
    """The section body, its width and aside: with nothing to warn about, the band says
    so and the checks follow at once (the normal case stays on one page)."""
    if c.warnings or c.reasons or not c.checks:
        body = [*_warnings(c, width), Spacer(0, 2), *_checks(c, width)]
        return body, width, "a failed check blocks printing"
    return _checks(c, width), width, "No warnings were shown. A failed check blocks printing."


def _signoff(c: WorksheetContent, width: float) -> list[Any]:
    """One box per person, side by side: role, name, time, and a line to sign on."""
    boxes = [
        [
            p(row.role, LABEL),
            p(row.name, STRONG),
            p(row.when or "date and time:", VALUE if row.when else SMALL),
            Spacer(0, 9),
            HRFlowable(width="92%", thickness=0.8, color=INK, hAlign="LEFT", spaceAfter=1),
            p(f"signature \N{MIDDLE DOT} {row.how}" if row.how else "signature", SMALL),
        ]
        for row in c.signoff
    ]
    table = Table([boxes], colWidths=[width / len(boxes)] * len(boxes))
    style = [
        ("BOX", (0, 0), (-1, -1), 0.6, RULE),
        ("LINEAFTER", (0, 0), (-2, -1), 0.4, GRID),
    ]
    table.setStyle(TS(_cell_pad(style, 3)))
    return [table]


def build_pdf(content: WorksheetContent, paper: Paper = "letter") -> bytes:
    """The worksheet as PDF bytes; identical content gives identical bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZES[paper],
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=9 * mm,
        bottomMargin=FOOTER_HEIGHT + 1 * mm,
        # No clock, no random document ID: the same worksheet hashes the same.
        invariant=1,
        title=f"Worksheet {content.worksheet_id}",
        author="unitcalc",
        creator="unitcalc",
        subject=TITLE,
    )
    w = doc.width
    story: list[Any] = [*_header(content, w)]
    story.append(section(1, "Patient", [label_value_grid(content.patient, w)], w))
    story.append(
        section(
            2,
            "Medical necessity",
            [label_value_grid(content.necessity, w, pad=1.2)] if content.necessity else [],
            w,
            aside="as the payer requires; optional items shown when given",
        )
    )
    story.append(section(3, "Order and product", [label_value_grid(content.order, w)], w))
    vials = [*_vials(content, w), Spacer(0, 2), VialBarsFlowable(content.bars, w)]
    story.append(section(4, "Vials", vials, w, aside=content.vials_summary))
    story.append(
        section(
            5, "Calculation", _calculation(content, w), w, aside="per-unit arithmetic, step by step"
        )
    )
    story.append(section(6, "Claim lines, exactly as billed", _claim_lines(content, w), w))
    story.append(section(7, "Waste", _waste(content, w), w))
    story.append(section(8, "Warnings and denial-risk check", *_warnings_and_checks(content, w)))
    story.append(section(9, "Sign-off", _signoff(content, w), w))
    footer = Footer(
        worksheet_id=content.worksheet_id,
        patient=content.footer_patient,
        printed=content.printed,
        draft=content.draft,
    )
    doc.build(story, canvasmaker=canvas_maker(footer))
    return buffer.getvalue()
