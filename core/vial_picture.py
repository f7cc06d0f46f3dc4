"""Each vial opened as a bar: what was given, what was wasted, the unit ticks, the JW units.

The window's result panel and the worksheet draw the same picture from this model, so
what the technician sees is what the chart shows. Positions are exact fractions of a
vial's length (0 at the left, 1 at the right); only the drawing turns them into
pixels or points.

For the 12 mL example (two 10 mL vials, J1410 per 5 mL): the first bar is given in
full, the second up to 2/10 and wasted after; ticks every 5 mL; the JW unit spans
5 to 10 mL of the second vial (3 units given cover 15 mL of the 20 mL opened).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from core.calculation_models import CalculationResult
from core.quantities import Unit

__all__ = ["VialBar", "ml_per_unit", "vial_bars"]


@dataclass(frozen=True)
class VialBar:
    size_ml: Decimal
    #: Given from the left up to here (0 to 1).
    given: Fraction
    #: Unit boundaries inside this vial (0 < tick < 1).
    ticks: tuple[Fraction, ...]
    #: The stretch billed as JW waste in this vial, if any.
    jw: tuple[Fraction, Fraction] | None
    #: What is not given stays in the vial (multi-dose) instead of being wasted.
    kept: bool
    #: The unit of ``size_ml``: the calculation's measure (mL, mg or units).
    unit: str = "mL"

    @property
    def label(self) -> str:
        """The size as printed beside the bar: ``10 mL``, ``100 mg``."""
        return f"{format(self.size_ml.normalize(), 'f')} {self.unit}"


def ml_per_unit(result: CalculationResult) -> Fraction | None:
    """The mL in one billing unit, exactly (``None`` when a mass unit has no
    concentration): 100 mg at 9 % is 10/9 mL. In a result carried in mg or units
    (``measure``), one billing unit's amount in that measure."""
    if result.measure is not Unit.ML:
        return result.dosage.in_unit(result.measure)
    if result.dosage.unit is Unit.ML:
        return Fraction(result.dosage.amount)
    if result.concentration is None:
        return None
    return result.concentration.ml_for(result.dosage)


def vial_bars(result: CalculationResult) -> list[VialBar]:
    """One bar per vial opened, in the order they are used."""
    per_unit = ml_per_unit(result)
    unit = Fraction(per_unit) if per_unit else None
    given_total = Fraction(result.administered_ml)
    jw_start = unit * result.units_administered if unit else None
    jw_end = unit * (result.units_administered + result.units_wasted) if unit else None
    bars: list[VialBar] = []
    start = Fraction(0)  # mL opened before this vial
    for use in result.vials_by_size:
        for _ in range(use.count):
            size = Fraction(use.size_ml)
            end = start + size
            given = min(max(given_total - start, Fraction(0)), size) / size
            ticks: tuple[Fraction, ...] = ()
            if unit:
                first = (start // unit + 1) * unit
                marks: list[Fraction] = []
                mark = first
                while mark < end and len(marks) < 200:  # a drawing needs no more
                    marks.append((mark - start) / size)
                    mark += unit
                ticks = tuple(marks)
            jw = None
            if jw_start is not None and jw_end is not None and result.units_wasted:
                low, high = max(jw_start, start), min(jw_end, end)
                if low < high:
                    jw = ((low - start) / size, (high - start) / size)
            bars.append(
                VialBar(use.size_ml, given, ticks, jw, result.multi_dose, result.measure.value)
            )
            start = end
    return bars
