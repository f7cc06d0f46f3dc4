"""An error shown beside a field is tied to that field for a screen reader, in the window
and in every dialog: it is the field's accessible description (read through Qt's
accessibility API, as AT-SPI reads it) and it is announced; clearing it gives the field
its own description back. One helper does it (``ui.fields.tie_error``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLineEdit, QWidget

from ui import announce
from ui.fields import INVALID, ErrorLabel, tie_error

from .test_scan_field import code, type_code
from .test_scan_field import enter_dose as scan_dose
from .window_parts import child, type_into


def description(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    return interface.text(QAccessible.Text.Description)


def tied(widget: QWidget, words: str) -> bool:
    """The field describes the error, is marked invalid, and the error was announced."""
    return (
        words in description(widget)
        and widget.property(INVALID) is True
        and any(words in said and widget.accessibleName() in said for said in announce.spoken)
    )


def untied(widget: QWidget) -> bool:
    return widget.property(INVALID) is not True


def test_the_helper_ties_and_unties_an_error(qtbot) -> None:
    field = QLineEdit()
    qtbot.addWidget(field)
    field.setAccessibleName("Dose ordered")
    field.setAccessibleDescription("the amount on the order")
    label = ErrorLabel("doseOrdered", field)
    other = QLineEdit()
    qtbot.addWidget(other)
    other.setAccessibleName("Vial size")
    announce.spoken.clear()
    label.show_message("is empty; enter an amount")
    assert description(field) == "is empty; enter an amount"
    assert list(announce.spoken) == ["Dose ordered: is empty; enter an amount"]
    label.show_message("is empty; enter an amount")
    assert len(announce.spoken) == 1  # the same error is not said twice
    label.show_message("must be more than 0", other)  # the same line, about another field
    assert tied(other, "must be more than 0")
    assert untied(field) and description(field) == "the amount on the order"
    label.show_message(None)
    assert untied(other) and description(other) == ""
    tie_error(field, None)  # nothing shown: nothing changes
    assert description(field) == "the amount on the order"


def test_window_errors_are_tied_to_their_fields(qtbot, window) -> None:
    type_into(qtbot, window, "verifiedBy", "TN")
    type_into(qtbot, window, "preparedBy", "TN")
    verified = child(window, "verifiedBy")
    assert tied(verified, "")  # the same person: said on "Verified by"
    assert child(window, "verified_byError").text() in description(verified)
    child(window, "preparedBy").setText("JK")
    window.documentation_edited()
    assert untied(verified)

    type_into(qtbot, window, "vialSize", "10")
    type_into(qtbot, window, "doseOrdered", "12")
    type_into(qtbot, window, "amountAdministered", "12")
    expiry = child(window, "vialExpiry1")
    type_into(qtbot, window, "vialExpiry1", "2027-13")
    message = child(window, "vialExpiry1Error").text()
    assert message and tied(expiry, message)


def test_a_scan_error_is_tied_to_the_scan_field(qtbot, window) -> None:
    scan_dose(qtbot, window)
    child(window, "ndc").setText("0002-7597-01")
    field = child(window, "vialScan")
    type_code(qtbot, field, code("SN1").replace("0300027597010", "0300027597011"))
    assert tied(field, "wrong check digit")
    type_code(qtbot, field, code("SN2"))
    assert untied(field)


def test_dialog_errors_are_tied_to_their_fields(qtbot, window, tmp_path: Path) -> None:
    from ui.audit_dialog import AuditDialog
    from ui.authorization_dialog import AuthorizationDialog
    from ui.settings_dialog import SettingsDialog

    settings = SettingsDialog(window.settings, window.site, window)
    qtbot.addWidget(settings)
    settings.database.setText("postgresql://me:secret@server/db")
    settings.accept()
    assert tied(settings.database, settings.database_error.text())
    settings.database.setText("")
    settings.charges.setText("no port here")
    settings.accept()
    assert untied(settings.database)
    assert tied(settings.charges, settings.charges_error.text())

    authorization = AuthorizationDialog(window.site, window)
    qtbot.addWidget(authorization)
    authorization.number.setText("PA-1")
    authorization.starts.setText("2026-01-01")
    authorization.ends.setText("2026-12-31")
    authorization.amount.setText("lots")
    authorization.record()
    assert tied(authorization.amount, authorization.error.text())
    assert untied(authorization.number)

    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    reference = window.site.open_reference()
    try:
        audit = AuditDialog(window, reference, reference, window.settings, site=window.site)
        qtbot.addWidget(audit)
        audit.load(empty)
        assert tied(audit.choose, "header row is required")
    finally:
        reference.close()


def test_first_admin_pins_that_differ_are_said_on_the_second_pin(qtbot, window) -> None:
    from ui.first_admin import FirstAdminDialog

    dialog = FirstAdminDialog(window.features.signing, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("admin")
    dialog.pin.setText("9999")
    dialog.again.setText("9998")
    dialog.create_admin()
    assert tied(dialog.again, dialog.error.text())
    assert untied(dialog.name)


@pytest.fixture
def history(qtbot, isolated: Path):  # type: ignore[no-untyped-def]
    from core.site import Site
    from ui.history_view import HistoryDialog

    dialog = HistoryDialog(Site.from_environment(os.environ), None, on_correct=lambda _r: None)
    qtbot.addWidget(dialog)
    return dialog


def test_a_history_filter_error_is_tied_to_its_field(qtbot, history) -> None:
    qtbot.keyClicks(history.until, "2025-13-01")
    history.refresh()
    assert tied(history.until, "Recorded to")
    assert untied(history.search_id)
    history.until.clear()
    history.refresh()
    assert untied(history.until)


def test_pin_dialog_errors_are_tied_to_the_account_or_the_pin(qtbot, window) -> None:
    from core.accounts import SigningError
    from ui.pin_dialog import PinDialog

    def refuse(name: str, _pin: str) -> object:
        raise SigningError(f"wrong PIN for {name}")

    dialog = PinDialog(window, "Sign", "Sign the dose", "", refuse)
    qtbot.addWidget(dialog)
    dialog.pin.setText("1111")
    dialog.try_sign()
    assert tied(dialog.account, "Enter the account name.")
    assert untied(dialog.pin)
    dialog.account.setText("jkim")
    dialog.pin.setText("1111")
    dialog.try_sign()
    assert tied(dialog.pin, "wrong PIN for jkim")
    assert untied(dialog.account)
