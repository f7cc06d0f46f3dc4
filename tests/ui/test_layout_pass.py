"""Widgets shown and hidden together are laid out once, and the first paint after an edit
is of the final layout."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from ui.layout_pass import one_layout_pass


def test_rows_shown_in_the_block_move_what_is_below_them_once_at_its_end(qtbot) -> None:
    page = QWidget()
    qtbot.addWidget(page)
    column = QVBoxLayout(page)
    rows = [QLabel(f"row {n}") for n in range(5)]
    below = QLabel("below")
    for widget in (*rows, below):
        column.addWidget(widget)
    column.addStretch(1)
    for row in rows:
        row.hide()
    page.resize(300, 400)
    page.show()
    qtbot.waitExposed(page)
    before = below.geometry()

    with one_layout_pass(page):
        for row in rows:
            row.show()
            # Without the pass, each show lays the column out at once.
            assert below.geometry() == before
    moved = below.geometry()
    assert moved.top() > before.top()
    QApplication.processEvents()
    assert below.geometry() == moved  # nothing left for the event loop


def where(window: QWidget, name: str) -> tuple[QRect, QPoint]:
    widget = window.findChild(QWidget, name)
    assert widget is not None
    return widget.geometry(), widget.mapTo(window, QPoint(0, 0))


def test_a_key_that_hides_or_shows_the_vial_rows_paints_the_final_layout(qtbot, window) -> None:
    for name, keys in (("vialSize", "10"), ("doseOrdered", "12"), ("amountAdministered", "12")):
        qtbot.keyClicks(window.findChild(QWidget, name), keys)
    qtbot.wait(50)
    administered = window.findChild(QWidget, "amountAdministered")
    for press in (
        lambda: qtbot.keyClicks(administered, "1"),  # 121 mL: more than opened, no rows
        lambda: qtbot.keyClick(administered, Qt.Key.Key_Backspace),  # 12 mL: two rows
    ):
        press()
        QApplication.processEvents()  # the first paint
        first = [where(window, name) for name in ("wasteReason", "preparedBy", "verifiedBy")]
        qtbot.wait(50)
        assert [where(window, n) for n in ("wasteReason", "preparedBy", "verifiedBy")] == first


def test_a_pass_inside_a_pass_and_a_widget_deleted_in_it_end_laid_out(qtbot) -> None:
    from shiboken6 import Shiboken

    page = QWidget()
    qtbot.addWidget(page)
    column = QVBoxLayout(page)
    box = QWidget()
    QVBoxLayout(box).addWidget(QLabel("in a box"))
    row, below = QLabel("row"), QLabel("below")
    for widget in (box, row, below):
        column.addWidget(widget)
    column.addStretch(1)
    row.hide()
    page.resize(300, 400)
    page.show()
    qtbot.waitExposed(page)
    before = below.geometry()

    with one_layout_pass(page):
        with one_layout_pass(page):
            row.show()
        Shiboken.delete(box)  # its layout was held by the outer pass
    moved = below.geometry()
    assert moved != before  # the row above it is shown, the box gone
    qtbot.wait(20)
    assert below.geometry() == moved
