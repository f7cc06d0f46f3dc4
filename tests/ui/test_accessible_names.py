"""Every control is heard by its visible label (issue 19): measured through Qt's
accessibility API, as a screen reader gets it."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QWidget

from .accessibility import accessible_name, controls, labelled_by, unnamed


def test_every_control_of_the_window_is_named_by_its_label(window) -> None:
    assert len(controls(window)) > 30
    assert unnamed(window) == []


def test_a_combo_box_is_heard_by_its_label_not_only_its_value(window) -> None:
    route = window.findChild(QComboBox, "route")
    assert accessible_name(route) == route.currentText()  # Linux: a combo's name is its value
    assert labelled_by(route) == ["Route"]
    assert labelled_by(window.findChild(QComboBox, "doseUnit")) == ["Dose ordered"]


def test_buttons_are_named_as_they_read(window) -> None:
    verify = window.findChild(QWidget, "verifyButton")
    assert accessible_name(verify) == "Verify dose"
    assert verify.accessibleDescription()  # the longer words kept as the description


def test_dialogs_are_named_when_they_take_focus(qtbot, window) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window.site, window)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: bool(dialog.property("namesSet")))
    assert unnamed(dialog) == []


def test_the_answer_is_text_on_the_accessibility_bus_and_announced(qtbot, window) -> None:
    from ui import announce

    from .window_parts import child, enter_dose

    enter_dose(qtbot, window, "10", "12", "12")
    claim = accessible_name(child(window, "claimLines"))
    assert claim == "Claim lines to bill: J1410 x 3 units, J1410-JW x 1 unit"
    assert accessible_name(child(window, "unitsAdministered")) == "Units administered: 3"
    assert accessible_name(child(window, "wasteVolume")) == "Waste: 8 mL"
    qtbot.waitUntil(lambda: announce.spoken[-1].startswith("J1410 x 3 units, J1410-JW x 1 unit."))
    assert "Units wasted (JW): 1" in announce.spoken[-1]


def test_the_answer_is_announced_once_typing_pauses(qtbot, window) -> None:
    """Found over AT-SPI: typing "10" in Vial size announced the answer for a 1 mL vial
    (J1410-JZ x 3 units) before the right one."""
    from ui import announce

    from .window_parts import enter_dose, type_into

    enter_dose(qtbot, window, "", "12", "12")
    announce.spoken.clear()
    type_into(qtbot, window, "vialSize", "1")
    qtbot.wait(200)  # a typist's pause between two keys
    type_into(qtbot, window, "vialSize", "0")
    qtbot.waitUntil(lambda: len(announce.spoken) > 0)
    qtbot.wait(1000)
    assert [said.split(".")[0] for said in announce.spoken] == [
        "J1410 x 3 units, J1410-JW x 1 unit"
    ]


def test_an_error_is_the_fields_description_and_is_announced(qtbot, window) -> None:
    from ui import announce

    from .window_parts import child, type_into

    size = child(window, "vialSize")
    type_into(qtbot, window, "vialSize", "10x")
    error = child(window, "vial_sizeError").text()
    assert error and size.accessibleDescription() == error
    assert announce.spoken[-1] == f"Vial size: {error}"
    size.lineEdit().clear()
    assert size.accessibleDescription() != error


def test_status_messages_are_announced(window) -> None:
    from ui import announce

    window.statusBar().showMessage("Recorded worksheet W-1.")
    assert announce.spoken[-1] == "Recorded worksheet W-1."


def test_every_dialog_is_named_by_its_labels(window) -> None:
    from ui.accessible_names import name_controls
    from ui.audit_dialog import AuditDialog
    from ui.history_view import HistoryDialog
    from ui.pending_dialog import PendingDialog
    from ui.pin_dialog import PinDialog

    reference = window.site.open_reference()
    assert window.features is not None
    dialogs = [
        AuditDialog(window, reference, reference, window.settings, site=window.site),
        HistoryDialog(window.site, window, on_correct=lambda _record: None),
        PendingDialog(window, window.features.signing),
        PinDialog(window, "Sign", "Sign the dose", "", lambda *_: None),
    ]
    try:
        for dialog in dialogs:
            dialog.show()
            name_controls(dialog)  # as when it first takes focus
            assert unnamed(dialog) == [], dialog.objectName()
            dialog.close()
    finally:
        reference.close()


def test_a_label_over_a_field_with_its_error_line_is_the_fields_label(qtbot, window) -> None:
    """Found over AT-SPI: the PIN dialog's PIN field and the window's Verified by had no
    labelled-by relation (their form row holds a layout: the field and its error line)."""
    from ui.accessible_names import name_controls
    from ui.pin_dialog import PinDialog

    dialog = PinDialog(window, "Sign", "Sign the dose", "", lambda *_: None)
    qtbot.addWidget(dialog)
    name_controls(dialog)
    assert labelled_by(dialog.pin) == ["PIN"]
    assert "Verified by" in labelled_by(window.findChild(QWidget, "verifiedBy"))


def test_the_pending_panes_have_visible_labels_that_name_them(qtbot, window) -> None:
    """Looking at Pending verification at 1024x600: two empty boxes, named only for a
    screen reader. Each now has a heading, its label (Alt+D, Alt+V)."""
    from ui.pending_dialog import PendingDialog

    assert window.features is not None
    dialog = PendingDialog(window, window.features.signing)
    qtbot.addWidget(dialog)
    assert labelled_by(dialog.doses) == ["Doses waiting"]
    assert labelled_by(dialog.detail) == ["The dose to verify"]
    assert "doses waiting" in accessible_name(dialog.doses).lower()
    dialog.close()


def test_each_menus_items_have_distinct_access_keys(window) -> None:
    """Tools had two items on A (Audit, Create administrator) and two on C (Accounts,
    Charges): Alt+T then A or C only moved between them, as Orca read the menu."""
    import re

    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        keys = [
            found.group(1).lower()
            for action in menu.actions()
            if action.isVisible() and (found := re.search(r"&(\w)", action.text()))
        ]
        assert len(keys) == len(set(keys)), (menu_action.text(), keys)
