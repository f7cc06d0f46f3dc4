"""Descriptors as the CMS pricing file writes them (issue 20)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.cms.descriptor import descriptor_amount
from core.quantities import Quantity, Unit


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("1 MG", "1", Unit.MG),
        ("10MG", "10", Unit.MG),
        ("0.5 MG", "0.5", Unit.MG),
        ("1,000 IU", "1000", Unit.UNITS),
        ("1 UNIT", "1", Unit.UNITS),
        ("PER 10 UNITS", "10", Unit.UNITS),
        ("10 MCG", "10", Unit.MCG),
        ("5 ML", "5", Unit.ML),
        ("500 mg", "500", Unit.MG),
        ("1 GM", "1", Unit.G),
        ("UNIT", "1", Unit.UNITS),
    ],
)
def test_amount_descriptors_are_read(text: str, amount: str, unit: Unit) -> None:
    assert descriptor_amount(text) == Quantity(amount=Decimal(amount), unit=unit)


@pytest.mark.parametrize(
    "text", ["EA", "1 KIT", "", "  ", "1 VIAL", "0 MG", "10 MG/ML", "1,00 MG", "1e3 MG", "-1 MG"]
)
def test_descriptors_that_are_not_amounts_are_none(text: str) -> None:
    assert descriptor_amount(text) is None
