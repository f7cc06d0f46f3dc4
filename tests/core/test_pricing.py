"""Dollars and CMS reference checks on a calculated dose (core.pricing)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.calculation_models import CalculationResult
from core.cms.importer import import_files
from core.dose_input import DoseForm
from core.pricing import dollars, price_result
from core.reference import NO_REFERENCE_DATA, ReferenceData
from tests.cms_samples import Q4_2025, crosswalk_csv, pricing_csv, write
from tests.shipped import evaluate
from tests.sites import site_at

FEB = date(2026, 2, 10)
PRIVIGEN = DoseForm(code="J1459", product="Privigen 10%", dose_ordered="28 g", administered="280")


@pytest.fixture
def reference(tmp_path: Path) -> Iterator[ReferenceData]:
    paths = [
        write(tmp_path / "asp.csv", pricing_csv()),
        write(tmp_path / "q4.csv", pricing_csv(Q4_2025, rows=("J1459,IVIG,500 MG,39.9",))),
        write(tmp_path / "xw.csv", crosswalk_csv()),
    ]
    assert not import_files(paths, site_at(tmp_path / "data")).refused
    opened = site_at(tmp_path / "data").open_reference()
    yield opened
    opened.close()


def _ids(result: CalculationResult) -> list[str]:
    return [w.id for w in result.warnings]


def test_claim_lines_get_exact_dollars_from_the_quarter_of_the_service_date(
    reference: ReferenceData,
) -> None:
    result = price_result(evaluate(PRIVIGEN), reference, FEB)
    # 56 units administered and 4 JW units, at the published 41.234, exact.
    assert [(line.units, line.payment_per_unit, line.payment) for line in result.claim_lines] == [
        (56, Decimal("41.234"), Decimal("2309.104")),
        (4, Decimal("41.234"), Decimal("164.936")),
    ]
    assert result.pricing is not None
    assert (result.pricing.quarter, result.pricing.source) == (
        "2026Q1",
        "CMS ASP pricing file 2026Q1",
    )
    assert result.cms_billing_unit == "500 MG"
    assert result.code_unit_conflict is None
    assert _ids(result) == []
    december = price_result(evaluate(PRIVIGEN), reference, date(2025, 12, 1))
    assert december.claim_lines[0].payment == Decimal("2234.4")


def test_a_date_after_every_quarter_uses_the_latest_with_a_warning(
    reference: ReferenceData,
) -> None:
    result = price_result(evaluate(PRIVIGEN), reference, date(2026, 7, 1))
    assert result.claim_lines[0].payment_per_unit == Decimal("41.234")
    warning = next(w for w in result.warnings if w.id == "pricing-out-of-date")
    assert "2026Q1" in warning.message


def test_ndc_under_another_code_names_both(reference: ReferenceData) -> None:
    form = PRIVIGEN.replace(ndc="00944-2700-02")
    result = price_result(evaluate(form), reference, FEB)
    warning = next(w for w in result.warnings if w.id == "ndc-code-mismatch")
    assert "J1569" in warning.message and "J1459" in warning.message


def test_ndc_missing_from_the_crosswalk(reference: ReferenceData) -> None:
    form = PRIVIGEN.replace(ndc="12345-6789-01")
    assert "ndc-not-in-crosswalk" in _ids(price_result(evaluate(form), reference, FEB))


def test_matching_ndc_gives_no_warning(reference: ReferenceData) -> None:
    form = PRIVIGEN.replace(ndc="44206-0436-90")
    assert _ids(price_result(evaluate(form), reference, FEB)) == []


def test_billing_units_per_package_differing_from_the_vial(
    reference: ReferenceData,
) -> None:
    # 44206-0436-90 is the 100 mL package (20 units); a 50 mL vial labels 10.
    form = PRIVIGEN.replace(
        ndc="44206-0436-90", vial_size="50", dose_ordered="5 g", administered="50"
    )
    result = price_result(evaluate(form), reference, FEB)
    warning = next(w for w in result.warnings if w.id == "billing-units-differ")
    assert "20 billing units" in warning.message and "10 per package" in warning.message


def test_code_billed_in_another_unit_says_so_and_shows_no_dollars(
    reference: ReferenceData,
) -> None:
    form = DoseForm(vial_size="10", dose_ordered="12", administered="12")
    result = price_result(evaluate(form), reference, FEB)
    assert result.code_unit_conflict is not None
    assert (result.code_unit_conflict.cms_unit, result.code_unit_conflict.catalog_unit) == (
        "25 MG",
        "5 mL",
    )
    assert "code-unit-conflict" in _ids(result)
    assert all(line.payment is None for line in result.claim_lines)
    assert result.pricing is None


def test_without_reference_data_nothing_changes() -> None:
    result = evaluate(PRIVIGEN.replace(ndc="12345-6789-01"))
    assert price_result(result, NO_REFERENCE_DATA, FEB) == result


@pytest.mark.parametrize(
    ("amount", "text"),
    [("2309.104", "$2,309.104"), ("40.5", "$40.50"), ("0", "$0.00"), ("1000", "$1,000.00")],
)
def test_dollars_keep_every_published_decimal(amount: str, text: str) -> None:
    assert dollars(Decimal(amount)) == text


def test_worksheet_shows_dollars_the_waste_recovered_and_the_source(
    reference: ReferenceData,
) -> None:
    from datetime import datetime

    from core.documentation import Documentation
    from core.worksheet.content import worksheet_content

    result = price_result(evaluate(PRIVIGEN), reference, FEB)
    content = worksheet_content(
        result, Documentation(), worksheet_id="DRAFT", printed_at=datetime(2026, 2, 10, 9, 0)
    )
    assert [row.payment for row in content.claim_lines] == [
        "56 units × $41.234 = $2,309.104",
        "billing the waste recovers 4 units × $41.234 = $164.936",
    ]
    assert "CMS ASP pricing file 2026Q1 for the service date 2026-02-10" in content.claim_note
    assert "CMS billing unit for J1459: 500 MG" in content.claim_note


@given(
    units=st.integers(min_value=1, max_value=10_000),
    limit=st.decimals(min_value=0, max_value=100_000, places=3, allow_nan=False),
)
def test_line_amount_is_units_times_the_published_limit_exactly(units: int, limit: Decimal) -> None:
    from core.calculation_models import ClaimLine
    from core.pricing import _priced_lines

    (line,) = _priced_lines((ClaimLine(hcpcs="J1459", modifiers=(), units=units),), limit)
    assert line.payment_per_unit == limit
    assert line.payment == limit * units
    # The printed figure is the exact amount: no rounding to cents.
    assert Decimal(dollars(line.payment).lstrip("$").replace(",", "")) == limit * units


def test_a_pricing_layout_without_the_dosage_column_claims_no_conflict(tmp_path: Path) -> None:
    path = write(
        tmp_path / "asp.csv",
        pricing_csv(header="HCPCS Code,Short Description,Payment Limit", rows=("J1410,IG,12.5",)),
    )
    assert not import_files([path], site_at(tmp_path / "data")).refused
    reference = site_at(tmp_path / "data").open_reference()
    try:
        result = price_result(
            evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12")), reference, FEB
        )
    finally:
        reference.close()
    assert result.code_unit_conflict is None and result.cms_billing_unit is None
    assert result.claim_lines[0].payment == Decimal("37.5")
