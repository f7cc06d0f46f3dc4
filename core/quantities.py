"""Exact quantities (Decimal with a unit) and strict parsing of what users type.

Volumes are mL; masses mcg, mg or g; activity in units (``IU`` is read as units: the
printed word is always ``units``); concentrations mg/mL (``10 %`` w/v = 100 mg/mL).
The three dimensions never convert into one another except mass and volume through a
concentration: units never become mg. Parsing accepts ``12``, ``12.5``, ``0.5``,
``12 mL``, ``1.5 g``, ``200 mcg``, ``155 units``, ``0.4 g/kg`` and refuses everything
else with a message that names the field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from core import formats
from core.errors import InputError
from core.text import shown
from core.values import Value


class Unit(StrEnum):
    ML = "mL"
    MG = "mg"
    G = "g"
    MCG = "mcg"
    UNITS = "units"

    @property
    def is_mass(self) -> bool:
        return self in _MG_PER

    @property
    def dimension(self) -> Unit:
        """The unit amounts of this one are measured in: mL, mg or units."""
        return Unit.MG if self.is_mass else self


_MG_PER = {Unit.MCG: Decimal("0.001"), Unit.MG: Decimal(1), Unit.G: Decimal(1000)}
ALL_UNITS = (Unit.ML, Unit.MG, Unit.G, Unit.MCG, Unit.UNITS)

# Largest values accepted: beyond these an entry is a typo, not a dose.
MAX_VOLUME_ML = Decimal(10_000)
MAX_MASS_MG = Decimal(2_000_000)  # 2,000 g
MAX_WEIGHT_KG = Decimal(500)
MAX_MG_PER_KG = Decimal(10_000)  # 10 g/kg
#: The largest doses in units (heparin, factor concentrates) are in the hundreds of thousands.
MAX_UNITS = Decimal(10_000_000)
MAX_UNITS_PER_KG = Decimal(100_000)
MAX_CONCENTRATION_MG_PER_ML = Decimal(1000)  # 100 %
#: Below 10 micrograms per mL a typed concentration is a slip (0.0001 mg/mL turned 1 g
#: into ten million mL); the catalog's strengths are 5 % to 20 %.
MIN_CONCENTRATION_MG_PER_ML = Decimal("0.01")
MAX_VIALS = 100
MAX_DECIMAL_PLACES = 4
#: Whole-number digits accepted: every limit above has at most 7 (2,000,000 mg).
MAX_WHOLE_DIGITS = 9


class Quantity(Value, frozen=True, kw_only=True):
    """An amount with its unit. Immutable."""

    amount: Decimal
    unit: Unit

    def __str__(self) -> str:
        if self.unit is Unit.UNITS and self.amount == 1:
            return "1 unit"
        return formats.quantity(self.amount, self.unit.value)

    @property
    def mg(self) -> Decimal:
        """The amount in mg (mass units only)."""
        return self.amount * _MG_PER[self.unit]

    @property
    def measured(self) -> Fraction:
        """The amount exactly in its dimension's unit (``dimension``): mL, mg or units."""
        return Fraction(self.mg if self.unit.is_mass else self.amount)

    def in_unit(self, unit: Unit) -> Fraction:
        """The amount exactly in ``unit`` of the same dimension: 0.125 mg in mcg is 125."""
        if not self.unit.is_mass:
            return Fraction(self.amount)
        return Fraction(self.mg) / Fraction(_MG_PER[unit])


class Concentration(Value, frozen=True, kw_only=True):
    """Strength of a solution in mg per mL."""

    mg_per_ml: Decimal

    def __str__(self) -> str:
        return formats.quantity(self.mg_per_ml, "mg/mL")

    @property
    def percent(self) -> Decimal:
        return self.mg_per_ml / 10

    def ml_for(self, mass: Quantity) -> Fraction:
        """The volume holding ``mass``, exactly (500 mg at 3 % is 50/3 mL, not 16.67)."""
        return Fraction(mass.mg) / Fraction(self.mg_per_ml)

    def mg_in(self, volume_ml: Fraction | Decimal) -> Fraction:
        return Fraction(volume_ml) * Fraction(self.mg_per_ml)


class WeightBasedDose(Value, frozen=True, kw_only=True):
    """A dose written per kg of body weight, e.g. 0.4 g/kg."""

    per_kg: Quantity  # mass per kg

    def __str__(self) -> str:
        return f"{self.per_kg}/kg"


class BsaDose(Value, frozen=True, kw_only=True):
    """A dose written per m² of body surface area, e.g. 375 mg/m²."""

    per_m2: Quantity

    def __str__(self) -> str:
        return f"{self.per_m2}/m²"


#: Body surface areas and heights beyond these are typos (adults 1.5 to 2.5 m²).
MIN_BSA_M2 = Decimal("0.1")
MAX_BSA_M2 = Decimal(5)
MAX_HEIGHT_CM = Decimal(250)
MIN_HEIGHT_CM = Decimal(30)

_NUMBER = r"(?P<number>[0-9]+(?:\.[0-9]+)?)"
_QUANTITY_RE = re.compile(rf"^{_NUMBER}\s*(?P<unit>[a-zA-Z%/]+)?$")
_UNIT_WORDS = {
    "ml": Unit.ML,
    "mg": Unit.MG,
    "g": Unit.G,
    "mcg": Unit.MCG,
    "unit": Unit.UNITS,
    "units": Unit.UNITS,
    "iu": Unit.UNITS,
}
#: Spellings on the ISMP list of error-prone abbreviations: refused with the safe word.
_ERROR_PRONE = {"cc": "mL", "u": "units", "µg": "mcg", "μg": "mcg", "ug": "mcg"}


def parse_number(text: str, field: str) -> Decimal:
    """A plain non-negative decimal; rejects NaN, infinities, exponents, signs, commas."""
    stripped = text.strip()
    if not stripped:
        raise InputError(field, "is empty; enter a number")
    if stripped.startswith("."):
        raise InputError(field, f"write a leading zero: 0{shown(stripped)}")
    if stripped.startswith("-"):
        raise InputError(field, "cannot be negative")
    if "," in stripped:
        raise InputError(
            field, f"'{shown(stripped)}' has a comma; write the number without separators"
        )
    if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", stripped, flags=re.ASCII):
        raise InputError(field, f"'{shown(stripped)}' is not a number")
    if len(stripped.split(".")[0].lstrip("0")) > MAX_WHOLE_DIGITS:
        raise InputError(field, f"'{shown(stripped)}' is far too large for a dose")
    try:
        value = Decimal(stripped)
    except InvalidOperation:  # pragma: no cover - the pattern above already excludes this
        raise InputError(field, f"'{shown(stripped)}' is not a number") from None
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > MAX_DECIMAL_PLACES:
        raise InputError(field, f"has more than {MAX_DECIMAL_PLACES} decimal places")
    return value


def _split(text: str, field: str) -> tuple[str, str]:
    stripped = text.strip()
    if not stripped:
        raise InputError(field, "is empty; enter an amount")
    match = re.fullmatch(
        r"(?P<number>\S*?)\s*(?P<unit>[a-zA-Zµμ%/]+(?:/[a-zA-Z]+[2²]?)?)?", stripped
    )
    if match is None:
        raise InputError(field, f"'{shown(stripped)}' is not an amount such as 12 mL or 1.5 g")
    if not match["number"]:
        raise InputError(field, f"'{shown(stripped)}' is not a number")
    return match["number"], (match["unit"] or "")


def unit_named(word: str, *, error_prone: bool = False) -> Unit | None:
    """The unit a word names (``mL``, ``mg``, ``g``, ``mcg``, ``unit``, ``units``, ``IU``,
    any case), or ``None``. ``error_prone`` also reads the spellings on the ISMP list
    (``cc``, ``u``, ``ug``) as their safe word: for text another system wrote (a billing
    export), never for what a user types here."""
    key = word.lower()
    if error_prone and key in _ERROR_PRONE:
        key = _ERROR_PRONE[key].lower()
    return _UNIT_WORDS.get(key)


def _unit(word: str, field: str, allowed: tuple[Unit, ...]) -> Unit:
    key = word.lower()
    if key in _ERROR_PRONE:
        raise InputError(field, f"write {_ERROR_PRONE[key]}, not {word}")
    unit = _UNIT_WORDS.get(key)
    if unit is None or unit not in allowed:
        names = ", ".join(u.value for u in allowed)
        raise InputError(field, f"unit '{word}' is not understood; use {names}")
    return unit


def _check_positive(value: Decimal, field: str) -> None:
    if value <= 0:
        raise InputError(field, "must be greater than zero")


def _as_typed(quantity: Quantity) -> str:
    """All the places a typed amount may have, so it never reads as the limit it passed."""
    return formats.quantity(quantity.amount, quantity.unit.value, MAX_DECIMAL_PLACES)


def _check_limit(quantity: Quantity, field: str) -> None:
    if quantity.unit is Unit.ML and quantity.amount > MAX_VOLUME_ML:
        limit = formats.quantity(MAX_VOLUME_ML, "mL")
        raise InputError(field, f"{_as_typed(quantity)} is more than {limit}")
    if quantity.unit.is_mass and quantity.mg > MAX_MASS_MG:
        limit = formats.quantity(MAX_MASS_MG / 1000, "g")
        raise InputError(field, f"{_as_typed(quantity)} is more than {limit}")
    if quantity.unit is Unit.UNITS and quantity.amount > MAX_UNITS:
        limit = formats.quantity(MAX_UNITS, "units")
        raise InputError(field, f"{_as_typed(quantity)} is more than {limit}")


def parse_quantity(
    text: str,
    field: str,
    *,
    default: Unit = Unit.ML,
    allowed: tuple[Unit, ...] = ALL_UNITS,
) -> Quantity:
    """``12`` (default unit), ``12 mL``, ``1.5 g``, ``500 mg``, ``200 mcg``, ``155 units``;
    positive and not absurd."""
    number_text, unit_text = _split(text, field)
    if "/" in unit_text:
        raise InputError(field, f"'{shown(text.strip())}' is a rate; enter an amount such as 12 mL")
    value = parse_number(number_text, field)
    unit = _unit(unit_text, field, allowed) if unit_text else default
    _check_positive(value, field)
    quantity = Quantity(amount=value, unit=unit)
    _check_limit(quantity, field)
    return quantity


def parse_dose(text: str, field: str) -> Quantity | WeightBasedDose | BsaDose:
    """A dose ordered: an amount (``12 mL``, ``28 g``), per kg (``0.4 g/kg``) or per m²
    of body surface area (``375 mg/m2``)."""
    number_text, unit_text = _split(text, field)
    for suffix in ("/m2", "/m²"):
        if unit_text.lower().endswith(suffix):
            value = parse_number(number_text, field)
            _check_positive(value, field)
            per_m2 = Quantity(
                amount=value,
                unit=_unit(
                    unit_text[: -len(suffix)], field, (Unit.MCG, Unit.MG, Unit.G, Unit.UNITS)
                ),
            )
            _check_limit(per_m2, field)
            return BsaDose(per_m2=per_m2)
    if unit_text.lower().endswith("/kg"):
        mass_word = unit_text[: -len("/kg")]
        value = parse_number(number_text, field)
        _check_positive(value, field)
        per_kg_units = (Unit.MCG, Unit.MG, Unit.G, Unit.UNITS)
        per_kg = Quantity(amount=value, unit=_unit(mass_word, field, per_kg_units))
        if per_kg.unit.is_mass and per_kg.mg > MAX_MG_PER_KG:
            raise InputError(field, f"{_as_typed(per_kg)}/kg is more than 10 g/kg")
        if per_kg.unit is Unit.UNITS and per_kg.amount > MAX_UNITS_PER_KG:
            limit = formats.quantity(MAX_UNITS_PER_KG, "units")
            raise InputError(field, f"{_as_typed(per_kg)}/kg is more than {limit}/kg")
        return WeightBasedDose(per_kg=per_kg)
    return parse_quantity(text, field)


def _refuse_word(text: str, field: str, unit: str) -> None:
    """A weight, BSA or height ending in a word other than its unit: ``nan``, ``inf``
    and ``abc`` are not numbers (as in every amount field); ``70 lb`` is in another unit."""
    if not any(c.isdigit() for c in text):
        raise InputError(field, f"'{shown(text)}' is not a number; enter it in {unit}")
    raise InputError(field, f"'{shown(text)}' is not in {unit}")


def parse_weight(text: str, field: str = "patient weight") -> Decimal:
    """Body weight in kg (``70`` or ``70 kg``)."""
    stripped = text.strip()
    if stripped.lower().endswith("kg"):
        stripped = stripped[:-2].strip()
    elif stripped and stripped[-1].isalpha():
        _refuse_word(stripped, field, "kg")
    value = parse_number(stripped, field)
    _check_positive(value, field)
    if value > MAX_WEIGHT_KG:
        weight = formats.number(value, MAX_DECIMAL_PLACES)
        raise InputError(field, f"{weight} kg is more than {MAX_WEIGHT_KG} kg")
    return value


def parse_concentration(text: str, field: str = "concentration") -> Concentration:
    """``10%``, ``10 %``, ``100 mg/mL`` or ``0.1 g/mL``."""
    stripped = text.strip()
    match = re.fullmatch(r"(\S+?)\s*(%|mg/ml|g/ml)", stripped, flags=re.IGNORECASE)
    if match is None:
        raise InputError(
            field, f"'{shown(stripped)}' is not a concentration such as 10% or 100 mg/mL"
        )
    value = parse_number(match[1], field)
    _check_positive(value, field)
    suffix = match[2].lower()
    mg_per_ml = value * 10 if suffix == "%" else value * (1000 if suffix == "g/ml" else 1)
    if mg_per_ml > MAX_CONCENTRATION_MG_PER_ML:
        raise InputError(field, f"'{shown(stripped)}' is more than 100 % (1,000 mg/mL)")
    if mg_per_ml < MIN_CONCENTRATION_MG_PER_ML:
        raise InputError(field, f"'{shown(stripped)}' is less than 0.01 mg/mL (0.001 %)")
    return Concentration(mg_per_ml=mg_per_ml)


def parse_count(text: str, field: str) -> int:
    """A whole number of vials, 1 to MAX_VIALS."""
    stripped = text.strip()
    if not stripped:
        raise InputError(field, "is empty; enter a whole number")
    if not stripped.isdigit() or not stripped.isascii():
        raise InputError(field, f"'{shown(stripped)}' is not a whole number")
    if len(stripped.lstrip("0")) > len(str(MAX_VIALS)):
        raise InputError(field, f"'{shown(stripped)}' is more than {MAX_VIALS}")
    value = int(stripped)
    if value < 1:
        raise InputError(field, "must be at least 1")
    if value > MAX_VIALS:
        raise InputError(field, f"{value} is more than {MAX_VIALS}")
    return value


def _parse_measure(text: str, field: str, unit: str, low: Decimal, high: Decimal) -> Decimal:
    stripped = text.strip()
    if stripped.lower().replace("²", "2").endswith(unit):
        stripped = stripped[: -len(unit)].strip()
    elif stripped and stripped[-1].isalpha():
        _refuse_word(stripped, field, unit)
    value = parse_number(stripped, field)
    if not low <= value <= high:
        raise InputError(
            field,
            f"{formats.number(value, MAX_DECIMAL_PLACES)} {unit} is not between {low} and {high}",
        )
    return value


def parse_bsa(text: str, field: str = "body surface area") -> Decimal:
    """Body surface area in m² (``1.9`` or ``1.9 m2``)."""
    return _parse_measure(text, field, "m2", MIN_BSA_M2, MAX_BSA_M2)


def parse_height(text: str, field: str = "patient height") -> Decimal:
    """Height in cm (``170`` or ``170 cm``)."""
    return _parse_measure(text, field, "cm", MIN_HEIGHT_CM, MAX_HEIGHT_CM)
