"""The documentation fields of a worksheet: who, when, which vials, why, and who checked.

The window fills these in, the worksheet prints them, the records store keeps them.
``missing_for_print`` lists what must be filled in before a worksheet may be printed
for the chart (a draft preview may be made without them).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from core.calculation_models import CalculationResult
from core.constants import ROUTES


class VialRecord(BaseModel):
    """One container opened: its labeled size, lot and expiration."""

    model_config = ConfigDict(frozen=True)

    size_ml: str = ""  # as shown to the user, e.g. "10"
    lot: str = ""
    expiry: date | None = None

    def expired_on(self, day: date) -> bool:
        return self.expiry is not None and self.expiry < day


class Documentation(BaseModel):
    """Everything on the worksheet that is not arithmetic. Text is kept exactly as typed."""

    model_config = ConfigDict(frozen=True)

    facility: str = ""
    patient_name: str = ""
    mrn: str = ""
    date_of_birth: date | None = None
    administered_at: datetime | None = None
    route: str = "IV"
    diagnosis: str = ""  # ICD-10 code(s), e.g. "D80.1"
    prior_authorization: str = ""
    ndc: str = ""  # as on the label; the claim form comes from core.ndc
    vials: tuple[VialRecord, ...] = ()
    waste_reason: str = ""
    waste_witness: str = ""
    difference_reason: str = ""  # why administered differs from ordered, or an override
    notes: str = ""  # adverse events, patient-specific notes
    prepared_by: str = ""
    prepared_at: datetime | None = None
    verified_by: str = ""
    verified_at: datetime | None = None
    #: Worksheet this one corrects (records store id), printed as "replaces worksheet N".
    replaces: int | None = Field(default=None, ge=1)


def same_person(a: str, b: str) -> bool:
    """Names or initials compared the way a person would: case and spacing do not count."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def missing_for_print(doc: Documentation, result: CalculationResult) -> list[str]:
    """What stops the worksheet from going into the chart, in words; empty when complete."""
    missing: list[str] = []
    required = {
        "patient name": doc.patient_name,
        "MRN": doc.mrn,
        "route": doc.route,
        "prepared by": doc.prepared_by,
        "verified by": doc.verified_by,
    }
    missing += [f"{name} is empty" for name, value in required.items() if not value.strip()]
    if doc.date_of_birth is None:
        missing.append("date of birth is empty")
    if doc.administered_at is None:
        missing.append("date and time of administration is empty")
    if not doc.diagnosis.strip():
        missing.append("diagnosis (ICD-10) is empty")
    if doc.route and doc.route not in ROUTES:
        missing.append(f"route must be one of {', '.join(ROUTES)}")
    if doc.verified_by.strip() and same_person(doc.prepared_by, doc.verified_by):
        missing.append("verified by must be a different person from prepared by")
    if doc.verified_at is None:
        missing.append("the dose has not been verified")
    if not doc.vials or any(not v.lot.strip() or v.expiry is None for v in doc.vials):
        missing.append("each vial needs its lot and expiration")
    # Any amount discarded from a single-dose container is documented with its reason,
    # billable (JW) or not; a multi-dose remainder stays in the container.
    discarded = result.waste_ml > 0 and not result.multi_dose
    if discarded and not doc.waste_reason.strip():
        missing.append("waste reason is empty (discarded drug must be documented)")
    if result.units_wasted and not doc.waste_witness.strip():
        missing.append("waste witness is empty")
    if any(w.id in {"administered-more", "administered-less"} for w in result.warnings) and (
        not doc.difference_reason.strip()
    ):
        missing.append("reason the amount administered differs from the order is empty")
    if any(w.id == "prior-authorization" for w in result.warnings) and (
        not doc.prior_authorization.strip()
    ):
        missing.append("prior authorization number is empty")
    return missing
