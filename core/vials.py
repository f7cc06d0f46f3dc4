"""Which vials to open: the fewest of one size, or the least-waste mix of a product's.

Medicare contractors expect the smallest vials that cover the dose with the least
waste (for 300 mg use 3 x 100 mg, not 1 x 400 mg); waste from a needlessly large
vial is a denial risk.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache, reduce
from math import ceil, gcd

from core import formats
from core.calculation_models import VialUse
from core.errors import CalculationError
from core.quantities import MAX_VIALS

#: The planner works in whole steps of the sizes' common divisor (1 mL for the
#: catalog's sizes); beyond this many steps a catalog's sizes are too fine to plan.
#: The worst case takes about half a second (bench/ and the issue 8 report).
MAX_PLAN_STEPS = 200_000


def _too_many(count: int, field: str) -> CalculationError:
    return CalculationError(
        field, f"needs {count:,} vials, more than {MAX_VIALS}; check the amounts"
    )


def fewest_vials(dose_ml: Decimal | Fraction, size_ml: Decimal | Fraction) -> int:
    """The fewest vials of one size that hold the dose (at least one), exactly.

    Raises ``CalculationError`` beyond ``MAX_VIALS``, the cap on a typed count.
    """
    count = max(1, ceil(Fraction(dose_ml) / Fraction(size_ml)))
    if count > MAX_VIALS:
        raise _too_many(count, "vial size")
    return count


def least_waste_plan(
    dose_ml: Decimal | Fraction, sizes_ml: tuple[Decimal, ...]
) -> tuple[VialUse, ...]:
    """The mix of at most ``MAX_VIALS`` vials covering the dose with the least
    labeled total, then the fewest vials.

    Raises ``CalculationError`` when even the largest size needs more than
    ``MAX_VIALS`` vials, or the sizes are too fine to plan in ``MAX_PLAN_STEPS``.
    """
    sizes = _normal(sizes_ml)
    scale, step, _ = _steps(sizes)
    # The plan depends on the dose only through the whole steps it needs: distinct doses
    # (the audit's million) share a few hundred plans in a bounded cache.
    return _plan(ceil(Fraction(dose_ml) * scale / step), sizes)


@lru_cache(maxsize=256)
def _normal(sizes_ml: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(sorted({s.normalize() for s in sizes_ml}))


@cache
def _steps(sizes_ml: tuple[Decimal, ...]) -> tuple[int, int, tuple[int, ...]]:
    """(scale, step, sizes in steps): whole steps of the sizes' common divisor."""
    places = max(-int(s.as_tuple().exponent) for s in sizes_ml)
    scale = 10 ** max(places, 0)
    sizes = [int(s * scale) for s in sizes_ml]
    step = reduce(gcd, sizes)
    return scale, step, tuple(s // step for s in sizes)


@lru_cache(maxsize=4096)
def _plan(target: int, sizes_ml: tuple[Decimal, ...]) -> tuple[VialUse, ...]:
    # Work in whole steps of the sizes' common divisor, so the search is exact integers.
    scale, step, steps = _steps(sizes_ml)
    sizes = list(steps)
    # Even all of the largest size would be too many: refuse before any table is made.
    if ceil(Fraction(target, sizes[-1])) > MAX_VIALS:
        raise _too_many(ceil(Fraction(target, sizes[-1])), "dose ordered")
    limit = target + max(sizes)
    if limit > MAX_PLAN_STEPS:
        listed = ", ".join(formats.number(s) for s in sizes_ml)
        raise CalculationError(
            "vial size",
            f"the sizes {listed} mL are too fine to plan a mix for this dose; enter the vial size",
        )
    # fewest[t] = fewest vials whose sizes sum to exactly t; last[t] = size used last.
    unreachable = max(limit, MAX_VIALS) + 1  # more than any count that may be chosen
    fewest = [0] + [unreachable] * limit
    last = [0] * (limit + 1)
    for total in range(1, limit + 1):
        for size in sizes:  # ascending, so ties keep the larger size (checked last)
            if size <= total and fewest[total - size] + 1 <= fewest[total]:
                fewest[total] = fewest[total - size] + 1
                last[total] = size
    # The least total that some mix of at most MAX_VIALS vials makes; the largest
    # size alone always does (checked above), so there is one.
    best = next(t for t in range(max(target, 1), limit + 1) if fewest[t] <= MAX_VIALS)
    counts: dict[int, int] = {}
    while best:
        counts[last[best]] = counts.get(last[best], 0) + 1
        best -= last[best]
    return tuple(
        VialUse(size_ml=Decimal(size * step) / scale, count=count)
        for size, count in sorted(counts.items(), reverse=True)
    )
