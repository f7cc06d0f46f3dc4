"""The audit report as PDF: totals first, charts by reason and by month, the top
administrations by dollars, then every finding kept.

All text enters ReportLab through ``markup`` (escaped, font-checked), like the
worksheet, and the worksheet's DejaVu Sans is embedded so any name prints.
"""

from __future__ import annotations

import heapq
import io
from decimal import Decimal
from typing import Any

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.audit.findings import REASONS, Finding
from core.audit.output import money
from core.audit.report_data import AuditReport
from core.worksheet.fonts import BOLD, REGULAR, register_fonts
from core.worksheet.render import markup

#: The full table stops here (a 2,000-page PDF helps nobody); the CSV lists them all.
TABLE_LIMIT = 2_000
TOP = 15
ACCENT = colors.HexColor("#1F3A5F")
RECOVER = colors.HexColor("#2E7D32")
RISK = colors.HexColor("#B00020")
GRID = colors.HexColor("#C5CDD6")
BAND = colors.HexColor("#E8EDF3")


def _style(name: str, size: float, font: str = REGULAR, **kw: Any) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=size * 1.25, **kw)


TITLE = _style("title", 16, BOLD, textColor=ACCENT, spaceAfter=4)
HEADING = _style("heading", 11, BOLD, textColor=ACCENT, spaceBefore=8, spaceAfter=4)
BODY = _style("body", 9)
CELL = _style("cell", 7.5)
CELL_BOLD = _style("cell-bold", 7.5, BOLD)


def _dollars(value: Decimal | None) -> str:
    return "—" if value is None else f"${Decimal(money(value)):,.2f}"


def _p(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    return Paragraph(markup(text), style)


def _totals(report: AuditReport) -> list[Any]:
    rows = [
        ("Rows read", f"{report.rows:,}"),
        ("Administrations audited", f"{report.administrations:,}"),
        ("Rows skipped (unreadable or not billable as given)", f"{report.skipped:,}"),
        ("Administrations incomplete (a line unreadable: not audited)", f"{report.incomplete:,}"),
        ("Findings", f"{report.total_findings:,}"),
        ("Recoverable (under-billed)", _dollars(report.recoverable if report.priced else None)),
        (
            "At risk (over-billed or likely denied)",
            _dollars(report.at_risk if report.priced else None),
        ),
    ]
    table = Table(
        [[_p(label), _p(value, CELL_BOLD)] for label, value in rows],
        colWidths=[95 * mm, 45 * mm],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (0, -1), BAND),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    flow: list[Any] = [table]
    if report.pricing_note:
        flow.append(_p(f"Note: {report.pricing_note}."))
    flow += [_p(f"Warning: {warning}.") for warning in report.warnings.values()]
    return flow


def nice_step(largest: int) -> int:
    """A round tick step (1, 2 or 5 times a power of ten) giving at most about 5 ticks."""
    magnitude = 1
    while True:
        for multiple in (1, 2, 5):
            if multiple * magnitude * 5 >= largest:
                return multiple * magnitude
        magnitude *= 10


def _integer_axis(chart: Any, largest: int) -> None:
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = nice_step(largest)
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 7


def _count(value: float) -> str:
    return f"{int(value):,}"


def _chart_by_reason(report: AuditReport) -> Drawing:
    reasons = [r for r in REASONS if report.counts.get(r)] or list(REASONS)[:1]
    drawing = Drawing(120 * mm, 12 * mm + 9 * mm * len(reasons))
    chart = HorizontalBarChart()
    chart.x, chart.y = 32 * mm, 6 * mm
    chart.width, chart.height = 80 * mm, 9 * mm * len(reasons)
    chart.data = [[report.counts.get(r, 0) for r in reversed(reasons)]]
    chart.categoryAxis.categoryNames = list(reversed(reasons))
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    _integer_axis(chart, max(chart.data[0]))
    chart.bars[0].fillColor = ACCENT
    chart.barLabelFormat = _count
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def _chart_by_month(report: AuditReport) -> Drawing:
    months = sorted(report.by_month) or ["—"]
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 14 * mm, 12 * mm
    chart.width, chart.height = min(150 * mm, (14 + 12 * len(months)) * mm), 44 * mm
    chart.data = [[report.by_month[m].findings if m in report.by_month else 0 for m in months]]
    chart.categoryAxis.categoryNames = months
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 30 if len(months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(months) > 8 else "n"
    _integer_axis(chart, max(chart.data[0]))
    chart.bars[0].fillColor = ACCENT
    drawing.add(chart)
    drawing.add(String(0, 58 * mm, "Findings by month of service", fontName=BOLD, fontSize=8))
    return drawing


def _table(header: list[str], rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table([[_p(h, CELL_BOLD) for h in header], *rows], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), BAND),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def _finding_row(finding: Finding) -> list[Any]:
    rows = ", ".join(str(r) for r in finding.rows[:6]) + ("…" if len(finding.rows) > 6 else "")
    return [
        _p(finding.administration_id, CELL),
        _p(rows, CELL),
        _p(finding.service_date.isoformat(), CELL),
        _p(finding.reason, CELL),
        _p("\n".join(finding.billed), CELL),
        _p("\n".join(finding.expected), CELL),
        _p(_dollars(finding.dollars), CELL),
        _p(finding.detail, CELL),
    ]


_HEADER = ["Administration", "Rows", "Service date", "Finding", "Billed", "Expected", "$", "Why"]
_WIDTHS = [w * mm for w in (30, 16, 20, 34, 32, 32, 20, 64)]


def _top_administrations(report: AuditReport) -> list[list[Any]]:
    totals: dict[str, tuple[Decimal, Finding]] = {}
    for finding in report.findings:
        if finding.dollars is None:
            continue
        total, first = totals.get(finding.administration_id, (Decimal(0), finding))
        totals[finding.administration_id] = (total + finding.dollars, first)
    top = heapq.nlargest(TOP, totals.items(), key=lambda item: item[1][0])
    return [
        [
            _p(admin, CELL),
            _p(first.service_date.isoformat(), CELL),
            _p(first.hcpcs, CELL),
            _p(
                ", ".join(
                    sorted({f.reason for f in report.findings if f.administration_id == admin})
                ),
                CELL,
            ),
            _p(_dollars(total), CELL_BOLD),
        ]
        for admin, (total, first) in top
    ]


def build_report(report: AuditReport) -> bytes:
    """The report as PDF bytes."""
    register_fonts()
    out = io.BytesIO()
    page = landscape(LETTER)
    doc = SimpleDocTemplate(
        out,
        pagesize=page,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Billing audit",
        author="unitcalc",
    )
    flow: list[Any] = [
        _p("Billing audit: units and waste modifiers", TITLE),
        _p(f"File: {report.source}"),
        Spacer(1, 3 * mm),
        *_totals(report),
        _p("Findings by reason", HEADING),
        _chart_by_reason(report),
        _chart_by_month(report),
    ]
    top = _top_administrations(report)
    top_table = (
        _table(
            ["Administration", "Service date", "Code", "Findings", "Dollars"],
            top,
            [w * mm for w in (45, 25, 20, 110, 30)],
        )
        if top
        else _p("No dollars known (no pricing imported, or no findings).")
    )
    flow.append(KeepTogether([_p("Top administrations by dollars", HEADING), top_table]))
    flow.append(_p("All findings", HEADING))
    shown = report.findings[:TABLE_LIMIT]
    if len(shown) < report.total_findings:
        flow.append(
            _p(
                f"The first {len(shown):,} of {report.total_findings:,} findings; the "
                "findings CSV (--csv) lists every one."
            )
        )
    if shown:
        flow.append(_table(_HEADER, [_finding_row(f) for f in shown], _WIDTHS))
    else:
        flow.append(_p("No findings: every administration was billed as the engine bills it."))
    if report.incomplete_administrations:
        flow.append(_p(f"Incomplete administrations ({report.incomplete:,})", HEADING))
        rows = [
            [
                _p(i.administration_id, CELL),
                _p(", ".join(map(str, i.rows[:6])), CELL),
                _p(i.reason, CELL),
            ]
            for i in report.incomplete_administrations[:TABLE_LIMIT]
        ]
        flow.append(
            _table(["Administration", "Rows", "Reason"], rows, [45 * mm, 25 * mm, 180 * mm])
        )
    if report.skipped_rows:
        flow.append(_p(f"Skipped rows ({report.skipped:,})", HEADING))
        rows = [
            [_p(str(s.row), CELL), _p(s.reason, CELL)] for s in report.skipped_rows[:TABLE_LIMIT]
        ]
        flow.append(_table(["Row", "Reason"], rows, [20 * mm, 230 * mm]))
    doc.build(flow)
    return out.getvalue()
