"""The vial picture on the worksheet: the bars the window shows, in one row.

Draws ``core.vial_picture.VialBar``s as a ReportLab flowable: each vial a
bar with its size, the given part filled, the waste hatched (a multi-dose remainder left
plain), the per-unit ticks, and the JW units outlined and marked "JW".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.platypus import Flowable

from core.vial_picture import VialBar
from core.worksheet.fonts import REGULAR

GIVEN = colors.HexColor("#2E6DB4")
WASTE = colors.HexColor("#C62828")
KEPT = colors.HexColor("#BDBDBD")
JW = colors.HexColor("#EF6C00")
EDGE = colors.HexColor("#37474F")
BAR_HEIGHT = 9.0
LABEL_SIZE = 6.5
#: Bars drawn at most; more vials are summarised ("and 3 more").
MAX_BARS = 8


class VialBarsFlowable(Flowable):  # type: ignore[misc]  # ReportLab has no types
    def __init__(self, bars: Sequence[VialBar], width: float) -> None:
        super().__init__()
        self.bars = list(bars)
        self.width = width
        self.height = BAR_HEIGHT + 2 * LABEL_SIZE + 4 if bars else 0

    def wrap(self, _available_width: float, _available_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        shown = self.bars[:MAX_BARS]
        if not shown:
            return
        canvas: Any = self.canv
        gap = 8.0
        each = (self.width - gap * (len(shown) - 1)) / len(shown)
        each = min(each, 120.0)
        y = LABEL_SIZE + 2
        for index, bar in enumerate(shown):
            x = index * (each + gap)
            _bar(canvas, bar, x, y, each)
        if len(self.bars) > MAX_BARS:
            canvas.setFont(REGULAR, LABEL_SIZE)
            canvas.drawString(len(shown) * (each + gap), y, f"and {len(self.bars) - MAX_BARS} more")


def _bar(canvas: Any, bar: VialBar, x: float, y: float, width: float) -> None:
    # Page coordinates in points, the one place floats belong: the fractions of the bar
    # (given, ticks, JW span) stay exact in core.vial_picture and only become points
    # here, for drawing.
    given = width * float(bar.given)
    canvas.saveState()
    canvas.setFillColor(GIVEN)
    canvas.rect(x, y, given, BAR_HEIGHT, stroke=0, fill=1)
    if given < width:
        if bar.kept:
            canvas.setFillColor(KEPT)
            canvas.rect(x + given, y, width - given, BAR_HEIGHT, stroke=0, fill=1)
        else:
            path = canvas.beginPath()
            path.rect(x + given, y, width - given, BAR_HEIGHT)
            canvas.clipPath(path, stroke=0, fill=0)
            canvas.setStrokeColor(WASTE)
            canvas.setLineWidth(0.5)
            step = 3.0
            offset = x + given - BAR_HEIGHT
            while offset < x + width:
                canvas.line(offset, y, offset + BAR_HEIGHT, y + BAR_HEIGHT)
                offset += step
    canvas.restoreState()
    canvas.saveState()
    canvas.setStrokeColor(EDGE)
    canvas.setLineWidth(0.5)
    for tick in bar.ticks:
        tx = x + width * float(tick)
        canvas.line(tx, y, tx, y + BAR_HEIGHT)
    canvas.rect(x, y, width, BAR_HEIGHT, stroke=1, fill=0)
    canvas.setFillColor(EDGE)
    canvas.setFont(REGULAR, LABEL_SIZE)
    canvas.drawString(x, y + BAR_HEIGHT + 2, bar.label)
    if bar.jw is not None:
        low, high = (x + width * float(edge) for edge in bar.jw)
        canvas.setStrokeColor(JW)
        canvas.setLineWidth(1.2)
        canvas.rect(low, y, high - low, BAR_HEIGHT, stroke=1, fill=0)
        canvas.setFillColor(JW)
        canvas.drawCentredString((low + high) / 2, y - LABEL_SIZE - 1, "JW")
    canvas.restoreState()
