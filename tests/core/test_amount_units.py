"""Amounts in every unit a descriptor uses (issue 20): mcg, mg, g, units, mL.

A mass dose from mass vials billed per mass needs no concentration; mL only where one
side is a volume; units never convert to mass or mL.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.body_surface import mosteller
from core.calculation import to_decimal
from core.catalog import BillingCode, default_catalog
from core.cli import run_command
from core.dose_input import DoseForm, DoseInputError
from core.errors import InputError
from core.quantities import Quantity, Unit, parse_dose, parse_quantity
from core.vial_picture import vial_bars
from tests.shipped import evaluate


def _code(hcpcs: str, amount: str, unit: Unit) -> BillingCode:
    return BillingCode(
        hcpcs=hcpcs,
        descriptor=f"{hcpcs} as the test bills it",
        dosage=Quantity(amount=Decimal(amount), unit=unit),
        source="test",
        cms_verified=False,
    )


CATALOG = default_catalog().replace(
    codes=(
        *default_catalog().codes,
        _code("J0585", "1", Unit.UNITS),
        _code("J1745", "10", Unit.MG),
        _code("J2796", "10", Unit.MCG),
    )
)


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("200 mcg", "200", Unit.MCG),
        ("155 units", "155", Unit.UNITS),
        ("1 unit", "1", Unit.UNITS),
        ("1000 IU", "1000", Unit.UNITS),
        ("1.5 g", "1.5", Unit.G),
        ("12 mL", "12", Unit.ML),
    ],
)
def test_every_descriptor_unit_is_read(text: str, amount: str, unit: Unit) -> None:
    assert parse_quantity(text, "dose ordered") == Quantity(amount=Decimal(amount), unit=unit)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("10 U", "write units, not U"),
        ("10 µg", "write mcg, not µg"),
        ("10 ug", "write mcg, not ug"),
        ("10000001 units", "is more than 10,000,000 units"),
    ],
)
def test_error_prone_and_absurd_amounts_are_refused(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message) as raised:
        parse_quantity(text, "dose ordered")
    assert raised.value.field == "dose ordered"


def test_a_mcg_amount_is_exact_in_mg() -> None:
    assert Quantity(amount=Decimal("250"), unit=Unit.MCG).mg == Decimal("0.25")
    assert parse_dose("5 units/kg", "dose ordered") is not None


def test_a_mass_dose_from_mass_vials_needs_no_concentration() -> None:
    result = evaluate(
        DoseForm(code="J1566", vial_size="6 g", dose_ordered="5.2 g", administered="5.2 g")
    )
    # 5,200 mg / 500 mg = 10.4 -> 11; 6 g labels 12 units: JW 1.
    assert (result.units_administered, result.units_wasted) == (11, 1)
    assert result.measure is Unit.MG
    assert result.concentration is None
    assert "Administered: 5.2 g = 5,200 mg" in result.steps
    assert result.amount(result.waste_ml) == "800 mg"


def test_a_volume_still_needs_the_concentration() -> None:
    with pytest.raises(DoseInputError) as raised:
        evaluate(DoseForm(code="J1566", vial_size="6 g", dose_ordered="50", administered="50"))
    assert raised.value.messages == {
        "concentration": "is needed to convert a 6 g vial to mL; enter it, e.g. 10%"
    }


def test_units_from_unit_vials_bill_per_unit_with_jw() -> None:
    result = evaluate(
        DoseForm(
            code="J0585",
            vial_size="100 units",
            dose_ordered="155 units",
            administered="155 units",
            ndc="0023-1145-01",
        ),
        CATALOG,
    )
    assert [(str(line), line.ndc_segment) for line in result.claim_lines] == [
        ("J0585 x 155 units", "N400023114501UN155"),
        ("J0585-JW x 45 units", "N400023114501UN45"),
    ]
    assert result.vials_opened == 2
    assert "Vials: 155 units / 100 units = 1.55 -> 2 × 100 units = 200 units" in " ".join(
        result.steps
    )


@pytest.mark.parametrize(
    ("form", "key"),
    [
        (
            DoseForm(
                code="J0585", vial_size="100 mg", dose_ordered="50 units", administered="50 units"
            ),
            "vial_size",
        ),
        (
            DoseForm(
                code="J1566",
                vial_size="100 units",
                dose_ordered="50 units",
                administered="50 units",
            ),
            "dose_ordered",
        ),
        (
            DoseForm(code="J0585", vial_size="10", dose_ordered="5 units", administered="5 units"),
            "vial_size",
        ),
    ],
)
def test_units_never_convert_to_mass_or_ml(form: DoseForm, key: str) -> None:
    with pytest.raises(DoseInputError) as raised:
        evaluate(form, CATALOG)
    assert list(raised.value.errors) == [key]
    assert "units never convert to mass or mL" in raised.value.errors[key].message


def test_per_kg_in_mg_from_mg_vials() -> None:
    # J1745 (infliximab, per 10 mg): 5 mg/kg at 82 kg = 410 mg from 100 mg vials.
    result = evaluate(
        DoseForm(
            code="J1745",
            vial_size="100 mg",
            dose_ordered="5 mg/kg",
            weight="82",
            administered="410 mg",
        ),
        CATALOG,
    )
    assert [str(line) for line in result.claim_lines] == ["J1745 x 41 units", "J1745-JW x 9 units"]
    assert result.steps[0] == "Dose ordered: 5 mg/kg × 82 kg = 410 mg"


def test_mcg_dose_billed_per_10_mcg() -> None:
    # J2796 (romiplostim, per 10 mcg): 1 mcg/kg... here 0.175 mg given of a 250 mcg vial.
    result = evaluate(
        DoseForm(
            code="J2796", vial_size="250 mcg", dose_ordered="175 mcg", administered="0.175 mg"
        ),
        CATALOG,
    )
    assert [str(line) for line in result.claim_lines] == ["J2796 x 18 units", "J2796-JW x 7 units"]
    assert "Administered: 0.175 mg = 0.175 mg" not in result.steps


def test_amounts_in_mcg_are_carried_and_shown_in_mcg() -> None:
    result = evaluate(
        DoseForm(
            code="J2796", vial_size="250 mcg", dose_ordered="12.5 mcg", administered="0.5 mcg"
        ),
        CATALOG,
    )
    assert result.measure is Unit.MCG
    assert [result.amount(a) for a in (result.administered_ml, result.waste_ml)] == [
        "0.5 mcg",
        "249.5 mcg",
    ]
    assert [str(use) for use in result.vials_by_size] == ["1 × 250 mcg"]
    assert "Units administered: 0.5 mcg / 10 mcg = 0.05 -> 1 unit (rounded up)" in (result.steps)
    assert [bar.label for bar in vial_bars(result)] == ["250 mcg"]
    # An amount in mg keeps the calculation in mg: nothing typed in mg is shown in mcg.
    mixed = evaluate(
        DoseForm(code="J2796", vial_size="0.25 mg", dose_ordered="175 mcg", administered="175 mcg"),
        CATALOG,
    )
    assert mixed.measure is Unit.MG
    assert mixed.amount(mixed.administered_ml) == "0.175 mg"


def test_calc_takes_a_mass_vial_without_concentration(capsys: pytest.CaptureFixture[str]) -> None:
    code = run_command(
        [
            "calc",
            "--code",
            "J1566",
            "--vial-size",
            "6 g",
            "--ordered",
            "6 g",
            "--administered",
            "6 g",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "J1566-JZ x 12 units" in out
    assert "Administered: 6,000 mg; waste: 0 mg" in out


@settings(max_examples=200, deadline=None)
@given(
    per_m2=st.integers(1, 4000).map(lambda n: Decimal(n) / 4),
    bsa=st.integers(10, 500).map(lambda n: Decimal(n) / 100),
    vial=st.sampled_from(["100 mg", "500 mg", "50 mg"]),
)
def test_a_dose_per_m2_bills_the_exact_product(per_m2: Decimal, bsa: Decimal, vial: str) -> None:
    """A model in Fractions: per m² × BSA, over 10 mg, rounded up; vials fewest that hold."""
    ordered = Fraction(per_m2) * Fraction(bsa)
    size = Fraction(vial.split()[0])
    vials = max(1, ceil(ordered / size))
    if vials > 100 or ordered * 1000 > 2_000_000_000:
        return
    administered = to_decimal(ordered)
    if Fraction(administered) != ordered or -administered.as_tuple().exponent > 4:  # type: ignore[operator]
        return
    result = evaluate(
        DoseForm(
            code="J1745",
            vial_size=vial,
            dose_ordered=f"{per_m2} mg/m2",
            bsa=str(bsa),
            administered=f"{administered:f} mg",
        ),
        CATALOG,
    )
    units = max(1, ceil(ordered / 10))
    labeled = floor(size * vials / 10)
    assert (result.vials_opened, result.units_administered, result.units_wasted) == (
        vials,
        units,
        labeled - units,
    )


def test_mosteller_rounds_half_up_to_hundredths() -> None:
    assert mosteller(Decimal(170), Decimal(70))[0] == Decimal("1.82")
    # 180 cm × 80 kg / 3600 = 4: exactly 2 m².
    assert mosteller(Decimal(180), Decimal(80)) == (
        Decimal("2.00"),
        "Body surface area (Mosteller): √(180 cm × 80 kg / 3600) = 2 m² -> 2 m² "
        "(rounded to 0.01 m²)",
    )


def test_vial_bars_are_labeled_in_the_measure() -> None:
    result = evaluate(
        DoseForm(
            code="J0585", vial_size="100 units", dose_ordered="155 units", administered="155 units"
        ),
        CATALOG,
    )
    assert [bar.label for bar in vial_bars(result)] == ["100 units", "100 units"]
    ml = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12"))
    assert [bar.label for bar in vial_bars(ml)] == ["10 mL", "10 mL"]
