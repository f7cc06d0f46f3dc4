"""The window's worksheet: drafts for the preview, recorded PDFs for print and save.

Connects ``ui.worksheet_actions`` to the dose session. Printing or saving records the
worksheet first (``DoseSession.record``), so the copy in the chart and the copy in the
records are the same bytes; printing the same worksheet again without a change reuses
that record. The suggested file name holds the worksheet ID and date, never a patient
identifier.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QWidget

from core.constants import DRAFT_ID
from ui import settings as prefs
from ui.worksheet_actions import WorksheetActions, WorksheetNotRecordedError

if TYPE_CHECKING:
    from core.accounts import Signature
    from core.calculation_models import CalculationResult
    from core.denial_checks import Check
    from core.documentation import Documentation
    from core.session import DoseSession
    from core.site import Site


class WorksheetOutput(QObject):
    #: A worksheet was recorded (its ID); it is being printed or saved.
    recorded = Signal(str)
    #: Something went wrong after recording that the user must hear about.
    problem = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        session: DoseSession,
        site: Site,
        settings: QSettings,
        form_fields: Callable[[], dict[str, str]],
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.site = site
        self.settings = settings
        self.form_fields = form_fields
        #: The PIN signatures to record (``ui.signing``); raises ``SigningRefusedError``.
        self.signer: Callable[[], dict[str, Signature]] | None = None
        #: The queued dose this form was verified through (``ui.queue_submit``): it is
        #: recorded once, here or on the command line, never twice.
        self.from_queue: int | None = None
        self._signatures: dict[str, Signature] = {}
        self.actions = WorksheetActions(
            parent,
            render=self.render,
            problems=lambda: [b.message for b in session.blockers()],
            file_name=self.file_name,
        )
        self.actions.last_printer = prefs.text_value(settings, prefs.LAST_PRINTER, "")
        self.actions.paper = prefs.paper(settings)
        self.actions.printed.connect(self._remember_printer)

    def file_name(self) -> str:
        worksheet_id = self.session.recorded_id or "new"
        return f"worksheet-{worksheet_id}-{datetime.now():%Y-%m-%d}.pdf"

    def render(self, draft: bool) -> bytes:
        """``draft``: a watermarked preview, not recorded; else the recorded worksheet."""
        from core.worksheet import build_worksheet

        calculated = self.session.result
        if calculated is None:
            raise WorksheetNotRecordedError("The dose is not calculated.")
        facility = prefs.text_value(self.settings, prefs.FACILITY, "")
        printed_at = datetime.now().replace(second=0, microsecond=0)
        paper = self.actions.paper
        doc = self.session.worksheet_documentation(facility)
        result, checks = self._as_billed(calculated, doc)
        if draft:
            return build_worksheet(
                result,
                doc,
                worksheet_id=DRAFT_ID,
                printed_at=printed_at,
                draft=True,
                paper=paper,
                checks=checks,
                blockers=self.session.blockers(),
            )

        def build(worksheet_id: str, replaces: int | None) -> bytes:
            return build_worksheet(
                result,
                self.session.worksheet_documentation(facility),
                worksheet_id=worksheet_id,
                printed_at=printed_at,
                replaces=replaces,
                paper=paper,
                checks=checks,
                signatures=self._signatures,
            )

        return self._record(build, facility, result, doc)

    def _as_billed(
        self, result: CalculationResult, doc: Documentation
    ) -> tuple[CalculationResult, tuple[Check, ...]]:
        """The result as the claim goes out (dollars from the imported CMS files, the
        payer's route modifiers) and the denial-risk check the worksheet prints."""
        from core.claim_review import as_billed

        day = (doc.administered_at or datetime.now()).date()
        return as_billed(result, doc, route=doc.route, site=self.site, service_date=day)

    def _record(
        self,
        build: Callable[[str, int | None], bytes],
        facility: str,
        result: CalculationResult,
        doc: Documentation,
    ) -> bytes:
        from core.accounts import AccountError
        from core.drafts import FormInputs
        from core.errors import InputError
        from core.recording import claimed_for_recording
        from core.records import RecordStoreError
        from core.session import SessionError
        from core.verification_queue import QueueError
        from ui.pin_dialog import SigningRefusedError

        queued = self.from_queue if self.session.recorded_id is None else None
        try:
            self._signatures = self.signer() if self.signer is not None else {}
            form = FormInputs(fields=self.form_fields()).model_dump(mode="json")
            with claimed_for_recording(self.site, queued) if queued else nullcontext():
                worksheet_id, pdf = self.session.record(
                    self.site,
                    build,
                    facility=facility,
                    extra_inputs={"form": form},
                    result=result,
                    signatures=self._signatures,
                )
        except (
            SessionError,
            RecordStoreError,
            InputError,
            OSError,
            SigningRefusedError,
            QueueError,
            AccountError,
        ) as error:
            raise WorksheetNotRecordedError(f"Nothing was printed or saved: {error}") from None
        self.recorded.emit(worksheet_id)
        return pdf

    def _remember_printer(self, _document: str, printer: str) -> None:
        if printer:
            self.settings.setValue(prefs.LAST_PRINTER, printer)
