"""The vials opened, drawn: given part filled, waste hatched, unit ticks, JW marked.

Draws ``core.vial_picture.vial_bars`` (the worksheet draws the same model), one
bar per vial. An accessible description says the same in words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, QSize
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtGui import QPainter, QPaintEvent

    from core.calculation_models import CalculationResult
    from core.vial_picture import VialBar

BAR_HEIGHT = 18
GAP = 16  # room under a bar for the "JW" mark
LABEL_WIDTH = 52
# Colour names, not QColors: QtGui's painting classes are imported when a bar is painted
# (about 3 ms before the window's first paint otherwise).
GIVEN = "#2e6db4"
WASTE = "#c62828"
KEPT = "#9e9e9e"
JW = "#ef6c00"
#: More vials than this are summarised in the last row ("and 4 more").
MAX_BARS = 6


class VialBars(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("vialBars")
        self.setAccessibleName("Vials opened: given, wasted, units")
        self.bars: list[VialBar] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.hide()

    def show_result(self, result: CalculationResult | None) -> None:
        bars: list[VialBar] = []
        if result is not None:  # not at start-up: the model needs the engine
            from core.vial_picture import vial_bars

            bars = vial_bars(result)
        if bars == self.bars:
            return  # unchanged (most keystrokes): no relayout, no repaint
        self.bars = bars
        self.setFixedHeight(self._height())
        self.setVisible(bool(bars))
        self.setAccessibleDescription(_describe(bars))
        self.update()

    def _height(self) -> int:
        rows = min(len(self.bars), MAX_BARS)
        return rows * (BAR_HEIGHT + GAP) + 14

    def sizeHint(self) -> QSize:
        return QSize(240, self._height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        from PySide6.QtCore import Qt  # not at start-up: the Qt namespace is slow to import
        from PySide6.QtGui import QPainter

        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        width = max(40.0, self.width() - LABEL_WIDTH - 4.0)
        for row, bar in enumerate(self.bars[:MAX_BARS]):
            top = row * (BAR_HEIGHT + GAP) + 2.0
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRectF(0, top, LABEL_WIDTH - 6, BAR_HEIGHT),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                bar.label,
            )
            _draw_bar(painter, QRectF(LABEL_WIDTH, top, width, BAR_HEIGHT), bar)
        if len(self.bars) > MAX_BARS:
            painter.drawText(
                QRectF(LABEL_WIDTH, MAX_BARS * (BAR_HEIGHT + GAP) - 6, width, 14),
                Qt.AlignmentFlag.AlignLeft,
                f"and {len(self.bars) - MAX_BARS} more",
            )
        painter.end()


def _draw_bar(painter: QPainter, box: QRectF, bar: VialBar) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QBrush, QColor, QPen

    given = QRectF(box.left(), box.top(), box.width() * float(bar.given), box.height())
    rest = QRectF(given.right(), box.top(), box.right() - given.right(), box.height())
    painter.fillRect(given, QColor(GIVEN))
    if rest.width() > 0:
        color = QColor(KEPT if bar.kept else WASTE)
        painter.fillRect(rest, QColor(color.red(), color.green(), color.blue(), 40))
        if not bar.kept:
            painter.fillRect(rest, QBrush(color, Qt.BrushStyle.BDiagPattern))
    if bar.jw is not None:
        low, high = (box.left() + box.width() * float(edge) for edge in bar.jw)
        painter.setPen(QPen(QColor(JW), 2))
        painter.drawRect(QRectF(low, box.top() + 1, high - low, box.height() - 2))
        painter.drawText(
            QRectF(low - 10, box.bottom(), high - low + 20, GAP),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            "JW",
        )
    painter.setPen(QPen(QColor("#37474f"), 1))
    for tick in bar.ticks:
        x = box.left() + box.width() * float(tick)
        painter.drawLine(int(x), int(box.top()), int(x), int(box.bottom()))
    painter.drawRect(box)


def _describe(bars: list[VialBar]) -> str:
    parts = []
    for number, bar in enumerate(bars, 1):
        percent = round(100 * bar.given)
        rest = "kept" if bar.kept else "wasted"
        jw = "; JW units marked" if bar.jw else ""
        parts.append(f"Vial {number}: {percent}% given, the rest {rest}{jw}")
    return ". ".join(parts)
