"""Numbers as printed on medication documents (ISMP / Joint Commission rules).

No trailing zeros (``5 mL``), always a leading zero (``0.5 mL``), a space between the
number and the unit, ``mL`` never ``cc``, ``units`` spelled out, and thousands
separators from 1,000.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def plain(value: Decimal) -> str:
    """Plain notation without exponent or trailing zeros: ``20``, ``0.5``, ``2.4``.

    For machine output (JSON, CSV); no thousands separators.
    """
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def number(value: Decimal, max_places: int = 3) -> str:
    """A number for people: ``1,500``, ``0.5``, ``2.4``; at most ``max_places`` decimals."""
    quantum = Decimal(1).scaleb(-max_places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP) if value % quantum else value
    text = plain(rounded)
    whole, _, fraction = text.partition(".")
    sign = ""
    if whole.startswith("-"):
        sign, whole = "-", whole[1:]
    grouped = f"{int(whole):,}"
    return f"{sign}{grouped}.{fraction}" if fraction else f"{sign}{grouped}"


def quantity(value: Decimal, unit: str, max_places: int = 3) -> str:
    """``5 mL``, ``1,500 mg``, ``0.4 g/kg``."""
    return f"{number(value, max_places)} {unit}"


def units(count: int) -> str:
    """Billing units spelled out: ``1 unit``, ``3 units``, ``1,200 units``."""
    return f"{count:,} unit" if count == 1 else f"{count:,} units"
