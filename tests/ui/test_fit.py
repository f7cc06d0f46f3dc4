"""The window at 1024x600 (issue 19): nothing scrolls sideways, the answer stays in view."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

from .window_parts import child, enter_dose, type_into


def sideways(window: QWidget) -> list[str]:
    return [
        area.objectName() or type(area).__name__
        for area in window.findChildren(QAbstractScrollArea)
        if area.isVisible() and area.horizontalScrollBar().isVisible()
    ]


def test_nothing_scrolls_sideways_at_1024_by_600(qtbot, window) -> None:
    window.resize(1024, 600)
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "patientName", "Jane Roe")
    QApplication.processEvents()
    assert window.width() <= 1024
    assert sideways(window) == []


def test_the_answer_is_in_view_while_typing_at_1024_by_600(qtbot, window) -> None:
    window.resize(1024, 600)
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "verifiedBy", "RP")  # the last field of the right column
    QApplication.processEvents()
    for name in ("claimLines", "unitsAdministered", "unitsWasted", "wasteVolume"):
        figure = child(window, name)
        visible = figure.visibleRegion().boundingRect()
        assert visible.height() >= figure.height() - 1, name  # not scrolled or cut off
        assert visible.width() >= figure.width() - 1, name
