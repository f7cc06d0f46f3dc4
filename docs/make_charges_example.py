"""Print the 12 mL example's charges as the README shows them: the HL7 v2.5.1 DFT^P03
(segments one per line here; on the wire each ends with a carriage return) and the FHIR
R4B Bundle, as worksheet W-000042 recorded at 2025-03-01 15:02 UTC, in UTC.

    TZ=UTC uv run python docs/make_charges_example.py hl7|fhir
"""

from __future__ import annotations

import sys
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repository root

from core.charges.facts import charge_facts
from core.charges.fhir import bundle_bytes
from core.charges.hl7 import dft_p03
from core.records import WorksheetRecord
from core.values import to_data
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result


def example_record() -> WorksheetRecord:
    doc = DOCUMENTATION
    return WorksheetRecord(
        id=42,
        created_at=PRINTED_AT.replace(tzinfo=UTC),
        code="J1410",
        mrn=doc.mrn,
        patient_name=doc.patient_name,
        administered_at=doc.administered_at.isoformat() if doc.administered_at else None,
        prepared_by=doc.prepared_by,
        verified_by=doc.verified_by,
        replaces=None,
        replaced_by=None,
        pdf_sha256="",
        inputs={},
        result=to_data(example_result()),
        documentation=doc.model_dump(mode="json"),
        prev_hash="",
        chain_hash="",
    )


def main() -> None:
    facts = charge_facts(example_record())
    if sys.argv[1:] == ["hl7"]:
        print(dft_p03(facts).replace("\r", "\n"))
    elif sys.argv[1:] == ["fhir"]:
        print(bundle_bytes(facts).decode("utf-8"), end="")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
