"""Finding and typing into the window's widgets by object name, as the window tests do
(one copy, imported by each test module)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget


def child(window, name: str) -> QWidget:  # type: ignore[no-untyped-def]
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name}"
    return found


def text(window, name: str) -> str:  # type: ignore[no-untyped-def]
    widget = child(window, name)
    assert isinstance(widget, QLabel | QLineEdit)
    return widget.text()


def type_into(qtbot, window, name: str, keys: str) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(child(window, name), keys)


def enter_dose(qtbot, window, vial: str, ordered: str, administered: str) -> None:  # type: ignore[no-untyped-def]
    type_into(qtbot, window, "vialSize", vial)
    type_into(qtbot, window, "doseOrdered", ordered)
    type_into(qtbot, window, "amountAdministered", administered)


def verify(qtbot, window, preparer: str = "TN", verifier: str = "RP") -> None:  # type: ignore[no-untyped-def]
    type_into(qtbot, window, "preparedBy", preparer)
    type_into(qtbot, window, "verifiedBy", verifier)
    button = child(window, "verifyButton")
    assert isinstance(button, QPushButton) and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
