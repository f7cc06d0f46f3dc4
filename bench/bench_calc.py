"""Median time of one calculation, from typed text to result (what a keystroke costs).

uv run python bench/bench_calc.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.calculation import calculate
from core.catalog import default_catalog, default_payers
from core.dose_input import DoseForm, build_request, evaluate

CASES = {
    "12 mL J1410": DoseForm(vial_size="10", dose_ordered="12", administered="12"),
    "28 g IVIG, planned vials": DoseForm(
        code="J1459",
        product="Privigen",
        dose_ordered="0.4 g/kg",
        weight="70",
        administered="280",
        ndc="0002-7597-01",
    ),
}


def median_us(action: object, rounds: int = 5000) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        action()  # type: ignore[operator]
        samples.append(time.perf_counter_ns() - start)
    return statistics.median(samples) / 1000


CATALOG, PAYERS = default_catalog(), default_payers()


def main() -> None:
    for name, form in CASES.items():
        request = build_request(form, CATALOG, PAYERS)
        engine = median_us(lambda request=request: calculate(request))
        whole = median_us(lambda form=form: evaluate(form, CATALOG, PAYERS))
        print(f"{name:28} calculate {engine:7.1f} µs   parse+calculate {whole:7.1f} µs")


if __name__ == "__main__":
    main()
