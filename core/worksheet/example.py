"""The worked 12 mL example as a complete case, for tests, the benchmark and the docs.

12 mL of immune globulin from two 10 mL single-dose vials, J1410 billed per 5 mL (as
specified for this project): 3 units administered, 8 mL discarded, 1 unit with JW.
All names are invented.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from core.calculation_models import CalculationResult
from core.documentation import Documentation, VialRecord
from core.dose_input import DoseForm, evaluate
from core.necessity import LabResult

if TYPE_CHECKING:
    from core.denial_checks import Check

PRINTED_AT = datetime(2025, 3, 1, 15, 2)

DOSE = DoseForm(vial_size="10", dose_ordered="12", administered="12", ndc="0002-7597-01")

DOCUMENTATION = Documentation(
    facility="Riverside Infusion Center",
    patient_name="Nguyễn Thị Zoë",
    mrn="00123456",
    date_of_birth=date(1961, 4, 2),
    administered_at=datetime(2025, 3, 1, 14, 30),
    route="IV",
    diagnosis="D80.1",
    prior_authorization="PA-2025-77812",
    ndc="0002-7597-01",
    # Both vials scanned: the package codes gave lot, expiry and serial.
    vials=(
        VialRecord(
            size_ml="10",
            lot="LX2231A",
            expiry=date(2026, 1, 31),
            serial="7HQ2X9K4M1",
            ndc="00002759701",
        ),
        VialRecord(
            size_ml="10",
            lot="LX2231A",
            expiry=date(2026, 1, 31),
            serial="7HQ2X9K4M2",
            ndc="00002759701",
        ),
    ),
    waste_reason="Single-dose vials; the remainder cannot be kept",
    waste_witness="R. Alvarez, RN",
    prepared_by="J. Kim, PharmD",
    prepared_at=datetime(2025, 3, 1, 14, 5),
    verified_by="M. Osei, PharmD",
    verified_at=datetime(2025, 3, 1, 14, 12),
    indication="Common variable immunodeficiency",
    labs=(LabResult(name="IgG trough", result="450 mg/dL", taken_on=date(2025, 2, 15)),),
    prior_treatments=("Azithromycin prophylaxis, 6 months",),
    rationale="Low IgG trough; recurrent pneumonia.",
)


def example_result() -> CalculationResult:
    from core.catalog import default_catalog, default_payers

    return evaluate(DOSE, default_catalog(), default_payers())  # the shipped catalog's example


def example_checks(
    result: CalculationResult | None = None, doc: Documentation = DOCUMENTATION
) -> tuple[Check, ...]:
    """The denial-risk check of the example as a site without records makes it (the
    shipped catalog and payers; no authorization looked up)."""
    from core.catalog import default_catalog, default_payers
    from core.claim_review import check_claim

    result = example_result() if result is None else result
    day = (doc.administered_at or PRINTED_AT).date()
    return check_claim(
        result,
        doc,
        route=doc.route,
        service_date=day,
        catalog=default_catalog(),
        payers=default_payers(),
    )[1]
