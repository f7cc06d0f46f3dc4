"""Tools > Accounts…: the administrator signs in with their PIN, then the dialog opens;
and the changes it makes, run off the GUI thread (hashing a PIN with Argon2 takes a
noticeable moment).

Every change is ``core.accounts.managing``'s, the same as the ``users`` command's: the
administrator is checked again as they are when the change is made, and the last active
administrator is neither disabled nor given another role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

from ui.background import Shared
from ui.pin_dialog import PinDialog

if TYPE_CHECKING:
    from core.accounts import Account
    from core.site import Site
    from core.work import CancelToken
    from ui.accounts_dialog import AccountsDialog
    from ui.signing import WindowSigning

NO_ACCOUNTS = "This site has no accounts yet: Tools > Create administrator… first."


@dataclass(frozen=True)
class Change:
    """One change an administrator asked for (``what``: add, role, enable, disable, pin)."""

    site: Shared[Site]
    admin: Account
    what: str
    name: str
    role: str = ""
    pin: str = ""
    again: str = ""
    full_name: str = ""


def apply_change(change: Change, _token: CancelToken) -> str:  # on the worker thread
    """Make the change; what was done, in words. ``AccountError`` says why not."""
    from core.accounts import managing

    with change.site.value.open_accounts() as store:
        admin, name = change.admin, change.name
        if change.what == "add":
            account = managing.add_account(
                store, admin, name, change.role, change.pin, change.again,
                full_name=change.full_name,
            )  # fmt: skip
            return f"Added {account.name} ({account.role.value})."
        if change.what == "role":
            account = managing.change_role(store, admin, name, change.role)
            return f"{account.name} is now {account.role.value}."
        if change.what == "pin":
            account = managing.reset_pin(store, admin, name, change.pin, change.again)
            return f"New PIN set for {account.name}."
        account = managing.set_enabled(store, admin, name, change.what == "enable")
        return f"{account.name} is {'enabled' if account.active else 'disabled'}."


def sign_in(signing: WindowSigning) -> Account | None:
    """The administrator whose account and PIN were given (the PIN dialog says why not
    while it stays open), or ``None`` when cancelled or the site has no accounts."""
    from core.accounts import Account, AccountError
    from core.accounts.managing import in_use, sign_in_admin

    window = signing.window
    try:
        if not in_use(window.site):
            window.statusBar().showMessage(NO_ACCOUNTS, 8000)
            return None
        with signing.open_accounts() as accounts:
            dialog = PinDialog(
                window.docs.window(),
                "Accounts: administrator",
                "Manage accounts: an administrator's account and PIN.",
                "",
                lambda name, pin: sign_in_admin(accounts, name, pin),
            )
            try:
                admin = dialog.signature if signing.ask(dialog) else None
            finally:
                dialog.deleteLater()
    except (AccountError, ValueError) as error:
        window.statusBar().showMessage(f"Accounts not opened: {error}", 8000)
        return None
    if not isinstance(admin, Account):
        return None
    signing.signed_in.emit(admin)  # the idle lock covers the dialog from now on
    return admin


def install_accounts(signing: WindowSigning) -> QAction:
    """Tools > Accounts…: sign in as an administrator, then the accounts dialog."""
    window = signing.window
    action = QAction("Acc&ounts…", window.docs)
    action.setObjectName("accountsAction")
    opened: list[AccountsDialog] = []

    def open_dialog() -> None:
        from ui.accounts_dialog import AccountsDialog

        admin = sign_in(signing)
        if admin is None:
            return
        for old in opened:
            old.close()
        opened[:] = [AccountsDialog(window.site, admin, window.docs.window())]
        opened[0].show()

    action.triggered.connect(open_dialog)
    window.add_tool(action, "&Tools")
    return action
