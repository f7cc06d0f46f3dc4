"""The history list behind ``ui.history_view``: the search fields read into store filters,
and the table model of record summaries.

No dialogs here, and no database: ``read_filters`` turns what was typed into the keyword
arguments of ``RecordStore.list`` (with the problems in words), ``HistoryModel`` shows
the summaries it is given, newest first as the store returns them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from core.dates import parse_date
from core.records import WorksheetRecordSummary, format_worksheet_id, parse_worksheet_id

#: (header, what the column is about, for tooltips and screen readers)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("Worksheet", "Worksheet ID"),
    ("Recorded", "When the worksheet was recorded (local time)"),
    ("Code", "Billing code"),
    ("MRN", "Medical record number"),
    ("Patient", "Patient name"),
    ("Prepared by", "Who prepared the dose"),
    ("Verified by", "Who verified the dose"),
    ("Correction", "Corrections: the worksheet this one replaces, or its replacement"),
)
ID_COLUMN, RECORDED_COLUMN, PATIENT_COLUMN, CORRECTION_COLUMN = 0, 1, 4, 7

MUTED = QColor("#8a8a8a")
BROKEN_TEXT = QColor("#8b0000")
BROKEN_BACKGROUND = QColor("#fdecea")

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class SearchFilters:
    """What ``RecordStore.list`` is asked for; ``None`` means 'any'."""

    worksheet_id: int | None = None
    mrn: str | None = None
    patient: str | None = None
    code: str | None = None
    since: date | None = None
    until: date | None = None
    vial: str | None = None  # a lot or serial number (recalls)
    problems: tuple[str, ...] = field(default=(), compare=False)
    #: The search field each problem is about (``read_filters``' argument names).
    problem_fields: tuple[str, ...] = field(default=(), compare=False)

    def as_kwargs(self) -> dict[str, Any]:
        return {
            "worksheet_id": self.worksheet_id,
            "mrn": self.mrn,
            "patient": self.patient,
            "code": self.code,
            "since": self.since,
            "until": self.until,
            "vial": self.vial,
        }

    @property
    def any(self) -> bool:
        return any(value is not None for value in self.as_kwargs().values())


def read_filters(
    *,
    worksheet_id: str = "",
    mrn: str = "",
    patient: str = "",
    code: str = "",
    since: str = "",
    until: str = "",
    vial: str = "",
) -> SearchFilters:
    """The search as typed, read into filters. A field that cannot be read is left out of
    the search and its problem is listed (``problems``), so the list never silently
    pretends to be filtered by it.

    MRN and code match exactly (the store's rule); the code is compared in capitals, as
    codes are printed. The patient is a case-insensitive part of the name.
    """
    problems: list[str] = []
    fields: list[str] = []
    number: int | None = None
    if worksheet_id.strip():
        try:
            number = parse_worksheet_id(worksheet_id)
        except ValueError:
            problems.append(
                f"Worksheet ID '{worksheet_id.strip()}' is not a worksheet ID; "
                "write W-000042 or 42. Not applied."
            )
            fields.append("worksheet_id")
    days: list[date | None] = []
    for key, label, text in (("since", "Recorded from", since), ("until", "Recorded to", until)):
        try:
            days.append(parse_date(text))
        except ValueError as error:
            problems.append(f"{label}: {error}. Not applied.")
            fields.append(key)
            days.append(None)
    first, last = days
    if first is not None and last is not None and first > last:
        problems.append("'Recorded from' is after 'Recorded to': no worksheet can match.")
        fields.append("since")
    return SearchFilters(
        worksheet_id=number,
        mrn=mrn.strip() or None,
        patient=patient.strip() or None,
        code=code.strip().upper() or None,
        since=first,
        until=last,
        vial=vial.strip() or None,
        problems=tuple(problems),
        problem_fields=tuple(fields),
    )


def correction_text(row: WorksheetRecordSummary) -> str:
    parts = []
    if row.replaces is not None:
        parts.append(f"replaces {format_worksheet_id(row.replaces)}")
    if row.replaced_by is not None:
        parts.append(f"replaced by {format_worksheet_id(row.replaced_by)}")
    return " · ".join(parts)


def recorded_text(row: WorksheetRecordSummary) -> str:
    """The record time in the computer's time zone (stored in UTC)."""
    return row.created_at.astimezone().strftime("%Y-%m-%d %H:%M")


class HistoryModel(QAbstractTableModel):
    """Record summaries, one per row, in the order given (the store's: newest first).

    Rows replaced by a newer correction are muted; the row the tamper check names as
    the first broken one (``broken_id``) is shown in red.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[WorksheetRecordSummary] = []
        self._broken_id: int | None = None
        self._broken_message = ""

    # -- contents -------------------------------------------------------------------------

    def set_rows(self, rows: list[WorksheetRecordSummary]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_broken(self, record_id: int | None, message: str = "") -> None:
        self._broken_id = record_id
        self._broken_message = message
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, len(COLUMNS) - 1)
            )

    @property
    def rows(self) -> list[WorksheetRecordSummary]:
        return list(self._rows)

    def summary(self, row: int) -> WorksheetRecordSummary:
        return self._rows[row]

    def row_of(self, record_id: int) -> int | None:
        for number, summary in enumerate(self._rows):
            if summary.id == record_id:
                return number
        return None

    # -- QAbstractTableModel ------------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section][1]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        broken = row.id == self._broken_id
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole:
            if broken:
                return BROKEN_TEXT
            return MUTED if row.replaced_by is not None else None
        if role == Qt.ItemDataRole.BackgroundRole:
            return BROKEN_BACKGROUND if broken else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if broken:
                return f"Tamper check: {self._broken_message}"
            if row.replaced_by is not None:
                return (
                    f"Replaced by the correction {format_worksheet_id(row.replaced_by)}; "
                    "this version is kept for the record."
                )
            return None
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    @staticmethod
    def _text(row: WorksheetRecordSummary, column: int) -> str:
        if column == ID_COLUMN:
            return row.worksheet_id
        if column == RECORDED_COLUMN:
            return recorded_text(row)
        if column == CORRECTION_COLUMN:
            return correction_text(row)
        return (
            "",
            "",
            row.code,
            row.mrn,
            row.patient_name,
            row.prepared_by,
            row.verified_by,
        )[column]
