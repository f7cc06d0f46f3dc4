"""The billing rules, checked against the reference's worked examples and edge cases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.calculation import calculate
from core.calculation_models import CalculationRequest, ClaimSetting
from core.catalog import BillingCode, PayerProfile, default_catalog, default_payers
from core.dose_input import DoseForm, DoseInputError
from core.errors import CalculationError
from core.ndc import parse_ndc
from core.quantities import Concentration, Quantity, Unit, parse_dose, parse_quantity
from tests.shipped import evaluate

D = Decimal
MEDICARE = default_payers().get("medicare")
COMMERCIAL = default_payers().get("commercial")


def code_per(amount: str, unit: Unit, hcpcs: str = "J9999") -> BillingCode:
    return BillingCode(
        hcpcs=hcpcs,
        descriptor=f"test drug, per {amount} {unit.value}",
        dosage=Quantity(amount=D(amount), unit=unit),
        source="test",
        cms_verified=False,
    )


def request(**overrides: object) -> CalculationRequest:
    fields: dict[str, object] = {
        "code": default_catalog().default_code,
        "payer": MEDICARE,
        "vial_size_ml": D(10),
        "dose_ordered": parse_dose("12", "dose ordered"),
        "administered": parse_quantity("12", "amount administered"),
    }
    fields.update(overrides)
    return CalculationRequest(**fields)  # type: ignore[arg-type]


def labels(result: object) -> list[str]:
    return [str(line) for line in result.claim_lines]  # type: ignore[attr-defined]


def test_twelve_ml_from_ten_ml_vials_bills_three_units_and_one_jw() -> None:
    result = calculate(request())
    assert result.vials_opened == 2 and result.vials_derived
    assert (result.opened_ml, result.administered_ml, result.waste_ml) == (D(20), D(12), D(8))
    assert (result.units_administered, result.units_wasted) == (3, 1)
    assert labels(result) == ["J1410 x 3 units", "J1410-JW x 1 unit"]
    assert "Units administered: 12 mL / 5 mL = 2.4 -> 3 units (rounded up)" in result.steps
    assert result.warnings == ()


def test_check_305_mg_from_four_100_mg_vials_at_10_mg_units() -> None:
    result = calculate(
        request(
            code=code_per("10", Unit.MG),
            concentration=Concentration(mg_per_ml=D(10)),  # a 100 mg vial holds 10 mL
            vial_size_ml=D(10),
            vials_opened=4,
            dose_ordered=parse_dose("305 mg", "dose ordered"),
            administered=parse_quantity("305 mg", "amount administered"),
        )
    )
    assert (result.units_administered, result.units_wasted, result.labeled_units) == (31, 9, 40)
    assert labels(result) == ["J9999 x 31 units", "J9999-JW x 9 units"]


def test_check_7_mg_from_a_10_mg_vial_has_no_billable_waste_so_jz() -> None:
    result = calculate(
        request(
            code=code_per("10", Unit.MG),
            concentration=Concentration(mg_per_ml=D(10)),
            vial_size_ml=D(1),
            dose_ordered=parse_dose("7 mg", "dose ordered"),
            administered=parse_quantity("7 mg", "amount administered"),
        )
    )
    assert (result.units_administered, result.units_wasted) == (1, 0)
    assert result.jz
    assert labels(result) == ["J9999-JZ x 1 unit"]
    assert result.waste_ml == D("0.3")  # wasted, but less than one unit: not billable


def test_check_95_of_a_100_unit_vial_with_a_1_unit_descriptor() -> None:
    # A per-unit drug: one billing unit per 1 mg here, a 100 mg vial, 95 mg given.
    result = calculate(
        request(
            code=code_per("1", Unit.MG),
            concentration=Concentration(mg_per_ml=D(1)),
            vial_size_ml=D(100),
            dose_ordered=parse_dose("95 mg", "dose ordered"),
            administered=parse_quantity("95 mg", "amount administered"),
        )
    )
    assert (result.units_administered, result.units_wasted) == (95, 5)


def test_28_g_ivig_from_privigen_plans_20_g_plus_10_g_and_bills_56_plus_4_jw() -> None:
    result = evaluate(
        DoseForm(
            code="J1459",
            product="Privigen 10%",
            dose_ordered="0.4 g/kg",
            weight="70",
            administered="280",
        )
    )
    assert [(c.size_ml, c.count) for c in result.vials_by_size] == [(D(200), 1), (D(100), 1)]
    assert result.ordered_ml == D(280)
    assert (result.units_administered, result.units_wasted) == (56, 4)
    assert labels(result) == ["J1459 x 56 units", "J1459-JW x 4 units"]
    assert "Dose ordered: 0.4 g/kg × 70 kg = 28 g" in result.steps
    assert "Units administered: 28,000 mg / 500 mg = 56 -> 56 units (rounded up)" in result.steps


def test_15_ml_of_10_percent_is_exactly_3_units_of_500_mg() -> None:
    # In binary floating point 15 * 0.1 * 1000 / 500 comes out just above 3 and rounds to 4.
    result = evaluate(
        DoseForm(
            code="J1459", concentration="10%", vial_size="15", dose_ordered="15", administered="15"
        )
    )
    assert result.units_administered == 3
    assert result.jz and labels(result) == ["J1459-JZ x 3 units"]


def test_a_dose_below_one_descriptor_bills_one_unit() -> None:
    result = calculate(
        request(
            dose_ordered=parse_dose("0.5", "d"),
            administered=parse_quantity("0.5", "a"),
            vial_size_ml=D("0.5"),
        )
    )
    assert result.units_administered == 1
    assert "Units administered: 0.5 mL / 5 mL = 0.1 -> 1 unit (rounded up)" in result.steps


def test_no_waste_puts_jz_on_the_administered_line() -> None:
    result = calculate(
        request(dose_ordered=parse_dose("10", "d"), administered=parse_quantity("10", "a"))
    )
    assert result.jz and result.units_wasted == 0
    assert labels(result) == ["J1410-JZ x 2 units"]


def test_multi_dose_vial_has_neither_jw_nor_jz_and_waste_is_not_billed() -> None:
    result = calculate(request(multi_dose=True))
    assert result.waste_ml == D(8)
    assert (result.units_wasted, result.jz) == (0, False)
    assert labels(result) == ["J1410 x 3 units"]


@pytest.mark.parametrize(
    "setting", [ClaimSetting.INPATIENT, ClaimSetting.FQHC_RHC, ClaimSetting.PACKAGED]
)
def test_waste_modifiers_do_not_apply_outside_separately_payable_outpatient(
    setting: ClaimSetting,
) -> None:
    result = calculate(request(setting=setting))
    assert labels(result) == ["J1410 x 3 units"]
    no_waste = calculate(
        request(
            setting=setting,
            dose_ordered=parse_dose("10", "d"),
            administered=parse_quantity("10", "a"),
        )
    )
    assert labels(no_waste) == ["J1410 x 2 units"]


def test_commercial_payer_takes_jw_but_not_jz_and_asks_for_prior_authorization() -> None:
    no_waste = calculate(
        request(
            payer=COMMERCIAL,
            dose_ordered=parse_dose("10", "d"),
            administered=parse_quantity("10", "a"),
        )
    )
    assert labels(no_waste) == ["J1410 x 2 units"]
    assert [w.id for w in no_waste.warnings] == ["prior-authorization"]
    with_auth = calculate(request(payer=COMMERCIAL, prior_authorization="PA-123"))
    assert labels(with_auth) == ["J1410 x 3 units", "J1410-JW x 1 unit"]
    assert with_auth.warnings == ()


def test_rounding_is_a_payer_setting() -> None:
    nearest = PayerProfile(
        id="nearest",
        name="Nearest",
        rounding="nearest",
        jw_required=True,
        jz_required=True,
        prior_authorization_required=False,
    )
    assert calculate(request(payer=nearest)).units_administered == 2  # 2.4 -> 2
    tiny = request(
        payer=nearest,
        vial_size_ml=D(1),
        dose_ordered=parse_dose("1", "d"),
        administered=parse_quantity("1", "a"),
    )
    assert calculate(tiny).units_administered == 1  # 0.2 -> 0, but never below 1 unit


def test_administered_more_than_opened_is_an_error_not_a_warning() -> None:
    with pytest.raises(CalculationError) as raised:
        calculate(request(vials_opened=1))
    assert raised.value.field == "amount administered"
    assert "overfill is never billed" in raised.value.message


def test_overfill_drawn_from_a_vial_is_never_billed() -> None:
    with pytest.raises(CalculationError):
        calculate(
            request(
                dose_ordered=parse_dose("10", "d"),
                administered=parse_quantity("10.4", "a"),
                vials_opened=1,
            )
        )


@pytest.mark.parametrize(("given", "word"), [("10", "less"), ("14", "more")])
def test_administered_differing_from_ordered_warns_which_way_and_by_how_much(
    given: str, word: str
) -> None:
    result = calculate(request(administered=parse_quantity(given, "a")))
    (warning,) = result.warnings
    assert warning.id == f"administered-{word}"
    assert f"is 2 mL {word} than the 12 mL ordered" in warning.message


def test_vials_opened_by_hand_beyond_need_warn() -> None:
    result = calculate(request(vials_opened=3))
    assert not result.vials_derived
    assert [w.id for w in result.warnings] == ["extra-vials"]
    assert labels(result) == ["J1410 x 3 units", "J1410-JW x 3 units"]


def test_a_needlessly_large_vial_is_flagged_with_the_smaller_choice() -> None:
    privigen = default_catalog().product("Privigen 10%")
    result = calculate(
        request(
            code=default_catalog().code("J1459"),
            product=privigen,
            concentration=privigen.concentration,
            vial_size_ml=D(400),
            dose_ordered=parse_dose("300", "d"),
            administered=parse_quantity("300", "a"),
        )
    )
    (warning,) = result.warnings
    assert warning.id == "larger-vial"
    assert "3 × 100 mL would leave 0 mL" in warning.message


def test_claim_lines_carry_the_11_digit_ndc_with_n4_and_ml_quantity() -> None:
    result = calculate(request(ndc=parse_ndc("0002-7597-01")))
    assert [line.ndc_segment for line in result.claim_lines] == [
        "N400002759701ML12",
        "N400002759701ML8",
    ]


def test_mass_code_without_concentration_names_the_concentration_field() -> None:
    with pytest.raises(DoseInputError) as raised:
        evaluate(DoseForm(code="J1459", vial_size="10", dose_ordered="12", administered="12"))
    assert list(raised.value.errors) == ["concentration"]


def test_dose_per_kg_without_weight_names_the_weight_field() -> None:
    with pytest.raises(DoseInputError) as raised:
        evaluate(
            DoseForm(
                vial_size="10", concentration="10%", dose_ordered="0.4 g/kg", administered="12"
            )
        )
    assert list(raised.value.errors) == ["weight"]


def test_every_bad_field_is_reported_at_once_by_name() -> None:
    with pytest.raises(DoseInputError) as raised:
        evaluate(DoseForm(vial_size="ten", dose_ordered="-1", administered=""))
    assert set(raised.value.errors) == {"vial_size", "dose_ordered", "administered"}
    assert "vial size" in str(raised.value)


def test_a_product_under_another_real_code_is_flagged() -> None:
    result = evaluate(
        DoseForm(
            code="J1569",
            product="Privigen",
            vial_size="100",
            dose_ordered="100",
            administered="100",
        )
    )
    assert [w.id for w in result.warnings] == ["product-code"]
    assert "billed under J1459, not J1569" in result.warnings[0].message


def test_a_product_chosen_without_a_code_bills_under_its_own_code() -> None:
    hizentra = evaluate(DoseForm(product="Hizentra 20%", dose_ordered="12", administered="12"))
    assert hizentra.code == "J1559" and hizentra.warnings == ()
    assert labels(hizentra) == ["J1559 x 24 units", "J1559-JW x 6 units"]
    # Octagam 5 % under its own code: 12 mL is 600 mg, 2 units of 500 mg (not J1410's 3).
    octagam = evaluate(DoseForm(product="Octagam 5%", dose_ordered="12", administered="12"))
    assert octagam.code == "J1568"
    assert octagam.units_administered == 2


def test_a_product_billed_under_j1410_is_flagged_like_any_other_code() -> None:
    result = evaluate(
        DoseForm(code="J1410", product="Hizentra 20%", dose_ordered="12", administered="12")
    )
    assert labels(result) == ["J1410-JZ x 3 units"]
    assert [w.id for w in result.warnings] == ["product-code"]
    assert "Hizentra 20% is billed under J1559, not J1410" in result.warnings[0].message
