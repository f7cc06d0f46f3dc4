"""CSV export of the history list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from core.records.models import WorksheetRecordSummary, format_worksheet_id

_CSV_COLUMNS = (
    "worksheet_id",
    "created_at",
    "code",
    "mrn",
    "patient_name",
    "administered_at",
    "prepared_by",
    "verified_by",
    "replaces",
    "replaced_by",
    "pdf_sha256",
)
# Spreadsheets execute cells starting with these (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(summaries: Iterable[WorksheetRecordSummary]) -> str:
    """The history list as CSV text (header row first, CRLF line ends).

    Cells that a spreadsheet would run as a formula get a leading apostrophe.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_CSV_COLUMNS)
    for s in summaries:
        row = (
            s.worksheet_id,
            s.created_at.isoformat(),
            s.code,
            s.mrn,
            s.patient_name,
            s.administered_at or "",
            s.prepared_by,
            s.verified_by,
            "" if s.replaces is None else format_worksheet_id(s.replaces),
            "" if s.replaced_by is None else format_worksheet_id(s.replaced_by),
            s.pdf_sha256,
        )
        writer.writerow([_csv_cell(cell) for cell in row])
    return out.getvalue()
