"""What is drawn on every page around the content: footer, QR code and draft watermark.

"Page x of y" needs the page count before the first footer is drawn, so the canvas keeps
each finished page and draws the footers when the document is saved (one pass instead
of ReportLab's two-pass multiBuild, which would lay the whole document out twice).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from core.worksheet.content import DRAFT_MARK
from core.worksheet.fonts import BOLD, REGULAR, printable, register_fonts

# Nothing closer than 6 mm to the paper's edge: most printers cannot print there.
FOOTER_HEIGHT = 24 * mm  # the bottom margin the content must leave free
QR_SIZE = 14 * mm
INK = colors.HexColor("#1A1A1A")
MUTED = colors.HexColor("#555555")
RULE = colors.HexColor("#9AA5B1")
FLAG = colors.HexColor("#B00020")


@dataclass(frozen=True)
class Footer:
    worksheet_id: str
    patient: str  # "Name · MRN · DOB", repeated on every page so a loose page is traceable
    printed: str
    draft: bool


def qr_widget(value: str) -> Any:
    """ReportLab's QR code for ``value``, error correction M (15 % may be smudged)."""
    return QrCodeWidget(value, barLevel="M")


def draw_qr(canvas: Any, value: str, x: float, y: float, size: float) -> None:
    """A ``size``-point square QR code (with its quiet zone) at ``x, y``.

    The modules are drawn as plain rectangles rather than through renderPDF, whose
    drawing state would add a Helvetica font resource to every page.
    """
    widget = qr_widget(value)
    x0, y0, x1, _ = widget.getBounds()
    scale = size / (x1 - x0)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    for module in widget.draw().contents:
        if module.fillColor is None:  # the background
            continue
        canvas.rect(
            x + (module.x - x0) * scale,
            y + (module.y - y0) * scale,
            module.width * scale,
            module.height * scale,
            stroke=0,
            fill=1,
        )
    canvas.restoreState()


def _fit(text: str, font: str, size: float, width: float) -> str:
    if stringWidth(text, font, size) <= width:
        return text
    while text and stringWidth(text + "\N{HORIZONTAL ELLIPSIS}", font, size) > width:
        text = text[:-1]
    return text + "\N{HORIZONTAL ELLIPSIS}"


def draw_footer(canvas: Any, footer: Footer, page: int, pages: int) -> None:
    width, _ = canvas._pagesize
    left, right = 15 * mm, width - 15 * mm
    top = FOOTER_HEIGHT - 3 * mm
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.6)
    canvas.line(left, top, right, top)
    qr_x = right - QR_SIZE
    draw_qr(canvas, footer.worksheet_id, qr_x, 6 * mm, QR_SIZE)
    text_width = qr_x - left - 4 * mm
    canvas.setFillColor(INK)
    canvas.setFont(BOLD, 8)
    patient = printable(footer.patient, register_fonts())
    canvas.drawString(left, top - 10, _fit(patient, BOLD, 8, text_width))
    canvas.setFont(REGULAR, 8)
    canvas.drawString(
        left,
        top - 20,
        f"Worksheet {footer.worksheet_id}  \N{MIDDLE DOT}  printed {footer.printed}"
        f"  \N{MIDDLE DOT}  page {page} of {pages}",
    )
    canvas.setFillColor(MUTED)
    canvas.setFont(REGULAR, 6.5)
    canvas.drawString(left, top - 29, "The QR code holds the worksheet ID for finding the record.")
    if footer.draft:
        canvas.setFillColor(FLAG)
        canvas.setFont(BOLD, 8)
        canvas.drawString(left, top - 39, DRAFT_MARK)
    canvas.restoreState()


def draw_watermark(canvas: Any) -> None:
    """Large diagonal 'DRAFT — not for the chart', over the content but translucent."""
    width, height = canvas._pagesize
    angle = math.degrees(math.atan2(height, width))
    span = math.hypot(width, height) * 0.7
    size = 100 * span / stringWidth(DRAFT_MARK, BOLD, 100)
    canvas.saveState()
    canvas.setFillColor(FLAG, alpha=0.16)
    canvas.setFont(BOLD, size)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(angle)
    canvas.drawCentredString(0, -size / 3, DRAFT_MARK)
    canvas.restoreState()


def canvas_maker(footer: Footer) -> type[Any]:
    """A Canvas class that adds the footer (and watermark) once the page count is known."""

    class WorksheetCanvas(Canvas):  # type: ignore[misc]  # ReportLab has no type stubs
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            # Every page stream starts in the embedded font, so the PDF never refers to
            # Helvetica (a font the viewer would have to supply).
            kwargs["initialFontName"] = kwargs.get("initialFontName") or REGULAR
            super().__init__(*args, **kwargs)
            self._finished: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._finished.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages = len(self._finished)
            for number, state in enumerate(self._finished, start=1):
                self.__dict__.update(state)
                if footer.draft:
                    draw_watermark(self)
                draw_footer(self, footer, number, pages)
                super().showPage()
            super().save()

    return WorksheetCanvas
