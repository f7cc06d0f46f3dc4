"""pytest-benchmark of the worksheet PDF (`uv run pytest --benchmark-enable -k bench`).

With the default --benchmark-disable it runs once, as a plain test.
"""

from __future__ import annotations

from pytest_benchmark.fixture import BenchmarkFixture

from core.worksheet import build_worksheet
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result


def test_bench_build_worksheet(benchmark: BenchmarkFixture) -> None:
    result = example_result()
    pdf = benchmark(
        build_worksheet, result, DOCUMENTATION, worksheet_id="W-000042", printed_at=PRINTED_AT
    )
    assert pdf.startswith(b"%PDF-")
