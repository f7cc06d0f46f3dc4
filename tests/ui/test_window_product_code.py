"""A product picked in the window bills under its own code (issue 8, item 2)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLabel

from .window_parts import child


def combo(window, name: str) -> QComboBox:
    widget = child(window, name)
    assert isinstance(widget, QComboBox)
    return widget


def pick(box: QComboBox, data: str) -> None:
    """As the user picks an item: the index changes and ``activated`` is emitted."""
    index = box.findData(data)
    assert index >= 0, data
    box.setCurrentIndex(index)
    box.activated.emit(index)


def test_picking_a_product_selects_its_code_and_another_code_warns(qtbot, window) -> None:
    pick(combo(window, "product"), "Hizentra 20%")
    assert combo(window, "code").currentData() == "J1559"
    qtbot.keyClicks(child(window, "doseOrdered"), "12")
    qtbot.keyClicks(child(window, "amountAdministered"), "12")
    claim = child(window, "claimLines")
    assert isinstance(claim, QLabel)
    assert claim.text().splitlines() == ["J1559 x 24 units", "J1559-JW x 6 units"]
    warnings = child(window, "warnings")
    assert isinstance(warnings, QLabel) and not warnings.isVisible()

    pick(combo(window, "code"), "J1410")  # billing it under J1410 is a deliberate choice
    assert claim.text().splitlines() == ["J1410-JZ x 3 units"]
    assert warnings.isVisible()
    assert "Hizentra 20% is billed under J1559, not J1410" in warnings.text()
