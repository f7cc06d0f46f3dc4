"""The worksheet history: search the recorded worksheets, open one read-only, reprint it,
save a copy, start a correction from it, export the list as CSV, and see whether the
records were tampered with.

Everything shown comes from ``core.records.RecordStore``; what is opened, reprinted and
saved is the PDF exactly as it was recorded (``RecordStore.pdf``), never laid out again.
Wiring into the window is a few lines::

    dialog = HistoryDialog(data_dir, window, on_correct=window.start_correction)
    dialog.show()          # non-modal; the store is opened here and closed when it closes

``on_correct(record)`` gets the full ``WorksheetRecord`` of the newest version of the
selected worksheet (a correction always corrects the latest one). Call ``refresh()``
after recording a worksheet to show it at once (the list also refreshes whenever the
dialog becomes the active window).

The dialogs it would open are attributes (``ask_printer``, ``ask_path``, ``confirm``,
``tell``), as in ``ui.worksheet_actions``, so tests and other front ends replace them.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QShowEvent
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from core.records import (
    RecordStore,
    RecordStoreError,
    VerifyReport,
    WorksheetRecord,
    format_worksheet_id,
    to_csv,
)
from ui.fields import ErrorLabel, hint, line_edit
from ui.history_model import COLUMNS, PATIENT_COLUMN, HistoryModel, SearchFilters, read_filters
from ui.style import apply_base_font
from ui.worksheet_actions import PdfError, PreviewDialog, prepare_printer, print_pdf, save_pdf

CorrectFn = Callable[[WorksheetRecord], object]

#: Rows shown at most; the search narrows a long history (the export is never cut short).
LIST_LIMIT = 2000

_BANNER_STYLE = {
    "ok": "QLabel#historyIntegrity { color: #1b5e20; background: #e8f5e9;"
    " border: 1px solid #a5d6a7; border-radius: 4px; padding: 6px; font-weight: bold; }",
    "broken": "QLabel#historyIntegrity { color: #7f0000; background: #fdecea;"
    " border: 2px solid #d32f2f; border-radius: 4px; padding: 6px; font-weight: bold; }",
}


class HistoryDialog(QDialog):
    """Recorded worksheets, newest first, with search, tamper status and actions."""

    def __init__(
        self,
        data_dir: Path,
        parent: QWidget | None = None,
        *,
        on_correct: CorrectFn | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.setWindowTitle("Worksheet history")
        apply_base_font(self)
        self.data_dir = Path(data_dir)
        self.on_correct = on_correct
        self.ask_printer: Callable[[QPrinter], bool] = self._ask_printer
        self.ask_path: Callable[[str, str, str], str] = self._ask_path
        self.confirm: Callable[[str, str], bool] = self._confirm
        self.tell: Callable[[str, str], None] = self._tell
        self.store: RecordStore | None = None
        self.report: VerifyReport | None = None
        self.preview: PreviewDialog | None = None
        self.filters = SearchFilters()
        self._open_error = ""

        self._build()
        self._connect()
        self._open_store()
        self.resize(1100, 620)

    # -- construction --------------------------------------------------------------------

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
        self.filter_error = ErrorLabel("historyFilter")

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

        counts = QHBoxLayout()
        counts.addWidget(self.count)
        counts.addStretch(1)
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

    def _connect(self) -> None:
        for edit in self.search_fields:
            edit.textChanged.connect(self.refresh)
            edit.returnPressed.connect(self.focus_table)
        self.clear_button.clicked.connect(self.clear_search)
        self.verify_button.clicked.connect(lambda: self.check_integrity(full=True))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        # Double-click (or Enter, or a single click where the platform activates on one).
        self.table.activated.connect(lambda _index: self.open_record())
        self.open_button.clicked.connect(lambda: self.open_record())
        self.reprint_button.clicked.connect(lambda: self.reprint())
        self.save_button.clicked.connect(lambda: self.save_copy())
        self.correct_button.clicked.connect(lambda: self.correct())
        self.export_button.clicked.connect(lambda: self.export_csv())
        self.close_button.clicked.connect(self.reject)

    # -- the store: opened with the dialog, closed with it ----------------------------------

    def _open_store(self) -> None:
        try:
            self.store = RecordStore.open(self.data_dir)
            self._open_error = ""
        except (RecordStoreError, sqlite3.Error, OSError) as error:
            self.store = None
            self._open_error = f"The records could not be opened: {error}"
        self.check_integrity()
        self.refresh()

    def close_store(self) -> None:
        """Close the database (the dialog reopens it if it is shown again)."""
        if self.preview is not None:
            self.preview.close()
            self.preview.deleteLater()
            self.preview = None
        if self.store is not None:
            self.store.close()
            self.store = None

    def done(self, result: int) -> None:  # Esc, Close, the window's close button
        self.close_store()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_store()
        super().closeEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        if self.store is None:
            self._open_store()
        super().showEvent(event)

    def event(self, event: QEvent) -> bool:
        # Back from the main window: show what was recorded meanwhile.
        if event.type() == QEvent.Type.WindowActivate and self.store is not None:
            self.refresh()
        return super().event(event)

    # -- tamper evidence ------------------------------------------------------------------

    def check_integrity(self, *, full: bool = False) -> VerifyReport | None:
        """Run the hash-chain check (``full``: rehash every PDF too) and show the result."""
        if self.store is None:
            self._show_integrity("broken", self._open_error or "The records are closed.")
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = self.store.verify(check_pdfs=full)
        except (RecordStoreError, sqlite3.Error) as error:
            self.report = None
            self.model.set_broken(None)
            self._show_integrity("broken", f"The records could not be checked: {error}")
            return None
        finally:
            QGuiApplication.restoreOverrideCursor()
        self.report = report
        if report.ok:
            plural = "" if report.checked == 1 else "s"
            pdfs = "; every PDF rehashed" if report.pdfs_checked else ""
            self._show_integrity(
                "ok", f"✔ Records intact: {report.checked} worksheet{plural} checked{pdfs}."
            )
            self.model.set_broken(None)
        else:
            self._show_integrity(
                "broken",
                f"⚠ Tamper check FAILED: {report.message}. The records were changed outside "
                "unitcalc; do not rely on them until this is explained.",
            )
            self.model.set_broken(report.first_broken_id, report.message)
        return report

    def _show_integrity(self, state: str, text: str) -> None:
        self.integrity.setProperty("integrity", state)
        self.integrity.setStyleSheet(_BANNER_STYLE[state])
        self.integrity.setText(text)
        self.integrity.setAccessibleDescription(text)

    # -- the list -------------------------------------------------------------------------

    def search_texts(self) -> dict[str, str]:
        return {
            "worksheet_id": self.search_id.text(),
            "mrn": self.mrn.text(),
            "patient": self.patient.text(),
            "code": self.code.text(),
            "since": self.since.text(),
            "until": self.until.text(),
            "vial": self.vial.text(),
        }

    def refresh(self) -> None:
        """Run the search as typed; keep the selected worksheet selected if still listed."""
        self.filters = read_filters(**self.search_texts())
        self.filter_error.show_message("\n".join(self.filters.problems))
        keep = self.selected_id()
        rows = []
        if self.store is not None:
            try:
                rows = self.store.list(**self.filters.as_kwargs(), limit=LIST_LIMIT + 1)
            except (RecordStoreError, sqlite3.Error) as error:
                self.count.setText(f"The records could not be read: {error}")
                self.model.set_rows([])
                self._update_buttons()
                return
        self.model.set_rows(rows[:LIST_LIMIT])
        self.count.setText(self._count_text(len(rows)))
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def _count_text(self, found: int) -> str:
        if self.store is None:
            return ""
        if found > LIST_LIMIT:
            return f"Showing the newest {LIST_LIMIT:,} matches; narrow the search for older ones."
        if found == 0:
            if self.filters.any:
                return "No worksheet matches the search."
            return "No worksheets recorded yet."
        plural = "" if found == 1 else "s"
        return f"{found:,} worksheet{plural}" + (" match the search" if self.filters.any else "")

    def clear_search(self) -> None:
        for edit in self.search_fields:
            edit.blockSignals(True)
            edit.clear()
            edit.blockSignals(False)
        self.refresh()
        self.search_id.setFocus()

    def focus_table(self) -> None:
        """Enter in a search field: on to the results, the first one selected."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.selected_id() is None and self.model.rowCount() > 0:
            self.table.selectRow(0)

    def select(self, record_id: int) -> bool:
        row = self.model.row_of(record_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.summary(rows[0].row()).id if rows else None

    def _update_buttons(self) -> None:
        chosen = self.store is not None and self.selected_id() is not None
        for button in (self.open_button, self.reprint_button, self.save_button):
            button.setEnabled(chosen)
        self.correct_button.setEnabled(chosen and self.on_correct is not None)
        self.export_button.setEnabled(self.store is not None and self.model.rowCount() > 0)
        for edit in self.search_fields:
            edit.setEnabled(self.store is not None)

    # -- actions --------------------------------------------------------------------------

    def _chosen(self, record_id: int | None) -> int | None:
        return record_id if record_id is not None else self.selected_id()

    def _recorded_pdf(self, record_id: int, doing: str) -> bytes | None:
        assert self.store is not None
        try:
            return self.store.pdf(record_id)
        except (RecordStoreError, sqlite3.Error) as error:
            self.tell(f"Cannot {doing} {format_worksheet_id(record_id)}", str(error))
            return None

    def open_record(self, record_id: int | None = None) -> PreviewDialog | None:
        """Show the recorded PDF, read-only; its Print/Save act on those exact bytes."""
        record_id = self._chosen(record_id)
        if record_id is None or self.store is None:
            return None
        pdf = self._recorded_pdf(record_id, "open")
        if pdf is None:
            return None
        wid = format_worksheet_id(record_id)
        title = f"Worksheet {wid}, as recorded (read-only)"
        replaced_by = self._replaced_by(record_id)
        if replaced_by is not None:
            title += f", replaced by {format_worksheet_id(replaced_by)}"
        try:
            dialog = PreviewDialog(
                pdf,
                self,
                title=title,
                on_print=lambda: self._print(pdf, wid),
                on_save=lambda: self._save(pdf, wid),
            )
        except PdfError as error:
            self.tell(f"Cannot show {wid}", f"{error}. Save a copy to open it elsewhere.")
            return None
        if self.preview is not None:  # one at a time
            self.preview.close()
            self.preview.deleteLater()
        self.preview = dialog
        dialog.show()
        return dialog

    def reprint(self, record_id: int | None = None, printer: QPrinter | None = None) -> int | None:
        """Ask for a printer and print the recorded PDF (the same bytes as the first
        print); the number of pages printed, or ``None`` when cancelled or refused."""
        record_id = self._chosen(record_id)
        if record_id is None or self.store is None:
            return None
        if not self._replaced_ok(record_id, "Reprint"):
            return None
        pdf = self._recorded_pdf(record_id, "reprint")
        if pdf is None:
            return None
        return self._print(pdf, format_worksheet_id(record_id), printer)

    def save_copy(self, record_id: int | None = None) -> Path | None:
        """Ask where and write the recorded PDF there (atomically); the path, or ``None``."""
        record_id = self._chosen(record_id)
        if record_id is None or self.store is None:
            return None
        pdf = self._recorded_pdf(record_id, "save")
        if pdf is None:
            return None
        return self._save(pdf, format_worksheet_id(record_id))

    def correct(self, record_id: int | None = None) -> WorksheetRecord | None:
        """Hand the newest version of the worksheet to ``on_correct``; if the one chosen
        was already replaced, ask first. The record handed over, or ``None``."""
        record_id = self._chosen(record_id)
        if record_id is None or self.store is None or self.on_correct is None:
            return None
        try:
            latest = self.store.latest_in_chain(record_id)
            if latest != record_id and not self.confirm(
                "Worksheet already corrected",
                f"{format_worksheet_id(record_id)} was already replaced by a correction; "
                f"the latest version is {format_worksheet_id(latest)}.\n\n"
                f"Start a correction of {format_worksheet_id(latest)} instead?",
            ):
                return None
            record = self.store.get(latest)
        except (RecordStoreError, sqlite3.Error) as error:
            self.tell("Cannot start the correction", str(error))
            return None
        self.on_correct(record)
        self.status.setText(f"Correction of {record.worksheet_id} started in the main window.")
        return record

    def export_csv(self) -> Path | None:
        """Ask where and write every worksheet matching the search (not only the rows
        shown) as CSV, atomically; the path, or ``None``."""
        if self.store is None:
            return None
        chosen = self.ask_path(
            "Export worksheet history as CSV",
            f"worksheet-history-{date.today().isoformat()}.csv",
            "CSV files (*.csv)",
        )
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".csv":
            path = path.with_name(path.name + ".csv")
        from core.atomic import write_atomic

        try:
            rows = self.store.list(**read_filters(**self.search_texts()).as_kwargs())
            # With a byte-order mark: spreadsheets then read accented names as UTF-8.
            write_atomic(path, to_csv(rows).encode("utf-8-sig"))
        except OSError as error:
            self.tell("The list was not exported", f"Cannot write {path}: {error.strerror}")
            return None
        except (RecordStoreError, sqlite3.Error) as error:
            self.tell("The list was not exported", str(error))
            return None
        plural = "" if len(rows) == 1 else "s"
        self.status.setText(f"Exported {len(rows):,} worksheet{plural} to {path.name}.")
        return path

    def _replaced_by(self, record_id: int) -> int | None:
        row = self.model.row_of(record_id)
        return self.model.summary(row).replaced_by if row is not None else None

    def _replaced_ok(self, record_id: int, doing: str) -> bool:
        replaced_by = self._replaced_by(record_id)
        if replaced_by is None:
            return True
        return self.confirm(
            "Worksheet replaced by a correction",
            f"{format_worksheet_id(record_id)} was replaced by "
            f"{format_worksheet_id(replaced_by)}.\n\n{doing} the replaced version anyway?",
        )

    def _print(self, pdf: bytes, wid: str, printer: QPrinter | None = None) -> int | None:
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        try:
            prepare_printer(printer, pdf, wid)
            if not self.ask_printer(printer):
                return None
            pages = print_pdf(pdf, printer)
        except PdfError as error:
            self.tell(f"{wid} was not printed", str(error))
            return None
        plural = "" if pages == 1 else "s"
        self.status.setText(f"Reprinted {wid} ({pages} page{plural}).")
        return pages

    def _save(self, pdf: bytes, wid: str) -> Path | None:
        chosen = self.ask_path(f"Save a copy of {wid}", f"{wid}.pdf", "PDF documents (*.pdf)")
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        try:
            save_pdf(pdf, path)
        except OSError as error:
            self.tell(f"{wid} was not saved", f"Cannot write {path}: {error.strerror}")
            return None
        self.status.setText(f"Saved a copy of {wid} to {path.name}.")
        return path

    # -- the real dialogs ---------------------------------------------------------------

    def _ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(f"Reprint {printer.docName()}")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _ask_path(self, title: str, suggested: str, file_filter: str) -> str:
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return path

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)
