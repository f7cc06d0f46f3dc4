"""Two-person check: who prepared the dose, who verified it, and the explicit verify step.

Verification is a moment, not a checkbox: the nurse presses Verify for the dose on
screen. The rule (two different people; undone by any later change to the dose or to
who prepared or verified it) lives in ``core.session``; this panel shows its state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout

from core.constants import DIFFERENT_PEOPLE
from ui.fields import ErrorLabel, hint, line_edit
from ui.style import set_role

if TYPE_CHECKING:
    from core.session import DoseSession


READY_TO_VERIFY = "Check the dose on screen against the order, then press Verify dose."


class VerificationPanel(QGroupBox):
    names_edited = Signal()

    def __init__(self) -> None:
        super().__init__("Verification")
        self.prepared_by = line_edit("preparedBy", "Prepared by", "technician name or initials")
        self.verified_by = line_edit("verifiedBy", "Verified by", "nurse name or initials")
        self.verified_by_error = ErrorLabel("verified_by", self.verified_by)
        self.verify_button = QPushButton("Verify dose")
        self.verify_button.setObjectName("verifyButton")
        self.verify_button.setAccessibleName("Verify the dose on screen")
        self.verify_button.setAutoDefault(True)  # Enter on the focused button verifies
        self.status = hint(name="verificationStatus")
        self.print_button = QPushButton("Print worksheet…")
        self.print_button.setObjectName("printButton")
        self.print_button.setAccessibleName("Print the worksheet")
        self.print_button.setAutoDefault(True)
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

        self.prepared_by.textChanged.connect(self.names_edited)
        self.verified_by.textChanged.connect(self.names_edited)

    def show_state(self, session: DoseSession) -> None:
        """Redraw from the session: Verify enabled only for a calculated dose and two
        different people; the status says the current state, or why it was undone."""
        problem = session.verification_problem()
        self.verified_by_error.show_message(DIFFERENT_PEOPLE if session.names_conflict() else None)
        verified_at = session.verified_at
        self.verify_button.setEnabled(problem is None and verified_at is None)
        self.verify_button.setToolTip(
            problem or ("Already verified." if verified_at else "Confirm the dose on screen.")
        )
        if verified_at is not None:
            who = session.documentation.verified_by.strip()
            self._show(
                f"✔ Verified by {who} at {verified_at:%H:%M}. Changing the dose clears this.",
                "ok",
            )
        elif session.undone_because is not None:
            self._show(f"Verification cleared: {session.undone_because}. Verify again.", "notice")
        else:
            # Always the current state: a stale "must be calculated" beside an enabled
            # Verify button would tell the nurse the opposite of what is true.
            self._show(problem or READY_TO_VERIFY, "hint")

    def _show(self, text: str, role: str) -> None:
        if self.status.text() != text:
            self.status.setText(text)
        set_role(self.status, role)
