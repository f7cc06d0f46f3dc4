"""What a charge message says about one recorded worksheet, read from its record.

The claim lines are the record's own (``result.claim_lines``, as printed on the
worksheet): the billing rules ran once, when the dose was recorded, and are not applied
again here. Both message formats (``hl7``, ``fhir``) read these facts, so they agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from core.calculation_models import ClaimLine
from core.errors import InputError
from core.icd10 import diagnosis_codes
from core.values import read

#: A charge (CG) or the credit (CD) that takes a corrected worksheet's charge back.
Kind = Literal["CG", "CD"]


@dataclass(frozen=True)
class Person:
    """Someone named on the worksheet: the account's login when signed with a PIN."""

    name: str
    account: str = ""

    @property
    def signed(self) -> bool:
        return bool(self.account)


@dataclass(frozen=True)
class ChargeFacts:
    record_id: int
    worksheet_id: str
    replaces: int | None
    facility: str
    mrn: str
    patient_name: str
    birth_date: date | None
    administered_at: datetime
    setting: str
    diagnoses: tuple[str, ...]
    code: str
    descriptor: str
    route: str
    administered_ml: Decimal
    #: The unit ``administered_ml`` is in: the calculation's measure (mL, mg or units).
    administered_unit: str
    lines: tuple[ClaimLine, ...]
    prepared_by: Person
    verified_by: Person
    recorded_at: datetime


def _person(documentation: dict[str, Any], field: str) -> Person:
    signatures = documentation.get("signatures")
    signature = signatures.get(field) if isinstance(signatures, dict) else None
    if isinstance(signature, dict) and isinstance(signature.get("name"), str):
        full_name = signature.get("full_name")
        name = full_name if isinstance(full_name, str) and full_name.strip() else ""
        return Person(name or str(documentation.get(field, "")), signature["name"])
    return Person(str(documentation.get(field, "")))


def charge_facts(record: Any) -> ChargeFacts:
    """The facts of a ``WorksheetRecord``. A record that cannot be charged (no
    administration time, no claim lines, a diagnosis that is not ICD-10) raises
    ``InputError`` naming the field."""
    from pydantic import ValidationError

    from core.documentation import Documentation

    try:
        doc = Documentation.model_validate(
            {k: v for k, v in record.documentation.items() if k != "signatures"}
        )
    except ValidationError as error:  # a record this version cannot read
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(
            "documentation", f"{record.worksheet_id}: {where}: {first['msg']}"
        ) from None
    if doc.administered_at is None:
        raise InputError("administered_at", f"{record.worksheet_id} has no administration time")
    lines = tuple(read(ClaimLine, line) for line in record.result.get("claim_lines", ()))
    if not lines:
        raise InputError("claim lines", f"{record.worksheet_id} has no claim lines to charge")
    return ChargeFacts(
        record_id=record.id,
        worksheet_id=record.worksheet_id,
        replaces=record.replaces,
        facility=doc.facility,
        mrn=doc.mrn,
        patient_name=doc.patient_name,
        birth_date=doc.date_of_birth,
        administered_at=doc.administered_at,
        setting=str(record.result.get("setting", "outpatient")),
        diagnoses=diagnosis_codes(doc.diagnosis),
        code=str(record.result["code"]),
        descriptor=str(record.result.get("descriptor", "")),
        route=doc.route,
        administered_ml=Decimal(str(record.result["administered_ml"])),
        administered_unit=_measure(record.result),
        lines=lines,
        prepared_by=_person(record.documentation, "prepared_by"),
        verified_by=_person(record.documentation, "verified_by"),
        recorded_at=record.created_at,
    )


def _measure(result: Mapping[str, Any]) -> str:
    """The recorded calculation's measure: its vials' unit, left out of their JSON when mL
    (``CalculationResult.measure``)."""
    vials = result.get("vials_by_size") or [{}]
    return str(vials[0].get("unit", "mL"))
