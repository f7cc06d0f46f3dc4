"""Benchmark the worksheet PDF: warm (in process, median of many) and cold (fresh process).

    uv run python bench/bench_worksheet.py [--runs 50]

Warm: the 12 mL example built ``--runs`` times after one warm-up build (fonts parsed,
ReportLab imported); the median is the figure to compare with the 100 ms target.
Cold: one fresh Python process per run that imports the project and builds the first
worksheet, timed from process start to the PDF bytes (interpreter start-up included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the repository root

TARGET_MS = 100

COLD = """
import time
start = time.perf_counter()
from core.worksheet import build_worksheet
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_checks, example_result
build_worksheet(example_result(), DOCUMENTATION, worksheet_id="W-000042", printed_at=PRINTED_AT,
                checks=example_checks())
print((time.perf_counter() - start) * 1000)
"""


def build_once() -> bytes:
    from core.worksheet import build_worksheet
    from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_checks, example_result

    return build_worksheet(
        example_result(),
        DOCUMENTATION,
        worksheet_id="W-000042",
        printed_at=PRINTED_AT,
        checks=example_checks(),
    )


def warm(runs: int) -> list[float]:
    build_once()  # imports, font parsing
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build_once()
        times.append((time.perf_counter() - start) * 1000)
    return times


def cold(runs: int) -> tuple[list[float], list[float]]:
    """(ms from process start to PDF, ms of imports + build measured inside)."""
    total, inside = [], []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD], cwd=ROOT, capture_output=True, text=True, check=True
        )
        total.append((time.perf_counter() - start) * 1000)
        inside.append(float(done.stdout))
    return total, inside


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50, help="warm builds to time")
    parser.add_argument("--cold-runs", type=int, default=5, help="fresh processes to time")
    args = parser.parse_args()

    times = warm(args.runs)
    median = statistics.median(times)
    print(
        f"warm: median {median:.1f} ms over {args.runs} builds "
        f"(min {min(times):.1f}, max {max(times):.1f}); target < {TARGET_MS} ms: "
        + ("met" if median < TARGET_MS else "NOT met")
    )
    total, inside = cold(args.cold_runs)
    print(
        f"cold: first worksheet in a fresh process {statistics.median(total):.0f} ms "
        f"(median of {args.cold_runs}; imports + build alone {statistics.median(inside):.0f} ms)"
    )
    print(f"size: {len(build_once()):,} bytes")


if __name__ == "__main__":
    main()
