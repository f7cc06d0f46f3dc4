"""The audit of codes from the imported CMS pricing file (issue 20): each billed per its
own descriptor (units, mg, mcg) in the quarter of its service date, the catalog first."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import ceil, floor
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from core.audit.findings import Finding
from core.audit.report import build_report
from core.cms.importer import import_files
from core.reference import CodeDosage, ReferenceData
from tests import partb_samples
from tests.cms_samples import Q1_2026, Q4_2025, crosswalk_csv, pricing_csv, write
from tests.core.audit_fakes import line, write_csv
from tests.shipped import audit_file
from tests.sites import site_at

IN_Q4 = "2025-11-03"
#: J2796 per 1 MCG in the (made-up) next quarter: the same dose bills other units.
Q1_ROWS = tuple(row.replace("10 MCG", "1 MCG") for row in partb_samples.PRICING_ROWS)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ReferenceData]:
    tmp = tmp_path_factory.mktemp("partb-audit")
    files = [
        write(tmp / "asp-q4.csv", pricing_csv(Q4_2025, rows=partb_samples.PRICING_ROWS)),
        write(tmp / "asp-q1.csv", pricing_csv(Q1_2026, rows=Q1_ROWS)),
        write(tmp / "xw.csv", crosswalk_csv(Q4_2025, rows=partb_samples.CROSSWALK_ROWS)),
    ]
    site = site_at(tmp / "data")
    assert not import_files(files, site).refused
    opened = site.open_reference()
    yield opened
    opened.close()


def _row(admin: str, code: str, units: int, modifiers: str = "", **facts: str) -> dict[str, str]:
    """A line of ``code`` on ``IN_Q4`` with no concentration and no product unless told."""
    given = {"service_date": IN_Q4, "concentration": "", "vials_opened": "", **facts}
    return line(admin, units, modifiers, hcpcs=code, **given)


def _audit(tmp_path: Path, rows: list[dict[str, str]], reference: ReferenceData):  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "export.csv", rows)
    return audit_file(path, pricing=reference, crosswalk=reference)


def _found(findings: list[Finding]) -> list[tuple[str, str, int, Decimal | None]]:
    return sorted((f.administration_id, f.reason, f.unit_difference, f.dollars) for f in findings)


BOTOX = {"vial_size": "100 units", "vials_opened": "2", "administered": "155 units"}
BOTOX_RIGHT = [_row("B-9", "J0585", 155, **BOTOX), _row("B-9", "J0585", 45, "JW", **BOTOX)]


def test_j0585_units_billed_right_and_wrong(tmp_path: Path, reference: ReferenceData) -> None:
    """155 units from two 100-unit vials, per 1 unit: 155 + JW 45. Billed 200 without
    JW: 45 units over-billed for the dose, and the 45 units of waste not on a JW line."""
    right = [_row("B-1", "J0585", 155, **BOTOX), _row("B-1", "J0585", 45, "JW", **BOTOX)]
    report = _audit(tmp_path, right, reference)
    assert (report.administrations, report.skipped, report.findings) == (1, 0, [])
    report = _audit(tmp_path, [_row("B-2", "J0585", 200, **BOTOX)], reference)
    assert report.skipped == 0
    assert _found(report.findings) == [
        ("B-2", "missing-jw", -45, Decimal("292.5")),
        ("B-2", "units-over-billed", 45, Decimal("292.5")),
    ]
    assert report.findings[0].expected == ("J0585 x 155", "J0585-JW x 45")
    assert report.findings[0].billed == ("J0585 x 200",)


def test_j1745_per_kg_mass_vials_need_no_concentration(
    tmp_path: Path, reference: ReferenceData
) -> None:
    """5 mg/kg at 82 kg = 410 mg from 100 mg vials (counted by the audit), per 10 mg."""
    facts = {"vial_size": "100 mg", "administered": "410 mg"}
    rows = [_row("R-1", "J1745", 41, **facts), _row("R-1", "J1745", 9, "JW", **facts)]
    assert _audit(tmp_path, rows, reference).findings == []
    rows[1] = dict(rows[1], billed_units="10")
    (finding,) = _audit(tmp_path, rows, reference).findings
    assert (finding.reason, finding.expected) == ("jw-over-billed", ("J1745 x 41", "J1745-JW x 9"))


def test_j9312_per_m2_from_two_vial_sizes(tmp_path: Path, reference: ReferenceData) -> None:
    """375 mg/m² at 1.9 m² = 712.5 mg from a 500 mg and three 100 mg vials: 72 + JW 8."""
    facts = {"administered": "712.5 mg"}
    rows = [
        _row("T-1", "J9312", 72, vial_size="500 mg", vials_opened="1", **facts),
        _row("T-1", "J9312", 8, "JW", vial_size="100 mg", vials_opened="3", **facts),
    ]
    report = _audit(tmp_path, rows, reference)
    assert (report.administrations, report.skipped, report.findings) == (1, 0, [])


def test_j2796_micrograms(tmp_path: Path, reference: ReferenceData) -> None:
    """1 mcg/kg at 75 kg = 75 mcg from a 125 mcg vial, per 10 mcg: 8 + JW 4; the same
    amount written in mg is the same dose."""
    for admin, written in (("N-1", "75 mcg"), ("N-2", "0.075 mg")):
        facts = {"vial_size": "125 mcg", "administered": written}
        rows = [_row(admin, "J2796", 8, **facts), _row(admin, "J2796", 4, "JW", **facts)]
        report = _audit(tmp_path, rows, reference)
        assert (report.administrations, report.skipped, report.findings) == (1, 0, [])


def test_missing_jw_on_an_imported_code(tmp_path: Path, reference: ReferenceData) -> None:
    """5 mg/kg of bevacizumab at 70 kg = 350 mg from four 100 mg vials: 35 + JW 5."""
    facts = {"vial_size": "100 mg", "vials_opened": "4", "administered": "350 mg"}
    report = _audit(tmp_path, [_row("V-1", "J9035", 35, **facts)], reference)
    assert _found(report.findings) == [("V-1", "missing-jw", -5, Decimal("357.5"))]
    assert report.recoverable == Decimal("357.5")


@pytest.mark.parametrize(
    ("code", "written"), [("J7999", "EA"), ("A4222", "1 KIT"), ("J3490", "(blank)")]
)
def test_a_descriptor_that_is_not_an_amount_is_one_line_per_row(
    tmp_path: Path, reference: ReferenceData, code: str, written: str
) -> None:
    facts = {"vial_size": "10 mg", "administered": "5 mg"}
    rows = [_row("X-1", code, 1, **facts), _row("X-1", code, 1, "JW", **facts), *BOTOX_RIGHT]
    report = _audit(tmp_path, rows, reference)
    assert (report.administrations, report.skipped) == (1, 2)
    message = (
        f"hcpcs: {code} is billed per '{written}' in the CMS pricing file 2025Q4: not an "
        "amount in mg, g, mcg, mL or units, so its units cannot be calculated"
    )
    assert [(s.row, s.reason) for s in report.skipped_rows] == [(2, message), (3, message)]


def test_a_service_date_past_the_newest_quarter_uses_it_and_warns(
    tmp_path: Path, reference: ReferenceData
) -> None:
    """Doses in 2026Q2, past the newest quarter held (2026Q1), are billed per the
    newest descriptor (J1745, 10 MG), with one warning counting them."""
    facts = {"vial_size": "100 mg", "administered": "410 mg"}
    rows = [
        _row("L-1", "J1745", 41, **facts, service_date="2026-05-04"),
        _row("L-1", "J1745", 9, "JW", **facts, service_date="2026-05-04"),
        _row("L-2", "J1745", 41, **facts, service_date="2026-06-30"),
        *BOTOX_RIGHT,
    ]
    report = _audit(tmp_path, rows, reference)
    assert (report.administrations, report.skipped) == (3, 0)
    assert _found(report.findings) == [("L-2", "missing-jw", -9, Decimal("362.25"))]
    (warning,) = report.warnings.values()
    assert str(warning) == (
        "J1745: no imported CMS pricing file covers the service date; billed per 10 mg from "
        "2026Q1, the newest quarter held (import the file for the quarter of the service "
        "date): 2 administrations, first at export.csv row 2"
    )
    # The PDF report says it under the totals.
    pdf = PdfReader(io.BytesIO(build_report(report)))
    flat = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    assert f"Warning: {warning}." in flat


def test_each_service_date_uses_its_own_quarter(tmp_path: Path, reference: ReferenceData) -> None:
    """The same dose text on two dates: per 10 mcg in 2025Q4 (8 + JW 4), per 1 mcg in
    2026Q1 (75 + JW 50); the cache does not carry one quarter's answer to the other."""
    facts = {"vial_size": "125 mcg", "administered": "75 mcg"}
    rows = [
        _row("Q-4", "J2796", 8, **facts),
        _row("Q-4", "J2796", 4, "JW", **facts),
        _row("Q-1", "J2796", 75, **facts, service_date="2026-02-10"),
        _row("Q-1", "J2796", 50, "JW", **facts, service_date="2026-02-10"),
        _row("Q-1b", "J2796", 8, **facts, service_date="2026-02-11"),
        _row("Q-1b", "J2796", 4, "JW", **facts, service_date="2026-02-11"),
    ]
    report = _audit(tmp_path, rows, reference)
    assert (report.administrations, report.skipped, report.warnings) == (3, 0, {})
    assert sorted({(f.administration_id, f.expected) for f in report.findings}) == [
        ("Q-1b", ("J2796 x 75", "J2796-JW x 50"))
    ]


def test_where_the_file_bills_a_catalog_code_per_another_unit_its_limit_is_withheld(
    tmp_path: Path, reference: ReferenceData
) -> None:
    """J1410: per 5 mL in the catalog, 25 MG in the file (code_unit_conflict): billed per
    5 mL, and the file's $310.125 per 25 mg is never multiplied by units of 5 mL."""
    rows = [line("C-2", 3, service_date=IN_Q4)]  # 12 mL: 3 units and 1 JW expected
    report = _audit(tmp_path, rows, reference)
    (finding,) = report.findings
    assert (finding.reason, finding.expected, finding.dollars) == (
        "missing-jw",
        ("J1410 x 3", "J1410-JW x 1"),
        None,
    )
    assert [str(w) for w in report.warnings.values()] == [
        "The CMS pricing file 2025Q4 bills J1410 per 25 MG (Inj estrogen conjugate 25 MG); "
        "this calculation bills it per 5 mL; its findings have no CMS dollars (the limit is "
        "per another unit): 1 administration, first at export.csv row 2"
    ]
    assert report.pricing_note == "1 findings have no price for their code and quarter"


def test_a_code_neither_in_the_catalog_nor_the_file(
    tmp_path: Path, reference: ReferenceData
) -> None:
    rows = [_row("Z-1", "J9998", 1, vial_size="10 mg", administered="5 mg")]
    assert [s.reason for s in _audit(tmp_path, rows, reference).skipped_rows] == [
        "hcpcs: 'J9998' is neither in the catalog nor in the imported CMS pricing file for "
        "2025-11-03"
    ]


def test_units_never_convert_to_mass(tmp_path: Path, reference: ReferenceData) -> None:
    rows = [_row("U-1", "J0585", 155, vial_size="100 units", administered="155 mg")]
    report = _audit(tmp_path, rows, reference)
    assert [s.reason for s in report.skipped_rows] == [
        "administered: an amount in mg cannot be billed under J0585 (per 1 unit): units "
        "never convert to mass or mL"
    ]


class CountingDescriptors:
    """The imported files, counting what the audit asks them."""

    def __init__(self, reference: ReferenceData) -> None:
        self.reference = reference
        self.asked: list[tuple[str, date]] = []

    def code_dosage(self, code: str, service_date: date) -> CodeDosage | None:
        self.asked.append((code, service_date))
        return self.reference.code_dosage(code, service_date)


def test_an_imported_code_costs_nothing_until_used_and_the_catalog_comes_first(
    tmp_path: Path, reference: ReferenceData
) -> None:
    """A catalog-only export never asks the files (J1410 stays per 5 mL as the catalog
    says, where the file says 25 MG); a file code is asked once per service date."""
    from core.audit import Sources, audit_files
    from core.catalog import default_catalog, default_payers

    def run(rows: list[dict[str, str]]) -> list[tuple[str, date]]:
        counting = CountingDescriptors(reference)
        sources = Sources(default_catalog(), default_payers(), descriptors=counting)
        report = audit_files([write_csv(tmp_path / "export.csv", rows)], None, sources)
        assert (report.skipped, report.findings) == (0, [])
        return counting.asked

    j1410 = [line("C-1", 3, service_date=IN_Q4), line("C-1", 1, "JW", service_date=IN_Q4)]
    catalog_only = [dict(r, administration_id=f"C-{n}") for n in range(20) for r in j1410]
    assert run(catalog_only) == []
    botox = [dict(r, administration_id=f"B-{n}") for n in range(20) for r in BOTOX_RIGHT]
    assert run(catalog_only + botox) == [("J0585", date(2025, 11, 3))]


#: (code, per billing unit, the vial sizes of its NDCs, the unit amounts are written in)
MODELLED = {
    "J0585": (1, (50, 100, 200), "units"),
    "J2796": (10, (125, 250, 500), "mcg"),
}


def _model(per: int, vial: int, count: int, amount: Fraction) -> tuple[int, int]:
    """Units and JW units, exactly and independently of the engine: units rounded up,
    the labeled amount opened in whole units rounded down, JW what is left of it."""
    units = ceil(amount / per)
    labeled = floor(Fraction(vial * count, per))
    return units, max(0, labeled - units)


@settings(max_examples=60, deadline=None)
@given(
    code=st.sampled_from(sorted(MODELLED)),
    size_at=st.integers(min_value=0, max_value=2),
    count=st.integers(min_value=1, max_value=5),
    share=st.integers(min_value=1, max_value=1000),
    in_mg=st.booleans(),
    error=st.sampled_from(["none", "over", "under", "drop-jw", "drop-jz"]),
)
def test_the_audit_agrees_with_an_exact_model_on_units_and_micrograms(
    tmp_path_factory: pytest.TempPathFactory,
    reference: ReferenceData,
    code: str,
    size_at: int,
    count: int,
    share: int,
    in_mg: bool,
    error: str,
) -> None:
    per, sizes, unit = MODELLED[code]
    vial = sizes[size_at]
    # Up to the labeled amount opened, in hundredths of the code's unit.
    amount = Fraction(max(1, vial * count * share // 10), 100)
    written = f"{Decimal(amount.numerator) / amount.denominator} {unit}"
    if in_mg and unit == "mcg":
        written = f"{Decimal(amount.numerator) / amount.denominator / 1000} mg"
    units, waste = _model(per, vial, count, amount)
    facts = {"vial_size": f"{vial} {unit}", "vials_opened": str(count), "administered": written}
    dose = _row("M-1", code, units, "" if waste else "JZ", **facts)
    rows = [dose, _row("M-1", code, waste, "JW", **facts)] if waste else [dose]
    wanted: list[str] = []
    if error == "over":
        rows[0] = dict(rows[0], billed_units=str(units + 1))
        wanted = ["units-over-billed"]
    elif error == "under" and units > 1:
        rows[0] = dict(rows[0], billed_units=str(units - 1))
        wanted = ["units-under-billed"]
    elif error == "drop-jw" and waste:
        rows = rows[:1]
        wanted = ["missing-jw"]
    elif error == "drop-jz" and not waste:
        rows[0] = dict(rows[0], modifiers="")
        wanted = ["missing-jz"]
    report = _audit(tmp_path_factory.mktemp("model"), rows, reference)
    assert (report.administrations, report.skipped) == (1, 0)
    assert sorted(f.reason for f in report.findings) == wanted
    expected = (f"{code}{'' if waste else '-JZ'} x {units}",) + (
        (f"{code}-JW x {waste}",) if waste else ()
    )
    assert all(f.expected == expected for f in report.findings)
