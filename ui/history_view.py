"""The worksheet history: search the recorded worksheets, open one read-only, reprint it,
save a copy, start a correction from it, export the list as CSV, and see whether the
records were tampered with.

Everything shown comes from ``core.records.RecordStore``. The tamper check, the search
and the export run off the window's thread (``ui.background``, ``core.record_jobs``)
with a moving bar and Cancel, so typing in the main window never waits for them.
Wiring into the window is a few lines::

    dialog = HistoryDialog(window.site, window, on_correct=window.load_for_correction)
    dialog.show()          # non-modal; the store is opened here and closed when it closes

``on_correct(record)`` gets the full ``WorksheetRecord`` of the newest version of the
selected worksheet (a correction always corrects the latest one). ``refresh()`` runs the
search again (also whenever the dialog becomes the active window); ``idle`` fires when
no background work is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QCloseEvent, QShowEvent
from PySide6.QtWidgets import QWidget

from core.records import RecordStore, RecordStoreError, VerifyReport
from core.records.models import WorksheetRecordSummary
from ui.background import BackgroundWork, Shared
from ui.history_actions import HistoryActions
from ui.history_layout import CorrectFn
from ui.history_model import SearchFilters, read_filters
from ui.style import apply_base_font
from ui.window_layout import fit_dialog

if TYPE_CHECKING:
    from core.site import Site

#: Rows shown at most; the search narrows a long history (the export is never cut short).
LIST_LIMIT = 2000

_BANNER_STYLE = {
    "ok": "QLabel#historyIntegrity { color: #1b5e20; background: #e8f5e9;"
    " border: 1px solid #a5d6a7; border-radius: 4px; padding: 6px; font-weight: bold; }",
    "broken": "QLabel#historyIntegrity { color: #7f0000; background: #fdecea;"
    " border: 2px solid #d32f2f; border-radius: 4px; padding: 6px; font-weight: bold; }",
    "busy": "QLabel#historyIntegrity { padding: 6px; }",
}


class HistoryDialog(HistoryActions):
    """Recorded worksheets, newest first, with search, tamper status and actions."""

    #: No background work is left (the check, search or export answered).
    idle = Signal()

    def __init__(
        self,
        site: Site,
        parent: QWidget | None = None,
        *,
        on_correct: CorrectFn | None = None,
    ) -> None:
        super().__init__(parent, on_correct)
        self.setObjectName("historyDialog")
        self.setWindowTitle("Worksheet history")
        apply_base_font(self)
        self.site = site
        self.store: RecordStore | None = None
        self.report: VerifyReport | None = None
        self.filters = SearchFilters()
        self._open_error = ""
        self.work = BackgroundWork(
            self, bar=self.progress, cancel=self.cancel_button, note=self.work_note
        )
        self.work.idle.connect(self.idle)
        self._connect()
        self._open_store()
        fit_dialog(self, 1100, 620)

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

    @property
    def busy(self) -> bool:
        return self.work.busy

    # -- the store: opened with the dialog, closed with it ----------------------------------

    def _open_store(self) -> None:
        try:
            self.store = self.site.open_records()
            self._open_error = ""
        except (RecordStoreError, OSError) as error:
            self.store = None
            self._open_error = f"The records could not be opened: {error}"
        self.check_integrity()
        self.refresh()

    def close_store(self) -> None:
        """Close the database (the dialog reopens it if it is shown again)."""
        self.work.cancel()
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

    def check_integrity(self, *, full: bool = False) -> None:
        """Start the hash-chain check (``full``: rehash every PDF too), off the window's
        thread; the banner shows the answer when it comes."""
        if self.store is None:
            self._show_integrity("broken", self._open_error or "The records are closed.")
            return
        from ui import history_jobs

        what = "every record and PDF" if full else "the records"
        self._show_integrity("busy", f"Checking {what} for tampering…")
        self.work.start(
            "verify",
            "Checking every PDF…" if full else "Checking…",
            history_jobs.check,
            history_jobs.Check(Shared(self.site), full),
            self._checked,
            self._check_failed,
        )

    def _checked(self, report: VerifyReport) -> None:
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

    def _check_failed(self, error: str) -> None:
        self.report = None
        self.model.set_broken(None)
        self._show_integrity("broken", f"The records could not be checked: {error}")

    def _show_integrity(self, state: str, text: str) -> None:
        self.integrity.setProperty("integrity", state)
        self.integrity.setStyleSheet(_BANNER_STYLE[state])
        self.integrity.setText(text)
        self.integrity.setAccessibleDescription(text)

    # -- the list -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Run the search as typed (off the window's thread; a newer search replaces an
        older one); the selected worksheet stays selected if still listed."""
        self.filters = read_filters(**self.search_texts())
        at_fault = {"worksheet_id": self.search_id, "since": self.since, "until": self.until}
        first = next(iter(self.filters.problem_fields), "")
        self.filter_error.show_message("\n".join(self.filters.problems), at_fault.get(first))
        if self.store is None:
            self._show_rows([], "")
            return
        from ui import history_jobs

        self.work.start(
            "search",
            "Searching…",
            history_jobs.search,
            history_jobs.Search(Shared(self.site), self.filters, LIST_LIMIT + 1),
            lambda rows: self._show_rows(rows, self._count_text(len(rows))),
            lambda error: self._show_rows([], f"The records could not be read: {error}"),
        )

    def _show_rows(self, rows: list[WorksheetRecordSummary], count: str) -> None:
        keep = self.selected_id()
        self.model.set_rows(rows[:LIST_LIMIT])
        self.count.setText(count)
        if keep is not None:
            self.select(keep)
        self._update_buttons()

    def _count_text(self, found: int) -> str:
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

    def _update_buttons(self) -> None:
        chosen = self.store is not None and self.selected_id() is not None
        for button in (self.open_button, self.reprint_button, self.save_button):
            button.setEnabled(chosen)
        self.correct_button.setEnabled(chosen and self.on_correct is not None)
        self.export_button.setEnabled(self.store is not None and self.model.rowCount() > 0)
        for edit in self.search_fields:
            edit.setEnabled(self.store is not None)
