"""core.values: the engine's frozen value classes behave as the pydantic models they replace."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal as D

import pytest

from core.calculation_models import ClaimLine
from core.catalog import Product, VialSize
from core.ndc import parse_ndc
from core.quantities import Quantity, Unit
from core.values import ValueProblem


def test_a_value_cannot_be_changed_and_a_changed_copy_is_checked_again() -> None:
    vial = VialSize(ml=D(10))
    with pytest.raises(dataclasses.FrozenInstanceError):
        vial.ml = D(20)  # type: ignore[misc]
    assert vial.replace(ml=D(20)).ml == D(20)
    with pytest.raises(ValueError, match="ml: Input should be greater than 0"):
        vial.replace(ml=D(0))
    with pytest.raises(TypeError, match="unexpected keyword argument 'litres'"):
        VialSize(ml=D(10), litres=D(1))  # type: ignore[call-arg]


def test_values_are_equal_and_hash_alike_by_their_fields() -> None:
    five = Quantity(amount=D(5), unit=Unit.ML)
    assert five == Quantity(amount=D("5.0"), unit=Unit.ML)
    assert hash(five) == hash(Quantity(amount=D("5.0"), unit=Unit.ML))
    assert five != Quantity(amount=D(5), unit=Unit.MG)
    assert {five: "x"}[Quantity(amount=D(5), unit=Unit.ML)] == "x"
    assert repr(five) == "Quantity(amount=Decimal('5'), unit=<Unit.ML: 'mL'>)"


def test_json_dumps_keep_the_shapes_records_hold() -> None:
    line = ClaimLine(
        hcpcs="J1459",
        modifiers=("JW",),
        units=4,
        ndc_quantity_ml=D("2E+1"),
        payment=D("12.50"),
    )
    assert line.model_dump(mode="json") == {
        "hcpcs": "J1459",
        "modifiers": ["JW"],
        "units": 4,
        "ndc": None,
        "ndc_quantity_ml": "20",  # plain notation, never 2E+1
        "ndc_segment": None,
        "payment_per_unit": None,
        "payment": "12.5",
    }
    assert line.model_dump()["modifiers"] == ("JW",)
    assert line.model_dump()["ndc_quantity_ml"] == D(20)
    text = VialSize(ml=D(10), ndc=parse_ndc("0944-2700-02")).model_dump_json()
    assert text == '{"ml":"10","ndc":{"segments":["0944","2700","02"]}}'
    assert Quantity(amount=D(5), unit=Unit.ML).model_dump(mode="json") == {
        "amount": "5",
        "unit": "mL",
    }
    assert json.loads(text)["ml"] == "10"


@pytest.mark.parametrize(
    ("data", "where", "words"),
    [
        ({"ml": "ten"}, "ml", "Input should be a valid decimal"),
        ({"ml": "NaN"}, "ml", "Input should be a finite number"),
        ({"ml": "0"}, "ml", "Input should be greater than 0"),
        ({}, "ml", "Field required"),
        ({"ml": "10", "size": "10"}, "size", "Extra inputs are not permitted"),
        ({"ml": "10", "ndc": "12"}, "ndc", "Value error, catalog NDC: '12' is not an NDC"),
        ({"ml": "10", "ndc": {"segments": "x"}}, "ndc.segments", "Input should be a valid tuple"),
        ([], "top level", "Input should be a valid dictionary or instance of VialSize"),
    ],
)
def test_reading_json_names_where_and_what(data: object, where: str, words: str) -> None:
    with pytest.raises(ValueProblem) as raised:
        VialSize.model_validate(data)
    assert str(raised.value).startswith(f"{where}: {words}")


def test_reading_json_converts_text_and_numbers_as_pydantic_did() -> None:
    assert VialSize.model_validate({"ml": 50.0}).ml == D("50.0")
    assert VialSize.model_validate({"ml": " 50 "}).ml == D(50)
    read = VialSize.model_validate({"ml": "50", "ndc": "0944-2700-02"})
    assert read.ndc == parse_ndc("0944-2700-02")
    assert Quantity.model_validate({"amount": "5", "unit": "mg"}).unit is Unit.MG
    with pytest.raises(ValueProblem, match="unit: Input should be 'mL', 'mg' or 'g'"):
        Quantity.model_validate({"amount": "5", "unit": "grams"})


def test_an_old_key_is_read_as_todays_name_but_not_beside_it() -> None:
    product = {"name": "P", "hcpcs": "J1459", "concentration": "10%", "route": "IV"}
    sizes = [{"ml": "50"}]
    old = Product.model_validate({**product, "multi_dose": False, "containers": sizes})
    assert [v.ml for v in old.vial_sizes] == [D(50)]
    with pytest.raises(ValueProblem, match="containers: Extra inputs are not permitted"):
        Product.model_validate(
            {**product, "multi_dose": False, "containers": sizes, "vial_sizes": sizes}
        )
