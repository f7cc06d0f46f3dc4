"""A small dialog that asks one person's account and PIN, and signs with them.

The dialog stays open on a refused PIN and says why beside the field (a wrong PIN, a
locked account with the time left, a role that may not do this); it closes only on a
signature or when the person cancels. The PIN never leaves the dialog except to
``sign``; the field is cleared after every attempt.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from ui.fields import ErrorLabel, line_edit
from ui.pin_field import PinField
from ui.placeholders import fit_placeholders

#: ``sign(account, pin)``: the signature (or the account, for signing in), else
#: ``SigningError`` with the reason in words.
Sign = Callable[[str, str], object]
#: ``locked_until(account)``: when a locked account opens again (UTC), if it is locked.
LockedUntil = Callable[[str], "datetime | None"]


class SigningRefusedError(Exception):
    """Nothing signed: the message says why, in words."""


def time_left(until: datetime, now: datetime) -> str:
    """``"4 min"``: whole minutes left, rounded up (never "0 min" while still locked)."""
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"{minutes} min"


class PinDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        prompt: str,
        account: str,
        sign: Sign,
        locked_until: LockedUntil | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pinDialog")
        self.setWindowTitle(title)
        self._sign = sign
        self._locked_until = locked_until
        self.signature: object | None = None
        self.account = line_edit("pinAccount", "Account", "account name, e.g. jkim")
        self.account.setText(account.strip())
        self.pin = PinField("pinField", "PIN")
        self.error = ErrorLabel("pin", self.pin)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("pinButtons")
        buttons.accepted.connect(self.try_sign)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("Account", self.account)
        pin_column = QVBoxLayout()
        pin_column.setSpacing(1)
        pin_column.addWidget(self.pin)
        pin_column.addWidget(self.error)
        form.addRow("PIN", pin_column)
        column = QVBoxLayout(self)
        column.addWidget(QLabel(prompt))
        column.addLayout(form)
        column.addWidget(buttons)
        fit_placeholders(self)
        (self.pin if account.strip() else self.account).setFocus()

    def try_sign(self) -> None:
        """Sign with what is typed: accept on a signature, else say why beside the PIN."""
        from core.accounts import AccountLockedError, SigningError

        name, pin = self.account.text().strip(), self.pin.text()
        self.pin.clear()
        if not name:
            self.error.show_message("Enter the account name.", self.account)
            return
        try:
            self.signature = self._sign(name, pin)
        except AccountLockedError as error:
            self.error.show_message(self._locked_message(name, str(error)))
            return
        except SigningError as error:
            self.error.show_message(f"Not signed: {error}.")
            return
        self.accept()

    def _locked_message(self, name: str, reason: str) -> str:
        until = self._locked_until(name) if self._locked_until is not None else None
        if until is None:
            return f"Not signed: {reason}."
        return f"Not signed: {reason}. Time left: {time_left(until, datetime.now(UTC))}."
