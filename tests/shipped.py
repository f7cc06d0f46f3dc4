"""The rules asked with the shipped catalog and payer profiles, as most tests want them.

The program loads them once at start-up (``core.site.Site``) and passes them to every
rule; a test that wants another catalog passes its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from core import dose_input
from core.audit import AuditReport, Sources
from core.audit import audit_file as audit_file_of_site
from core.audit import audit_files as audit_files_of_site
from core.calculation_models import CalculationRequest, CalculationResult
from core.catalog import Catalog, PayerList, default_catalog, default_payers
from core.dose_input import DoseForm
from core.session import DoseSession


def evaluate(
    form: DoseForm, catalog: Catalog | None = None, payers: PayerList | None = None
) -> CalculationResult:
    return dose_input.evaluate(form, catalog or default_catalog(), payers or default_payers())


def build_request(
    form: DoseForm, catalog: Catalog | None = None, payers: PayerList | None = None
) -> CalculationRequest:
    return dose_input.build_request(form, catalog or default_catalog(), payers or default_payers())


def shipped_session(clock: Callable[[], datetime] = datetime.now) -> DoseSession:
    return DoseSession(default_catalog(), default_payers(), clock)


def audit_file(path: Path, mapping: dict[str, str] | None = None, **kw: Any) -> AuditReport:
    """``core.audit.audit_file`` billing by the shipped catalog and payers."""
    kw.setdefault("catalog", default_catalog())
    kw.setdefault("payers", default_payers())
    return audit_file_of_site(path, mapping, **kw)


def audit_files(paths: Sequence[Path], mapping: dict[str, str] | None = None) -> AuditReport:
    return audit_files_of_site(paths, mapping, Sources(default_catalog(), default_payers()))
