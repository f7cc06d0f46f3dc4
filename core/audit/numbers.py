"""Reading the amounts an export holds: any unambiguous number, exactly as written.

ISMP's rules (``0.5 mL``, never ``.5 mL``) are for what we print; an export is what a
billing system or a spreadsheet wrote, so ``.5 mL``, ``5. mL``, ``10mL``, ``5 cc``,
``75 mcg``, ``155 units``, ``100 IU`` and
spreadsheet leftovers such as ``12.300000000000001 mL`` are read exactly (as the
integers ``numerator / 10**places``, never through a float) and printed our way
(``formats``). Refused: what could mean two things (``1,5 mL``: a decimal comma or a
thousands separator), signs, exponents, NaN, units we do not know, and the same
absurd sizes the calculator refuses (``core.quantities`` limits).
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from core import formats
from core.quantities import (
    MAX_CONCENTRATION_MG_PER_ML,
    MAX_MASS_MG,
    MAX_UNITS,
    MAX_VIALS,
    MAX_VOLUME_ML,
    MAX_WHOLE_DIGITS,
    MIN_CONCENTRATION_MG_PER_ML,
    Quantity,
    Unit,
    unit_named,
)

#: Decimal places read: a spreadsheet's binary leftovers have up to 17 significant digits.
MAX_PLACES = 30
_NUMBER = re.compile(r"(?P<whole>[0-9]*)(?:\.(?P<fraction>[0-9]*))?", re.ASCII)
_AMOUNT = re.compile(r"(?P<number>[0-9.]+)\s*(?P<unit>[A-Za-z]*)", re.ASCII)
_CONCENTRATION = re.compile(r"(?P<number>[0-9.]+)\s*(?P<unit>%|mg/ml|g/ml)", re.ASCII | re.I)
#: Each unit -> (its dimension, the factor to it as numerator, denominator), from
#: ``core.quantities`` (1 g is 1,000 mg, 1 mcg 1/1,000 mg): one set of conversions.
_TO_DIMENSION = {
    unit: (unit.dimension, measured.numerator, measured.denominator)
    for unit in Unit
    for measured in (Quantity(amount=Decimal(1), unit=unit).measured,)
}
#: The calculator's limits per dimension, and how they read.
_LIMITS = {
    Unit.ML: (int(MAX_VOLUME_ML), "10,000 mL"),
    Unit.MG: (int(MAX_MASS_MG), "2,000 g"),
    Unit.UNITS: (int(MAX_UNITS), "10,000,000 units"),
}
_CONCENTRATIONS = (Fraction(MIN_CONCENTRATION_MG_PER_ML), Fraction(MAX_CONCENTRATION_MG_PER_ML))


class Unreadable(ValueError):
    """The text is not an amount; the message names the field."""


class Amount(NamedTuple):
    """An amount read exactly, in its dimension's unit: mL, mg (mcg and g read as mg) or
    units (IU read as units)."""

    value: Fraction
    unit: Unit

    def __str__(self) -> str:
        return formats.quantity(decimal_of(self.value), self.unit.value)


def distinct_texts(first: Amount, second: Amount) -> tuple[str, str]:
    """Two different amounts printed so that they differ: ``12.300000000000001 mL`` is
    more than ``12.3 mL``, never "12.3 mL is more than 12.3 mL"."""
    places = 3
    while True:
        texts = (
            formats.quantity(decimal_of(first.value), first.unit.value, places),
            formats.quantity(decimal_of(second.value), second.unit.value, places),
        )
        if texts[0] != texts[1] or places >= MAX_PLACES:
            return texts
        places += 1


def decimal_of(value: Fraction) -> Decimal:
    """A value read from text (a terminating decimal) as a Decimal, for printing."""
    return Decimal(value.numerator) / Decimal(value.denominator)


def read_number(text: str, field: str) -> Fraction:
    """``12``, ``12.5``, ``.5``, ``5.``, ``12.300000000000001``: exact, non-negative."""
    return Fraction(*_digits(text, field))


def _digits(text: str, field: str) -> tuple[int, int]:
    """The number as (integer, power of ten it is divided by)."""
    match = _NUMBER.fullmatch(text)
    if match is None or not (match["whole"] or match["fraction"]):
        if "," in text:
            raise Unreadable(f"{field}: '{text}' has a comma (a decimal comma or a separator?)")
        raise Unreadable(f"{field}: '{text}' is not a number")
    whole, places = match["whole"], match["fraction"] or ""
    if len(whole.lstrip("0")) > MAX_WHOLE_DIGITS or len(places) > MAX_PLACES:
        raise Unreadable(f"{field}: '{text}' has too many digits for a dose")
    return int(whole + places or "0"), 10 ** len(places)


@lru_cache(maxsize=8192)
def read_amount(text: str, field: str) -> Amount:
    """``12 mL``, ``12mL``, ``.5 mL``, ``1.2 g``, ``1200 mg``, ``75 mcg``, ``155 units``,
    ``1000 IU`` (``mL`` when no unit). The unit words are the calculator's
    (``core.quantities.unit_named``); the spellings ISMP lists for writing (``cc``,
    ``u``) are read as their safe word."""
    match = _AMOUNT.fullmatch(text)
    if match is None:
        if "," in text:
            raise Unreadable(f"{field}: '{text}' has a comma (a decimal comma or a separator?)")
        raise Unreadable(f"{field}: '{text}' is not an amount such as 12 mL or 1.5 g")
    word = match["unit"]
    unit = unit_named(word, error_prone=True) if word else Unit.ML
    if unit is None:
        raise Unreadable(f"{field}: unit '{word}' is not mL, mg, g, mcg or units")
    dimension, factor, divisor = _TO_DIMENSION[unit]
    number, scale = _digits(match["number"], field)
    number *= factor
    scale *= divisor
    if number <= 0:
        raise Unreadable(f"{field}: must be greater than zero")
    value = Fraction(number, scale)
    limit, limit_text = _LIMITS[dimension]
    if number > limit * scale:
        raise Unreadable(f"{field}: {Amount(value, dimension)} is more than {limit_text}")
    return Amount(value, dimension)


@lru_cache(maxsize=1024)
def read_concentration(text: str, field: str = "concentration") -> Fraction:
    """``10%``, ``10 %``, ``100 mg/mL``, ``.1 g/mL`` -> mg per mL."""
    match = _CONCENTRATION.fullmatch(text)
    if match is None:
        raise Unreadable(f"{field}: '{text}' is not a concentration such as 10% or 100 mg/mL")
    value = read_number(match["number"], field)
    unit = match["unit"].lower()
    mg_per_ml = value * (10 if unit == "%" else 1000 if unit == "g/ml" else 1)
    low, high = _CONCENTRATIONS
    if not low <= mg_per_ml <= high:
        raise Unreadable(f"{field}: '{text}' is not between 0.001 % and 100 %")
    return mg_per_ml


def read_count(text: str, field: str = "vials_opened") -> int:
    """A whole number of vials, 1 to ``MAX_VIALS`` (``2``, ``2.0``)."""
    value = read_number(text, field)
    if value.denominator != 1:
        raise Unreadable(f"{field}: '{text}' is not a whole number")
    if not 1 <= value <= MAX_VIALS:
        raise Unreadable(f"{field}: {text} is not between 1 and {MAX_VIALS}")
    return int(value)
