"""Invariants of the billing rules over generated doses (hypothesis).

The expected numbers come from an independent model written with ``fractions.Fraction``
and integer arithmetic, so a float slipping into the engine shows up as a mismatch.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from hypothesis import given, settings
from hypothesis import strategies as st

from core.calculation import calculate
from core.calculation_models import CalculationRequest, ClaimSetting
from core.catalog import BillingCode, default_payers
from core.quantities import Concentration, Quantity, Unit

PAYERS = default_payers().payers

# Amounts with up to 2 decimals, as typed at a workstation.
hundredths = st.integers(min_value=1, max_value=50_000).map(lambda n: Decimal(n) / 100)


@st.composite
def doses(draw: st.DrawFn) -> CalculationRequest:
    mass_code = draw(st.booleans())
    # Decimal descriptors (0.1, 2.5) are where binary floating point goes wrong.
    per_unit = draw(
        st.sampled_from(
            ["0.1", "1", "2.5", "10", "100", "500"] if mass_code else ["0.1", "0.5", "1", "5"]
        )
    )
    code = BillingCode(
        hcpcs="J9999",
        descriptor="generated",
        dosage=Quantity(amount=Decimal(per_unit), unit=Unit.MG if mass_code else Unit.ML),
        source="test",
        cms_verified=False,
    )
    vial_size = draw(hundredths)
    count = draw(st.integers(min_value=1, max_value=12))
    opened = vial_size * count
    # Half the time a whole number of tenths, where x / 0.1 lands on an integer exactly
    # (1.1 / 0.1 is 11 exactly, but 11.000000000000002 in binary floating point).
    step = draw(
        st.sampled_from([Decimal("0.01"), Decimal("0.1")] if opened >= 1 else [Decimal("0.01")])
    )
    administered = step * draw(st.integers(min_value=1, max_value=int(opened / step)))
    concentration = draw(st.sampled_from(["50", "100", "200", "0.1", "0.3", "1"]))
    return CalculationRequest(
        code=code,
        payer=draw(st.sampled_from(PAYERS)),
        concentration=Concentration(mg_per_ml=Decimal(concentration)),
        multi_dose=draw(st.booleans()),
        vial_size_ml=vial_size,
        vials_opened=count,
        dose_ordered=Quantity(amount=administered, unit=Unit.ML),
        administered=Quantity(amount=administered, unit=Unit.ML),
        setting=draw(st.sampled_from(list(ClaimSetting))),
        prior_authorization="PA-1",
    )


def exact(request: CalculationRequest) -> tuple[int, int]:
    """Units administered and labeled units, with exact rational arithmetic."""
    assert request.vial_size_ml is not None and request.vials_opened is not None
    to_measure = Fraction(1)
    if request.code.dosage.unit is Unit.MG:
        assert request.concentration is not None
        to_measure = Fraction(request.concentration.mg_per_ml)
    per_unit = Fraction(request.code.dosage.amount)
    ratio = Fraction(request.administered.amount) * to_measure / per_unit
    units = ceil(ratio) if request.payer.rounding == "up" else floor(ratio + Fraction(1, 2))
    opened = Fraction(request.vial_size_ml) * request.vials_opened * to_measure
    return max(1, units), floor(opened / per_unit)


@settings(max_examples=600, deadline=None)
@given(doses())
def test_units_match_exact_arithmetic_and_never_fall_below_one(request: CalculationRequest) -> None:
    result = calculate(request)
    units, labeled = exact(request)
    assert result.units_administered == units >= 1
    assert result.labeled_units == labeled


@settings(max_examples=400, deadline=None)
@given(doses())
def test_administered_plus_jw_never_exceeds_the_labeled_amount(request: CalculationRequest) -> None:
    result = calculate(request)
    if result.units_administered <= result.labeled_units:
        assert result.units_administered + result.units_wasted <= result.labeled_units
    else:  # rounding up alone went past the label: then nothing more may be billed
        assert result.units_wasted == 0
    waste_lines = [line for line in result.claim_lines if "JW" in line.modifiers]
    assert sum(line.units for line in waste_lines) == result.units_wasted


@settings(max_examples=400, deadline=None)
@given(doses())
def test_jz_exactly_when_a_single_dose_calculation_has_no_jw_units(
    request: CalculationRequest,
) -> None:
    result = calculate(request)
    modifiers_apply = not request.multi_dose and request.setting is ClaimSetting.OUTPATIENT
    if modifiers_apply and request.payer.jw_required:
        _, labeled = exact(request)
        assert result.units_wasted == max(0, labeled - result.units_administered)
    expect_jz = modifiers_apply and request.payer.jz_required and result.units_wasted == 0
    assert result.jz == expect_jz
    assert ("JZ" in result.claim_lines[0].modifiers) == expect_jz


@settings(max_examples=200, deadline=None)
@given(doses())
def test_multi_dose_vials_have_neither_modifier(request: CalculationRequest) -> None:
    result = calculate(request.replace(multi_dose=True))
    assert all(line.modifiers == () for line in result.claim_lines)
    assert result.units_wasted == 0 and len(result.claim_lines) == 1


@settings(max_examples=200, deadline=None)
@given(doses())
def test_waste_is_the_labeled_amount_less_the_dose_exactly(request: CalculationRequest) -> None:
    result = calculate(request)
    assert isinstance(result.waste_ml, Decimal)
    assert result.waste_ml == result.opened_ml - result.administered_ml >= 0
