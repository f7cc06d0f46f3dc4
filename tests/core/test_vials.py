"""Which vials to open: the least labeled total that holds the dose, then fewest."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from core.vials import fewest_vials, least_waste_plan

D = Decimal


def test_medicare_example_three_small_vials_not_one_large() -> None:
    plan = least_waste_plan(D(300), (D(100), D(400)))
    assert [(c.size_ml, c.count) for c in plan] == [(D(100), 3)]


def test_fewest_vials_of_one_size() -> None:
    assert fewest_vials(D(12), D(10)) == 2
    assert fewest_vials(D(10), D(10)) == 1
    assert fewest_vials(D("0.5"), D(10)) == 1


@settings(max_examples=300, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=3, unique=True),
    dose=st.integers(1, 100),  # at most 100 vials of the smallest size 1
)
def test_plan_is_the_least_total_then_the_fewest_vials(sizes: list[int], dose: int) -> None:
    plan = least_waste_plan(D(dose), tuple(D(s) for s in sizes))
    total = sum(c.size_ml * c.count for c in plan)
    count = sum(c.count for c in plan)
    assert total >= dose
    # Brute force over every mix that could matter (no size used beyond the dose + 1).
    best = min(
        (sum(n * s for n, s in zip(counts, sizes, strict=True)), sum(counts))
        for counts in product(*(range(dose // s + 2) for s in sizes))
        if sum(n * s for n, s in zip(counts, sizes, strict=True)) >= dose
    )
    assert (total, count) == best


@settings(max_examples=150, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=2, max_size=2, unique=True),
    dose=st.integers(1, 250),
)
def test_plan_is_the_least_total_within_100_vials(sizes: list[int], dose: int) -> None:
    small, large = sorted(sizes)
    if -(-dose // large) > 100:  # even the largest size alone needs more: refused
        return
    plan = least_waste_plan(D(dose), (D(small), D(large)))
    total = sum(c.size_ml * c.count for c in plan)
    count = sum(c.count for c in plan)
    best = min(
        (a * small + b * large, a + b)
        for b in range(min(100, dose // large + 1) + 1)
        for a in range(min(100 - b, dose // small + 1) + 1)
        if a * small + b * large >= dose
    )
    assert count <= 100
    assert (total, count) == best
