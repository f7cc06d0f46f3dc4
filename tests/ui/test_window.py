"""The window driven by the keyboard, as a technician and a nurse would use it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit

from .window_parts import child, enter_dose, text, type_into, verify

DASH = "—"


def test_twelve_ml_example_bills_three_units_and_one_jw(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    assert text(window, "unitsAdministered") == "3"
    assert text(window, "unitsWasted") == "1"
    assert text(window, "wasteVolume") == "8 mL"
    lines = text(window, "claimLines").splitlines()
    assert lines == ["J1410 x 3 units", "J1410-JW x 1 unit"]
    assert text(window, "vialCount") == "2"
    assert "not CMS-verified" in text(window, "codeSource")


def test_multi_dose_vial_has_no_jw_or_jz(qtbot, window) -> None:
    vial = child(window, "vialType")
    assert isinstance(vial, QComboBox)
    vial.setFocus()
    vial.setCurrentIndex(vial.findData("multi"))
    enter_dose(qtbot, window, "10", "12", "12")
    claim = text(window, "claimLines")
    assert claim == "J1410 x 3 units"
    assert "JW" not in claim and "JZ" not in claim
    assert text(window, "unitsWasted") == "0"
    assert text(window, "wasteCaption") == "Left in vial (multi-dose)"
    assert text(window, "wasteVolume") == "8 mL"


def test_no_waste_carries_jz(qtbot, window) -> None:
    enter_dose(qtbot, window, "5", "15", "15")
    assert text(window, "claimLines") == "J1410-JZ x 3 units"


def test_invalid_entry_is_named_beside_the_field_and_outputs_are_not_stale(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    assert text(window, "unitsAdministered") == "3"
    type_into(qtbot, window, "vialSize", "x")  # "10x"
    error = child(window, "vial_sizeError")
    assert error.isVisible()
    assert "not" in error.text()
    for name in ("unitsAdministered", "unitsWasted", "wasteVolume", "claimLines"):
        assert text(window, name) == DASH
    missing = child(window, "resultMissing")
    assert missing.isVisible() and "Vial size" in missing.text()
    qtbot.keyClick(child(window, "vialSize"), Qt.Key.Key_Backspace)
    assert not error.isVisible()
    assert text(window, "unitsAdministered") == "3"


def test_untouched_empty_fields_are_listed_calmly_not_flagged(window) -> None:
    assert not child(window, "dose_orderedError").isVisible()
    assert "Dose ordered is empty" in text(window, "resultMissing")


def test_changing_the_dose_after_verification_undoes_it(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    verify(qtbot, window)
    assert window.documentation().verified_at is not None
    assert "Verified by RP" in text(window, "verificationStatus")
    type_into(qtbot, window, "amountAdministered", "0")  # 120 mL: more than opened
    qtbot.keyClick(child(window, "amountAdministered"), Qt.Key.Key_Backspace)
    assert window.documentation().verified_at is None
    assert "Verification cleared: the dose changed" in text(window, "verificationStatus")
    assert child(window, "verifyButton").isEnabled()


def test_preparer_cannot_verify_own_dose(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "preparedBy", "T Nguyen")
    type_into(qtbot, window, "verifiedBy", "t  nguyen")
    assert not child(window, "verifyButton").isEnabled()
    error = child(window, "verified_byError")
    assert error.isVisible() and "different person" in error.text()
    type_into(qtbot, window, "verifiedBy", "x")
    assert child(window, "verifyButton").isEnabled()
    assert not error.isVisible()


def test_vials_changed_by_hand_are_said_so(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    count = child(window, "vialCount")
    count.selectAll()
    qtbot.keyClicks(count, "3")
    assert "by hand" in text(window, "vialCountNote")
    assert text(window, "unitsWasted") == "3"  # 30 mL labeled = 6 units, 3 administered
    assert window.result().vials_derived is False
    count.selectAll()
    qtbot.keyClick(count, Qt.Key.Key_Backspace)
    assert text(window, "vialCount") == "2"
    assert "Derived" in text(window, "vialCountNote")


def test_print_is_disabled_with_reasons_until_verified_and_complete(qtbot, window) -> None:
    printed = []
    window.set_print_handler(printed.append)
    enter_dose(qtbot, window, "10", "12", "12")
    button = child(window, "printButton")
    assert not button.isEnabled()
    assert "patient name is empty" in button.toolTip()
    for name, value in {
        "patientName": "Jane Example",
        "mrn": "123",
        "dateOfBirth": "1958-04-02",
        "administeredAt": "2025-03-14 09:30",
        "diagnosis": "D80.1",
        "vialLot1": "L1",
        "vialExpiry1": "2026-09",
        "vialLot2": "L1",
        "vialExpiry2": "2026-09",
        "wasteReason": "rest of single-dose vial",
        "wasteWitness": "RP",
    }.items():
        type_into(qtbot, window, name, value)
    assert not button.isEnabled()
    verify(qtbot, window)
    assert button.isEnabled(), button.toolTip()
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == [window]
    doc = window.documentation()
    assert doc.patient_name == "Jane Example" and len(doc.vials) == 2
    assert doc.vials[0].expiry is not None and doc.vials[0].expiry.day == 30


def test_enter_moves_to_the_next_field(qtbot, window) -> None:
    dose = child(window, "doseOrdered")
    dose.setFocus()
    qtbot.keyClick(dose, Qt.Key.Key_Return)
    assert window.focusWidget() is not dose


def test_new_form_asks_before_clearing_and_esc_keeps(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    banner = child(window, "confirmBanner")
    assert banner.isVisible()
    qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)
    assert not banner.isVisible()
    assert text(window, "doseOrdered") == "12"
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.mouseClick(child(window, "confirmClearButton"), Qt.MouseButton.LeftButton)
    assert text(window, "doseOrdered") == ""
    assert text(window, "unitsAdministered") == DASH


def test_weight_based_dose_with_product_plans_least_waste(qtbot, window) -> None:
    product = child(window, "product")
    assert isinstance(product, QComboBox)
    product.setCurrentIndex(product.findData("Privigen 10%"))
    unit = child(window, "doseUnit")
    assert isinstance(unit, QComboBox)
    unit.setCurrentIndex(unit.findText("g/kg"))
    type_into(qtbot, window, "doseOrdered", "0.4")
    type_into(qtbot, window, "weight", "70")
    type_into(qtbot, window, "amountAdministered", "280")
    assert text(window, "claimLines").splitlines() == ["J1410 x 56 units", "J1410-JW x 4 units"]
    assert window.result().vials_opened == 2


def test_every_input_has_an_accessible_name(window) -> None:
    for widget in window.findChildren(QLineEdit) + window.findChildren(QComboBox):
        if widget.parent() is not None and isinstance(widget.parent(), QComboBox):
            continue
        assert widget.accessibleName(), widget.objectName()


def test_an_entered_ndc_shows_the_claim_segments(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    assert not child(window, "ndcSegments").isVisible()
    type_into(qtbot, window, "ndc", "0002-7597-01")
    assert text(window, "ndcSegments") == (
        "NDC on the claim: J1410: N400002759701ML12 · J1410-JW: N400002759701ML8"
    )
    assert child(window, "ndcSegments").isVisible()


def test_a_half_typed_ndc_keeps_the_result_and_blocks_printing(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "ndc", "0002-75")
    assert text(window, "unitsAdministered") == "3"  # the result stays while typing
    assert "is not an NDC" in text(window, "ndcError")
    assert any(p.startswith("NDC:") for p in window.print_problems())
    type_into(qtbot, window, "ndc", "97-01")
    assert child(window, "ndcError").isHidden()
    assert "N400002759701ML12" in text(window, "ndcSegments")


def test_verification_status_follows_the_dose(qtbot, window) -> None:
    type_into(qtbot, window, "preparedBy", "TN")
    type_into(qtbot, window, "verifiedBy", "RP")
    assert "not calculated" in text(window, "verificationStatus")
    enter_dose(qtbot, window, "10", "12", "12")
    assert child(window, "verifyButton").isEnabled()
    assert text(window, "verificationStatus").startswith("Check the dose on screen")


def test_a_product_shows_the_concentration_it_brings(qtbot, window) -> None:
    product = child(window, "product")
    assert isinstance(product, QComboBox)
    product.setCurrentIndex(product.findData("Octagam 5%"))
    assert child(window, "concentration").placeholderText() == "5% from the product"
    product.setCurrentIndex(product.findData(""))
    assert child(window, "concentration").placeholderText() == "e.g. 10%"
