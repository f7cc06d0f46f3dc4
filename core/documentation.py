"""The documentation fields of a worksheet: who, when, which vials, why, and who checked.

The window fills these in, the worksheet prints them, the records store keeps them.
``missing_for_print`` lists what must be filled in before a worksheet may be printed
for the chart (a draft preview may be made without them).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.errors import InputError
from core.models import CalculationResult
from core.necessity import LabResult, diagnosis_codes, missing_items, parse_lab

ROUTES = ("IV", "SC", "IM")


class VialRecord(BaseModel):
    """One container opened: its labeled size, lot and expiration (and, when its package
    code was scanned, its serial number and 11-digit NDC)."""

    model_config = ConfigDict(frozen=True)

    size_ml: str = ""  # as shown to the user, e.g. "10"
    lot: str = ""
    expiry: date | None = None
    serial: str = ""
    ndc: str = ""  # 11 digits, from the scanned GTIN

    def expired_on(self, day: date, expiring_today_blocks: bool = False) -> bool:
        return is_expired(self.expiry, day, expiring_today_blocks)


def is_expired(expiry: date | None, day: date, expiring_today_blocks: bool = False) -> bool:
    """Expired at ``day``: a vial is good through its expiry date, unless the facility
    treats the expiry day itself as too late."""
    if expiry is None:
        return False
    return expiry <= day if expiring_today_blocks else expiry < day


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
    # Medical necessity (core.necessity): what the payer needs to see why the dose was given.
    indication: str = ""  # the condition in words, e.g. "CVID, recurrent pneumonia"
    labs: tuple[LabResult, ...] = ()
    prior_treatments: tuple[str, ...] = ()
    rationale: str = ""
    weighed_on: date | None = None  # the day the dosing weight was taken
    #: The user's reason for printing despite a warning, by check id (core.denial_checks).
    check_reasons: dict[str, str] = Field(default_factory=dict)

    @field_validator("labs", mode="before")
    @classmethod
    def _labs_as_typed(cls, value: object) -> object:
        """A case file may write a result as typed: ``"IgG trough=450 mg/dL on 2026-11-01"``."""
        if isinstance(value, list | tuple):
            return tuple(parse_lab(v, "labs") if isinstance(v, str) else v for v in value)
        return value


def same_person(a: str, b: str) -> bool:
    """Names or initials compared the way a person would: case and spacing do not count."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def expired_vials(doc: Documentation, expiring_today_blocks: bool = False) -> list[str]:
    """Vials expired at the administration (or expiring that day, if the facility says
    so), each named: an expired vial must not go into a dose."""
    if doc.administered_at is None:
        return []
    day = doc.administered_at.date()
    return [
        f"vial {number} (lot {vial.lot or 'not recorded'}) "
        + (
            "expires on the day of administration"
            if vial.expiry == day
            else f"expired on {vial.expiry}, before the administration"
        )
        for number, vial in enumerate(doc.vials, start=1)
        if vial.expiry is not None and vial.expired_on(day, expiring_today_blocks)
    ]


def missing_for_print(
    doc: Documentation, result: CalculationResult, *, expiring_today_blocks: bool = False
) -> list[str]:
    """What stops the worksheet from going into the chart, in words; empty when complete.

    ``expiring_today_blocks`` is the facility's setting for a vial expiring on the day
    of administration."""
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
    else:
        try:
            diagnosis_codes(doc.diagnosis)
        except InputError as error:
            missing.append(f"diagnosis: {error.message}")
    missing += [
        f"{item} is empty"
        for item in necessity_missing(doc, result)
        if item != "diagnosis (ICD-10)"
    ]
    if doc.route and doc.route not in ROUTES:
        missing.append(f"route must be one of {', '.join(ROUTES)}")
    if doc.verified_by.strip() and same_person(doc.prepared_by, doc.verified_by):
        missing.append("verified by must be a different person from prepared by")
    if doc.verified_at is None:
        missing.append("the dose has not been verified")
    if not doc.vials or any(not v.lot.strip() or v.expiry is None for v in doc.vials):
        missing.append("each vial needs its lot and expiration")
    missing += expired_vials(doc, expiring_today_blocks)
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


def necessity_missing(doc: Documentation, result: CalculationResult) -> list[str]:
    """The medical-necessity items the result's payer requires that are not documented."""
    from core.catalog import default_payers

    payers = default_payers()
    payer = next((p for p in payers.payers if p.id == result.payer), payers.default)
    return missing_items(
        payer.necessity_required,
        diagnosis=doc.diagnosis,
        indication=doc.indication,
        labs=doc.labs,
        prior_treatments=doc.prior_treatments,
        rationale=doc.rationale,
        weight_kg=result.weight_kg,
        weighed_on=doc.weighed_on,
    )
