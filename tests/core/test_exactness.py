"""Mass doses at concentrations whose mL value does not terminate (issue 8, item 1).

500 mg at 3 % is 50/3 mL. Rounded to 28 digits and multiplied back it was a hair over
or under 500 mg, and a whole number of units or vials came out one more or one less.
The expected numbers here come from a model written with ``Fraction`` only.
"""

from __future__ import annotations

import json
import re
import shlex
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.calculation import calculate, to_decimal
from core.calculation_models import CalculationRequest
from core.catalog import BillingCode, default_catalog, default_payers
from core.cli import run_command
from core.dose_input import DoseForm, DoseInputError
from core.errors import CalculationError
from core.quantities import Concentration, Quantity, Unit
from tests.shipped import evaluate

MEDICARE = default_payers().get("medicare")
CATALOG = default_catalog()


def calc_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert run_command(["calc", *args, "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def billed(result: dict[str, object]) -> list[tuple[str, int]]:
    lines = result["claim_lines"]
    assert isinstance(lines, list)
    return [("-".join([line["hcpcs"], *line["modifiers"]]), line["units"]) for line in lines]


@pytest.mark.parametrize(
    ("args", "lines", "vials"),
    [
        (
            "--vial-size 50 --ordered '500 mg' --administered '500 mg'"
            " --code J1559 --concentration 3%",
            [("J1559", 5), ("J1559-JW", 10)],
            1,
        ),
        (
            "--vial-size '12 g' --ordered '24 g' --administered '24 g'"
            " --code J1566 --concentration 9%",
            [("J1566-JZ", 48)],
            2,
        ),
        (
            "--vial-size '3 g' --ordered '6 g' --administered '6 g'"
            " --code J1566 --concentration 9%",
            [("J1566-JZ", 12)],
            2,
        ),
        (
            "--vial-size '4000 mg' --ordered '500 mg' --administered '500 mg'"
            " --code J1566 --concentration 3%",
            [("J1566", 1), ("J1566-JW", 7)],
            1,
        ),
    ],
)
def test_the_issue_examples_bill_whole_units_and_vials_exactly(
    capsys: pytest.CaptureFixture[str], args: str, lines: list[tuple[str, int]], vials: int
) -> None:
    result = calc_json(capsys, *shlex.split(args))
    assert billed(result) == lines
    assert result["vials_opened"] == vials


def test_four_g_vial_at_3_percent_is_eight_labeled_units() -> None:
    result = evaluate(
        DoseForm(
            code="J1566",
            concentration="3%",
            vial_size="4000 mg",
            dose_ordered="500 mg",
            administered="500 mg",
        )
    )
    assert result.labeled_units == 8
    assert "Labeled amount opened: 4,000 mg / 500 mg = 8 units (rounded down)" in result.steps


def test_to_decimal_is_exact_when_the_amount_terminates() -> None:
    assert to_decimal(Fraction(12, 5)) == Decimal("2.4")
    assert to_decimal(Fraction(1, 3)) == Decimal("0.3333333333")
    assert to_decimal(Fraction(2, 3)) == Decimal("0.6666666667")
    assert to_decimal(Fraction(266667, 1)) == Decimal(266667)


def test_a_refusal_never_prints_two_different_amounts_as_the_same_text() -> None:
    # 6 g at 9 % is 66.6666... mL; 66.6667 mL typed is a hair more than the vial holds.
    with pytest.raises(DoseInputError) as raised:
        evaluate(
            DoseForm(
                code="J1566",
                concentration="9%",
                vial_size="6 g",
                dose_ordered="6 g",
                administered="66.6667",
            )
        )
    message = raised.value.errors["administered"].message
    given_text, opened_text = re.findall(r"([0-9.,]+ mL)", message)[:2]
    assert given_text != opened_text
    assert message.startswith("66.6667 mL is more than the 66.66667 mL labeled")


# -- property tests against a Fraction model ------------------------------------------------

CONCENTRATIONS = ["3%", "6%", "9%", "12%", "16.5%", "7 mg/mL", "33.3 mg/mL"]
#: per 500 mg, per 100 mg, per 5 mL, per 1 mL; then codes in units and mcg (issue 20).
CODES = ["J1566", "J1559", "J1410", "J1460", "J0585", "J2796", "J9271"]
EXTRA_CODES = (
    BillingCode(
        hcpcs="J0585",
        descriptor="onabotulinumtoxina, 1 unit",
        dosage=Quantity(amount=Decimal(1), unit=Unit.UNITS),
        source="test",
        cms_verified=False,
    ),
    BillingCode(
        hcpcs="J2796",
        descriptor="romiplostim, 10 micrograms",
        dosage=Quantity(amount=Decimal(10), unit=Unit.MCG),
        source="test",
        cms_verified=False,
    ),
    BillingCode(
        hcpcs="J9271",
        descriptor="pembrolizumab, 1 mg",
        dosage=Quantity(amount=Decimal(1), unit=Unit.MG),
        source="test",
        cms_verified=False,
    ),
)
WIDE_CATALOG = CATALOG.replace(codes=(*CATALOG.codes, *EXTRA_CODES))
_UNIT_WORDS = {"": Unit.ML, "mg": Unit.MG, "g": Unit.G, "mcg": Unit.MCG, "units": Unit.UNITS}


def _mass_text(mg: int) -> str:
    """Masses written in g (1.5 g), mg or mcg (0.25 mg as 250 mcg)."""
    if mg % 100 == 0:
        return f"{Decimal(mg) / 1000} g"
    return f"{mg * 1000} mcg" if mg % 7 == 0 else f"{mg} mg"


@st.composite
def doses(draw: st.DrawFn) -> DoseForm:
    concentration = draw(st.sampled_from(["", *CONCENTRATIONS]))
    code = draw(st.sampled_from(CODES))
    if code == "J0585" or draw(st.integers(0, 9)) == 0:  # in units: never mass or mL
        ordered_units = draw(st.integers(1, 400))
        ordered = f"{ordered_units} units"
        administered = draw(
            st.sampled_from([ordered, f"{max(1, ordered_units - 5)} units", "3 mg"])
        )
        vial_size = draw(st.sampled_from(["100 units", "200 units", "50 units", "10"]))
    else:
        ordered_mg = draw(st.integers(1, 400) | st.integers(1, 400).map(lambda n: n * 100))
        ordered = _mass_text(ordered_mg)
        administered = draw(
            st.sampled_from([ordered, ordered, _mass_text(max(1, ordered_mg - 100))])
            | st.integers(1, 2000).map(lambda n: str(Decimal(n) / 10))
        )
        vial_size = draw(
            st.integers(1, 400).map(lambda n: _mass_text(n * 100))
            | st.integers(1, 300).map(lambda n: _mass_text(n * 50) if n % 3 else str(n))
        )
    vials = draw(st.sampled_from(["", "", "1", "2", "3"]))
    return DoseForm(
        code=code,
        concentration=concentration,
        vial_size=vial_size,
        vials=vials,
        dose_ordered=ordered,
        administered=administered,
    )


def _exact_quantity(text: str) -> tuple[Fraction, Unit]:
    number, _, unit = text.partition(" ")
    return Fraction(number), _UNIT_WORDS[unit]


def _measured(text: str) -> tuple[Fraction, str]:
    """An amount in mL, mg or units, and which."""
    amount, unit = _exact_quantity(text)
    factor = {Unit.G: 1000, Unit.MG: 1, Unit.MCG: Fraction(1, 1000)}.get(unit)
    if factor is not None:
        return amount * factor, "mg"
    return amount, "mL" if unit is Unit.ML else "units"


def model(form: DoseForm) -> tuple[int, int, int, int] | str:
    """(vials, units administered, labeled units, JW units), or the refused field.

    Written from the rules, not the engine: amounts of one kind (all mass, or all units)
    are divided as they are; once a volume is involved (an amount or the code's
    descriptor) every mass goes to mL through the concentration; units never convert.
    """
    code = WIDE_CATALOG.code(form.code)
    code_text = f"{code.dosage.amount} {code.dosage.unit.value}".replace(" mL", "")
    per_unit, code_kind = _measured(code_text)
    fields = {
        "dose ordered": _measured(form.dose_ordered),
        "vial size": _measured(form.vial_size),
        "amount administered": _measured(form.administered),
    }
    kinds = {kind for _, kind in fields.values()} | {code_kind}
    if "units" in kinds and len(kinds) > 1:
        return next(name for name, (_, kind) in fields.items() if kind != code_kind)
    if "mL" in kinds:
        if not form.concentration and "mg" in kinds:
            return "concentration"
        mg_per_ml = Fraction(1)
        if form.concentration.endswith("%"):
            mg_per_ml = Fraction(form.concentration[:-1]) * 10
        elif form.concentration:
            mg_per_ml = Fraction(form.concentration.removesuffix(" mg/mL"))
        amounts = {
            name: amount / mg_per_ml if kind == "mg" else amount
            for name, (amount, kind) in fields.items()
        }
        if max(amounts.values()) > 10_000:
            return "too large"
        to_measure = mg_per_ml if code_kind == "mg" else Fraction(1)
    else:
        amounts = {name: amount for name, (amount, _) in fields.items()}
        to_measure = Fraction(1)
    ordered, size = amounts["dose ordered"], amounts["vial size"]
    administered = amounts["amount administered"]
    vials = int(form.vials) if form.vials else max(1, ceil(ordered / size))
    if vials > 100:
        return "vial size"
    opened = size * vials
    if administered > opened:
        return "amount administered"
    units = max(1, ceil(administered * to_measure / per_unit))
    labeled = floor(opened * to_measure / per_unit)
    return vials, units, labeled, max(0, labeled - units)


@settings(max_examples=700, deadline=None)
@given(doses())
def test_units_vials_and_waste_match_the_fraction_model(form: DoseForm) -> None:
    expected = model(form)
    try:
        result = evaluate(form, WIDE_CATALOG)
    except DoseInputError as errors:
        key = next(iter(errors.errors))
        error = errors.errors[key]
        if expected == "too large":
            assert "more than 10,000 mL" in error.message
            return
        assert expected == error.field, error
        if error.field == "amount administered" and "labeled in the vials" in error.message:
            amounts = re.findall(r"([0-9.,]+ (?:mL|mg|mcg|units))", error.message)[:2]
            assert amounts[0] != amounts[1], error.message
        return
    assert (
        result.vials_opened,
        result.units_administered,
        result.labeled_units,
        result.units_wasted,
    ) == expected, result.steps


def test_the_request_keeps_a_mass_vial_size_as_given() -> None:
    request = CalculationRequest(
        code=CATALOG.code("J1566"),
        payer=MEDICARE,
        concentration=Concentration(mg_per_ml=Decimal(90)),
        vial_size=Quantity(amount=Decimal(3), unit=Unit.G),
        dose_ordered=Quantity(amount=Decimal(6), unit=Unit.G),
        administered=Quantity(amount=Decimal(6), unit=Unit.G),
    )
    result = calculate(request)
    assert (result.vials_opened, result.units_administered, result.units_wasted) == (2, 12, 0)
    with pytest.raises(ValueError, match="not both"):
        request.replace(vial_size_ml=Decimal(10))


def test_an_exact_overfill_refusal_still_names_the_field() -> None:
    with pytest.raises(CalculationError) as raised:
        calculate(
            CalculationRequest(
                code=CATALOG.code("J1566"),
                payer=MEDICARE,
                concentration=Concentration(mg_per_ml=Decimal(90)),
                vial_size=Quantity(amount=Decimal(3), unit=Unit.G),
                vials_opened=1,
                dose_ordered=Quantity(amount=Decimal(3), unit=Unit.G),
                administered=Quantity(amount=Decimal("3.0001"), unit=Unit.G),
            )
        )
    assert raised.value.field == "amount administered"


@pytest.mark.parametrize(
    ("form", "key", "message"),
    [
        (
            DoseForm(vial_size="10000.0001", dose_ordered="1", administered="1"),
            "vial_size",
            "10,000.0001 mL is more than 10,000 mL",
        ),
        (
            DoseForm(vial_size="1", dose_ordered="10.0001 g/kg", weight="1", administered="1"),
            "dose_ordered",
            "10.0001 g/kg is more than 10 g/kg",
        ),
        (
            DoseForm(vial_size="1", dose_ordered="0.1 g/kg", weight="500.0001", administered="1"),
            "weight",
            "500.0001 kg is more than 500 kg",
        ),
        (
            DoseForm(vial_size="1", dose_ordered="2000.0001 g", administered="1"),
            "dose_ordered",
            "2,000.0001 g is more than 2,000 g",
        ),
        (
            DoseForm(
                vial_size="100",
                dose_ordered="300.0001 mg",
                concentration="0.03 mg/mL",
                administered="1",
            ),
            "dose_ordered",
            "300.0001 mg at 0.03 mg/mL is 10,000.003 mL, more than 10,000 mL",
        ),
    ],
)
def test_limits_never_read_as_the_amount_refused(form: DoseForm, key: str, message: str) -> None:
    with pytest.raises(DoseInputError) as raised:
        evaluate(form)
    assert raised.value.errors[key].message.startswith(message)
