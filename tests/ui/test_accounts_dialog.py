"""Tools > Accounts… (issue 19): an administrator signs in with their PIN, then lists,
adds, gives another role, disables, enables and resets the PIN of accounts, under the
same rules as `users` (core.accounts.managing). Through the real window; the PIN dialog
is answered as a person would (tests/ui/test_window_signing.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QWidget

from core.accounts import AccountStore, Role
from ui.accounts_dialog import AccountsDialog
from ui.accounts_menu import NO_ACCOUNTS

from .accessibility import accessible_name, controls, labelled_by, unnamed, visible_label
from .test_fit import sideways
from .test_window_signing import answer, site  # noqa: F401 (a fixture)


def open_accounts(qtbot, window, *replies) -> tuple[AccountsDialog | None, list[str]]:  # type: ignore[no-untyped-def]
    answers = answer(window, *replies)
    window.findChild(QAction, "accountsAction").trigger()
    dialog = window.findChild(AccountsDialog, "accountsDialog")
    if dialog is not None:
        qtbot.addWidget(dialog)
    return dialog, answers.errors


def rows(dialog: AccountsDialog) -> dict[str, list[str]]:
    items = (dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount()))
    return {item.text(0): [item.text(c) for c in range(1, 4)] for item in items if item}


def settle(dialog: AccountsDialog) -> None:
    dialog.work.wait()
    QApplication.processEvents()


def test_only_an_administrators_pin_opens_the_accounts(qtbot, window, site: Path) -> None:  # noqa: F811
    dialog, errors = open_accounts(qtbot, window, ("admin", "0000"), ("pmorales", "5555"), None)
    assert dialog is None
    assert errors == [
        "Not signed: wrong PIN for admin.",
        "Not signed: pmorales (pharmacist) may not manage users.",
    ]
    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None and dialog.isVisible()
    assert rows(dialog)["mosei"] == ["M. Osei, RN", "nurse", "active"]
    assert list(rows(dialog)) == ["admin", "jkim", "mosei", "pmorales", "ralvarez", "tlee"]


def test_a_site_without_accounts_says_so(qtbot, window) -> None:
    dialog, _ = open_accounts(qtbot, window)
    assert dialog is None
    assert window.statusBar().currentMessage() == NO_ACCOUNTS


def test_add_an_account_with_its_pin_typed_twice(qtbot, window, site: Path) -> None:  # noqa: F811
    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None
    dialog.name.setText("bnew")
    dialog.full_name.setText("B. New, RN")
    dialog.new_role.setCurrentIndex(dialog.new_role.findData("nurse"))
    dialog.pin.setText("6666")
    dialog.pin_again.setText("6667")
    dialog.add.click()
    assert "two PINs typed differ" in dialog.pin_error.text()
    assert dialog.pin.accessibleDescription() == dialog.pin_error.text()  # tied to its field
    assert dialog.pin.text() == "" and dialog.pin_again.text() == ""
    dialog.name.setText("b new")
    dialog.pin.setText("6666")
    dialog.pin_again.setText("6666")
    dialog.add.click()
    assert "account name is 1 to 64 letters" in dialog.name_error.text()
    dialog.name.setText("bnew")
    dialog.full_name.setText("B. New\nRN")
    dialog.pin.setText("6666")
    dialog.pin_again.setText("6666")
    dialog.add.click()
    assert "full name is one line" in dialog.full_name_error.text()
    assert dialog.full_name.accessibleDescription() == dialog.full_name_error.text()
    dialog.full_name.setText("B. New, RN")
    dialog.name.setText("JKIM")  # taken, whatever its case: said by the store
    dialog.pin.setText("6666")
    dialog.pin_again.setText("6666")
    dialog.add.click()
    settle(dialog)
    assert "already exists" in dialog.name_error.text()
    dialog.name.setText("bnew")
    dialog.pin.setText("6666")
    dialog.pin_again.setText("6666")
    dialog.add.click()
    assert dialog.work.busy  # hashed off the GUI thread
    settle(dialog)
    assert rows(dialog)["bnew"] == ["B. New, RN", "nurse", "active"]
    assert dialog.chosen_name() == "bnew" and dialog.note.text() == "Added bnew (nurse)."
    with AccountStore.open(site) as accounts:
        assert accounts.authenticate("bnew", "6666").role is Role.NURSE


def test_role_disable_enable_and_reset_pin(qtbot, window, site: Path) -> None:  # noqa: F811
    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None
    dialog.choose("jkim")
    assert dialog.enable.isEnabled() is False
    dialog.role.setCurrentIndex(dialog.role.findData("pharmacist"))
    dialog.change_role.click()
    settle(dialog)
    assert rows(dialog)["jkim"][1] == "pharmacist"
    dialog.disable.click()
    settle(dialog)
    assert rows(dialog)["jkim"][2] == "disabled" and dialog.enable.isEnabled()
    dialog.enable.click()
    settle(dialog)
    assert rows(dialog)["jkim"][2] == "active"
    with AccountStore.open(site) as accounts:
        for _ in range(5):
            with pytest.raises(Exception, match="PIN"):
                accounts.authenticate("jkim", "0000")
    dialog.refresh()
    assert rows(dialog)["jkim"][2].startswith("locked until ")
    dialog.new_pin.setText("7777")
    dialog.new_pin_again.setText("7778")
    dialog.reset_pin.click()
    assert "two PINs typed differ" in dialog.new_pin_error.text()
    assert dialog.new_pin.accessibleDescription() == dialog.new_pin_error.text()
    dialog.new_pin.setText("7777")
    dialog.new_pin_again.setText("7777")
    dialog.reset_pin.click()
    settle(dialog)
    assert rows(dialog)["jkim"][2] == "active"  # a new PIN ends the lock-out
    with AccountStore.open(site) as accounts:
        assert accounts.authenticate("jkim", "7777").name == "jkim"


def test_the_last_administrator_is_refused_as_on_the_command_line(
    qtbot,
    window,
    site: Path,  # noqa: F811
) -> None:
    from tests.cli_run import one_line_error, run_main

    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None
    dialog.choose("admin")
    dialog.disable.click()
    settle(dialog)
    refused = dialog.chosen_error.text()
    assert dialog.list.accessibleDescription() == refused  # about the account chosen
    assert refused == (
        "admin is the last active administrator and cannot be disabled; add "
        "another administrator first"
    )
    cli = run_main("users", "disable", "admin", "--admin", "admin", "--pin-stdin",
                   "--data-dir", site, stdin="9999\n")  # fmt: skip
    assert one_line_error(cli) == f"unitcalc: users: {refused}"
    dialog.role.setCurrentIndex(dialog.role.findData("nurse"))
    dialog.change_role.click()
    settle(dialog)
    assert "cannot be made nurse" in dialog.chosen_error.text()
    assert rows(dialog)["admin"] == ["Site Admin", "admin", "active"]


def test_an_administrator_disabled_meanwhile_changes_nothing(
    qtbot,
    window,
    site: Path,  # noqa: F811
) -> None:
    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None
    with AccountStore.open(site) as accounts:
        accounts.add("second", "admin", "8888")
        accounts.disable("admin")
    dialog.choose("jkim")
    dialog.disable.click()
    settle(dialog)
    assert "no longer an active administrator" in dialog.chosen_error.text()
    with AccountStore.open(site) as accounts:
        assert accounts.get("jkim").active


def test_fits_1024_by_600_and_every_control_is_named_by_its_label(
    qtbot,
    window,
    site: Path,  # noqa: F811
) -> None:
    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None
    dialog.activateWindow()
    qtbot.waitUntil(lambda: bool(dialog.property("namesSet")))
    QApplication.processEvents()
    room = dialog.screen().availableGeometry()
    least = dialog.minimumSizeHint()
    assert dialog.height() <= min(600, room.height()) - 40
    assert least.width() <= 1024 - 16 and least.height() <= 600 - 40, least
    assert sideways(dialog, tables=False) == []
    assert dialog.findChild(QWidget, "accountsButtons").isVisible()
    assert unnamed(dialog) == []
    named = {w.objectName(): accessible_name(w) for w in controls(dialog)}
    for widget in controls(dialog):
        label = visible_label(widget) or getattr(widget, "text", lambda: "")()
        if widget.objectName() != "accountsList":
            assert widget.accessibleName() == label.replace("&", ""), widget.objectName()
    # A combo box reads its value on Linux; it is heard by its label (the buddy).
    assert "Role" in labelled_by(dialog.role) and "Role" in labelled_by(dialog.new_role)
    assert named["newAccountName"] == "Account name" and named["newPinAgain"] == "New PIN again"
    assert named["disableButton"] == "Disable" and named["accountsList"] == "Accounts"


def test_the_idle_lock_hides_the_open_accounts(qtbot, window, site: Path) -> None:  # noqa: F811
    dialog, _ = open_accounts(qtbot, window, ("admin", "9999"))
    assert dialog is not None and dialog.isVisible()
    lock = window.features.idle_lock
    assert lock.session is not None and lock.session.account.name == "admin"
    lock.lock()
    assert not dialog.isVisible()  # nobody manages accounts at an unattended workstation
