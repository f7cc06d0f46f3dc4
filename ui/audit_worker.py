"""The billing audit run on a thread of its own, for ``ui.audit_dialog``: the window
stays responsive and the audit can be cancelled between rows."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QThread
from PySide6.QtCore import Signal as _Signal
from PySide6.QtWidgets import QWidget

from core.audit import AuditCancelled, AuditReport, audit_file
from core.audit.output import money
from core.errors import InputError
from core.reference import CrosswalkSource, PricingSource


class AuditWorker(QThread):
    """Runs ``audit_file`` in its own thread; reports progress in percent."""

    progressed = _Signal(int)
    done = _Signal(object)
    failed = _Signal(str)

    def __init__(
        self,
        path: Path,
        mapping: dict[str, str],
        pricing: PricingSource,
        crosswalk: CrosswalkSource,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.path, self.mapping = path, mapping
        self.pricing, self.crosswalk = pricing, crosswalk
        self.stop = threading.Event()

    def _progress(self, done: int, total: int) -> None:
        self.progressed.emit(min(100, done * 100 // max(total, 1)))

    def run(self) -> None:
        try:
            report = audit_file(
                self.path,
                self.mapping,
                self.pricing,
                self.crosswalk,
                progress=self._progress,
                cancelled=self.stop.is_set,
            )
        except AuditCancelled:
            self.failed.emit("Audit cancelled; nothing was changed.")
        except InputError as error:
            self.failed.emit(str(error))
        except Exception as error:  # shown to the user, never a crash of the window
            self.failed.emit(f"The audit stopped: {type(error).__name__}: {error}")
        else:
            self.done.emit(report)


def audit_summary(report: AuditReport) -> str:
    dollars = (
        f"recoverable ${money(report.recoverable)}, at risk ${money(report.at_risk)}"
        if report.priced
        else "no pricing imported: dollars are not known"
    )
    return (
        f"{report.rows:,} rows, {report.administrations:,} administrations, "
        f"{report.skipped:,} {'row' if report.skipped == 1 else 'rows'} skipped; "
        f"{report.total_findings:,} findings; {dollars}."
    )
