"""The FHIR R4B Bundle of a recorded worksheet, validated by fhir.resources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fhir.resources.R4B.bundle import Bundle

from core.charges.facts import charge_facts
from core.charges.fhir import HCPCS, ICD10_CM, MODIFIER_EXTENSION, NDC, UCUM, bundle_bytes
from tests.core.charges_cases import record_example


def resources(data: bytes) -> dict[str, list[dict[str, Any]]]:
    parsed = json.loads(data)
    Bundle.model_validate(parsed)  # the file itself is a valid R4B Bundle
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in parsed["entry"]:
        found.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return found


def test_the_12_ml_example_as_a_bundle(tmp_path: Path) -> None:
    record = record_example(tmp_path)
    found = resources(bundle_bytes(charge_facts(record)))
    (patient,) = found["Patient"]
    assert patient["identifier"][0]["value"] == "00123456"
    assert patient["name"][0]["text"] == "Nguyễn Thị Zoë"
    assert patient["birthDate"] == "1961-04-02"
    (given,) = found["MedicationAdministration"]
    assert given["medicationCodeableConcept"]["coding"] == [{"system": NDC, "code": "00002759701"}]
    assert given["dosage"]["dose"] == {"value": 12, "unit": "mL", "system": UCUM, "code": "mL"}
    assert given["performer"][0]["actor"]["display"] == "M. Osei, PharmD"
    assert given["effectiveDateTime"].startswith("2025-03-01T14:30:00")
    assert given["reasonCode"][0]["coding"][0] == {"system": ICD10_CM, "code": "D80.1"}
    administered, waste = found["ChargeItem"]
    assert administered["code"]["coding"][0] == {"system": HCPCS, "code": "J1410"}
    assert administered["quantity"]["value"] == 3
    assert "extension" not in administered
    assert waste["quantity"]["value"] == 1
    assert waste["extension"] == [
        {"url": MODIFIER_EXTENSION, "valueCoding": {"system": HCPCS, "code": "JW"}}
    ]
    assert waste["productCodeableConcept"]["coding"][0]["code"] == "00002759701"
    assert {c["status"] for c in (administered, waste)} == {"billable"}


def test_a_signed_verifier_is_the_performer_with_the_account(tmp_path: Path) -> None:
    record = record_example(tmp_path)
    signature = {
        "account_id": 3,
        "name": "mosei",
        "full_name": "Mary Osei",
        "role": "pharmacist",
        "signed_at": "2025-03-01T14:12:00Z",
    }
    signed = record.replace(
        documentation={**record.documentation, "signatures": {"verified_by": signature}}
    )
    found = resources(bundle_bytes(charge_facts(signed)))
    actor = found["MedicationAdministration"][0]["performer"][0]["actor"]
    assert actor["display"] == "Mary Osei"
    assert actor["identifier"]["value"] == "mosei"


def test_a_corrected_worksheet_exports_its_charges_as_entered_in_error(tmp_path: Path) -> None:
    found = resources(bundle_bytes(charge_facts(record_example(tmp_path)), corrected=True))
    assert {c["status"] for c in found["ChargeItem"]} == {"entered-in-error"}


def test_typed_text_stays_text_in_json(tmp_path: Path) -> None:
    name = 'Doe"},{"x":1|^~\\&\u202e'
    record = record_example(tmp_path, patient_name=name)
    found = resources(bundle_bytes(charge_facts(record)))
    assert found["Patient"][0]["name"][0]["text"] == name


def test_a_dose_in_mg_is_given_in_mg(tmp_path: Path) -> None:
    """A mass dose from mass vials (J1566, 4.5 g of a 6 g vial) is recorded in mg: the
    MedicationAdministration says 4,500 mg in UCUM, never 4,500 mL."""
    from core.recording import record_worksheet
    from core.worksheet.example import DOCUMENTATION, DOSE
    from tests.shipped import evaluate
    from tests.sites import site_at

    dose = DOSE.replace(code="J1566", vial_size="6 g", dose_ordered="4.5 g", administered="4.5 g")
    dose = dose.replace(ndc="")
    record, _ = record_worksheet(
        site_at(tmp_path), dose, DOCUMENTATION, evaluate(dose), lambda _id, _r: b"%PDF-1.4"
    )
    (given,) = resources(bundle_bytes(charge_facts(record)))["MedicationAdministration"]
    assert given["dosage"]["dose"] == {"value": 4500, "unit": "mg", "system": UCUM, "code": "mg"}
