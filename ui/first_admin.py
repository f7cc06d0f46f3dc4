"""The first start of a site without accounts: offer to create its administrator.

A data directory from before accounts keeps working with typed names ("typed, not
signed"), so the window never forces the step; it asks, in the status bar and under
Tools, until an administrator exists. The administrator then adds the technicians,
nurses and pharmacists (Tools > Accounts…, or ``main.py users add``), and from then on
verifying, preparing and witnessing are signed with each person's PIN.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QWidget

from ui.fields import ErrorLabel, line_edit
from ui.pin_field import PinField
from ui.placeholders import fit_placeholders

if TYPE_CHECKING:
    from ui.signing import WindowSigning

OFFER = "No accounts yet: names are typed, not signed. Tools > Create administrator… sets up PINs."


class FirstAdminDialog(QDialog):
    """Name, full name and the PIN twice; ``create_admin`` makes the site's first account."""

    def __init__(self, signing: WindowSigning, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstAdminDialog")
        self.setWindowTitle("Create the administrator account")
        self.signing = signing
        self.name = line_edit("adminName", "Account name", "e.g. jkim")
        self.full_name = line_edit("adminFullName", "Full name", "as printed: J. Kim, PharmD")
        self.pin = PinField("adminPin", "PIN")
        self.pin.setPlaceholderText("at least 4 characters")
        self.again = PinField("adminPinAgain", "PIN again")
        self.again.setPlaceholderText("the same PIN")
        self.error = ErrorLabel("adminError", self.name)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.create_admin)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Account", self.name)
        form.addRow("Full name", self.full_name)
        form.addRow("PIN", self.pin)
        form.addRow("PIN again", self.again)
        form.addRow(self.error)
        form.addRow(buttons)
        fit_placeholders(self)

    def create_admin(self) -> None:
        """Create the administrator, or say beside the fields why not (nothing created)."""
        from core.accounts import AccountError
        from core.accounts.managing import add_account, check_new_pin
        from core.accounts.models import check_name

        name, pin, again = self.name.text().strip(), self.pin.text(), self.again.text()
        at_fault: QWidget = self.name  # the field the error is about, for a screen reader
        try:
            check_name(name)
            at_fault = self.again if pin and pin != again else self.pin
            check_new_pin(pin, again)
            at_fault = self.name
            with self.signing.open_accounts() as accounts:
                add_account(
                    accounts, None, name, "admin", pin, again, full_name=self.full_name.text()
                )
        except AccountError as error:
            self.error.show_message(str(error), at_fault)
            return
        finally:
            self.pin.clear()
            self.again.clear()
        self.accept()


def install_first_admin(signing: WindowSigning) -> QAction:
    """Tools > Create administrator…, offered (with a status bar note) while the site has
    no accounts."""
    window = signing.window
    action = QAction("Create a&dministrator…", window.docs)
    action.setObjectName("firstAdminAction")

    def open_dialog() -> None:
        dialog = FirstAdminDialog(signing, window.docs)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            action.setVisible(False)
            window.statusBar().showMessage("Administrator created: PINs now sign.", 8000)

    action.triggered.connect(open_dialog)
    window.add_tool(action, "&Tools")
    if signing.in_use():
        action.setVisible(False)
    else:
        window.statusBar().showMessage(OFFER, 30000)
    return action
