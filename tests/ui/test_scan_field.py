"""A scanner typing a package code into the running window fills the next vial row."""

from __future__ import annotations

from biip.checksums import gs1_standard_check_digit
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QWidget

from core.documentation import VialRecord
from core.records import RecordStore

from .window_parts import child, text


def code(serial: str, expiry: str = "270100", ndc10: str = "0002759701") -> str:
    body = f"003{ndc10}"
    return f"]d201{body}{gs1_standard_check_digit(body)}17{expiry}10LX2231A\x1d21{serial}"


def enter_dose(qtbot, window) -> None:
    qtbot.keyClicks(child(window, "vialSize"), "10")
    qtbot.keyClicks(child(window, "doseOrdered"), "12")
    qtbot.keyClicks(child(window, "amountAdministered"), "12")


def type_code(qtbot, field: QWidget, text: str) -> None:
    """As a keyboard-wedge scanner types: characters, GS as Ctrl+] with the text \\x1d
    (QTest.keyClicks cannot type a control character), then Enter."""
    for number, part in enumerate(text.split("\x1d")):
        if number:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                field,
                Qt.Key.Key_BracketRight,
                "\x1d",
                Qt.KeyboardModifier.ControlModifier,
            )
        qtbot.keyClicks(field, part)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def scan(qtbot, window, serial: str, **kwargs: str) -> None:
    qtbot.keyClick(window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier)  # the shortcut
    field = child(window, "vialScan")
    assert field.hasFocus()
    type_code(qtbot, field, code(serial, **kwargs))


def test_a_scan_fills_the_next_vial_row(qtbot, window) -> None:
    enter_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")  # settles the 11-digit form
    scan(qtbot, window, "SN1")
    assert text(window, "vialLot1") == "LX2231A"
    assert text(window, "vialExpiry1") == "2027-01-31"  # day 00: end of the month
    assert text(window, "vialScanned1") == "SN SN1"
    assert "1 vial(s) scanned but 2 opened" in text(window, "vialScanStatus")
    scan(qtbot, window, "SN2")
    assert text(window, "vialLot2") == "LX2231A"
    assert "All 2 vial(s) scanned" in text(window, "vialScanStatus")
    vials = window.documentation().vials
    assert [(v.serial, v.ndc) for v in vials] == [("SN1", "00002759701"), ("SN2", "00002759701")]

    scan(qtbot, window, "SN2")  # the same vial again
    assert "this vial was already scanned" in text(window, "vialScanStatus")
    assert len(window.documentation().vials) == 2

    scan(qtbot, window, "SN3")  # one more vial than the order needs: the count follows
    assert text(window, "vialCount") == "3"
    assert text(window, "vialLot3") == "LX2231A"
    assert window.result().vials_opened == 3


def test_an_ambiguous_ndc_is_picked_by_the_user(qtbot, window) -> None:
    enter_dose(qtbot, window)
    scan(qtbot, window, "SN1")
    assert text(window, "vialLot1") == ""  # nothing filled until the NDC is settled
    assert "ambiguous" in text(window, "vialScanStatus")
    choice = child(window, "vialScanNdcChoice")
    assert isinstance(choice, QComboBox) and choice.isVisible()
    assert [choice.itemData(i) for i in range(1, choice.count())] == [
        "00002759701",
        "00027059701",
        "00027597001",
    ]
    choice.setCurrentIndex(1)
    choice.activated.emit(1)
    assert text(window, "vialLot1") == "LX2231A"
    assert text(window, "ndc") == "0002-7597-01"  # the empty NDC field follows the scan
    assert not choice.isVisible()


def test_bad_codes_and_earlier_serials_are_said_beside_the_field(qtbot, window, isolated) -> None:
    enter_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")
    field = child(window, "vialScan")
    type_code(qtbot, field, code("SN1").replace("0300027597010", "0300027597011"))
    assert "wrong check digit" in text(window, "vialScanStatus")
    assert text(window, "vialLot1") == ""

    with RecordStore.open(isolated) as store:  # SN7 was used on an earlier worksheet
        vial = VialRecord(lot="LX2231A", serial="SN7", ndc="00002759701")
        store.add(
            code="J1410",
            mrn="1",
            patient_name="P",
            administered_at=None,
            prepared_by="A",
            verified_by="B",
            inputs={},
            result={},
            documentation={"vials": [vial.model_dump(mode="json")]},
            render=lambda worksheet_id, replaces: b"%PDF-1.7\n",
        )
    scan(qtbot, window, "SN7")
    assert "already recorded on worksheet W-000001" in text(window, "vialScanStatus")
    assert text(window, "vialLot1") == "LX2231A"  # a warning, not a refusal

    qtbot.keyClicks(child(window, "administeredAt"), "2026-11-29 09:30")
    scan(qtbot, window, "SN8", expiry="240100")
    assert "EXPIRED on 2024-01-31" in text(window, "vialScanStatus")
    assert "vial 2 (lot LX2231A) expired on 2024-01-31, before the administration" in (
        window.print_problems()
    )


def test_a_scan_of_another_ndc_than_entered_warns(qtbot, window) -> None:
    enter_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")
    scan(qtbot, window, "SN1")  # recorded nowhere: the entered NDC settles it
    child(window, "ndc").setText("44151-0123-04")
    with RecordStore.open(window.data_dir) as store:
        store.add(
            code="J1410",
            mrn="1",
            patient_name="P",
            administered_at=None,
            prepared_by="A",
            verified_by="B",
            inputs={},
            result={},
            documentation={"vials": [{"ndc": "00002759701", "serial": "X"}]},
            render=lambda worksheet_id, replaces: b"%PDF-1.7\n",
        )
    scan(qtbot, window, "SN2")  # known from the record now, and not the NDC entered
    assert "is not the NDC entered for the claim, 44151-0123-04" in (text(window, "vialScanStatus"))


def test_scanned_serials_survive_a_draft_restore(qtbot, window) -> None:
    enter_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")
    scan(qtbot, window, "SN1")
    fields = window.draft_fields()
    assert fields["vial_1_serial"] == "SN1" and fields["vial_1_ndc"] == "00002759701"
    window.restore_fields({})
    assert not window.documentation().vials or window.documentation().vials[0].serial == ""
    window.restore_fields(fields)
    assert window.documentation().vials[0].serial == "SN1"
    assert text(window, "vialScanned1") == "SN SN1"


def test_a_vial_expiring_that_day_blocks_printing_per_the_facility_setting(qtbot, window) -> None:
    from ui import settings as prefs

    enter_dose(qtbot, window)
    qtbot.keyClicks(child(window, "administeredAt"), "2027-01-31 09:30")
    child(window, "ndc").setText("0002-7597-01")
    scan(qtbot, window, "SN1")  # expires 2027-01-31, the day of administration
    blocked = "vial 1 (lot LX2231A) expires on the day of administration"
    assert blocked not in window.print_problems()
    window.settings.setValue(prefs.EXPIRING_TODAY_BLOCKS, True)
    assert blocked in window.print_problems()
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(
        window.settings, window.site, window
    )  # the facility's rule, in Settings
    qtbot.addWidget(dialog)
    assert dialog.expiring_today.isChecked()
    dialog.expiring_today.setChecked(False)
    dialog.accept()
    assert blocked not in window.print_problems()


def test_a_configured_substitute_separator_stands_for_gs(qtbot, window) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(
        window.settings, window.site, window
    )  # the facility sets it in Settings
    qtbot.addWidget(dialog)
    dialog.scan_separator.setText("|")
    dialog.accept()
    enter_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")
    field = child(window, "vialScan")
    type_code(qtbot, field, code("SN1").replace("\x1d", "|"))
    assert text(window, "vialLot1") == "LX2231A"
    assert window.documentation().vials[0].serial == "SN1"
    type_code(qtbot, field, "(01)00300027597010(17)270100(10)LX2231A(21)SN2")  # as printed
    assert window.documentation().vials[1].serial == "SN2"


def test_clearing_a_scanned_row_by_hand_drops_its_serial(qtbot, window) -> None:
    enter_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")
    scan(qtbot, window, "WRONG1")
    for name in ("vialLot1", "vialExpiry1"):
        field = child(window, name)
        field.selectAll()
        qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert window.documentation().vials[0].serial == ""
    scan(qtbot, window, "SN1")  # the emptied row is the next to fill
    assert window.documentation().vials[0].serial == "SN1"
