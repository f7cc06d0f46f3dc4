"""Enter goes to the next field the dose still needs (Tab goes to every control).

What is needed is core's word: the session's input errors (an amount missing or
unreadable), its blockers (``DoseSession.blockers``) and the fields its denial-risk
checks ask for (``core.denial_checks.fields_asked``: a missing NDC), each a field key. The
panels' error lines know their field (``ErrorLabel.field``), so a key leads to its
widget; ``vials`` leads to the first empty lot or expiry, ``verification`` to Verify,
which Enter then presses (Enter on the last verification field verifies).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractButton, QComboBox, QLineEdit, QWidget

if TYPE_CHECKING:
    from core.session import DoseSession
    from ui.documentation_panel import DocumentationPanel
    from ui.dose_panel import DosePanel
    from ui.fields import ErrorLabel
    from ui.verification_panel import VerificationPanel

#: How far along the focus chain (every widget, labels too) Enter looks at most.
LOOK_AHEAD = 5000


class NeededFields:
    def __init__(
        self,
        session: DoseSession,
        dose: DosePanel,
        docs: DocumentationPanel,
        check: VerificationPanel,
        more_errors: list[dict[str, ErrorLabel]],
    ) -> None:
        self.session = session
        self.docs = docs
        self.check = check
        self.keyed: dict[QWidget, str] = {}
        for errors in (dose.errors, docs.errors, *more_errors):
            for key, label in errors.items():
                if label.field is not None:
                    self.keyed[label.field] = key
        self.keyed[check.prepared_by] = "prepared_by"
        self.keyed[check.verified_by] = "verified_by"
        self.keyed[check.verify_button] = "verification"

    def _key(self, widget: QWidget) -> str:
        if widget in self.keyed:
            return self.keyed[widget]
        if widget in self.docs.vials.all_edits():
            return "vials"
        return ""

    def _wanted(self) -> set[str]:
        from core.denial_checks import fields_asked

        claim = self.session.claim()
        asked = fields_asked(claim.checks) if claim is not None and claim.error is None else set()
        return set(self.session.errors) | {b.field for b in self.session.blockers()} | asked

    def after(self, widget: QWidget) -> QWidget | None:
        """The next control along the Tab chain that a needed key names (and, for a
        field, is empty), else ``None``."""
        wanted = self._wanted()
        if not wanted:
            return None
        current = widget.nextInFocusChain()
        for _ in range(LOOK_AHEAD):
            if current is None or current is widget:
                return None
            usable = current.isVisible() and current.isEnabled()
            if usable and self._key(current) in wanted and _open(current):
                return current
            current = current.nextInFocusChain()
        return None


def _open(widget: QWidget) -> bool:
    """A button or choice to act on, or a text field still empty."""
    if isinstance(widget, QAbstractButton | QComboBox):
        return True
    return isinstance(widget, QLineEdit) and not widget.text().strip()
