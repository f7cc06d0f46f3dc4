"""The denial-risk check beside Print: every cause, pass / warn / fail, and what to do.

The window shows the session's claim (``DoseSession.claim``) whenever the session
changes; its failures are among the session's blockers (``core.blockers``). Warnings do not
block: the worksheet prints them with the reason typed under the list (or says none was
given).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGroupBox, QListWidget, QListWidgetItem, QVBoxLayout

from ui.fields import line_edit

if TYPE_CHECKING:
    from core.claim_review import ClaimReview
    from core.denial_checks import Check

SYMBOLS = {"pass": "\N{CHECK MARK}", "warn": "!", "fail": "\N{MULTIPLICATION X}"}
COLOURS = {"pass": "#1b5e20", "warn": "#7a4a00", "fail": "#b00020"}
VISIBLE_ROWS = 5


class ChecksList(QGroupBox):
    #: The reason for printing despite the warnings was edited (it prints on the worksheet).
    edited = Signal()

    def __init__(self) -> None:
        super().__init__("Denial-risk check")
        self.setObjectName("checksList")
        self.checks: tuple[Check, ...] = ()
        self.list = QListWidget()
        self.list.setObjectName("checks")
        self.list.setAccessibleName("Denial-risk check")
        self.list.setWordWrap(True)
        self.list.setFixedHeight(self.list.fontMetrics().lineSpacing() * VISIBLE_ROWS + 8)
        self.reason = line_edit(
            "checksReason", "Reason to print despite the warnings", "reason to print anyway"
        )
        self.reason.setEnabled(False)
        self.reason.textChanged.connect(self.edited)
        column = QVBoxLayout(self)
        column.setSpacing(2)
        column.addWidget(self.list)
        column.addWidget(self.reason)

    def show_claim(self, claim: ClaimReview | None) -> None:
        """Show the session's claim as reviewed (``DoseSession.claim``); what of it blocks
        printing is in the session's blockers."""
        self._show(claim.checks if claim is not None else ())

    def check_reasons(self) -> dict[str, str]:
        """The reason typed, for each check that warns."""
        reason = self.reason.text().strip()
        if not reason:
            return {}
        return {check.id: reason for check in self.checks if check.state == "warn"}

    def _show(self, checks: tuple[Check, ...]) -> None:
        if checks == self.checks:
            return
        self.checks = checks
        self.list.clear()
        for check in checks:
            item = QListWidgetItem(f"{SYMBOLS[check.state]} {check.title}: {check.message}")
            item.setForeground(QBrush(QColor(COLOURS[check.state])))
            item.setToolTip(check.message)
            self.list.addItem(item)
        counts = {state: sum(c.state == state for c in checks) for state in SYMBOLS}
        summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
        self.setTitle(f"Denial-risk check: {summary}" if checks else "Denial-risk check")
        self.reason.setEnabled(counts["warn"] > 0)
