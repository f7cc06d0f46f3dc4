"""Preview, Print and Save PDF of the worksheet: the window's one print path.

Print is one path, one way: **request** (refused, with the reasons, while something
blocks the chart) -> the printer dialog -> **record** (``render(False)``: the
worksheet is recorded and its bytes come back, laid out on ``paper``, the Paper setting)
-> **print** (``ui.qt_pdf.deliver``: the PDF itself to a CUPS queue, rasterized only on
Windows) -> ``printed(worksheet name, printer)`` or ``failed(reason)``. Nothing is
recorded before the user confirmed a dialog, so a cancelled print records nothing. A
queue set to other paper than the worksheet's is said first, in the preview (a banner,
announced; ``core.printing.paper_warning``), and nothing prints until the user answers.

``render(draft)`` returns PDF bytes: ``render(True)`` a watermarked draft that is not
recorded (for the preview), ``render(False)`` the chart worksheet. Both read ``paper``
(the Paper setting; never the printer's) to lay the page out. The dialogs are attributes
(``ask_printer``, ``ask_path``, ``tell``) so tests and other front ends replace them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from core.constants import DEFAULT_PAPER, PAPER_WORDS, Paper
from ui.preview_dialog import PreviewDialog
from ui.qt_pdf import (
    MAX_PRINT_DPI,
    PdfError,
    deliver,
    load_pdf,
    prepare_printer,
    print_pdf,
    save_pdf,
    to_file,
)

__all__ = [
    "MAX_PRINT_DPI",
    "PdfError",
    "PreviewDialog",
    "WorksheetActions",
    "WorksheetNotRecordedError",
    "load_pdf",
    "prepare_printer",
    "print_pdf",
    "save_pdf",
]


RenderFn = Callable[[bool], bytes]


class WorksheetNotRecordedError(Exception):
    """``render(False)`` could not record the worksheet; the message says why, in words."""


class WorksheetActions(QObject):
    """Preview (Ctrl+Shift+P), Print (Ctrl+P) and Save PDF (Ctrl+S) for a window.

    ``problems()`` lists what stops the worksheet from going into the chart; Print and
    Save are refused, with the reasons, while it is not empty.
    """

    #: The worksheet reached the printer: (document name, printer name).
    printed = Signal(str, str)
    #: Printing failed after the worksheet was recorded; the reason in words.
    failed = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        *,
        render: RenderFn,
        problems: Callable[[], list[str]],
        file_name: Callable[[], str] = lambda: "worksheet.pdf",
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.render = render
        self.problems = problems
        self.file_name = file_name
        #: The paper the worksheet is laid out, saved and printed on (the Paper setting).
        self.paper: Paper = DEFAULT_PAPER
        #: The printer offered first in the print dialog (the last one used).
        self.last_printer = ""
        self.ask_printer: Callable[[QPrinter], bool] = self._ask_printer
        self.ask_path: Callable[[str], str] = self._ask_path
        self.tell: Callable[[str, str], None] = self._tell
        self.preview_action = QAction("Pre&view worksheet…", parent)
        self.preview_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.preview_action.triggered.connect(self.preview)
        self.save_action = QAction("&Save worksheet as PDF…", parent)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.triggered.connect(self.save_worksheet)
        # The one Print action (menu, Ctrl+P); what it asks for is ``request_print``, which
        # a window may replace to add its own refusal message (it ends in print_worksheet).
        self.request_print: Callable[[], object] = self.print_worksheet
        self.print_action = QAction("&Print worksheet…", parent)
        self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_action.triggered.connect(lambda: self.request_print())
        for action in (self.preview_action, self.save_action, self.print_action):
            parent.addAction(action)
        self.dialog: PreviewDialog | None = None

    def preview(self) -> PreviewDialog:
        """Show the preview (a draft, never recorded); Print/Save in it act as Ctrl+P/S."""
        missing = self.problems()
        dialog = PreviewDialog(
            self.render(True),
            self.window,
            on_print=self.print_worksheet,
            on_save=self.save_worksheet,
            refusal="; ".join(missing),
        )
        if self.dialog is not None:  # one preview at a time; the old one goes
            self.dialog.close()
            self.dialog.deleteLater()
        dialog.open()
        self.dialog = dialog
        return dialog

    def _refused(self, what: str) -> bool:
        missing = self.problems()
        if missing:
            self.tell(
                f"Cannot {what} the worksheet yet",
                "It cannot go into the chart until these are done:\n"
                + "\n".join(f"• {m}" for m in missing),
            )
        return bool(missing)

    def print_worksheet(self, printer: QPrinter | None = None) -> int | None:
        """Ask for a printer, record the worksheet on its paper and print it; the number
        of pages printed, or ``None`` when refused, cancelled or failed."""
        if self._refused("print"):
            return None
        if printer is None:
            printer = QPrinter(QPrinter.PrinterMode.HighResolution)
            if self.last_printer:
                printer.setPrinterName(self.last_printer)
        # The paper comes from a draft (same layout; nothing recorded), so the print
        # dialog shows the worksheet's paper before anything is recorded.
        prepare_printer(printer, self.render(True), self.file_name())
        if not self.ask_printer(printer):
            return None
        warning = self.paper_warning(printer)
        if warning:
            chosen = printer
            shown = self.dialog is not None and self.dialog.isVisible()
            preview = self.dialog if shown and self.dialog is not None else self.preview()
            preview.ask_paper(warning, PAPER_WORDS[self.paper], lambda: self._print_on(chosen))
            return None
        return self._print_on(printer)

    def paper_warning(self, printer: QPrinter) -> str:
        """Core's word when the chosen queue is set to other paper than the worksheet's;
        empty for a file, on Windows, or when the queue's paper is not known."""
        from core.printing import paper_warning, queue_paper, uses_cups

        name = printer.printerName()
        if to_file(printer) or not name or not uses_cups():
            return ""
        return paper_warning(self.paper, name, queue_paper(name))

    def _print_on(self, printer: QPrinter) -> int | None:
        """Record the worksheet and send it to ``printer``; the pages printed, or ``None``."""
        pdf = self._recorded()
        if pdf is None:
            return None
        from core.printing import PrintError

        name = self.file_name().removesuffix(".pdf")
        try:
            pages = deliver(pdf, printer, name)
        except (PrintError, PdfError, OSError) as error:
            reason = error.strerror if isinstance(error, OSError) else str(error)
            self.tell("The worksheet was recorded but not printed", f"{reason}")
            self.failed.emit(reason or "")
            return None
        if printer.outputFormat() == QPrinter.OutputFormat.NativeFormat:
            self.last_printer = printer.printerName()
        self.printed.emit(name, printer.printerName())
        return pages

    def save_worksheet(self) -> Path | None:
        """Ask where, record the worksheet and save it; the path, or ``None``."""
        if self._refused("save"):
            return None
        chosen = self.ask_path(self.file_name())
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".pdf":
            path = path.with_name(path.name + ".pdf")
        pdf = self._recorded()
        if pdf is None:
            return None
        try:
            save_pdf(pdf, path)
        except OSError as error:
            self.tell("The worksheet was not saved", f"Cannot write {path}: {error.strerror}")
            return None
        return path

    def _recorded(self) -> bytes | None:
        """The chart worksheet, recorded; ``None`` (and the reason shown) when it was not."""
        try:
            return self.render(False)
        except WorksheetNotRecordedError as error:
            self.tell("The worksheet was not recorded", str(error))
            return None

    # -- the real dialogs ---------------------------------------------------------------

    def _ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self.window)
        dialog.setWindowTitle("Print worksheet")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _ask_path(self, suggested: str) -> str:
        from PySide6.QtCore import QStandardPaths

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        start = str(Path(folder) / suggested) if folder else suggested
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save worksheet as PDF", start, "PDF documents (*.pdf)"
        )
        return path

    def _tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)
