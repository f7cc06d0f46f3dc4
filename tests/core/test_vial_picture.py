"""The vial picture: given, wasted, ticks and JW units, exactly."""

from __future__ import annotations

from fractions import Fraction

from core.dose_input import DoseForm
from core.vial_picture import vial_bars
from tests.shipped import evaluate


def bars(**fields: str):  # type: ignore[no-untyped-def]
    return vial_bars(evaluate(DoseForm(**fields)))


def test_the_twelve_ml_example() -> None:
    first, second = bars(vial_size="10", dose_ordered="12 mL", administered="12 mL")
    assert first.given == 1 and first.ticks == (Fraction(1, 2),) and first.jw is None
    assert second.given == Fraction(1, 5)
    assert second.ticks == (Fraction(1, 2),)
    assert second.jw == (Fraction(1, 2), Fraction(1))  # 15 to 20 mL: the JW unit
    assert not second.kept


def test_no_waste_no_jw() -> None:
    (only,) = bars(vial_size="10", dose_ordered="10 mL", administered="10 mL")
    assert only.given == 1 and only.jw is None


def test_multi_dose_keeps_the_rest() -> None:
    (only,) = bars(vial_size="10", dose_ordered="7 mL", administered="7 mL", multi_dose="true")
    assert only.kept and only.jw is None and only.given == Fraction(7, 10)
