"""The window refuses an administration time more than a day ahead and says what to check
about times after now and unlikely dates of birth (issue 8, item 7)."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from .window_parts import child


def fill(qtbot, window, administered_at: datetime, dob: str) -> None:
    for name, value in {
        "vialSize": "10",
        "doseOrdered": "10",
        "amountAdministered": "10",
        "patientName": "Jane Example",
        "mrn": "123",
        "dateOfBirth": dob,
        "administeredAt": f"{administered_at:%Y-%m-%d %H:%M}",
        "diagnosis": "D80.1",
        "vialLot1": "L1",
        "vialExpiry1": "2030-09",
        "preparedBy": "TN",
        "verifiedBy": "RP",
    }.items():
        field = child(window, name)
        if isinstance(field, QLineEdit):
            field.clear()
        qtbot.keyClicks(field, value)
    qtbot.mouseClick(child(window, "verifyButton"), Qt.MouseButton.LeftButton)


def test_a_time_after_now_and_an_age_over_120_are_shown_before_printing(qtbot, window) -> None:
    fill(qtbot, window, datetime.now() + timedelta(hours=2), "1890-01-01")
    button = child(window, "printButton")
    assert isinstance(button, QPushButton) and button.isEnabled(), button.toolTip()
    status = child(window, "printStatus")
    assert isinstance(status, QLabel)
    assert "is after the time of printing" in status.text()
    assert "makes the patient 1" in status.text() and "years old" in status.text()


def test_a_time_months_ahead_stops_printing(qtbot, window) -> None:
    fill(qtbot, window, datetime.now() + timedelta(days=150), "1961-04-02")
    button = child(window, "printButton")
    assert not button.isEnabled()
    assert "more than a day ahead" in button.toolTip()
