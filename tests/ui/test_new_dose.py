"""New dose (Ctrl+N) is a clean slate: nothing of the previous patient survives it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget

from .test_scan_field import scan
from .window_parts import child, enter_dose, text, type_into, verify


def new_dose(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    clear = child(window, "confirmClearButton")
    if clear.isVisible():
        qtbot.mouseClick(clear, Qt.MouseButton.LeftButton)


def previous_patient(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """A whole dose: product, another payer and code, documentation, scans, verification."""
    payer = child(window, "payer")
    assert isinstance(payer, QComboBox)
    payer.setCurrentIndex(payer.count() - 1)
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "patientName", "Jane Roe")
    type_into(qtbot, window, "priorAuthorization", "PA-1")
    child(window, "ndc").setText("0002-7597-01")
    scan(qtbot, window, "SN1")
    verify(qtbot, window)
    assert window.documentation().verified_at is not None
    product = child(window, "product")
    assert isinstance(product, QComboBox)
    product.setCurrentIndex(product.findData("Privigen 10%"))


def test_new_dose_clears_checks_scans_vials_and_product(qtbot, window) -> None:
    previous_patient(qtbot, window)
    checks = child(window, "checks")
    assert isinstance(checks, QListWidget) and checks.count() > 0
    assert text(window, "vialLot1") == "LX2231A"
    assert text(window, "vialScanStatus")
    new_dose(qtbot, window)
    assert checks.count() == 0
    assert text(window, "vialScanStatus") == ""
    assert text(window, "vialLot1") == ""
    assert text(window, "vialScanned1") == ""
    assert not any(row.isVisible() for row in window.docs.vials.visible_rows())
    assert window.dose.product.currentData() == ""
    assert text(window, "priorAuthorization") == ""
    assert text(window, "patientName") == ""
    assert window.documentation().verified_at is None
    assert window.documentation().vials == ()
    assert "Verified" not in text(window, "verificationStatus")


def test_new_dose_puts_code_and_payer_back_to_the_sites_defaults(qtbot, window) -> None:
    previous_patient(qtbot, window)
    site = window.site
    assert window.dose.payer.currentData() != site.payers.default.id
    code = child(window, "code")
    assert isinstance(code, QComboBox)
    code.setCurrentIndex(code.count() - 1)
    new_dose(qtbot, window)
    assert window.dose.code.currentData() == site.catalog.default_code.hcpcs
    assert window.dose.payer.currentData() == site.payers.default.id


def test_new_dose_takes_the_payer_chosen_in_settings(qtbot, window) -> None:
    from ui import settings as prefs

    payers = [p.id for p in window.site.payers.payers if p.id != window.site.payers.default.id]
    window.settings.setValue(prefs.SITE_PAYER, payers[0])  # as the Settings dialog saves it
    previous_patient(qtbot, window)
    window.dose.payer.setCurrentIndex(window.dose.payer.findData(window.site.payers.default.id))
    new_dose(qtbot, window)
    assert window.dose.payer.currentData() == payers[0]
