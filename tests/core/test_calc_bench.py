"""pytest-benchmark of the calculation (`uv run pytest --benchmark-enable -k bench`)."""

from __future__ import annotations

from pytest_benchmark.fixture import BenchmarkFixture

from core.calculation import calculate
from core.dose_input import DoseForm
from tests.shipped import build_request, evaluate

FORM = DoseForm(vial_size="10", dose_ordered="12", administered="12")


def test_bench_calculate(benchmark: BenchmarkFixture) -> None:
    request = build_request(FORM)
    result = benchmark(calculate, request)
    assert result.units_administered == 3


def test_bench_parse_and_calculate(benchmark: BenchmarkFixture) -> None:
    result = benchmark(evaluate, FORM)
    assert result.units_wasted == 1
