"""Bounded work on accepted input (issue 8, item 3): the planner, derived counts,
concentrations, converted volumes and text lengths all have limits, each refused with
the field named."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core import calculation, formats
from core.catalog import default_catalog, load_catalog
from core.documentation import (
    VialRecord,
    check_documentation_text,
    text_problems,
)
from core.dose_input import DoseForm, DoseInputError
from core.errors import CalculationError, CatalogError, InputError
from core.quantities import parse_concentration, parse_count, parse_quantity
from core.values import to_data
from core.vials import MAX_PLAN_STEPS, least_waste_plan
from core.worksheet import build_worksheet
from core.worksheet.example import DOCUMENTATION
from tests.core.blocker_cases import blocker_messages
from tests.shipped import evaluate

D = Decimal


def form_error(form: DoseForm) -> tuple[str, str]:
    with pytest.raises(DoseInputError) as raised:
        evaluate(form)
    (key, error), *_ = raised.value.errors.items()
    return key, error.message


def test_the_planner_refuses_sizes_too_fine_to_plan_without_building_a_table() -> None:
    with pytest.raises(CalculationError) as raised:
        least_waste_plan(D(9000), (D("0.0001"), D(10_000)))
    assert raised.value.field == "vial size" and "too fine" in raised.value.message


def test_the_planner_refuses_a_plan_of_more_than_100_vials() -> None:
    with pytest.raises(CalculationError, match="needs 200 vials, more than 100"):
        least_waste_plan(D(1000), (D(5),))


def test_the_planner_plans_up_to_its_step_bound() -> None:
    # Sizes of 1 mL steps up to the bound still plan (the worst case the bound allows).
    sizes = (D(1), D(MAX_PLAN_STEPS // 101))
    plan = least_waste_plan(D(MAX_PLAN_STEPS // 101 * 99 + 1), sizes)
    assert sum(c.count for c in plan) <= 100


def test_the_planner_does_not_run_when_the_vial_size_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*_args: object) -> None:
        raise AssertionError("the planner ran for a chosen vial size")

    monkeypatch.setattr(calculation, "least_waste_plan", refuse)
    result = evaluate(
        DoseForm(product="Privigen 10%", vial_size="400", dose_ordered="300", administered="300")
    )
    assert [w.id for w in result.warnings] == ["larger-vial"]
    assert "3 × 100 mL would leave 0 mL" in result.warnings[0].message


def test_the_issue_example_of_a_tiny_concentration_is_refused_by_name() -> None:
    form = DoseForm(
        product="Privigen 10%",
        concentration="0.0001 mg/mL",
        dose_ordered="1 g",
        administered="1 g",
    )
    key, message = form_error(form)
    assert key == "concentration" and "less than 0.01 mg/mL" in message


def test_a_mass_that_converts_to_more_than_10000_ml_is_refused() -> None:
    form = DoseForm(
        product="Privigen 10%", concentration="0.01 mg/mL", dose_ordered="1 g", administered="1 g"
    )
    assert form_error(form) == (
        "dose_ordered",
        "1 g at 0.01 mg/mL is 100,000 mL, more than 10,000 mL; "
        "check the amount and the concentration",
    )


def test_derived_vial_counts_are_capped_like_typed_ones() -> None:
    key, message = form_error(DoseForm(vial_size="0.0001", dose_ordered="10000", administered="1"))
    assert key == "vial_size"
    assert message == "needs 100,000,000 vials, more than 100; check the amounts"
    with pytest.raises(InputError, match="more than 100"):
        parse_count("9" * 10_000, "vials opened")


@pytest.mark.parametrize(
    ("text", "accepted"),
    [("0.0001 mg/mL", False), ("0.009 mg/mL", False), ("0.01 mg/mL", True), ("100%", True)],
)
def test_concentrations_have_a_sane_range(text: str, accepted: bool) -> None:
    if accepted:
        parse_concentration(text)
    else:
        with pytest.raises(InputError, match=r"less than 0\.01 mg/mL"):
            parse_concentration(text)


def test_a_number_of_41_digits_is_refused_not_a_decimal_error() -> None:
    with pytest.raises(InputError, match="far too large"):
        parse_quantity("1" * 41, "dose ordered")
    assert formats.number(D("1" + "0" * 60)).count(",") == 20  # no DivisionImpossible


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("prior_authorization", "P" * 65, "prior authorization: is 65 characters long"),
        ("code", "J" * 101, "code: is 101 characters long; at most 100 fit"),
        ("dose_ordered", "1" * 10_000, "dose ordered: is 10,000 characters long"),
        ("dose_ordered", "12\udcff", "dose ordered: is not valid text"),
        ("product", "Privigen\x1b[2K", "product: contains the control character \\x1b"),
    ],
)
def test_dose_text_fields_have_limits(key: str, value: str, words: str) -> None:
    form = DoseForm(vial_size="10", dose_ordered="12", administered="12").replace(**{key: value})
    with pytest.raises(DoseInputError) as raised:
        evaluate(form)
    assert words in str(raised.value.errors[key])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"patient_name": "A" * 201}, "patient name: is 201 characters long; at most 200 fit"),
        ({"mrn": "9" * 10_000}, "MRN: is 10,000 characters long"),
        ({"notes": "n" * 10_001}, "notes: is 10,001 characters long"),
        ({"patient_name": "Jane\udcffDoe"}, "patient name: is not valid text"),
        ({"patient_name": "Jane \u202eeoD"}, "patient name: contains a hidden text-direction"),
        ({"diagnosis": "D80.1\x00"}, "diagnosis: contains the control character \\x00"),
        ({"mrn": "123\u2028456"}, "MRN: contains the control character \\u2028"),
    ],
)
def test_documentation_text_fields_have_limits(change: dict[str, object], words: str) -> None:
    doc = DOCUMENTATION.replace(**change)
    with pytest.raises(InputError) as raised:
        check_documentation_text(doc)
    assert words in str(raised.value)
    result = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12"))
    assert any(words in problem for problem in blocker_messages(doc, result))


def test_real_names_and_multi_line_notes_are_accepted() -> None:
    doc = DOCUMENTATION.replace(
        patient_name="Nguyễn Thị Minh Khai-O'Brien שרה",
        notes="Mild flushing at 30 min.\nRate halved; resolved.\tNo further events.",
        waste_reason="Rest of single-dose vial\ndiscarded per policy",
    )
    assert text_problems(doc) == []


def test_a_catalog_with_a_zero_dosage_is_one_clear_error(tmp_path: Path) -> None:
    text = json.dumps(to_data(default_catalog()), separators=(",", ":")).replace(
        '"dosage":{"amount":"5","unit":"mL"}', '"dosage":{"amount":"0","unit":"mL"}', 1
    )
    path = tmp_path / "zero.json"
    path.write_text(text)
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    assert "must be greater than zero" in str(raised.value)
    assert "\n" not in str(raised.value)


def test_a_catalog_of_dev_zero_stops_at_the_size_limit() -> None:
    with pytest.raises(CatalogError, match="larger than 1,048,576 bytes"):
        load_catalog(Path("/dev/zero"))


def test_the_least_waste_within_100_vials_is_planned() -> None:
    # The least total (24 × 400 + 799 × 0.5) would take 823 vials; 0.5 mL more is 25.
    plan = least_waste_plan(D("9999.5"), (D("0.5"), D(400)))
    assert [(c.size_ml, c.count) for c in plan] == [(D(400), 25)]


def test_a_draft_of_an_overlong_name_prints_the_reason_not_the_text() -> None:
    doc = DOCUMENTATION.replace(
        patient_name="9" * 10_000, vials=(VialRecord(lot="\x1b[2K", expiry=None),)
    )
    pdf = build_worksheet(
        evaluate(DoseForm(vial_size="10", dose_ordered="10", administered="10")),
        doc,
        worksheet_id="DRAFT",
        printed_at=datetime(2025, 3, 1, 15, 0),
        draft=True,
    )
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages).split())
    assert "[not printed: is 10,000 characters long; at most 200 fit]" in text
    assert "[not printed: contains the control character \\x1b]" in text
    assert "9" * 300 not in text
