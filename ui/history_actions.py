"""What the history window does with one worksheet: open it read-only, reprint it, save
a copy, start a correction from it; and the CSV export of the search.

What is opened, reprinted and saved is the PDF exactly as it was recorded
(``RecordStore.pdf``), never laid out again. The dialogs are attributes
(``ask_printer``, ``ask_path``, ``confirm``, ``tell``) so tests replace them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from core.records import RecordStoreError, WorksheetRecord, format_worksheet_id
from ui.background import Shared
from ui.history_layout import CorrectFn, HistoryLayout
from ui.history_model import read_filters
from ui.preview_dialog import PreviewDialog
from ui.qt_pdf import PdfError, deliver, prepare_printer, save_pdf

if TYPE_CHECKING:
    from core.records import RecordStore
    from core.site import Site
    from ui.background import BackgroundWork


class HistoryActions(HistoryLayout):
    store: RecordStore | None
    site: Site
    work: BackgroundWork

    def __init__(self, parent: QWidget | None, on_correct: CorrectFn | None) -> None:
        super().__init__(parent, on_correct)
        self.ask_printer: Callable[[QPrinter], bool] = self._ask_printer
        self.ask_path: Callable[[str, str, str], str] = self._ask_path
        self.confirm: Callable[[str, str], bool] = self._confirm
        self.tell: Callable[[str, str], None] = self._tell
        self.preview: PreviewDialog | None = None

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.summary(rows[0].row()).id if rows else None

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

    # -- actions --------------------------------------------------------------------------

    def _chosen(self, record_id: int | None) -> int | None:
        return record_id if record_id is not None else self.selected_id()

    def _recorded_pdf(self, record_id: int, doing: str) -> bytes | None:
        assert self.store is not None
        try:
            return self.store.pdf(record_id)
        except RecordStoreError as error:
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
        except RecordStoreError as error:
            self.tell("Cannot start the correction", str(error))
            return None
        self.on_correct(record)
        self.status.setText(f"Correction of {record.worksheet_id} started in the main window.")
        return record

    def export_csv(self) -> Path | None:
        """Ask where and write every worksheet matching the search (not only the rows
        shown) as CSV, off the window's thread; the path it will be written to, or
        ``None``. The status line says when it is done."""
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
        from ui import history_jobs

        filters = read_filters(**self.search_texts())

        def exported(count: int) -> None:
            plural = "" if count == 1 else "s"
            self.status.setText(f"Exported {count:,} worksheet{plural} to {path.name}.")

        self.work.start(
            "export",
            "Exporting…",
            history_jobs.export,
            history_jobs.Export(Shared(self.site), filters, path),
            exported,
            lambda error: self.tell("The list was not exported", error),
        )
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
        """The recorded bytes to the printer, the way the window prints (``deliver``)."""
        from core.printing import PrintError

        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        try:
            prepare_printer(printer, pdf, wid)
            if not self.ask_printer(printer):
                return None
            pages = deliver(pdf, printer, wid)
        except (PdfError, PrintError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.tell(f"{wid} was not printed", reason or "")
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
