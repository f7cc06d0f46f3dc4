"""The worksheet PDF in Qt: open it, fit a printer to it, and hand it to a printer.

``deliver(pdf, printer)`` is the one place that decides how a worksheet reaches paper:

- a printer set to print to a PDF file gets the worksheet's own bytes;
- on Linux and macOS the ReportLab PDF itself goes to the CUPS queue (``core.printing``),
  so the page keeps its text and fonts;
- only on Windows, which has no PDF queue, each page is rasterized (``print_pdf``) at
  the printer's resolution (at most ``MAX_PRINT_DPI``) and painted on the printer.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

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


def page_count(pdf_bytes: bytes) -> int:
    document = load_pdf(pdf_bytes)
    try:
        return document.pageCount()
    finally:
        document.deleteLater()


def to_file(printer: QPrinter) -> bool:
    """Whether the printer writes a PDF file (the print dialog's "Print to File")."""
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(
        printer.outputFileName()
    )


def deliver(pdf_bytes: bytes, printer: QPrinter, title: str) -> int:
    """Send the worksheet to ``printer`` the way its platform prints best; the page
    count. Raises ``PdfError`` or ``core.printing.PrintError`` (and ``OSError`` for a
    print-to-file that cannot be written)."""
    if to_file(printer):
        save_pdf(pdf_bytes, printer.outputFileName())
        return page_count(pdf_bytes)
    if sys.platform == "win32":
        return print_pdf(pdf_bytes, printer)
    from core.printing import send_pdf

    send_pdf(pdf_bytes, printer.printerName(), title)
    return page_count(pdf_bytes)
