"""The audit's findings as a Qt table model, filtered by reason and administration."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from core.audit import Finding
from core.audit.output import money
from core.terminal import printable

Index = QModelIndex | QPersistentModelIndex

_COLUMNS = ("Administration", "Rows", "Service date", "Finding", "Billed", "Expected", "$", "Why")


class FindingsModel(QAbstractTableModel):
    """The findings kept by the report, filtered by reason and administration text."""

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Finding] = []
        self.shown: list[Finding] = []

    def set_findings(self, findings: list[Finding]) -> None:
        self.beginResetModel()
        self.findings = findings
        self.shown = list(findings)
        self.endResetModel()

    def filter(self, reason: str, text: str) -> None:
        wanted = text.strip().casefold()
        self.beginResetModel()
        self.shown = [
            f
            for f in self.findings
            if (not reason or f.reason == reason)
            and (not wanted or wanted in f.administration_id.casefold())
        ]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.shown)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _COLUMNS[section]
        return None

    def data(self, index: Index, role: int = 0) -> Any:
        if not index.isValid():
            return None
        finding = self.shown[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return printable(self._text(finding, index.column()))
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 6:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _text(finding: Finding, column: int) -> str:
        if column == 0:
            return finding.administration_id
        if column == 1:
            return ", ".join(str(r) for r in finding.rows)
        if column == 2:
            return finding.service_date.isoformat()
        if column == 3:
            return finding.reason
        if column == 4:
            return "; ".join(finding.billed)
        if column == 5:
            return "; ".join(finding.expected)
        if column == 6:
            return "—" if finding.dollars is None else f"${money(finding.dollars)}"
        return finding.detail
