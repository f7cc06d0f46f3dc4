"""The README's DFT and FHIR Bundle of the 12 mL example: valid by the libraries, and the
DFT exactly what unitcalc builds today (a stale README fails here)."""

from __future__ import annotations

import json
import re
import sys

from fhir.resources.R4B.bundle import Bundle
from hl7apy.consts import VALIDATION_LEVEL
from hl7apy.parser import parse_message

from core.charges.facts import charge_facts
from core.charges.hl7 import dft_p03
from tests.cli_run import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def block(starts: str) -> str:
    match = re.search(r"```(?:json)?\n(" + re.escape(starts) + r".*?)\n```", README, re.S)
    assert match is not None, f"no block starting {starts!r} in the README"
    return match.group(1)


def test_the_readme_dft_is_valid_2_5_1_and_current() -> None:
    shown = block("MSH|").replace("\n", "\r")
    parse_message(shown, validation_level=VALIDATION_LEVEL.STRICT).validate()
    sys.path.insert(0, str(ROOT / "docs"))
    try:
        from make_charges_example import example_record
    finally:
        sys.path.remove(str(ROOT / "docs"))
    assert shown == dft_p03(charge_facts(example_record()))


def test_the_readme_bundle_is_valid_r4b() -> None:
    bundle = json.loads(block('{\n  "resourceType": "Bundle"'))
    Bundle.model_validate(bundle)
    charges = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "ChargeItem"
    ]
    assert [c["quantity"]["value"] for c in charges] == [3, 1]


def test_ft1_21_is_empty_because_no_ordering_prescriber_is_recorded() -> None:
    """FT1-21 (ordered by) stays empty while the documentation has no prescriber to put
    there, and the README says so; a prescriber field added later fails here until it
    fills FT1-21."""
    from core.documentation import Documentation

    ordering = [
        name
        for name in Documentation.model_fields
        if any(word in name for word in ("prescrib", "order", "physician", "provider"))
    ]
    assert ordering == []
    ft1 = [line for line in block("MSH|").split("\n") if line.startswith("FT1|")]
    assert ft1 and all(line.split("|")[21] == "" for line in ft1)
    said = " ".join(README.split())
    assert (
        "FT1-21 (ordered by) is left empty because a worksheet records no ordering prescriber"
        in said
    )
