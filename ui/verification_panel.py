"""Two-person check: who prepared the dose, who verified it, and the explicit verify step.

Verification is a moment, not a checkbox: the nurse presses Verify for the dose on
screen. Any later change to the dose, or to who prepared or verified it, undoes it and
the panel says so.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from ui.fields import ErrorLabel, hint, line_edit
from ui.style import set_role

DIFFERENT_PEOPLE = "must be a different person from prepared by"


READY_TO_VERIFY = "Check the dose on screen against the order, then press Verify dose."


class VerificationPanel(QGroupBox):
    names_edited = Signal()

    def __init__(self) -> None:
        super().__init__("Verification")
        self.verified_at: datetime | None = None
        self.prepared_by = line_edit("preparedBy", "Prepared by", "technician name or initials")
        self.verified_by = line_edit("verifiedBy", "Verified by", "nurse name or initials")
        self.verified_by_error = ErrorLabel("verified_by")
        self.verify_button = QPushButton("Verify dose")
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setAccessibleName("Verify the dose on screen")
        self.verify_button.setAutoDefault(False)
        self.status = hint(name="verificationStatus")
        self.print_button = QPushButton("Print worksheet…")
        self.print_button.setObjectName("printButton")
        self.print_button.setAccessibleName("Print the worksheet")
        self.print_button.setAutoDefault(False)
        self.print_status = hint(name="printStatus")
        set_role(self.verify_button, "verify")
        set_role(self.print_button, "print")

        form = QFormLayout()
        form.setVerticalSpacing(4)
        form.addRow("Prepared by", self.prepared_by)
        verified = QVBoxLayout()
        verified.setSpacing(1)
        verified.addWidget(self.verified_by)
        verified.addWidget(self.verified_by_error)
        form.addRow("Verified by", verified)
        buttons = QHBoxLayout()
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.print_button)
        column = QVBoxLayout(self)
        column.setSpacing(4)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.status)
        column.addWidget(self.print_status)

        self.prepared_by.textChanged.connect(self._names_changed)
        self.verified_by.textChanged.connect(self._names_changed)
        self.verify_button.clicked.connect(self.verify)

    @property
    def verified(self) -> bool:
        return self.verified_at is not None

    def names_problem(self) -> str | None:
        """Why these two names cannot verify a dose, or ``None``."""
        from core.documentation import same_person

        prepared, verified = self.prepared_by.text(), self.verified_by.text()
        if not prepared.strip():
            return "Enter who prepared the dose."
        if not verified.strip():
            return "Enter who verifies the dose."
        if same_person(prepared, verified):
            return f"Verified by {DIFFERENT_PEOPLE}."
        return None

    def refresh(self, dose_ready: bool) -> None:
        """Enable Verify only for a calculated dose and two different people."""
        problem = self.names_problem()
        same = problem is not None and DIFFERENT_PEOPLE in problem
        self.verified_by_error.show_message(DIFFERENT_PEOPLE if same else None)
        if not dose_ready:
            problem = "The dose must be calculated before it can be verified."
        self.verify_button.setEnabled(problem is None and not self.verified)
        self.verify_button.setToolTip(
            problem or ("Already verified." if self.verified else "Confirm the dose on screen.")
        )
        if not self.verified and self.status.property("role") != "notice":
            # Always the current state: a stale "must be calculated" beside an enabled
            # Verify button would tell the nurse the opposite of what is true.
            self.status.setText(problem or READY_TO_VERIFY)

    def verify(self) -> None:
        if not self.verify_button.isEnabled():
            return
        self.verified_at = datetime.now().replace(second=0, microsecond=0)
        self._show(
            f"✔ Verified by {self.verified_by.text().strip()} at "
            f"{self.verified_at:%H:%M}. Changing the dose clears this.",
            "ok",
        )
        self.verify_button.setEnabled(False)

    def clear(self, why: str) -> None:
        """Undo a verification (and say why); nothing happens if there was none."""
        if self.verified_at is None:
            return
        self.verified_at = None
        self._show(f"Verification cleared: {why}. Verify again.", "notice")

    def reset(self) -> None:
        self.verified_at = None
        self._show("", "hint")

    def _names_changed(self) -> None:
        self.clear("who prepared or verified changed")
        self.names_edited.emit()

    def _show(self, text: str, role: str) -> None:
        self.status.setText(text)
        set_role(self.status, role)
