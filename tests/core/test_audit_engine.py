"""The audit's engine path bills what ``calculate`` bills (hypothesis, random doses).

``core.audit.engine`` restates the arithmetic that takes amounts to a code's measure (in
integers, for speed) and asks ``core.calculation`` for the rules. This test is what keeps
the two equal: any dose ``calculate`` bills, the engine bills the same lines; any dose it
refuses, the engine refuses. Doses range over mL and mass codes, payers, every claim
setting (JW/JZ apply to some only), multi-dose vials, mass and mL vial sizes, counts given
or derived, and the least-waste mix of several vial sizes.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.audit.engine import DoseFacts, Refused, VialsGiven, expect
from core.audit.numbers import Amount
from core.calculation import calculate
from core.calculation_models import CalculationRequest, ClaimSetting
from core.catalog import BillingCode, Product, VialSize, default_payers
from core.errors import CalculationError
from core.quantities import Concentration, Quantity, Unit

PAYERS = default_payers().payers
# Amounts with up to 2 decimals, as a billing export holds them.
hundredths = st.integers(min_value=1, max_value=40_000).map(lambda n: Decimal(n) / 100)


#: Mass and volume amounts (units and mcg: ``unit_and_microgram_doses`` below).
AUDIT_UNITS = [Unit.ML, Unit.MG, Unit.G]


def _code(mass: bool, per_unit: str, unit: Unit = Unit.MG) -> BillingCode:
    return BillingCode(
        hcpcs="J9999",
        descriptor="generated",
        dosage=Quantity(amount=Decimal(per_unit), unit=unit if mass else Unit.ML),
        source="test",
        cms_verified=False,
    )


def _amount(quantity: Quantity) -> Amount:
    if quantity.unit.is_mass:
        return Amount(Fraction(quantity.mg), Unit.MG)
    return Amount(Fraction(quantity.amount), quantity.unit)


@st.composite
def doses(draw: st.DrawFn) -> tuple[CalculationRequest, DoseFacts, tuple[VialsGiven, ...]]:
    mass_code = draw(st.booleans())
    per_unit = draw(
        st.sampled_from(
            ["0.1", "1", "2.5", "10", "100", "500"] if mass_code else ["0.1", "0.5", "1", "5"]
        )
    )
    # Descriptors in mcg and g as well as mg (a code per 1 mcg, per 1 g).
    code = _code(mass_code, per_unit, draw(st.sampled_from([Unit.MG, Unit.MG, Unit.MCG, Unit.G])))
    concentration = Concentration(
        mg_per_ml=Decimal(draw(st.sampled_from(["50", "100", "200", "0.5", "1"])))
    )
    planned = draw(st.booleans())
    product = None
    vial_size = None
    count = None
    if planned:
        sizes = draw(
            st.lists(
                st.sampled_from([1, 2, 5, 10, 20, 25, 50, 100, 200]),
                min_size=1,
                max_size=4,
                unique=True,
            )
        )
        product = Product(
            name="Generated 10%",
            hcpcs="J9999",
            concentration=concentration,
            route="IV",
            multi_dose=False,
            vial_sizes=tuple(VialSize(ml=Decimal(s)) for s in sizes),
        )
        opened_guess = Decimal(max(sizes) * 3)
    else:
        vial_size = Quantity(amount=draw(hundredths), unit=draw(st.sampled_from(AUDIT_UNITS)))
        count = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=12)))
        in_ml = (
            vial_size.amount
            if vial_size.unit is Unit.ML
            else vial_size.mg / concentration.mg_per_ml
        )
        opened_guess = in_ml * (count or 3)
    # Mostly within the vials opened, sometimes over (refused as overfill by both).
    fraction = draw(st.integers(min_value=1, max_value=1100)) / Decimal(1000)
    ml = max(Decimal("0.01"), (opened_guess * fraction).quantize(Decimal("0.01")))
    administered_unit = draw(st.sampled_from(AUDIT_UNITS))
    if administered_unit is Unit.ML:
        administered = Quantity(amount=ml, unit=Unit.ML)
    else:
        mg = (ml * concentration.mg_per_ml).quantize(Decimal("0.01"))
        administered = Quantity(amount=max(mg, Decimal("0.01")), unit=Unit.MG)
    payer = draw(st.sampled_from(PAYERS))
    setting = draw(st.sampled_from(list(ClaimSetting)))
    multi_dose = draw(st.booleans())
    request = CalculationRequest(
        code=code,
        payer=payer,
        product=product,
        concentration=concentration,
        multi_dose=multi_dose,
        vial_size=vial_size,
        vials_opened=count,
        dose_ordered=administered,
        administered=administered,
        setting=setting,
    )
    facts = DoseFacts(
        code=code,
        payer=payer,
        setting=setting,
        product=product,
        concentration=Fraction(concentration.mg_per_ml),
        multi_dose=multi_dose,
        administered=_amount(administered),
    )
    vials: tuple[VialsGiven, ...] = () if vial_size is None else ((_amount(vial_size), count),)
    return request, facts, vials


@settings(max_examples=250, deadline=None)
@given(dose=doses())
def test_the_engine_path_bills_what_calculate_bills(
    dose: tuple[CalculationRequest, DoseFacts, tuple[VialsGiven, ...]],
) -> None:
    request, facts, vials = dose
    try:
        result = calculate(request)
    except CalculationError:
        with pytest.raises(Refused):
            expect(facts, vials)
        return
    expected = expect(facts, vials)
    assert expected.lines == tuple((line.modifiers, line.units) for line in result.claim_lines)
    assert (expected.units_administered, expected.units_wasted, expected.jz) == (
        result.units_administered,
        result.units_wasted,
        result.jz,
    )
    if request.product is not None:
        # The planned mix given back as explicit vials (several sizes on several lines)
        # bills the same.
        explicit = tuple(
            (Amount(Fraction(use.size_ml), Unit.ML), use.count) for use in result.vials_by_size
        )
        assert expect(facts, explicit).lines == expected.lines


@settings(max_examples=200, deadline=None)
@given(
    per_unit=st.sampled_from(["1", "10", "100", "500"]),
    vial_g=st.integers(min_value=1, max_value=20),
    count=st.integers(min_value=1, max_value=6),
    given_tenths=st.integers(min_value=1, max_value=1200),
    concentration=st.sampled_from(["50", "100", "200"]),
    payer=st.sampled_from(PAYERS),
)
def test_mass_against_mass_needs_no_concentration(
    per_unit: str, vial_g: int, count: int, given_tenths: int, concentration: str, payer: object
) -> None:
    """Without a concentration the engine bills what calculate bills with any one."""
    code = _code(True, per_unit)
    administered = Quantity(amount=Decimal(given_tenths) / 10, unit=Unit.G)
    vial = Quantity(amount=Decimal(vial_g), unit=Unit.G)
    request = CalculationRequest(
        code=code,
        payer=payer,  # type: ignore[arg-type]
        concentration=Concentration(mg_per_ml=Decimal(concentration)),
        vial_size=vial,
        vials_opened=count,
        dose_ordered=administered,
        administered=administered,
    )
    facts = DoseFacts(
        code=code,
        payer=payer,  # type: ignore[arg-type]
        setting=ClaimSetting.OUTPATIENT,
        product=None,
        concentration=None,
        multi_dose=False,
        administered=_amount(administered),
    )
    vials = ((_amount(vial), count),)
    try:
        result = calculate(request)
    except CalculationError:
        with pytest.raises(Refused):
            expect(facts, vials)
        return
    assert expect(facts, vials).lines == tuple(
        (line.modifiers, line.units) for line in result.claim_lines
    )


def test_j1566_six_gram_vial_four_and_a_half_grams_given() -> None:
    """The issue's repro: 4.5 g from a 6 g lyophilized vial, per 500 mg: 9 units, 3 JW."""
    from core.catalog import default_catalog

    facts = DoseFacts(
        code=default_catalog().code("J1566"),
        payer=default_payers().default,
        setting=ClaimSetting.OUTPATIENT,
        product=None,
        concentration=None,
        multi_dose=False,
        administered=Amount(Fraction(4500), Unit.MG),
    )
    expected = expect(facts, ((Amount(Fraction(6000), Unit.MG), 1),))
    assert expected.lines == (((), 9), (("JW",), 3))
    # The same vial billed per mL needs a concentration, and says so.
    per_ml = facts._replace(code=default_catalog().code("J1410"))
    with pytest.raises(Refused, match="concentration: is needed"):
        expect(per_ml, ((Amount(Fraction(6000), Unit.MG), 1),))


def test_micrograms_and_units_are_read_and_units_never_become_ml() -> None:
    from core.audit.numbers import read_amount

    assert read_amount("500 mcg", "administered") == read_amount("0.5 mg", "administered")
    assert read_amount("155 units", "x") == read_amount("155 IU", "x") == read_amount("155U", "x")
    assert read_amount("155 units", "x") == Amount(Fraction(155), Unit.UNITS)
    facts = DoseFacts(
        code=_code(True, "1000", Unit.UNITS),
        payer=PAYERS[0],
        setting=ClaimSetting.OUTPATIENT,
        product=None,
        concentration=None,
        multi_dose=False,
        administered=Amount(Fraction(5), Unit.ML),
    )
    with pytest.raises(Refused, match="administered: an amount in mL cannot be billed under"):
        expect(facts, ((Amount(Fraction(10), Unit.ML), 1),))
    # 2,500 units from a 5,000-unit vial billed per 1,000 units: 3 units (rounded up),
    # 5 labeled, 2 JW; no concentration is needed.
    in_units = facts._replace(administered=Amount(Fraction(2500), Unit.UNITS))
    vial = ((Amount(Fraction(5000), Unit.UNITS), 1),)
    assert expect(in_units, vial).lines == (((), 3), (("JW",), 2))


#: Activity and microgram codes as the CMS files bill them (J0585 per 1 unit, a factor
#: per 1,000 IU, J2796 per 10 mcg), with vial sizes in the same measure.
UNIT_CODES = [("1", Unit.UNITS), ("10", Unit.UNITS), ("1000", Unit.UNITS)]
MICROGRAM_CODES = [("10", Unit.MCG), ("1", Unit.MCG), ("250", Unit.MCG)]


@st.composite
def unit_and_microgram_doses(
    draw: st.DrawFn,
) -> tuple[CalculationRequest, DoseFacts, tuple[VialsGiven, ...]]:
    """J0585 (units) and J2796 (mcg) shaped doses: vial sizes and amounts in the code's
    unit (mcg codes also in mg), sometimes one amount in another dimension (both refuse),
    sometimes vials planned from a product labeled in mL (units: both refuse)."""
    per_unit, unit = draw(st.sampled_from(UNIT_CODES + MICROGRAM_CODES))
    code = _code(True, per_unit, unit)
    amounts = [Unit.UNITS] if unit is Unit.UNITS else [Unit.MCG, Unit.MCG, Unit.MG]
    concentration = Concentration(mg_per_ml=Decimal(draw(st.sampled_from(["0.5", "1", "50"]))))
    product = vial_size = count = None
    if draw(st.integers(0, 9)) == 0:
        product = Product(
            name="Generated",
            hcpcs="J9999",
            concentration=concentration,
            route="IV",
            multi_dose=False,
            vial_sizes=(VialSize(ml=Decimal(1)), VialSize(ml=Decimal(5))),
        )
        opened = Decimal(10)
    else:
        vial_size = Quantity(
            amount=Decimal(draw(st.sampled_from([1, 10, 100, 125, 200, 250, 500, 1000]))),
            unit=draw(st.sampled_from(amounts)),
        )
        count = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=8)))
        opened = vial_size.amount * (count or 2)
    fraction = draw(st.integers(min_value=1, max_value=1100)) / Decimal(1000)
    amount = max(Decimal("0.01"), (opened * fraction).quantize(Decimal("0.01")))
    administered = Quantity(amount=amount, unit=vial_size.unit if vial_size else amounts[0])
    if draw(st.integers(0, 9)) == 0:  # a dose in another dimension than the code's
        administered = Quantity(amount=amount, unit=Unit.MG if unit is Unit.UNITS else Unit.ML)
    payer = draw(st.sampled_from(PAYERS))
    setting = draw(st.sampled_from(list(ClaimSetting)))
    multi_dose = draw(st.booleans())
    request = CalculationRequest(
        code=code,
        payer=payer,
        product=product,
        concentration=concentration,
        multi_dose=multi_dose,
        vial_size=vial_size,
        vials_opened=count,
        dose_ordered=administered,
        administered=administered,
        setting=setting,
    )
    facts = DoseFacts(
        code=code,
        payer=payer,
        setting=setting,
        product=product,
        concentration=Fraction(concentration.mg_per_ml),
        multi_dose=multi_dose,
        administered=_amount(administered),
    )
    vials: tuple[VialsGiven, ...] = () if vial_size is None else ((_amount(vial_size), count),)
    return request, facts, vials


@settings(max_examples=300, deadline=None)
@given(dose=unit_and_microgram_doses())
def test_units_and_micrograms_bill_what_calculate_bills(
    dose: tuple[CalculationRequest, DoseFacts, tuple[VialsGiven, ...]],
) -> None:
    request, facts, vials = dose
    try:
        result = calculate(request)
    except CalculationError:
        with pytest.raises(Refused):
            expect(facts, vials)
        return
    expected = expect(facts, vials)
    assert expected.lines == tuple((line.modifiers, line.units) for line in result.claim_lines)
    assert (expected.units_administered, expected.units_wasted, expected.jz) == (
        result.units_administered,
        result.units_wasted,
        result.jz,
    )
