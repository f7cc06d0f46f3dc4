"""The first start of a site without accounts offers to create its administrator."""

from __future__ import annotations

from PySide6.QtGui import QAction

from core.accounts import AccountStore, Role
from ui.first_admin import OFFER, FirstAdminDialog


def test_a_site_without_accounts_is_offered_an_administrator(qtbot, window) -> None:
    window.ensure_engine()
    action = window.findChild(QAction, "firstAdminAction")
    assert action is not None and action.isVisible()
    assert window.statusBar().currentMessage() == OFFER or not window.statusBar().currentMessage()
    dialog = FirstAdminDialog(window.features.signing, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("jkim")
    dialog.full_name.setText("J. Kim, PharmD")
    dialog.pin.setText("4321")
    dialog.again.setText("4312")
    dialog.create_admin()
    assert "differ" in dialog.error.text()
    with AccountStore.open(window.data_dir) as accounts:
        assert accounts.is_empty()  # nothing created on a refusal
    dialog.pin.setText("4321")
    dialog.again.setText("4321")
    dialog.create_admin()
    assert dialog.result() == FirstAdminDialog.DialogCode.Accepted
    with AccountStore.open(window.data_dir) as accounts:
        admin = accounts.get("jkim")
    assert admin.role is Role.ADMIN and admin.full_name == "J. Kim, PharmD"
    assert window.features.signing.in_use()


def test_a_second_administrator_is_refused_here(qtbot, window) -> None:
    window.ensure_engine()
    with AccountStore.open(window.data_dir) as accounts:
        accounts.add("boss", "admin", "9999")
    dialog = FirstAdminDialog(window.features.signing, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("other")
    dialog.pin.setText("1111")
    dialog.again.setText("1111")
    dialog.create_admin()
    assert "accounts already" in dialog.error.text()
