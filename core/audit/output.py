"""The audit's machine outputs: the JSON summary and the findings CSV."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import IO, Any

from core.audit.findings import Finding
from core.audit.report_data import AuditReport, Incomplete, NotAudited

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
    "file",
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
        "incomplete": report.incomplete,
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
        "warnings": [
            {
                "message": warning.message,
                "administrations": warning.administrations,
                "first_row": warning.first_row,
                "file": warning.source,
            }
            for warning in report.warnings.values()
        ],
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
        safe_cell(finding.source),
    ]


def not_audited_cells(entry: NotAudited) -> list[str]:
    """A skipped row or an incomplete administration, in the findings' columns."""
    if isinstance(entry, Incomplete):
        head = ["incomplete", safe_cell(entry.administration_id)]
        rows = ";".join(str(row) for row in entry.rows)
    else:
        head, rows = ["skipped-row", ""], str(entry.row)
    return [*head, rows, *[""] * 8, safe_cell(entry.reason), safe_cell(entry.source)]


class FindingsCsv:
    """Writes findings, skipped rows and incomplete administrations as they are found:
    every one, and none held in memory for it."""

    def __init__(self, stream: IO[str]) -> None:
        self.writer = csv.writer(stream, lineterminator="\n")
        self.writer.writerow(CSV_HEADER)

    def write(self, finding: Finding) -> None:
        self.writer.writerow(finding_cells(finding))

    def write_not_audited(self, entry: NotAudited) -> None:
        self.writer.writerow(not_audited_cells(entry))
