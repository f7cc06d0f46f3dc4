"""The nurse's side of the verification queue: Tools > Pending verification….

Lists the doses waiting for verification (reloaded when the queue's revision moves;
polled every few seconds), shows one read-only, and signs it with the nurse's PIN. The
signature covers exactly the content shown: a dose changed since it was opened is not
signed (``VerificationQueue.sign(..., seen=...)``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.fields import hint
from ui.pin_dialog import PinDialog
from ui.queue_submit import POLL_MS

if TYPE_CHECKING:
    from core.blockers import Blocker
    from core.calculation_models import CalculationResult
    from core.verification_queue import QueuedDose, VerificationQueue
    from ui.signing import WindowSigning


def describe(dose: QueuedDose) -> str:
    """One line of the list: no more than the nurse needs to pick the dose."""
    return (
        f"Dose {dose.id}: {dose.patient_name} (MRN {dose.mrn}), {dose.code}, "
        f"prepared by {dose.prepared.full_name}"
    )


def answer(result: CalculationResult | None) -> list[str]:
    """What the nurse verifies, in words: claim lines, units, waste, vials opened."""
    from core import formats

    if result is None:
        return ["Not calculated: the dose as submitted gives no result."]
    waste = "left in vial (multi-dose)" if result.multi_dose else "waste"
    return [
        "To bill: " + ", ".join(str(line) for line in result.claim_lines),
        f"Units administered: {result.units_administered:,}; units wasted (JW): "
        f"{result.units_wasted:,}; {waste}: {formats.quantity(result.waste_ml, 'mL')}",
        "Vials opened: " + " + ".join(str(count) for count in result.vials_by_size),
    ]


def words(key: str) -> str:
    """A field's key as words: ``prior_treatments`` or ``priorTreatments`` -> ``Prior
    treatments`` (the names core gives its fields, where it gives one)."""
    from core.documentation import FIELD_WORDS
    from core.dose_input import FIELD_NAMES

    spaced = "".join(f" {c.lower()}" if c.isupper() else c for c in key).replace("_", " ")
    name = FIELD_WORDS.get(key) or FIELD_NAMES.get(key) or spaced.strip()
    return name[:1].upper() + name[1:]


def details(
    dose: QueuedDose, blockers: list[Blocker], result: CalculationResult | None = None
) -> str:
    """The dose as submitted: what it bills (``result``), what keeps it from the chart
    (the session's blockers, ``core.blockers``), then its fields in words (read-only)."""
    lines = [describe(dose), "", *answer(result), ""]
    if blockers:
        lines.append("Keeping it from the chart:")
        lines += [
            f"\N{BULLET} {b.message}" + (" (stops verification)" if b.step == "verify" else "")
            for b in blockers
        ]
    else:
        lines.append("Nothing keeps it from the chart.")
    lines.append("")
    for section, fields in dose.content.items():
        shown = fields.items() if isinstance(fields, dict) else [(section, fields)]
        lines += [f"{words(key)}: {_value(v)}" for key, v in shown if v not in _EMPTY]
    return "\n".join(lines)


_EMPTY: tuple[object, ...] = ("", None, [], {})


def _value(value: object) -> str:
    if isinstance(value, list):
        return "; ".join(_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{words(k).lower()} {v}" for k, v in value.items() if v not in _EMPTY)
    return str(value)


class PendingDialog(QDialog):
    def __init__(self, parent: QWidget | None, signing: WindowSigning) -> None:
        super().__init__(parent)
        self.setObjectName("pendingDialog")
        self.setWindowTitle("Pending verification")
        self.signing = signing
        self._queue: VerificationQueue | None = None
        self._revision = -1
        self.opened: QueuedDose | None = None
        self.doses = QListWidget()
        self.doses.setObjectName("pendingList")
        self.doses.setAccessibleName("Doses waiting for verification")
        self.detail = QPlainTextEdit()
        self.detail.setObjectName("pendingDetail")
        self.detail.setAccessibleName("The dose to verify")
        self.detail.setReadOnly(True)
        self.sign_button = QPushButton("Verify and sign…")
        self.sign_button.setObjectName("pendingSignButton")
        self.sign_button.setEnabled(False)
        self.status = hint(name="pendingStatus")
        row = QHBoxLayout()
        # Each pane under a heading that says what it is (they were two empty boxes).
        for heading, pane, stretch in (
            ("&Doses waiting", self.doses, 1),
            ("The dose to &verify", self.detail, 2),
        ):
            label = QLabel(heading)
            label.setBuddy(pane)
            pane_column = QVBoxLayout()
            pane_column.addWidget(label)
            pane_column.addWidget(pane)
            row.addLayout(pane_column, stretch)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(self.sign_button)
        column.addWidget(self.status)
        self.doses.currentItemChanged.connect(lambda *_: self.open_selected())
        self.sign_button.clicked.connect(self.sign)
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.timer.start()
        self.finished.connect(lambda _result: self.close_queue())
        self.poll()

    def queue(self) -> VerificationQueue:
        if self._queue is None:
            self._queue = self.signing.window.site.open_queue()
        return self._queue

    def poll(self) -> None:
        """Reload the list when anything in the queue changed."""
        from core.accounts import AccountError
        from core.verification_queue import QueueError

        try:
            queue = self.queue()
            revision = queue.revision()
            if revision == self._revision:
                return
            self._revision = revision
            pending = queue.pending()
        except (AccountError, QueueError, ValueError) as error:
            self.status.setText(f"The queue cannot be read: {error}.")
            return
        chosen = self.opened.id if self.opened is not None else None
        self.doses.blockSignals(True)
        self.doses.clear()
        for dose in pending:
            item = QListWidgetItem(describe(dose))
            item.setData(Qt.ItemDataRole.UserRole, dose.id)
            self.doses.addItem(item)
            if dose.id == chosen:
                self.doses.setCurrentItem(item)
        self.doses.blockSignals(False)
        self.open_selected()
        self.status.setText(f"{len(pending)} dose(s) waiting for verification.")

    def open_selected(self) -> None:
        """Show the chosen dose read-only (as it is in the queue now)."""
        from core.verification_queue import QueueError

        item = self.doses.currentItem()
        self.opened = None
        if item is not None:
            try:
                self.opened = self.queue().get(int(item.data(Qt.ItemDataRole.UserRole)))
            except QueueError as error:
                self.status.setText(str(error))
        self.detail.setPlainText(
            details(self.opened, *self.review(self.opened)) if self.opened is not None else ""
        )
        self.sign_button.setEnabled(self.opened is not None and self.opened.state == "pending")

    def review(self, dose: QueuedDose) -> tuple[list[Blocker], CalculationResult | None]:
        """The queued dose's blockers and result, its claim reviewed as this window
        reviews its own."""
        from core.queued_dose import queued_review

        session = self.signing.window.session
        site = self.signing.window.site
        if session is None:
            return queued_review(dose, site.catalog, site.payers)
        return queued_review(
            dose,
            site.catalog,
            site.payers,
            session.reviewer,
            expiring_today_blocks=session.expiring_today_blocks,
        )

    def sign(self) -> None:
        """The nurse signs the dose shown, with her PIN."""
        from core.accounts import SigningError
        from core.verification_queue import QueueError

        dose = self.opened
        if dose is None:
            return
        queue = self.queue()

        def sign(name: str, pin: str) -> object:
            try:
                return queue.sign(dose.id, name, pin, seen=dose.content_sha256)
            except QueueError as error:
                raise SigningError(str(error)) from None

        prompt = f"Verify dose {dose.id}: your account and PIN (a nurse or pharmacist)."
        dialog = PinDialog(self, "Verify the dose", prompt, "", sign)
        try:
            signed = self.signing.ask(dialog)
        finally:
            dialog.deleteLater()
        if signed:
            self.opened = None
            self.poll()
            self.status.setText(f"Dose {dose.id} verified by you; it left the list.")

    def close_queue(self) -> None:
        self.timer.stop()
        if self._queue is not None:
            self._queue.close()
            self._queue = None


def install_pending(signing: WindowSigning) -> None:
    """Tools > Pending verification… on the window of ``signing``."""
    from PySide6.QtGui import QAction

    action = QAction("&Pending verification…", signing)
    action.setObjectName("pendingVerificationAction")

    def open_dialog() -> None:
        dialog = PendingDialog(signing.window.docs.window(), signing)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    action.triggered.connect(open_dialog)
    signing.window.add_tool(action, "&Tools")
