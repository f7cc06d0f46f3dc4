"""Which containers to open: the fewest of one size, or the least-waste mix of a product's.

Medicare contractors expect the smallest containers that cover the dose with the least
waste (for 300 mg use 3 x 100 mg, not 1 x 400 mg); waste from a needlessly large
container is a denial risk.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, Decimal
from functools import cache, reduce
from math import gcd

from core.calculation_models import ContainerUse


def fewest_vials(dose_ml: Decimal, size_ml: Decimal) -> int:
    """The fewest containers of one size that hold the dose (at least one)."""
    return max(1, int((dose_ml / size_ml).to_integral_value(rounding=ROUND_CEILING)))


def least_waste_plan(dose_ml: Decimal, sizes_ml: tuple[Decimal, ...]) -> tuple[ContainerUse, ...]:
    """The mix of sizes covering the dose with the least labeled total, then fewest vials."""
    return _plan(dose_ml.normalize(), tuple(sorted({s.normalize() for s in sizes_ml})))


@cache
def _plan(dose_ml: Decimal, sizes_ml: tuple[Decimal, ...]) -> tuple[ContainerUse, ...]:
    # Work in whole steps of the sizes' common divisor, so the search is exact integers.
    places = max(-int(s.as_tuple().exponent) for s in sizes_ml)
    scale = Decimal(10) ** max(places, 0)
    sizes = [int(s * scale) for s in sizes_ml]
    step = reduce(gcd, sizes)
    sizes = [s // step for s in sizes]
    target = int((dose_ml * scale / step).to_integral_value(rounding=ROUND_CEILING))
    limit = target + max(sizes)
    # fewest[t] = fewest containers whose sizes sum to exactly t; last[t] = size used last.
    fewest = [0] + [limit + 1] * limit
    last = [0] * (limit + 1)
    for total in range(1, limit + 1):
        for size in sizes:  # ascending, so ties keep the larger size (checked last)
            if size <= total and fewest[total - size] + 1 <= fewest[total]:
                fewest[total] = fewest[total - size] + 1
                last[total] = size
    best = next(t for t in range(max(target, 1), limit + 1) if fewest[t] <= limit)
    counts: dict[int, int] = {}
    while best:
        counts[last[best]] = counts.get(last[best], 0) + 1
        best -= last[best]
    return tuple(
        ContainerUse(size_ml=Decimal(size * step) / scale, count=count)
        for size, count in sorted(counts.items(), reverse=True)
    )
