"""Record a prior authorization from the window (the same record as `main.py auth add`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QVBoxLayout,
    QWidget,
)

from core.dates import DATE_HINT, parse_date
from ui.fields import ErrorLabel, combo, line_edit

if TYPE_CHECKING:
    from core.site import Site

MEASURES = (("units", "units"), ("grams", "grams"), ("infusions", "infusions"))


class AuthorizationDialog(QDialog):
    """Number, payer, code, dates and amount; OK records it, or says what is wrong."""

    def __init__(self, site: Site, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName("authorizationDialog")
        self.setWindowTitle("Record a prior authorization")
        self.site = site
        self.recorded: str | None = None
        self.number = line_edit("authNumber", "Authorization number")
        self.payer = combo("authPayer", "Payer", [(p.name, p.id) for p in site.payers.payers])
        self.code = combo("authCode", "Code", [(c.label, c.hcpcs) for c in site.catalog.codes])
        self.starts = line_edit("authFrom", "First day", DATE_HINT)
        self.ends = line_edit("authTo", "Last day", DATE_HINT)
        self.amount = line_edit("authAmount", "Amount authorized", "e.g. 60")
        self.measure = combo("authMeasure", "Counted in", list(MEASURES))
        self.error = ErrorLabel("authorization", self.number)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.record)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for label, widget in (
            ("Number", self.number),
            ("Payer", self.payer),
            ("Code", self.code),
            ("From", self.starts),
            ("To", self.ends),
            ("Amount", self.amount),
            ("Counted in", self.measure),
        ):
            form.addRow(label, widget)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(self.error)
        column.addWidget(buttons)

    def record(self) -> None:
        """Record it and close, or show the problem and stay open."""
        from pydantic import ValidationError

        from core.authorizations import Authorization
        from core.errors import InputError
        from core.quantities import parse_number

        fields = {
            "number": self.number,
            "payer": self.payer,
            "code": self.code,
            "starts": self.starts,
            "ends": self.ends,
            "amount": self.amount,
            "measure": self.measure,
        }
        at = "starts"  # the field being read: an error is tied to it
        try:
            starts = parse_date(self.starts.text())
            at = "ends"
            ends = parse_date(self.ends.text())
            if starts is None or ends is None:
                at = "starts" if starts is None else "ends"
                raise InputError("dates", "give the first and the last day")
            at = "amount"
            amount = parse_number(self.amount.text(), "amount")
            at = "ends"  # the model's own check: the last day after the first
            auth = Authorization(
                number=self.number.text().strip(),
                payer=self.payer.currentData(),
                code=self.code.currentData(),
                starts=starts,
                ends=ends,
                amount=amount,
                measure=self.measure.currentData(),
            )
            at = "number"  # the store refuses a number recorded already
            with self.site.open_authorizations() as store:
                store.add(auth)
        except (ValueError, InputError, OSError) as error:
            if isinstance(error, ValidationError):
                first = error.errors()[0]
                where = ".".join(str(part) for part in first["loc"]) or "authorization"
                message = f"{where}: {first['msg']}"
                at = str(first["loc"][0]) if first["loc"] else at
            else:
                message = str(error)
            self.error.show_message(message, fields.get(at))
            return
        self.recorded = auth.number
        self.accept()
