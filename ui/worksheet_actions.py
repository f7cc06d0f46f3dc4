"""Preview, print and save the worksheet PDF from the window.

Everything here takes the PDF bytes made by ``core.worksheet.build_worksheet``; nothing
lays out a worksheet again, so what is previewed, printed and saved is the same
document the records store keeps.

- ``PreviewDialog(pdf_bytes, parent)``: the PDF itself, rendered by QtPdf.
- ``print_pdf(pdf_bytes, printer) -> pages``: each page rendered at the printer's
  resolution (capped, see ``MAX_PRINT_DPI``) and painted on the printer.
- ``save_pdf(pdf_bytes, path)``: written atomically (``core.atomic.write_atomic``).
- ``WorksheetActions``: the three as window actions, with the refusal while fields are
  missing. Wiring into the window is a few lines::

      actions = WorksheetActions(window, render=make_pdf, problems=window.print_problems)
      window.set_print_handler(lambda _window: actions.print_worksheet())   # Ctrl+P
      file_menu.addAction(actions.preview_action)
      file_menu.addAction(actions.save_action)                            # Ctrl+S

  ``render(draft)`` returns PDF bytes: ``render(True)`` a watermarked draft that is not
  recorded (for the preview), ``render(False)`` the chart worksheet, recorded through
  the records store (which gives it its ID). ``render(False)`` is only called after the
  user confirmed the print or save dialog, so a cancelled print records nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QPointF,
    QRectF,
    QSize,
    QSizeF,
)
from PySide6.QtGui import QAction, QKeySequence, QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

#: Pages are rendered at the printer's resolution up to this. A US Letter page at
#: 600 dpi is a 134 MB image; at 1200 dpi (what Qt reports for PDF output) it would be
#: 540 MB, for no visible gain on paper.
MAX_PRINT_DPI = 600


class PdfError(RuntimeError):
    """The bytes are not a PDF QtPdf can open, or the printer could not be started."""


def load_pdf(pdf_bytes: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A QPdfDocument over ``pdf_bytes`` (the buffer is owned by the document)."""
    document = QPdfDocument(parent) if parent is not None else QPdfDocument()
    buffer = QBuffer(document)  # parented: lives exactly as long as the document
    buffer.setData(QByteArray(pdf_bytes))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
        error = document.error()
        document.deleteLater()
        raise PdfError(f"the worksheet PDF could not be opened ({error.name})")
    return document


def _page_size(document: QPdfDocument, page: int = 0) -> QPageSize:
    points = document.pagePointSize(page)
    return QPageSize(QSizeF(points.width(), points.height()), QPageSize.Unit.Point, "worksheet")


def prepare_printer(printer: QPrinter, pdf_bytes: bytes, name: str = "worksheet") -> None:
    """Set the printer's paper to the worksheet's (A4 or Letter), portrait, full page.

    Full page: the PDF carries its own margins (all content at least 6 mm from the
    edge), so it is painted onto the whole sheet rather than shrunk into the printer's
    margins a second time.
    """
    document = load_pdf(pdf_bytes)
    try:
        printer.setPageSize(_page_size(document))
    finally:
        document.deleteLater()
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDocName(name)


def print_pdf(pdf_bytes: bytes, printer: QPrinter) -> int:
    """Paint every page of the PDF on ``printer``; return the number of pages printed.

    Each page is rendered by QtPdf to an image at the printer's resolution (at most
    ``MAX_PRINT_DPI``) and scaled, keeping its proportions, to the printer's page.
    """
    document = load_pdf(pdf_bytes)
    painter = QPainter()
    try:
        if not painter.begin(printer):
            raise PdfError("the printer could not be started")
        try:
            dpi = min(printer.resolution(), MAX_PRINT_DPI)
            target = printer.pageRect(QPrinter.Unit.DevicePixel).size()
            for page in range(document.pageCount()):
                if page and not printer.newPage():
                    raise PdfError(f"the printer refused page {page + 1}")
                _paint_page(document, page, painter, QSizeF(target), dpi)
        finally:
            painter.end()
        return document.pageCount()
    finally:
        document.deleteLater()


def _paint_page(
    document: QPdfDocument, page: int, painter: QPainter, target: QSizeF, dpi: int
) -> None:
    points = document.pagePointSize(page)
    # Fit the page into the printer's page, keeping its proportions, centred.
    scale = min(target.width() / points.width(), target.height() / points.height())
    shown = QRectF(0, 0, points.width() * scale, points.height() * scale)
    shown.moveCenter(QPointF(target.width() / 2, target.height() / 2))
    # Rendered at the printer's resolution (capped); never more pixels than are painted.
    factor = min(dpi / 72, scale)
    pixels = QSize(round(points.width() * factor), round(points.height() * factor))
    image = document.render(page, pixels)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    painter.drawImage(shown, image)
    painter.restore()


def save_pdf(pdf_bytes: bytes, path: str | Path) -> None:
    """Write the PDF atomically (temporary file, then rename), readable by the user only:
    it holds patient data."""
    from core.atomic import write_atomic

    write_atomic(Path(path), pdf_bytes)


class PreviewDialog(QDialog):
    """The worksheet PDF as it will print, in a resizable window.

    ``on_print``/``on_save`` add Print…/Save PDF… buttons; leave them out (or pass
    ``refusal``, the reason in words) while the worksheet may not go into the chart.
    """

    def __init__(
        self,
        pdf_bytes: bytes,
        parent: QWidget | None = None,
        *,
        title: str = "Worksheet preview",
        on_print: Callable[[], object] | None = None,
        on_save: Callable[[], object] | None = None,
        refusal: str = "",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("worksheetPreview")
        self.setWindowTitle(title)
        self.document = load_pdf(pdf_bytes, self)
        self.view = QPdfView(self)
        self.view.setObjectName("worksheetPreviewView")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.print_button = self._button(buttons, "&Print…", "previewPrint", on_print, refusal)
        self.save_button = self._button(buttons, "&Save PDF…", "previewSave", on_save, refusal)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        self.resize(760, 900)

    def _button(
        self,
        buttons: QDialogButtonBox,
        text: str,
        name: str,
        action: Callable[[], object] | None,
        refusal: str,
    ) -> QPushButton:
        button = buttons.addButton(text, QDialogButtonBox.ButtonRole.ActionRole)
        button.setObjectName(name)
        button.setEnabled(action is not None and not refusal)
        if refusal:
            button.setToolTip(f"Not for the chart yet: {refusal}")
        if action is not None:
            button.clicked.connect(lambda: action())
        return button

    @property
    def page_count(self) -> int:
        return self.document.pageCount()


RenderFn = Callable[[bool], bytes]


class WorksheetNotRecorded(Exception):
    """``render(False)`` could not record the worksheet; the message says why, in words."""


class WorksheetActions(QObject):
    """Preview, Print (Ctrl+P) and Save PDF (Ctrl+S) for a window.

    ``render(draft)`` makes the PDF (see the module doc); ``problems()`` lists what
    stops the worksheet from going into the chart (``missing_for_print`` plus the
    window's own checks). Print and Save are refused, with the reasons, while it is not
    empty. The dialogs are attributes (``ask_printer``, ``ask_path``, ``tell``) so tests
    and other front ends can replace them.
    """

    def __init__(
        self,
        parent: QWidget,
        *,
        render: RenderFn,
        problems: Callable[[], list[str]],
        file_name: Callable[[], str] = lambda: "worksheet.pdf",
        print_shortcut: bool = False,
    ) -> None:
        super().__init__(parent)
        self.window = parent
        self.render = render
        self.problems = problems
        self.file_name = file_name
        self.ask_printer: Callable[[QPrinter], bool] = self._ask_printer
        self.ask_path: Callable[[str], str] = self._ask_path
        self.tell: Callable[[str, str], None] = self._tell
        self.preview_action = QAction("Pre&view worksheet…", parent)
        self.preview_action.triggered.connect(self.preview)
        self.save_action = QAction("&Save worksheet as PDF…", parent)
        self.save_action.setShortcut(QKeySequence("Ctrl+S"))
        self.save_action.triggered.connect(self.save_worksheet)
        # The window may own Ctrl+P already (it then calls print_worksheet itself); two
        # actions on one shortcut would make Qt ignore both.
        self.print_action = QAction("&Print worksheet…", parent)
        if print_shortcut:
            self.print_action.setShortcut(QKeySequence("Ctrl+P"))
        self.print_action.triggered.connect(self.print_worksheet)
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
        """Ask for a printer, record the worksheet and print it; the number of pages
        printed, or ``None`` when refused or cancelled."""
        if self._refused("print"):
            return None
        printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
        # The paper size comes from a draft (same layout and paper; nothing recorded), so
        # the print dialog shows the right paper before anything is recorded.
        prepare_printer(printer, self.render(True), self.file_name())
        if not self.ask_printer(printer):
            return None
        pdf = self._recorded()
        return None if pdf is None else print_pdf(pdf, printer)

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
        except WorksheetNotRecorded as error:
            self.tell("The worksheet was not recorded", str(error))
            return None

    # -- the real dialogs ---------------------------------------------------------------

    def _ask_printer(self, printer: QPrinter) -> bool:
        dialog = QPrintDialog(printer, self.window)
        dialog.setWindowTitle("Print worksheet")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def _ask_path(self, suggested: str) -> str:
        path, _ = QFileDialog.getSaveFileName(
            self.window, "Save worksheet as PDF", suggested, "PDF documents (*.pdf)"
        )
        return path

    def _tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self.window, title, text)
