"""The window's worksheet: drafts for the preview, recorded PDFs for print and save.

Connects ``ui.worksheet_actions`` to the window. Printing or saving records the
worksheet first (``core.recording``), so the copy in the chart and the copy in the
records are the same bytes. Printing the same worksheet again without a change reuses
that record instead of making a duplicate.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from ui import settings as prefs
from ui.worksheet_actions import WorksheetActions, WorksheetNotRecorded

if TYPE_CHECKING:
    from core.calculation_models import CalculationResult
    from core.documentation import Documentation
    from core.dose_input import DoseForm
    from core.recording import BuildPdf
    from ui.main_window import MainWindow

DRAFT_ID = "DRAFT"


class WorksheetRecorder(QObject):
    def __init__(self, window: MainWindow, data_dir: Path) -> None:
        super().__init__(window)
        self.window = window
        self.data_dir = data_dir
        self._last: tuple[tuple[DoseForm, Documentation], bytes] | None = None
        self.last_worksheet_id: str | None = None
        self.actions = WorksheetActions(
            window,
            render=self.render,
            problems=window.print_problems,
            file_name=self.file_name,
        )
        window.set_print_handler(lambda _window: self.actions.print_worksheet())

    def _inputs(self) -> tuple[DoseForm, Documentation, CalculationResult]:
        result = self.window.result()
        if result is None:
            raise WorksheetNotRecorded("The dose is not calculated.")
        facility = prefs.text_value(self.window.settings, prefs.FACILITY, "")
        doc = self.window.documentation().model_copy(update={"facility": facility})
        reviewed = self.window.checks.refresh(result, doc)[0]  # route modifiers, warnings
        return self.window.dose_form(), doc, reviewed or result

    def file_name(self) -> str:
        mrn = "".join(c for c in self.window.documentation().mrn if c.isalnum())
        return f"worksheet-{mrn or 'dose'}.pdf"

    def render(self, draft: bool) -> bytes:
        """``draft``: a watermarked preview, not recorded; else the recorded worksheet."""
        from core.worksheet import build_worksheet

        dose, doc, result = self._inputs()
        printed_at = datetime.now().replace(second=0, microsecond=0)
        if draft:
            return build_worksheet(
                result,
                doc,
                worksheet_id=DRAFT_ID,
                printed_at=printed_at,
                draft=True,
                checks=self.window.checks.checks,
            )
        if self._last is not None and self._last[0] == (dose, doc):
            return self._last[1]  # the same worksheet again: same record, same bytes

        def build(worksheet_id: str, replaces: int | None) -> bytes:
            return build_worksheet(
                result,
                doc,
                worksheet_id=worksheet_id,
                printed_at=printed_at,
                replaces=replaces,
                checks=self.window.checks.checks,
            )

        return self._record(dose, doc, result, build)

    def _record(
        self, dose: DoseForm, doc: Documentation, result: CalculationResult, build: BuildPdf
    ) -> bytes:
        from core.recording import record_worksheet
        from core.records import RecordStoreError

        try:
            record, pdf = record_worksheet(
                self.data_dir,
                dose,
                doc,
                result,
                build,
                extra_inputs={"form": self.window.draft_fields()},
            )
        except (RecordStoreError, OSError) as error:
            raise WorksheetNotRecorded(f"Nothing was printed or saved: {error}") from None
        self._use_authorization(doc, result, record.worksheet_id)
        self._last = ((dose, doc), pdf)
        self.last_worksheet_id = record.worksheet_id
        self.window.worksheet_recorded(record.worksheet_id)
        return pdf

    def _use_authorization(
        self, doc: Documentation, result: CalculationResult, worksheet_id: str
    ) -> None:
        """Count the recorded worksheet against its prior authorization (issue 12)."""
        from core.claim_review import use_authorization
        from core.errors import InputError

        try:
            use_authorization(self.data_dir, doc, result, worksheet_id)
        except (InputError, OSError) as error:
            self.window.statusBar().showMessage(
                f"Recorded {worksheet_id}; its authorization use was not counted: {error}", 15000
            )
