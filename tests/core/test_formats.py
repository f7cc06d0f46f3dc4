"""Printed numbers follow ISMP: no trailing zero, a leading zero, separators from 1,000."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core import formats


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("5.0", "5"),
        ("5.00", "5"),
        ("0.5", "0.5"),
        ("0.50", "0.5"),
        ("1500", "1,500"),
        ("28000.0", "28,000"),
        ("999", "999"),
        ("2.4", "2.4"),
        ("0.3333333", "0.333"),
        ("1E+3", "1,000"),
    ],
)
def test_number(value: str, text: str) -> None:
    assert formats.number(Decimal(value)) == text


def test_quantities_and_units() -> None:
    assert formats.quantity(Decimal("5.0"), "mL") == "5 mL"
    assert formats.quantity(Decimal("0.5"), "mL") == "0.5 mL"
    assert formats.units(1) == "1 unit"
    assert formats.units(3) == "3 units"
    assert formats.units(1200) == "1,200 units"


def test_plain_is_for_machines() -> None:
    assert formats.plain(Decimal("2E+1")) == "20"
    assert formats.plain(Decimal("8.00")) == "8"
    assert formats.plain(Decimal("0")) == "0"
