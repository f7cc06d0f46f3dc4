"""The billing audit run off the GUI thread for ``ui.audit_dialog`` (through
``ui.background.BackgroundWork``): the window stays responsive and the audit can be
cancelled between rows."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.audit import AuditCancelled, AuditReport, audit_file
from core.audit.output import money
from core.errors import InputError
from core.reference import CrosswalkSource, PricingSource
from core.work import Cancelled, CancelToken
from ui.background import Shared

if TYPE_CHECKING:
    from core.catalog import Catalog, PayerList


@dataclass(frozen=True)
class Audit:
    """What the audit is given: the export, its column mapping, and the prices and
    crosswalk it reads (the CMS store, made to be read from another thread)."""

    path: Path
    mapping: tuple[tuple[str, str], ...]
    pricing: Shared[PricingSource]
    crosswalk: Shared[CrosswalkSource]
    #: The site's catalog and payers (frozen models, only read).
    catalog: Shared[Catalog]
    payers: Shared[PayerList]


def run_audit(asked: Audit, token: CancelToken) -> AuditReport:  # on the worker thread
    """``audit_file`` reporting its rows through ``token``; ``Cancelled`` when cancelled."""
    try:
        return audit_file(
            asked.path,
            dict(asked.mapping),
            asked.pricing.value,
            asked.crosswalk.value,
            progress=token.report,
            cancelled=lambda: token.cancelled,
            catalog=asked.catalog.value,
            payers=asked.payers.value,
        )
    except AuditCancelled:
        raise Cancelled from None
    except InputError:
        raise
    except Exception as error:  # shown to the user, never a crash of the window
        raise RuntimeError(f"The audit stopped: {type(error).__name__}: {error}") from None


def audit_summary(report: AuditReport) -> str:
    dollars = (
        f"recoverable ${money(report.recoverable)}, at risk ${money(report.at_risk)}"
        if report.priced
        else "no pricing imported: dollars are not known"
    )
    return (
        f"{report.rows:,} rows, {report.administrations:,} administrations, "
        f"{report.skipped:,} {'row' if report.skipped == 1 else 'rows'} skipped, "
        f"{report.incomplete:,} incomplete; "
        f"{report.total_findings:,} findings; {dollars}."
    )
