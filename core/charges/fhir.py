"""The FHIR R4B Bundle of a recorded worksheet: Patient, MedicationAdministration and one
ChargeItem per claim line, validated by fhir.resources' R4B models.

Why ChargeItem and not Claim: a Claim is what a provider sends a payer; a department's
charges go to the hospital's own billing system first, and FHIR's resource for that is
ChargeItem ("to enable the billing process and internal cost allocation"), which is what
EHR charge APIs take (Oracle Health Millennium's ChargeItem API, for one, with the
modifier and the national drug code as extensions). Core R4B ChargeItem has no modifier
element: the modifiers travel in the ``MODIFIER_EXTENSION`` extension, one HCPCS coding
each; the NDC is the product (``productCodeableConcept``), the billing units the quantity.

The Bundle is a ``collection`` with ``urn:uuid`` full URLs made from the worksheet ID,
so exporting a record twice gives the same file. A worksheet since corrected exports its
charges as ``entered-in-error`` (the correction's own export has the charges that stand).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.charges.facts import ChargeFacts, Person

HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
NDC = "http://hl7.org/fhir/sid/ndc"
ICD10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
#: A measure's UCUM code. A drug's "units" (and IU, read as units) are no SI unit: UCUM's
#: annotation ``{unit}`` counts them without claiming one ([U] is an enzyme unit).
UCUM_CODES = {"mL": "mL", "mg": "mg", "g": "g", "mcg": "ug", "units": "{unit}"}
MODIFIER_EXTENSION = "urn:unitcalc:fhir:extension:hcpcs-modifier"
LINE_IDENTIFIER = "urn:unitcalc:charge-line"
WORKSHEET_IDENTIFIER = "urn:unitcalc:worksheet"
_NAMESPACE = uuid.UUID("0b7f6a52-3c1e-4d8a-9a55-6f2c1d0e8b21")


def _urn(*parts: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, '/'.join(parts))}"


def fhir_time(moment: datetime) -> str:
    """A FHIR dateTime with a time needs a UTC offset: a worksheet's local time gets the
    computer's."""
    aware = moment if moment.utcoffset() is not None else moment.astimezone()
    return aware.isoformat(timespec="seconds")


def _actor(person: Person) -> dict[str, Any]:
    actor: dict[str, Any] = {"display": person.name}
    if person.signed:
        actor["identifier"] = {"system": "urn:unitcalc:account", "value": person.account}
    return actor


def _reasons(facts: ChargeFacts) -> list[dict[str, Any]]:
    return [{"coding": [{"system": ICD10_CM, "code": code}]} for code in facts.diagnoses]


def bundle_json(facts: ChargeFacts, *, corrected: bool = False) -> dict[str, Any]:
    """The Bundle as JSON, validated by fhir.resources (raises its ValidationError)."""
    from fhir.resources.R4B.bundle import Bundle

    patient_url = _urn(facts.worksheet_id, "Patient")
    administration_url = _urn(facts.worksheet_id, "MedicationAdministration")
    patient: dict[str, Any] = {
        "resourceType": "Patient",
        "identifier": [
            {
                "type": {
                    "coding": [
                        {"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}
                    ]
                },
                "value": facts.mrn,
            }
        ],
        "name": [{"text": facts.patient_name}],
    }
    if facts.birth_date is not None:
        patient["birthDate"] = facts.birth_date.isoformat()
    ndc = next((line.ndc for line in facts.lines if line.ndc), None)
    medication: dict[str, Any] = {"text": facts.descriptor or facts.code}
    if ndc:
        medication["coding"] = [{"system": NDC, "code": ndc}]
    administration = {
        "resourceType": "MedicationAdministration",
        "identifier": [{"system": WORKSHEET_IDENTIFIER, "value": facts.worksheet_id}],
        "status": "completed",
        "medicationCodeableConcept": medication,
        "subject": {"reference": patient_url},
        "effectiveDateTime": fhir_time(facts.administered_at),
        "performer": [{"actor": _actor(facts.verified_by)}],
        "reasonCode": _reasons(facts),
        "dosage": {
            "route": {"text": facts.route},
            "dose": {
                "value": Decimal(facts.administered_ml),
                "unit": facts.administered_unit,
                "system": UCUM,
                "code": UCUM_CODES[facts.administered_unit],
            },
        },
    }
    entries = [
        {"fullUrl": patient_url, "resource": patient},
        {"fullUrl": administration_url, "resource": administration},
    ]
    for number, line in enumerate(facts.lines, start=1):
        charge: dict[str, Any] = {
            "resourceType": "ChargeItem",
            "identifier": [{"system": LINE_IDENTIFIER, "value": f"{facts.worksheet_id}-{number}"}],
            "status": "entered-in-error" if corrected else "billable",
            "code": {"coding": [{"system": HCPCS, "code": line.hcpcs}]},
            "subject": {"reference": patient_url},
            "occurrenceDateTime": fhir_time(facts.administered_at),
            "performer": [{"actor": _actor(facts.verified_by)}],
            "enterer": _actor(facts.prepared_by),
            "enteredDate": fhir_time(facts.recorded_at),
            "quantity": {"value": line.units},
            "reason": _reasons(facts),
            "service": [{"reference": administration_url}],
        }
        if line.modifiers:
            charge["extension"] = [
                {"url": MODIFIER_EXTENSION, "valueCoding": {"system": HCPCS, "code": modifier}}
                for modifier in line.modifiers
            ]
        if line.ndc:
            charge["productCodeableConcept"] = {"coding": [{"system": NDC, "code": line.ndc}]}
        entries.append(
            {"fullUrl": _urn(facts.worksheet_id, "ChargeItem", str(number)), "resource": charge}
        )
    bundle = {
        "resourceType": "Bundle",
        "identifier": {"system": WORKSHEET_IDENTIFIER, "value": facts.worksheet_id},
        "type": "collection",
        "timestamp": fhir_time(facts.recorded_at),
        "entry": entries,
    }
    validated = Bundle.model_validate(bundle)
    return validated.model_dump(mode="json", exclude_none=True)


def bundle_bytes(facts: ChargeFacts, *, corrected: bool = False) -> bytes:
    """The Bundle as UTF-8 JSON text, indented, ending in a newline."""
    import json

    text = json.dumps(bundle_json(facts, corrected=corrected), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")
