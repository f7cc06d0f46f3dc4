"""Keyboard path through a dose (issue 19)."""

from __future__ import annotations

from PySide6.QtGui import QAction

from .keyboard_path import SEEN_ORDER, keys_to_verified


def test_the_twelve_ml_example_by_keyboard(qtbot, window) -> None:
    window.activateWindow()
    keys = keys_to_verified(window, lambda: window.documentation().verified_at is not None)
    print(f"keys to a verified dose: {keys}, total {keys.total}")
    # One navigation key per field the dose asks for: Enter leaves each one for the
    # next (no Tab over a field not needed), and Enter in the last verifies.
    assert keys.asked == len(SEEN_ORDER)  # the NDC too: its check warns while it is empty
    assert keys.navigation <= keys.asked


def test_enter_after_the_diagnosis_goes_to_the_ndc_while_none_is_given(qtbot, window) -> None:
    from PySide6.QtCore import Qt

    from .keyboard_path import focused_name, press
    from .window_parts import child, enter_dose, type_into

    window.activateWindow()
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "diagnosis", "D80.1")
    child(window, "diagnosis").setFocus(Qt.FocusReason.TabFocusReason)
    press(Qt.Key.Key_Return)
    assert focused_name() == "ndc"  # not the prior authorization Tab would reach first
    type_into(qtbot, window, "ndc", "0002-7597-01")
    child(window, "diagnosis").setFocus(Qt.FocusReason.TabFocusReason)
    press(Qt.Key.Key_Return)
    assert focused_name() == "vialLot1"  # given: not asked again


def tab_chain(window, start: str, stop: str) -> list[str]:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from .keyboard_path import focused_name, press

    window.findChild(QWidget, start).setFocus(Qt.FocusReason.TabFocusReason)
    seen = [focused_name()]
    while seen[-1] != stop and len(seen) < 200:
        press(Qt.Key.Key_Tab)
        seen.append(focused_name())
    return seen


def test_tab_visits_the_columns_in_order_and_billing_before_verify(qtbot, window) -> None:
    from .window_parts import enter_dose, type_into

    window.activateWindow()
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "preparedBy", "TN")
    type_into(qtbot, window, "verifiedBy", "RP")  # Verify is enabled: a tab stop
    seen = tab_chain(window, "code", "printButton")
    for name in (
        "product",
        "payer",
        "administeredNowButton",
        "recordAuthorizationButton",
        "verifyButton",
    ):
        assert name in seen, name
    order = [seen.index(n) for n in ("code", "product", "payer", "doseOrdered")]
    assert order[:3] == sorted(order[:3]) and seen.index("payer") < seen.index("verifyButton")
    # left column, then the middle's sections, then the documentation
    assert seen.index("amountAdministered") < seen.index("indication") < seen.index("patientName")


def test_one_shortcut_each_for_scan_verify_print_and_new_dose(qtbot, window) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    from .window_parts import enter_dose, type_into

    actions = {a.text().split("\t")[0].replace("&", ""): a for a in window.findChildren(QAction)}
    assert actions["New dose"].shortcut().toString() == "Ctrl+N"
    assert actions["Print worksheet…"].shortcut().toString() == "Ctrl+P"
    assert actions["Verify dose"].shortcut().toString() == "Ctrl+Return"
    assert actions["Scan a vial"].shortcut().toString() == "Ctrl+B"  # in the Dose menu
    assert "\t" not in actions["Scan a vial"].text()  # was its accessible name over AT-SPI
    assert "Ctrl+B" in window.findChild(QWidget, "vialScan").toolTip()
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "preparedBy", "TN")
    type_into(qtbot, window, "verifiedBy", "RP")
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.documentation().verified_at is not None


def test_ctrl_b_still_goes_to_the_scan_field(qtbot, window) -> None:
    """The Dose menu's Scan item shows Ctrl+B as its shortcut; the key stays the scan
    field's (not ambiguous with the menu item's)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QWidget

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    window.findChild(QWidget, "doseOrdered").setFocus()
    qtbot.keyClick(
        window.findChild(QWidget, "doseOrdered"), Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier
    )
    qtbot.waitUntil(lambda: window.findChild(QWidget, "vialScan").hasFocus())
