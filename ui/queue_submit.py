"""The technician's side of the verification queue (``core.verification_queue``).

Tools > Submit for verification… signs the dose on screen as its preparer (PIN) and
puts it in the queue; a nurse at another workstation verifies it there
(``ui.pending_dialog``). This window polls the queue's revision every few seconds and,
once the nurse has signed exactly what was submitted, shows the dose verified (the
signed names, the nurse's signing time) and ready to print. A dose changed after it was
submitted is not verified here; submitting it again puts it back to pending.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction

from ui.pin_dialog import PinDialog, SigningRefusedError

if TYPE_CHECKING:
    from core.verification_queue import VerificationQueue
    from ui.signing import WindowSigning
    from ui.worksheet_output import WorksheetOutput

#: How often the queue is asked whether anything changed.
POLL_MS = 3000
#: Form fields that are not the dose: who signs comes from the PIN signatures.
NAME_FIELDS = frozenset({"prepared_by", "verified_by"})


class QueueSubmission(QObject):
    def __init__(self, signing: WindowSigning) -> None:
        super().__init__(signing)
        self.signing = signing
        self.window = signing.window
        self.dose_id: int | None = None
        self.submitted: dict[str, Any] | None = None
        self._queue: VerificationQueue | None = None
        self._revision = -1
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self.poll)
        self.destroyed.connect(self.timer.stop)

    def content(self) -> dict[str, Any]:
        """The dose as the nurse sees it, a case (``core.worksheet.case``) as the command
        line submits it: the dose and its documentation, without the names (those are
        the signatures)."""
        from core.worksheet.case import Case

        session = self.window.session
        if session is None:
            return {}
        names = dict.fromkeys(NAME_FIELDS, "")
        doc = session.documentation.replace(**names)
        return Case(dose=session.dose, documentation=doc).model_dump(mode="json")

    def queue(self) -> VerificationQueue:
        if self._queue is None:
            self._queue = self.window.site.open_queue()
        return self._queue

    def submit(self) -> None:
        """Sign as the preparer and submit (again, if already submitted)."""
        from core.accounts import AccountError
        from core.verification_queue import QueueError

        status = self.window.statusBar()
        session = self.window.session
        if session is None or session.result is None:
            status.showMessage("Not submitted: the dose is not calculated.", 8000)
            return
        try:
            if not self.signing.in_use():
                status.showMessage("Not submitted: this site has no accounts.", 8000)
                return
            dose_id = self._ask_and_submit(self.content())
        except (AccountError, QueueError, SigningRefusedError, ValueError) as error:
            status.showMessage(f"Not submitted: {error}.", 8000)
            return
        self.dose_id, self.submitted = dose_id, self.content()
        self._revision = -1
        self.timer.start()
        blockers = session.blockers()
        more = f"; {len(blockers)} more to do before the chart (under Print)" if blockers else ""
        status.showMessage(f"Dose {dose_id} submitted: pending verification{more}.", 8000)

    def _ask_and_submit(self, content: dict[str, Any]) -> int:
        from core.accounts import SigningError
        from core.verification_queue import QueueError

        session = self.window.session
        assert session is not None and session.result is not None
        queue, doc, code = self.queue(), session.documentation, session.result.code

        def sign(name: str, pin: str) -> int:
            try:
                if self.dose_id is not None:
                    queue.resubmit(self.dose_id, content, prepared_by=name, pin=pin)
                    return self.dose_id
                return queue.submit(
                    content,
                    patient_name=doc.patient_name,
                    mrn=doc.mrn,
                    code=code,
                    prepared_by=name,
                    pin=pin,
                )
            except QueueError as error:
                raise SigningError(str(error)) from None

        typed = self.window.verification.prepared_by.text()
        prompt = "Submit for verification: the preparer's account and PIN."
        dialog = PinDialog(
            self.window.docs.window(), "Submit for verification", prompt, typed, sign
        )
        try:
            dose_id = dialog.signature if self.signing.ask(dialog) else None
        finally:
            dialog.deleteLater()
        if not isinstance(dose_id, int):
            raise SigningRefusedError("nobody signed as the preparer")
        return dose_id

    def poll(self) -> None:
        """Reload when the queue changed; adopt the nurse's verification of exactly the
        dose submitted."""
        from core.accounts import AccountError
        from core.verification_queue import QueueError

        session, binding = self.window.session, self.window.binding
        if self.dose_id is None or session is None or binding is None:
            return
        if not binding.has_input():  # a new form (Ctrl+N): the submitted dose is done here
            self.dose_id, self.submitted = None, None
            self._output().from_queue = None
            self.close()
            return
        try:
            queue = self.queue()
            revision = queue.revision()
            if revision == self._revision:
                return
            self._revision = revision
            dose = queue.get(self.dose_id)
            if dose.state != "verified" or session.verified_at is not None:
                return
            if dose.content != self.content():
                self.window.statusBar().showMessage(
                    f"Dose {dose.id} changed after it was submitted: submit it again.", 8000
                )
                return
            refused = self.signing.adopt(queue.signatures(dose.id))
            if not refused:  # recorded from this form: claimed in the queue then
                self._output().from_queue = dose.id
        except (AccountError, QueueError, ValueError) as error:
            self.window.statusBar().showMessage(f"Verification queue: {error}.", 8000)
            return
        who = dose.verified.full_name if dose.verified else ""
        self.window.statusBar().showMessage(
            refused or f"Dose {dose.id} verified by {who}: ready to print.", 8000
        )

    def _output(self) -> WorksheetOutput:
        output = self.window.worksheet
        assert output is not None
        return output

    def close(self) -> None:
        self.timer.stop()
        if self._queue is not None:
            self._queue.close()
            self._queue = None


def install_queue_submission(signing: WindowSigning) -> QueueSubmission:
    submission = QueueSubmission(signing)
    action = QAction("&Submit for verification…", signing)
    action.setObjectName("submitForVerificationAction")
    action.triggered.connect(submission.submit)
    signing.window.add_tool(action, "&Tools")
    return submission
