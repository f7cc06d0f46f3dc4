"""The rules asked with the shipped catalog and payer profiles, as most tests want them.

The program loads them once at start-up (``core.site.Site``) and passes them to every
rule; a test that wants another catalog passes its own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from core import dose_input
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
