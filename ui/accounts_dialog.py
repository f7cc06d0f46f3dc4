"""The accounts dialog (Tools > Accounts…, opened by an administrator's PIN): the list
(name, full name, role, state: active, disabled or locked until a time) and, for the
account chosen, another role, disable or enable, a new PIN; and adding an account.

No rule lives here: ``core.accounts.managing`` decides (``ui.accounts_work`` asks it off
the GUI thread), the PIN and name are checked with core's own checks before the work is
sent so that a problem shows beside its field, and whatever core refuses is said beside
the part of the dialog it is about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ui.accounts_work import Change, apply_change
from ui.announce import announce
from ui.background import BackgroundWork, Shared
from ui.fields import ErrorLabel, combo, hint, line_edit
from ui.pin_field import PinField
from ui.window_layout import fit_dialog

if TYPE_CHECKING:
    from core.accounts import Account
    from core.site import Site

COLUMNS = ("Account", "Full name", "Role", "State")


def _roles(name: str, label: str) -> QComboBox:
    from core.accounts import Role

    return combo(name, label, [(role.value, role.value) for role in Role])


def _button(text: str, name: str) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setAccessibleName(text)
    return button


class AccountsDialog(QDialog):
    def __init__(self, site: Site, admin: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle("Accounts")
        self.site, self.admin = site, admin
        self.accounts: dict[str, Account] = {}
        self.note = hint("", "accountsNote")
        self.work = BackgroundWork(self, note=self.note)
        self.work.idle.connect(self._settled)
        self.list = QTreeWidget()
        self.list.setObjectName("accountsList")
        self.list.setAccessibleName("Accounts")
        self.list.setHeaderLabels(COLUMNS)
        self.list.setRootIsDecorated(False)
        self.list.itemSelectionChanged.connect(self._chosen)
        self._build_chosen()
        self._build_add()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("accountsButtons")
        close.rejected.connect(self.reject)
        listing = QVBoxLayout()
        listing.addWidget(QLabel("Accounts"))
        listing.addWidget(self.list, 1)
        listing.addWidget(self.chosen_box)
        columns = QHBoxLayout()
        columns.addLayout(listing, 3)
        columns.addWidget(self.add_box, 2)
        whole = QVBoxLayout(self)
        whole.addWidget(QLabel(f"Signed in as {admin.name} ({admin.role.value})."))
        whole.addLayout(columns, 1)
        whole.addWidget(self.note)
        whole.addWidget(close)
        fit_dialog(self, 900, 560)
        self.refresh()

    def _build_chosen(self) -> None:
        self.chosen_box = QGroupBox("The account chosen")
        self.role = _roles("accountRole", "Role")
        self.change_role = _button("Change role", "changeRoleButton")
        self.disable = _button("Disable", "disableButton")
        self.enable = _button("Enable", "enableButton")
        self.new_pin = PinField("newPin", "New PIN")
        self.new_pin_again = PinField("newPinAgain", "New PIN again")
        self.reset_pin = _button("Reset PIN", "resetPinButton")
        # A refusal is about the account chosen in the list; a PIN's, about the PIN.
        self.chosen_error = ErrorLabel("chosen", self.list)
        self.new_pin_error = ErrorLabel("newPin", self.new_pin)
        form = QFormLayout()
        form.addRow("Role", self.role)
        form.addRow("New PIN", self._holder(self.new_pin, self.new_pin_error))
        form.addRow("New PIN again", self.new_pin_again)
        buttons = QHBoxLayout()
        for button in (self.change_role, self.disable, self.enable, self.reset_pin):
            buttons.addWidget(button)
        column = QVBoxLayout(self.chosen_box)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.chosen_error)
        self.change_role.clicked.connect(lambda: self._send("role"))
        self.disable.clicked.connect(lambda: self._send("disable"))
        self.enable.clicked.connect(lambda: self._send("enable"))
        self.reset_pin.clicked.connect(lambda: self._send("pin"))

    def _build_add(self) -> None:
        self.add_box = QGroupBox("Add an account")
        self.name = line_edit("newAccountName", "Account name", "e.g. jkim")
        self.full_name = line_edit("newFullName", "Full name", "as printed: J. Kim, RN")
        self.new_role = _roles("newAccountRole", "Role")
        self.pin = PinField("newAccountPin", "PIN")
        self.pin_again = PinField("newAccountPinAgain", "PIN again")
        self.add = _button("Add account", "addAccountButton")
        self.name_error = ErrorLabel("newAccountName", self.name)
        self.full_name_error = ErrorLabel("newFullName", self.full_name)
        self.pin_error = ErrorLabel("newAccountPin", self.pin)
        form = QFormLayout(self.add_box)
        form.addRow("Account name", self._holder(self.name, self.name_error))
        form.addRow("Full name", self._holder(self.full_name, self.full_name_error))
        form.addRow("Role", self.new_role)
        form.addRow("PIN", self._holder(self.pin, self.pin_error))
        form.addRow("PIN again", self.pin_again)
        form.addRow(self.add)
        self.add.clicked.connect(lambda: self._send("add"))

    @staticmethod
    def _holder(field: QWidget, error: ErrorLabel) -> QWidget:
        """A field with its error line right under it."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(field)
        column.addWidget(error)
        return holder

    # -- the list -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the accounts again (after a change, and on opening)."""
        from core.accounts import AccountError
        from core.accounts.managing import state

        chosen = self.chosen_name()
        try:
            with self.site.open_accounts() as store:
                accounts = store.all()
        except AccountError as error:
            self.note.setText(f"The accounts cannot be read: {error}")
            return
        self.accounts = {account.name: account for account in accounts}
        self.list.clear()
        for account in accounts:
            item = QTreeWidgetItem(
                [account.name, account.full_name, account.role.value, state(account)]
            )
            self.list.addTopLevelItem(item)
            if account.name == chosen:
                item.setSelected(True)
                self.list.setCurrentItem(item)
        for column in range(len(COLUMNS)):
            self.list.resizeColumnToContents(column)
        self._chosen()

    def chosen_name(self) -> str:
        items = self.list.selectedItems()
        return items[0].text(0) if items else ""

    def choose(self, name: str) -> None:
        for index in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(index)
            if item is not None and item.text(0) == name:
                self.list.setCurrentItem(item)
                item.setSelected(True)

    def _chosen(self) -> None:
        account = self.accounts.get(self.chosen_name())
        self.chosen_box.setTitle(
            f"The account chosen: {account.name}" if account else "The account chosen: none"
        )
        if account is not None:
            self.role.setCurrentIndex(self.role.findData(account.role.value))
        self.chosen_error.show_message(None)
        self._settled()

    def _settled(self) -> None:
        """Buttons for what can be asked now (nothing while a change is being made)."""
        account = self.accounts.get(self.chosen_name())
        idle = not self.work.busy
        for button in (self.change_role, self.reset_pin):
            button.setEnabled(idle and account is not None)
        self.disable.setEnabled(idle and account is not None and account.active)
        self.enable.setEnabled(idle and account is not None and not account.active)
        self.add.setEnabled(idle)

    # -- changes --------------------------------------------------------------------------

    def _send(self, what: str) -> None:
        """Check what core checks up front (beside its field), then change off the GUI
        thread; the PIN fields are cleared either way."""
        from core.accounts import AccountError
        from core.accounts.managing import check_new_pin
        from core.accounts.models import check_full_name, check_name

        adding = what == "add"
        name = self.name.text().strip() if adding else self.chosen_name()
        full_name = self.full_name.text() if adding else ""
        pin, again = (self.pin, self.pin_again) if adding else (self.new_pin, self.new_pin_again)
        typed = (pin.text(), again.text())
        pin.clear()
        again.clear()
        errors = (self.name_error, self.full_name_error, self.pin_error)
        for error in (*errors, self.chosen_error, self.new_pin_error):
            error.show_message(None)
        checks: list[tuple[ErrorLabel, Callable[[], object]]] = []
        if adding:
            checks = [
                (self.name_error, lambda: check_name(name)),
                (self.full_name_error, lambda: check_full_name(full_name)),
                (self.pin_error, lambda: check_new_pin(*typed)),
            ]
        elif what == "pin":
            checks = [(self.new_pin_error, lambda: check_new_pin(*typed))]
        for beside, check in checks:
            try:
                check()
            except AccountError as error:
                beside.show_message(str(error))
                return
        # What only the store can say (a name taken; the last administrator): beside the
        # name typed, the PIN, or the account chosen.
        refused = {"add": self.name_error, "pin": self.new_pin_error}.get(what, self.chosen_error)
        role = (self.new_role if adding else self.role).currentData() or ""
        change = Change(
            Shared(self.site), self.admin, what, name, role, *typed, full_name=full_name
        )
        self.work.start(
            "change", "Saving…", apply_change, change,
            lambda done: self._done(done, name if adding else ""), refused.show_message,
        )  # fmt: skip
        self._settled()

    def _done(self, message: str, added: str) -> None:
        if added:
            self.name.clear()
            self.full_name.clear()
        self.refresh()
        if added:
            self.choose(added)
        self.note.setText(message)
        announce(self.note, message)
