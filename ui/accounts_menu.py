"""Tools > Accounts…: the administrator signs in with their PIN, then the accounts dialog
(``ui.accounts_dialog``) opens. Who may is core's (``core.accounts.managing``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from core.accounts import Account
    from ui.accounts_dialog import AccountsDialog
    from ui.signing import WindowSigning

NO_ACCOUNTS = "This site has no accounts yet: Tools > Create administrator… first."


def sign_in(signing: WindowSigning) -> Account | None:
    """The administrator whose account and PIN were given (the PIN dialog says why not
    while it stays open), or ``None`` when cancelled or the site has no accounts."""
    from core.accounts import AccountError, Action
    from core.accounts.managing import in_use
    from ui.pharmacist_actions import signed_for

    window = signing.window
    try:
        used = in_use(window.site)
    except AccountError as error:
        window.statusBar().showMessage(f"Accounts not opened: {error}", 8000)
        return None
    if not used:
        window.statusBar().showMessage(NO_ACCOUNTS, 8000)
        return None
    prompt = "Manage accounts: an administrator's account and PIN."
    title = "Accounts: administrator"
    return signed_for(signing, Action.MANAGE_USERS, title, prompt, "Accounts not opened")


def install_accounts(signing: WindowSigning) -> QAction:
    """Tools > Accounts…: sign in as an administrator, then the accounts dialog."""
    window = signing.window
    action = QAction("Acc&ounts…", window.docs)
    action.setObjectName("accountsAction")
    opened: list[AccountsDialog] = []

    def open_dialog() -> None:
        from ui.accounts_dialog import AccountsDialog  # loaded when first opened

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
