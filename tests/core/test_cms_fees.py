"""Payer fee schedules: validated whole, and pricing that payer's lines instead of ASP."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from core.cms.fees import parse_fee_schedule
from core.cms.files import TextFile
from core.cms.importer import import_files
from core.cms.store import ReferenceStore, file_digest
from core.documentation import Documentation
from core.dose_input import DoseForm
from core.errors import InputError
from core.pricing import price_result
from core.worksheet.content import worksheet_content
from tests.cms_samples import pricing_csv, write
from tests.shipped import evaluate
from tests.sites import site_at

HEADER = "HCPCS Code,Rate per unit,Effective from,Effective to\n"


def _fees(body: str, name: str = "fees.csv") -> TextFile:
    return TextFile(name, HEADER + body)


def test_rows_are_read_exactly() -> None:
    rows = parse_fee_schedule(
        _fees("J1459,55.125,2026-01-01,2026-06-30\nJ1459,56,07/01/2026,12/31/2026\n")
    )
    assert [(r.code, r.rate, r.effective_from, r.effective_to) for r in rows] == [
        ("J1459", Decimal("55.125"), date(2026, 1, 1), date(2026, 6, 30)),
        ("J1459", Decimal(56), date(2026, 7, 1), date(2026, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("J1459,abc,2026-01-01,2026-12-31\n", "row 2: rate is not an amount"),
        ("J1459,5,2026-13-01,2026-12-31\n", "row 2: effective from is not a date"),
        ("J1459,5,2026-12-31,2026-01-01\n", "row 2: effective to is before effective from"),
        ("J1459,5,2026-01-01,2026-12-31\nJ1459,6,2026-06-01,2027-01-31\n", "row 3: J1459 overlaps"),
        ("", "has no fee rows"),
    ],
)
def test_any_bad_row_refuses_the_schedule(body: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_fee_schedule(_fees(body))


def test_a_file_without_the_columns_is_refused() -> None:
    with pytest.raises(InputError, match="no header row"):
        parse_fee_schedule(TextFile("f.csv", "code,price\nJ1459,5\n"))


def test_the_schedule_prices_its_payer_and_the_worksheet_names_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert not import_files([write(tmp_path / "asp.csv", pricing_csv())], site_at(data)).refused
    text = _fees("J1459,50,2026-01-01,2026-12-31\n")
    with ReferenceStore.open(data) as store:
        rows = parse_fee_schedule(text)
        assert (
            store.set_fee_schedule("commercial", "fees.csv", file_digest(text.text), rows)
            == "imported"
        )
        assert (
            store.set_fee_schedule("commercial", "fees.csv", file_digest(text.text), rows)
            == "unchanged"
        )
    form = DoseForm(code="J1459", product="Privigen 10%", dose_ordered="28 g", administered="280")
    reference = site_at(data).open_reference()
    try:
        commercial = price_result(
            evaluate(form.replace(payer="commercial")), reference, date(2026, 2, 1)
        )
        medicare = price_result(evaluate(form), reference, date(2026, 2, 1))
        # Outside the schedule's dates the payer falls back to the CMS limit.
        later = price_result(
            evaluate(form.replace(payer="commercial")), reference, date(2027, 2, 1)
        )
    finally:
        reference.close()
    assert commercial.claim_lines[0].payment == Decimal(2800)
    assert medicare.claim_lines[0].payment == Decimal("2309.104")
    assert later.claim_lines[0].payment_per_unit == Decimal("41.234")
    content = worksheet_content(
        commercial, Documentation(), worksheet_id="DRAFT", printed_at=datetime(2026, 2, 1, 9)
    )
    assert "Dollars from the commercial fee schedule (fees.csv)" in content.claim_note


def test_a_large_schedule_is_checked_for_overlaps_in_n_log_n() -> None:
    """The attack: 20,000 rows took 25 s (each row compared with every earlier one);
    bench-free check that they are read and that a late overlap is still found."""
    body = "".join(
        f"J{1000 + n % 9000},5,{2000 + n // 9000}-01-01,{2000 + n // 9000}-12-31\n"
        for n in range(20_000)
    )
    rows = parse_fee_schedule(TextFile("big.csv", HEADER + body))
    assert len(rows) == 20_000
    with pytest.raises(InputError, match="row 20002: J1000 overlaps"):
        parse_fee_schedule(TextFile("big.csv", HEADER + body + "J1000,1,2000-03-01,2000-03-02\n"))


def test_too_many_fee_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("core.cms.fees.MAX_FEE_ROWS", 3)
    body = "".join(f"J14{n:02d},5,2026-01-01,2026-12-31\n" for n in range(5))
    with pytest.raises(InputError, match=r"big\.csv: has more than 3 rows"):
        parse_fee_schedule(TextFile("big.csv", HEADER + body))


def test_an_overlap_found_after_sorting_names_the_later_row() -> None:
    body = (
        "J1459,5,2026-06-01,2026-12-31\n"
        "J1569,1,2026-01-01,2026-12-31\n"
        "J1459,6,2026-01-01,2026-07-31\n"
    )
    with pytest.raises(InputError, match="row 4: J1459 overlaps"):
        parse_fee_schedule(TextFile("f.csv", HEADER + body))
