"""The PDF report: totals first, the charts, top administrations, every finding; user
text printed literally in the embedded Unicode font."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.audit import report as report_module
from core.audit.report import build_report
from tests.core.audit_fakes import FakePricing, line, write_csv
from tests.shipped import audit_file


def _pdf_text(pdf: bytes) -> tuple[str, PdfReader]:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def _report(tmp_path: Path, rows: list[dict[str, str]]) -> bytes:
    return build_report(audit_file(write_csv(tmp_path / "e.csv", rows), pricing=FakePricing()))


def test_report_has_totals_charts_top_and_table(tmp_path: Path) -> None:
    rows = [
        line("<b>O'Brien & Nguyễn</b>", 3),  # missing-jw, priced $10.50
        line("A-2", 5, service_date="2026-10-02"),  # over by 2 and JW missing, Q4 price
        line("A-3", 3, billed_units="x"),
    ]
    text, reader = _pdf_text(_report(tmp_path, rows))
    flat = " ".join(text.split())
    assert flat.index("Rows read 3") < flat.index("Findings by reason")
    assert "Recoverable (under-billed) $21.50" in flat
    assert "At risk (over-billed or likely denied) $22.00" in flat
    # Chart labels are drawn text: the reasons and the months.
    for label in ("missing-jw", "units-over-billed", "2026-07", "2026-10"):
        assert label in flat
    assert "Top administrations by dollars" in flat
    assert flat.index("A-2") < flat.index("All findings")
    assert "<b>O'Brien & Nguyễn</b>" in flat  # escaped, not markup; Vietnamese printed
    assert "billed_units: 'x'" in flat
    assert "Administrations incomplete (a line unreadable: not audited) 1" in flat
    assert flat.index("Incomplete administrations (1)") < flat.index("A-3 4 row 4: billed_units")
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index, union-attr]
    }
    assert any("DejaVuSans" in name for name in fonts)


def test_no_pricing_says_so(tmp_path: Path) -> None:
    report = audit_file(write_csv(tmp_path / "e.csv", [line("A", 3)]))
    flat = " ".join(_pdf_text(build_report(report))[0].split())
    assert "no pricing imported" in flat
    assert "Recoverable (under-billed) —" in flat


def test_the_full_table_is_capped_and_says_where_the_rest_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_module, "TABLE_LIMIT", 3)
    rows = [line(f"A-{n}", 3) for n in range(5)]
    flat = " ".join(_pdf_text(_report(tmp_path, rows))[0].split())
    assert "The first 3 of 5 findings" in flat


@pytest.mark.parametrize(
    ("largest", "step"), [(0, 1), (1, 1), (5, 1), (7, 2), (12, 5), (2389, 500), (40_001, 10_000)]
)
def test_chart_ticks_are_round(largest: int, step: int) -> None:
    assert report_module.nice_step(largest) == step
