"""What an administration should have billed, computed straight from its facts.

The window's path (``dose_input.build_request``, then ``calculate``) builds models,
writes out every step for the worksheet and formats every amount: about 0.7 ms a dose.
The audit needs only the claim lines, for up to a million distinct doses a run, so this
path carries the facts as exact ``Fraction`` amounts and asks ``core.calculation`` for
every billing rule (rounding, labeled units rounded down, where JW and JZ apply, the
claim lines' modifiers) and ``core.vials`` for the vials (fewest of one size, the
least-waste mix of a product's sizes). What it restates for speed is only arithmetic:
taking an amount to the code's measure (mL, mg through the concentration, or units,
which never convert: J0585's 155 units from 100-unit vials need no concentration).
``tests/core/test_audit_engine.py`` holds this path equal to ``calculate`` on random
doses (hypothesis): that test, not this comment, is what keeps the two in step.

One difference on purpose: a mass vial against a mass dose of a mass-billed code needs
no concentration (J1566, a 6 g vial of lyophilized powder, 4.5 g given): mass against
mass is exact without one, where the window converts every amount to mL.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import lru_cache
from typing import NamedTuple

from core.audit.numbers import Amount, distinct_texts
from core.calculation import (
    LineShape,
    claim_shapes,
    labeled_units,
    round_units,
    waste_and_jz,
)
from core.calculation_models import ClaimSetting
from core.catalog import BillingCode, PayerProfile, Product
from core.errors import CalculationError
from core.quantities import MAX_VOLUME_ML, Quantity, Unit
from core.vials import fewest_vials, least_waste_plan

_MAX_VOLUME = int(MAX_VOLUME_ML)


class Refused(ValueError):
    """The engine cannot bill these facts; the message names the field."""


class DoseFacts(NamedTuple):
    """What the lines of one administration share, resolved: compared as values."""

    code: BillingCode
    payer: PayerProfile
    setting: ClaimSetting
    product: Product | None
    #: mg per mL, given or the product's; None when neither says.
    concentration: Fraction | None
    multi_dose: bool
    administered: Amount


#: One vial size as a line gives it, with its count (None: the fewest that hold the dose).
VialsGiven = tuple[Amount, int | None]


class Expectation(NamedTuple):
    """The claim lines the engine bills for one administration."""

    code: str
    payer: str
    multi_dose: bool
    units_administered: int
    units_wasted: int
    jz: bool
    lines: tuple[LineShape, ...]
    #: What one billing unit is (the code's descriptor): a price is per this.
    per: Quantity

    @property
    def billed(self) -> tuple[str, ...]:
        """``("J1410-JZ x 2",)``, as a finding shows them."""
        return tuple(f"{'-'.join((self.code, *mods))} x {units}" for mods, units in self.lines)


#: A non-negative rational as (numerator, denominator) integers: the hot path's arithmetic
#: (a Fraction per operation would cost ten times more; the property test holds the
#: results equal to ``calculate``'s).
Ratio = tuple[int, int]


def _per_unit(code: BillingCode) -> tuple[Ratio, Unit]:
    """One billing unit in the code's measure: mL, mg or units."""
    return _dosage(code.dosage.amount, code.dosage.unit)


@lru_cache(maxsize=64)
def _dosage(amount: Decimal, unit: Unit) -> tuple[Ratio, Unit]:
    value = Quantity(amount=amount, unit=unit).measured
    return (value.numerator, value.denominator), unit.dimension


@lru_cache(maxsize=256)
def _ratio_of(value: Decimal) -> Ratio:
    exact = Fraction(value)
    return exact.numerator, exact.denominator


def _measure_of(code: BillingCode, dose: DoseFacts, vials: tuple[VialsGiven, ...]) -> Unit:
    """The unit every amount is carried in, as ``core.calculation.working_measure``
    chooses it: mL when the code, the dose or a vial is a volume (vials planned from a
    product are mL), else the one dimension they share. Units never convert to mass or
    mL: a dose in units billed per mg (or the reverse) is refused naming the field."""
    _ratio, billed = _per_unit(code)
    given = [("administered", dose.administered.unit)]
    given += [("vial_size", size.unit) for size, _count in vials] or [("vial_size", Unit.ML)]
    dimensions = {billed, *(unit for _, unit in given)}
    if Unit.UNITS in dimensions and len(dimensions) > 1:
        field, unit = next((name, u) for name, u in given if u is not billed)
        raise Refused(
            f"{field}: an amount in {unit.value} cannot be billed under {code.hcpcs} (per "
            f"{code.dosage}): units never convert to mass or mL"
        )
    return Unit.ML if Unit.ML in dimensions else billed


class _Measure:
    """Amounts in the code's measure, through the concentration where they differ."""

    def __init__(
        self, unit: Unit, concentration: Fraction | None, hcpcs: str, volume_involved: bool
    ) -> None:
        self.unit = unit
        self.concentration = concentration
        self.hcpcs = hcpcs
        #: The calculator carries amounts in mL only when one of them (or the code) is a
        #: volume (``core.calculation.working_measure``); its mL limit applies only then.
        self.volume_involved = volume_involved

    def of(self, amount: Amount, field: str) -> Ratio:
        value = amount.value
        return self.ratio(value.numerator, value.denominator, amount.unit, field)

    def ratio(self, n: int, d: int, unit: Unit, field: str) -> Ratio:
        """``n / d`` of ``unit`` (mL, mg or units) in the code's measure."""
        concentration = self.concentration
        mass = unit is Unit.MG
        if concentration is not None:
            cn, cd = concentration.numerator, concentration.denominator
            # The window converts every mass to mL and refuses beyond its limit: so do we.
            if mass and self.volume_involved and n * cd > _MAX_VOLUME * d * cn:
                amount = Amount(Fraction(n, d), unit)
                raise Refused(f"{field}: {amount} at this concentration is more than 10,000 mL")
        if unit is self.unit:
            return n, d
        # Only mass and mL differ here (``_measure_of`` refused units with anything else).
        if concentration is None:
            per = "mass" if self.unit is Unit.MG else "mL"
            amount = Amount(Fraction(n, d), unit)
            raise Refused(
                f"concentration: is needed to bill {amount} under {self.hcpcs} (billed per "
                f"{per}); give it, e.g. 10%"
            )
        return (n * cn, d * cd) if self.unit is Unit.MG else (n * cd, d * cn)


def expect(dose: DoseFacts, vials: tuple[VialsGiven, ...]) -> Expectation:
    """The claim lines for ``dose`` from ``vials`` (empty: planned from the product)."""
    code = dose.code
    (pn, pd), billed = _per_unit(code)
    working = _measure_of(code, dose, vials)
    measure = _Measure(billed, dose.concentration, code.hcpcs, working is Unit.ML)
    an, ad = measure.of(dose.administered, "administered")
    try:
        on, od = _opened(dose, vials, measure, (an, ad))
    except CalculationError as error:
        raise Refused(f"{error.field.replace(' ', '_')}: {error.message}") from None
    if an * od > on * ad:
        given, opened = distinct_texts(
            Amount(Fraction(an, ad), billed), Amount(Fraction(on, od), billed)
        )
        raise Refused(
            f"administered: {given} is more than the {opened} labeled in the vials opened "
            "(overfill is never billed)"
        )
    payer = dose.payer
    # The rules themselves come from core.calculation: one Fraction each.
    units, _how = round_units(Fraction(an * pd, ad * pn), payer.rounding)
    labeled = labeled_units(Fraction(on * pd, od * pn))
    wasted, jz = waste_and_jz(dose.setting, dose.multi_dose, payer, labeled, units)
    return Expectation(
        code=code.hcpcs,
        payer=payer.id,
        multi_dose=dose.multi_dose,
        units_administered=units,
        units_wasted=wasted,
        jz=jz,
        lines=claim_shapes(units, wasted, jz),
        per=code.dosage,
    )


def _opened(
    dose: DoseFacts, vials: tuple[VialsGiven, ...], measure: _Measure, administered: Ratio
) -> Ratio:
    """The labeled amount of the vials opened, in the code's measure."""
    if not vials:
        product = dose.product
        if product is None:
            raise Refused("vial_size: is empty; give the vial size (or the product)")
        ordered_ml = dose.administered.value
        if dose.administered.unit is Unit.MG:
            if dose.concentration is None:  # pragma: no cover - a product has one
                raise Refused("concentration: is needed to plan vials for a mass dose")
            ordered_ml = ordered_ml / dose.concentration
        plan = least_waste_plan(ordered_ml, tuple(size.ml for size in product.vial_sizes))
        on, od = 0, 1
        for use in plan:
            sn, sd = measure.ratio(*_ratio_of(use.size_ml), Unit.ML, "vial_size")
            on, od = on * sd + use.count * sn * od, od * sd
        return on, od
    on, od = 0, 1
    for size, count in vials:
        sn, sd = measure.of(size, "vial_size")
        if count is None:
            count = fewest_vials(Fraction(*administered), Fraction(sn, sd))
        on, od = on * sd + count * sn * od, od * sd
    return on, od
