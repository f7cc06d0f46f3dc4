"""The history window's widgets: tamper status, search fields, the list, the actions.

Only construction; what the widgets do is in ``ui.history_actions`` (one worksheet) and
``ui.history_view`` (the store, the search, the tamper check).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ui.fields import ErrorLabel, hint, line_edit
from ui.history_model import COLUMNS, PATIENT_COLUMN, HistoryModel

if TYPE_CHECKING:
    from core.records import WorksheetRecord

CorrectFn = Callable[["WorksheetRecord"], object]


class HistoryLayout(QDialog):
    def __init__(self, parent: QWidget | None, on_correct: CorrectFn | None) -> None:
        super().__init__(parent)
        self.on_correct = on_correct
        self._build()

    def _build(self) -> None:
        self.integrity = QLabel()
        self.integrity.setObjectName("historyIntegrity")
        self.integrity.setAccessibleName("Tamper check of the records")
        self.integrity.setWordWrap(True)
        self.integrity.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_button = self._button(
            "Check a&gain",
            "historyVerify",
            "Check the records again, including every PDF",
        )
        top = QHBoxLayout()
        top.addWidget(self.integrity, 1)
        top.addWidget(self.verify_button, 0, Qt.AlignmentFlag.AlignVCenter)

        self.search_id = line_edit("historySearchId", "Search by worksheet ID", "W-000042")
        self.mrn = line_edit("historyMrn", "Search by MRN (exact)", "exact MRN")
        self.patient = line_edit("historyPatient", "Search by patient name", "part of the name")
        self.code = line_edit("historyCode", "Search by billing code", "J1410")
        self.since = line_edit("historySince", "Recorded from date", "YYYY-MM-DD")
        self.until = line_edit("historyUntil", "Recorded to date", "YYYY-MM-DD")
        self.vial = line_edit("historyVial", "Search by vial lot or serial", "lot or serial")
        self.clear_button = self._button("Cle&ar", "historyClear", "Clear the search")
        self.search_fields = (
            self.search_id,
            self.mrn,
            self.patient,
            self.code,
            self.since,
            self.until,
            self.vial,
        )
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(2)
        labelled = (
            ("Worksheet &ID", self.search_id, 110),
            ("&MRN", self.mrn, 120),
            ("&Patient", self.patient, 0),
            ("Co&de", self.code, 80),
            ("Recorded &from", self.since, 110),
            ("&to", self.until, 110),
            ("&Lot or serial", self.vial, 110),
        )
        for column, (text, edit, width) in enumerate(labelled):
            label = QLabel(text)
            label.setBuddy(edit)
            grid.addWidget(label, 0, column)
            grid.addWidget(edit, 1, column)
            if width:
                edit.setFixedWidth(width)
        grid.setColumnStretch(2, 1)
        grid.addWidget(self.clear_button, 1, len(labelled))
        self.filter_error = ErrorLabel("historyFilter", self.search_id)

        self.model = HistoryModel(self)
        self.table = QTableView()
        self.table.setObjectName("historyTable")
        self.table.setAccessibleName("Recorded worksheets, newest first")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the buttons
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setStyleSheet("QTableView::item { padding: 0px 6px; }")
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column in range(len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(PATIENT_COLUMN, QHeaderView.ResizeMode.Stretch)

        self.count = hint(name="historyCount")
        self.status = hint(name="historyStatus")
        self.open_button = self._button("&Open", "historyOpen", "Open the worksheet as recorded")
        self.reprint_button = self._button(
            "&Reprint…", "historyReprint", "Print the worksheet again, exactly as recorded"
        )
        self.save_button = self._button(
            "&Save copy…", "historySaveCopy", "Save a copy of the recorded PDF"
        )
        self.correct_button = self._button(
            "&Correct…", "historyCorrect", "Start a correction of the worksheet"
        )
        self.export_button = self._button(
            "E&xport CSV…", "historyExport", "Export the list as shown to a CSV file"
        )
        self.close_button = self._button("Close", "historyClose", "Close the history")
        if self.on_correct is None:
            self.correct_button.setToolTip("Corrections are started from the main window")
        actions = QHBoxLayout()
        for button in (
            self.open_button,
            self.reprint_button,
            self.save_button,
            self.correct_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.export_button)
        actions.addWidget(self.close_button)

        # Long work (the full check, a search, the export) runs off the window's thread:
        # a moving bar and Cancel while it runs; their space is kept, so nothing jumps.
        self.progress = QProgressBar()
        self.progress.setObjectName("historyProgress")
        self.progress.setAccessibleName("Work in progress")
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        self.cancel_button = self._button("Cancel", "historyCancel", "Cancel the work in progress")
        self.work_note = hint(name="historyWork")
        for widget in (self.progress, self.cancel_button):
            policy = widget.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            widget.setSizePolicy(policy)
        counts = QHBoxLayout()
        counts.addWidget(self.count)
        counts.addStretch(1)
        counts.addWidget(self.work_note)
        counts.addWidget(self.progress)
        counts.addWidget(self.cancel_button)
        counts.addWidget(self.status)

        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        page = QVBoxLayout(self)
        page.setContentsMargins(10, 10, 10, 8)
        page.setSpacing(6)
        page.addLayout(top)
        page.addLayout(grid)
        page.addWidget(self.filter_error)
        page.addWidget(self.table, 1)
        page.addLayout(counts)
        page.addWidget(rule)
        page.addLayout(actions)

        # Tab: the search, the results, the actions; the tamper check last.
        chain = [
            *self.search_fields,
            self.clear_button,
            self.table,
            self.open_button,
            self.reprint_button,
            self.save_button,
            self.correct_button,
            self.export_button,
            self.close_button,
            self.verify_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        self.search_id.setFocus()

    def _button(self, text: str, name: str, accessible: str) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.setAccessibleName(accessible.replace("&", ""))
        button.setToolTip(accessible)
        # No default button: Enter in a search field goes to the table, never to an action.
        button.setAutoDefault(False)
        button.setDefault(False)
        return button
