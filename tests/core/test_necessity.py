"""Medical necessity: ICD-10 format, supporting results, covered diagnoses, payer items."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.catalog import CoveredDiagnoses, default_catalog, default_payers, load_catalog
from core.dose_input import DoseForm
from core.errors import CatalogError, InputError
from core.icd10 import diagnosis_codes, is_covered, parse_icd10
from core.necessity import parse_lab
from core.values import to_data
from core.worksheet.example import DOCUMENTATION
from tests.core.blocker_cases import blocker_messages
from tests.shipped import evaluate

MEDICARE_RESULT = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12"))
COMMERCIAL_RESULT = evaluate(
    DoseForm(vial_size="10", dose_ordered="12", administered="12", payer="commercial")
)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("D80.1", "D80.1"),
        ("d801", "D80.1"),
        ("G61.81", "G61.81"),
        ("D3A.01", "D3A.01"),
        ("D80", "D80"),
    ],
)
def test_icd10_codes_are_read_in_dotted_form(typed: str, code: str) -> None:
    assert parse_icd10(typed) == code


@pytest.mark.parametrize(
    "typed", ["80.1", "U07.1", "D8", "D80.12345", "D80-1", "x" * 10_000, "D80.1\x00"]
)
def test_malformed_icd10_codes_are_refused_in_one_line(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_icd10(typed)
    assert caught.value.field == "diagnosis"
    assert len(str(caught.value)) < 120


def test_a_diagnosis_field_may_hold_several_codes() -> None:
    assert diagnosis_codes("D80.1, G61.81; d83.9") == ("D80.1", "G61.81", "D83.9")


def test_igg_trough_is_a_number_in_mg_per_dl_with_its_date() -> None:
    lab = parse_lab("IgG trough=450 mg/dL on 2026-11-01")
    assert (lab.name, lab.result, lab.taken_on) == ("IgG trough", "450 mg/dL", date(2026, 11, 1))
    assert str(lab) == "IgG trough 450 mg/dL on 2026-11-01"
    assert parse_lab("IgG trough=1,200 mg/dL on 2026-11-01").result == "1,200 mg/dL"


@pytest.mark.parametrize(
    "typed",
    [
        "IgG trough=4.5 g/L on 2026-11-01",  # IgG must be in mg/dL
        "IgG trough=low on 2026-11-01",
        "IgG trough=450 mg/dL",  # no date
        "IgG trough=450 mg/dL on 2026-13-01",
        "450 mg/dL on 2026-11-01",
        "IgG=450 mg/dL on 2026-11-01\x1b[2J",
        "IgG=" + "9" * 1000 + " mg/dL on 2026-11-01",
    ],
)
def test_bad_lab_entries_are_refused(typed: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_lab(typed)
    assert caught.value.field == "lab"


def test_other_tests_are_free_entries_with_dates() -> None:
    lab = parse_lab("Platelets=12,000 per microliter on 2026-10-30")
    assert (lab.name, lab.result) == ("Platelets", "12,000 per microliter")


def test_covered_ranges_include_subcodes_of_their_ends() -> None:
    entries = ("D80.0-D80.9", "D81", "G61.81")
    assert is_covered("D80.5", entries)
    assert is_covered("D81.89", entries)  # a category covers its subcodes
    assert is_covered("G61.81", entries)
    assert not is_covered("D82.0", entries)
    assert not is_covered("G61.0", entries)


@given(st.sampled_from("DGM"), st.integers(0, 99), st.integers(0, 99))
def test_a_range_covers_exactly_the_codes_between_its_ends(
    letter: str, category: int, sub: int
) -> None:
    code = f"{letter}{category:02d}.{sub}"
    inside = letter == "D" and 80 <= category <= 83
    assert is_covered(code, ("D80.0-D83.99",)) == inside


def test_a_backwards_range_is_refused_in_the_catalog() -> None:
    with pytest.raises(ValueError, match="backwards"):
        CoveredDiagnoses(policy="test", codes=("D83.0-D80.0",))


def test_a_covered_list_in_the_catalog_must_hold_icd10_codes(tmp_path: Path) -> None:
    catalog = to_data(default_catalog())
    catalog["codes"][0]["covered_diagnoses"] = {"policy": "Test LCD", "codes": ["not a code"]}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(catalog), encoding="utf-8")
    with pytest.raises(CatalogError, match="catalog"):
        load_catalog(path)


def test_no_shipped_code_carries_an_unsourced_list() -> None:
    for code in default_catalog().codes:
        covered = code.covered_diagnoses
        assert covered is None or (covered.policy.strip() and covered.codes)


def test_medicare_asks_for_the_diagnosis_and_commercial_for_more() -> None:
    payers = default_payers()
    assert payers.get("medicare").necessity_required == ("diagnosis",)
    assert set(payers.get("commercial").necessity_required) == {
        "diagnosis",
        "indication",
        "labs",
        "prior_treatments",
        "rationale",
        "weight",
    }


def test_commercial_worksheet_names_each_missing_necessity_item() -> None:
    doc = DOCUMENTATION.replace(indication="", labs=(), prior_treatments=(), rationale="")
    missing = blocker_messages(doc, COMMERCIAL_RESULT)
    for name in (
        "indication is empty",
        "supporting results (e.g. IgG trough) is empty",
        "prior treatments is empty",
        "clinical rationale is empty",
        "dosing weight with its date is empty",
    ):
        assert name in missing
    assert not any("indication" in m for m in blocker_messages(doc, MEDICARE_RESULT))


def test_commercial_weight_needs_its_date() -> None:
    result = evaluate(
        DoseForm(
            vial_size="10", dose_ordered="12", administered="12", payer="commercial", weight="70"
        )
    )
    assert result.weight_kg == Decimal(70)
    undated = blocker_messages(DOCUMENTATION, result)
    assert "dosing weight with its date is empty" in undated
    dated = DOCUMENTATION.replace(weighed_on=date(2025, 2, 20))
    assert "dosing weight with its date is empty" not in blocker_messages(dated, result)


def test_a_malformed_diagnosis_blocks_printing() -> None:
    doc = DOCUMENTATION.replace(diagnosis="immunodeficiency")
    assert any(m.startswith("diagnosis: ") for m in blocker_messages(doc, MEDICARE_RESULT))


def test_a_diagnosis_error_never_echoes_control_characters() -> None:
    with pytest.raises(InputError) as caught:
        parse_icd10("\x1b[2J")
    assert "\x1b" not in str(caught.value)
