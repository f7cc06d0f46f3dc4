"""What must be on the worksheet before it may go into the chart."""

from __future__ import annotations

from datetime import date

import pytest

from core.documentation import VialRecord, same_person
from core.dose_input import DoseForm
from core.worksheet.example import DOCUMENTATION
from tests.core.blocker_cases import blocker_messages
from tests.shipped import evaluate

RESULT = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12"))  # 1 JW unit
NO_WASTE = evaluate(DoseForm(vial_size="10", dose_ordered="10", administered="10"))
COMPLETE = DOCUMENTATION  # the shipped example: a worksheet ready for the chart


def test_a_complete_worksheet_has_nothing_missing() -> None:
    assert blocker_messages(COMPLETE, RESULT) == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"patient_name": " "}, "patient name is empty"),
        ({"mrn": ""}, "MRN is empty"),
        ({"date_of_birth": None}, "date of birth is empty"),
        ({"administered_at": None}, "administration is empty"),
        ({"diagnosis": ""}, "diagnosis (ICD-10) is empty"),
        ({"route": "PO"}, "route must be one of IV, SC, IM"),
        ({"verified_by": "j. kim,  PHARMD"}, "different person"),
        ({"verified_at": None}, "has not been verified"),
        ({"vials": ()}, "lot and expiry"),
        ({"vials": (VialRecord(size_ml="10", lot="", expiry=date(2027, 1, 1)),)}, "lot"),
        ({"waste_reason": ""}, "waste reason is empty"),
        ({"waste_witness": ""}, "waste witness is empty"),
    ],
)
def test_each_missing_item_is_named(change: dict[str, object], words: str) -> None:
    problems = blocker_messages(COMPLETE.replace(**change), RESULT)
    assert any(words in problem for problem in problems), problems


def test_waste_documentation_is_required_only_when_drug_is_discarded() -> None:
    doc = COMPLETE.replace(waste_reason="", waste_witness="")
    assert blocker_messages(doc, NO_WASTE) == []
    multi_dose = evaluate(
        DoseForm(vial_size="10", dose_ordered="12", administered="12", multi_dose=True)
    )
    assert blocker_messages(doc, multi_dose) == []  # the remainder stays in the vial


def test_a_discard_below_one_unit_still_needs_its_reason() -> None:
    # 9 mL from a 10 mL vial: 2 units, JZ, but 1 mL is discarded.
    small = evaluate(DoseForm(vial_size="10", dose_ordered="9", administered="9"))
    assert small.jz and small.waste_ml == 1
    doc = COMPLETE.replace(waste_reason="", waste_witness="")
    assert blocker_messages(doc, small) == [
        "waste reason is empty (discarded drug must be documented)"
    ]


def test_a_dose_that_differs_from_the_order_needs_a_reason() -> None:
    less = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="11"))
    assert any("differs from the order" in p for p in blocker_messages(COMPLETE, less))
    explained = COMPLETE.replace(difference_reason="infusion stopped: rigors")
    assert blocker_messages(explained, less) == []


def test_same_person_ignores_case_and_spacing() -> None:
    assert same_person("J. Kim", "  j.  KIM ")
    assert not same_person("J. Kim", "J. Kimball")
