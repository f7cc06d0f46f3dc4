"""The accounts dialog (Tools > Accounts…, opened by an administrator's PIN): the list
(name, full name, role, state: active, disabled or locked until a time) and, for the
account chosen, another role, disable or enable, a new PIN; and adding an account.

No rule lives here: ``core.accounts.managing`` decides (``ui.accounts_work`` asks it off
the GUI thread), the PIN and name are checked with core's own checks before the work is
sent so that a problem shows beside its field, and whatever core refuses is said beside
the part of the dialog it is about.
"""

from __future__ import annotations

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
        self.chosen_error = ErrorLabel("chosen", self.new_pin)
        form = QFormLayout()
        form.addRow("Role", self.role)
        form.addRow("New PIN", self.new_pin)
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
        self.pin_error = ErrorLabel("newAccountPin", self.pin)
        name_column = QVBoxLayout()
        name_column.addWidget(self.name)
        name_column.addWidget(self.name_error)
        pin_column = QVBoxLayout()
        pin_column.addWidget(self.pin)
        pin_column.addWidget(self.pin_error)
        form = QFormLayout(self.add_box)
        form.addRow("Account name", self._holder(name_column))
        form.addRow("Full name", self.full_name)
        form.addRow("Role", self.new_role)
        form.addRow("PIN", self._holder(pin_column))
        form.addRow("PIN again", self.pin_again)
        form.addRow(self.add)
        self.add.clicked.connect(lambda: self._send("add"))

    @staticmethod
    def _holder(column: QVBoxLayout) -> QWidget:
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        holder = QWidget()
        holder.setLayout(column)
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
        from core.accounts.models import check_name

        adding = what == "add"
        name = self.name.text().strip() if adding else self.chosen_name()
        pin, again = (self.pin, self.pin_again) if adding else (self.new_pin, self.new_pin_again)
        typed = (pin.text(), again.text())
        pin.clear()
        again.clear()
        for error in (self.name_error, self.pin_error, self.chosen_error):
            error.show_message(None)
        try:
            if adding:
                check_name(name)
        except AccountError as error:
            self.name_error.show_message(str(error))
            return
        try:
            if what in ("add", "pin"):
                check_new_pin(*typed)
        except AccountError as error:
            (self.pin_error if adding else self.chosen_error).show_message(str(error))
            return
        role = (self.new_role if adding else self.role).currentData() or ""
        change = Change(
            Shared(self.site), self.admin, what, name, role, *typed,
            full_name=self.full_name.text() if adding else "",
        )  # fmt: skip
        self.work.start(
            "change", "Saving…", apply_change, change,
            lambda done: self._done(done, name if adding else ""),
            lambda why: (self.name_error if adding else self.chosen_error).show_message(why),
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
