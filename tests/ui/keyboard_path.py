"""The 12 mL example typed by keyboard alone, counting keys (issue 19): from the window
as it opens to a verified dose. Each field is reached with Tab in the order it is seen
(column by column); the dose is verified with Enter in the last verification field (a
second Enter, or Tab to Verify and Space, counts too). ``Keys.asked`` counts the fields
the dose asked for: the one the window opens on and each one Enter led to (the next
field core says the dose needs, ``ui.needed_fields``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

# The worksheet example (ui.screenshot.EXAMPLE), in the order the fields are seen.
SEEN_ORDER = (
    ("doseOrdered", "12"),
    ("vialSize", "10"),
    ("amountAdministered", "12"),
    ("patientName", "Jane Example"),
    ("mrn", "00123456"),
    ("dateOfBirth", "1958-04-02"),
    ("administeredAt", "2025-03-14 09:30"),
    ("diagnosis", "D80.1"),
    ("ndc", "0002-7597-01"),
    ("vialLot1", "P100234"),
    ("vialExpiry1", "2026-09"),
    ("vialLot2", "P100234"),
    ("vialExpiry2", "2026-09"),
    ("wasteReason", "Remainder of single-dose vial discarded"),
    ("wasteWitness", "R. Patel, RN"),
    ("preparedBy", "T. Nguyen, CPhT"),
    ("verifiedBy", "R. Patel, RN"),
)


@dataclass
class Keys:
    typed: int = 0
    tabs: int = 0
    enters: int = 0
    other: int = 0
    asked: int = 0
    trail: list[str] = field(default_factory=list)

    @property
    def navigation(self) -> int:
        return self.tabs + self.enters + self.other

    @property
    def total(self) -> int:
        return self.typed + self.navigation


def focused_name() -> str:
    widget = QApplication.focusWidget()
    if widget is not None and isinstance(widget.parentWidget(), QComboBox):
        widget = widget.parentWidget()
    return widget.objectName() if widget is not None else ""


def press(key: Qt.Key) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None
    QTest.keyClick(focus, key)
    QApplication.processEvents()


def keys_to_verified(window: QWidget, verified: object) -> Keys:
    """Type the example into ``window`` by keyboard; ``verified()`` says when it is."""
    from ui.enter_moves_on import EnterMovesOn

    enter = window.findChild(EnterMovesOn)
    keys = Keys()
    for name, text in SEEN_ORDER:
        focus = QApplication.focusWidget()
        ahead = enter.next_needed(focus) if enter and enter.next_needed and focus else None
        if focused_name() == name and not keys.trail:
            keys.asked += 1  # the window opened on it
        elif ahead is not None and ahead.objectName() == name:
            press(Qt.Key.Key_Return)  # Enter goes straight to the next field needed
            keys.enters += 1
            keys.asked += 1
        while focused_name() != name:
            press(Qt.Key.Key_Tab)
            keys.tabs += 1
            assert keys.tabs < 400, f"Tab never reaches {name}"
        focus = QApplication.focusWidget()
        assert focus is not None
        keys.trail.append(f"{name}:{keys.tabs}/{keys.enters}")
        QTest.keyClicks(focus, text)
        QApplication.processEvents()
        keys.typed += len(text)
    for _ in range(2):
        press(Qt.Key.Key_Return)
        keys.enters += 1
        if verified():  # type: ignore[operator]
            return keys
    while focused_name() != "verifyButton":
        press(Qt.Key.Key_Tab)
        keys.tabs += 1
        assert keys.tabs < 400, "Tab never reaches Verify"
    press(Qt.Key.Key_Space)
    keys.other += 1
    assert verified()  # type: ignore[operator]
    return keys
