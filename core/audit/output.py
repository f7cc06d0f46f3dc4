"""The audit's machine outputs: the JSON summary and the findings CSV."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import IO, Any

from core.audit.findings import Finding
from core.audit.run import AuditReport, SkippedRow

CSV_HEADER = (
    "reason",
    "administration_id",
    "rows",
    "service_date",
    "payer",
    "hcpcs",
    "billed",
    "expected",
    "unit_difference",
    "kind",
    "dollars",
    "detail",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def money(value: Decimal) -> str:
    """Dollars as a plain decimal string with cents: ``1234.50``."""
    return format(value.quantize(Decimal("0.01")), "f")


def safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (``=HYPERLINK(...)`` in an ID)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def summary(report: AuditReport) -> dict[str, Any]:
    """The JSON summary: counts, dollars as decimal strings, totals by month."""
    return {
        "rows": report.rows,
        "administrations": report.administrations,
        "skipped": report.skipped,
        "findings": dict(sorted(report.counts.items())),
        "recoverable": money(report.recoverable),
        "at_risk": money(report.at_risk),
        "by_month": {
            month: {
                "findings": totals.findings,
                "recoverable": money(totals.recoverable),
                "at_risk": money(totals.at_risk),
            }
            for month, totals in sorted(report.by_month.items())
        },
        "pricing": report.pricing_note or "priced",
    }


def finding_cells(finding: Finding) -> list[str]:
    return [
        finding.reason,
        safe_cell(finding.administration_id),
        ";".join(str(row) for row in finding.rows),
        finding.service_date.isoformat(),
        safe_cell(finding.payer),
        finding.hcpcs,
        "; ".join(finding.billed),
        "; ".join(finding.expected),
        str(finding.unit_difference),
        finding.kind,
        "" if finding.dollars is None else money(finding.dollars),
        safe_cell(finding.detail),
    ]


def skipped_cells(skipped: SkippedRow) -> list[str]:
    cells = ["skipped-row", "", str(skipped.row)] + [""] * 8 + [safe_cell(skipped.reason)]
    return cells


class FindingsCsv:
    """Writes findings as they are found (so the file never waits for the whole audit)."""

    def __init__(self, stream: IO[str]) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(CSV_HEADER)

    def write(self, finding: Finding) -> None:
        self.writer.writerow(finding_cells(finding))

    def write_skipped(self, rows: list[SkippedRow]) -> None:
        for skipped in rows:
            self.writer.writerow(skipped_cells(skipped))
