"""Strict parsing of what users type: accepted forms, and refusals that name the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InputError
from core.quantities import (
    Unit,
    WeightBasedDose,
    parse_concentration,
    parse_count,
    parse_dose,
    parse_quantity,
    parse_weight,
)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("12", "12", Unit.ML),
        ("12.5", "12.5", Unit.ML),
        ("0.5", "0.5", Unit.ML),
        ("12 mL", "12", Unit.ML),
        ("12ml", "12", Unit.ML),
        ("1.5 g", "1.5", Unit.G),
        ("500 mg", "500", Unit.MG),
        ("  7 mL ", "7", Unit.ML),
    ],
)
def test_accepted_amounts(text: str, amount: str, unit: Unit) -> None:
    quantity = parse_quantity(text, "vial size")
    assert (quantity.amount, quantity.unit) == (Decimal(amount), unit)
    assert isinstance(quantity.amount, Decimal)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("nan", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        ("Infinity", "not a number"),
        ("-5", "cannot be negative"),
        ("0", "greater than zero"),
        (".5", "leading zero: 0.5"),
        ("1e3", "not a number"),
        ("1,5", "comma"),
        ("12 cc", "write mL, not cc"),
        ("12 L", "not understood"),
        ("12 mL mL", "not an amount"),
        ("99999", "more than 10,000 mL"),
        ("3000 g", "more than 2,000 g"),
        ("1.23456", "decimal places"),
        ("\uff11\uff12", "not a number"),  # full-width digits
    ],
)
def test_refused_amounts_name_the_field(text: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_quantity(text, "vial size")
    assert raised.value.field == "vial size"
    assert words in raised.value.message
    assert str(raised.value).startswith("vial size: ")


def test_dose_per_kg() -> None:
    dose = parse_dose("0.4 g/kg", "dose ordered")
    assert isinstance(dose, WeightBasedDose)
    assert dose.per_kg.mg == Decimal(400)
    assert str(dose) == "0.4 g/kg"
    with pytest.raises(InputError, match="more than 10 g/kg"):
        parse_dose("20 g/kg", "dose ordered")
    with pytest.raises(InputError, match="is a rate"):
        parse_dose("5 mL/h", "dose ordered")


@pytest.mark.parametrize(
    ("text", "mg_per_ml"),
    [("10%", "100"), ("5 %", "50"), ("20%", "200"), ("100 mg/mL", "100"), ("0.1 g/mL", "100")],
)
def test_concentrations(text: str, mg_per_ml: str) -> None:
    assert parse_concentration(text).mg_per_ml == Decimal(mg_per_ml)


@pytest.mark.parametrize("text", ["10", "abc%", "150%", "-10%", "10 mg"])
def test_refused_concentrations(text: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_concentration(text)
    assert raised.value.field == "concentration"


def test_weight_and_count() -> None:
    assert parse_weight("70") == parse_weight("70 kg") == Decimal(70)
    for bad in ("0", "700", "70 lb", ""):
        with pytest.raises(InputError):
            parse_weight(bad)
    assert parse_count("3", "vials opened") == 3
    for bad in ("0", "1.5", "-1", "101", "three", ""):
        with pytest.raises(InputError) as raised:
            parse_count(bad, "vials opened")
        assert raised.value.field == "vials opened"
