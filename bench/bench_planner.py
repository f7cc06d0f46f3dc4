"""The vial planner at its bound, as a ratio to a typical plan measured in the same run.

The planner works in whole steps of the sizes' common divisor and refuses beyond
``MAX_PLAN_STEPS`` steps or ``MAX_VIALS`` vials (issue 8), so its worst case is
bounded whatever a catalog holds.

uv run python bench/bench_planner.py
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.vials import MAX_PLAN_STEPS, _plan, least_waste_plan

D = Decimal


def seconds(dose: Decimal, sizes: tuple[Decimal, ...], rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        _plan.cache_clear()
        start = time.perf_counter()
        least_waste_plan(dose, sizes)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    typical = seconds(D(280), tuple(D(s) for s in (10, 25, 50, 100, 200, 300)))
    largest = MAX_PLAN_STEPS // 101
    worst_sizes = (D(1), *(D(s) for s in range(largest - 18, largest + 1)))
    worst = seconds(D(largest * 99), worst_sizes)
    print(f"typical plan (28 g of Gammagard sizes): {typical * 1000:8.2f} ms")
    print(
        f"worst plan within {MAX_PLAN_STEPS:,} steps, 20 sizes: {worst * 1000:8.1f} ms "
        f"({worst / typical:,.0f} × typical)"
    )


if __name__ == "__main__":
    main()
