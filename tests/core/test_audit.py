"""The audit finds every planted billing error, prices it by quarter, and nothing else."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.audit import facts as facts_module
from core.audit.output import summary
from core.reference import NO_REFERENCE
from tests.core.audit_fakes import FakeCrosswalk, FakePricing, line, write_csv
from tests.shipped import audit_file

# 12 mL from 2 × 10 mL single-dose vials of J1410 (per 5 mL): 3 units + 1 JW.
RIGHT = [line("OK-1", 3), line("OK-1", 1, "JW")]
# 10 mL from 1 × 10 mL: 2 units, no waste, so JZ.
RIGHT_JZ = [line("OK-2", 2, "JZ", administered="10 mL", vials_opened="1")]

PLANTED = {
    "missing-jw": [line("P-1", 3)],
    "jw-over-billed": [line("P-2", 3), line("P-2", 2, "JW")],
    "missing-jz": [line("P-3", 2, administered="10 mL", vials_opened="1")],
    "jz-with-waste": [line("P-4", 3, "JZ"), line("P-4", 1, "JW")],
    "jw-on-multi-dose": [line("P-5", 3), line("P-5", 1, "JW", multi_dose="yes")],
    "units-over-billed": [line("P-6", 4), line("P-6", 1, "JW")],
    "units-under-billed": [line("P-7", 2), line("P-7", 1, "JW")],
    "ndc-code-mismatch": [
        line("P-8", 3, ndc="0002-7597-01"),
        line("P-8", 1, "JW", ndc="0002-7597-01"),
    ],
}


def _audit(tmp_path: Path, rows: list[dict[str, str]], **kw: object):  # type: ignore[no-untyped-def]
    return audit_file(write_csv(tmp_path / "export.csv", rows), **kw)  # type: ignore[arg-type]


def test_every_planted_error_is_found_once_and_right_lines_pass(tmp_path: Path) -> None:
    rows = RIGHT + RIGHT_JZ + [r for planted in PLANTED.values() for r in planted]
    # P-5's lines disagree on multi_dose: give both lines the same facts.
    rows = [dict(r, multi_dose="yes") if r["administration_id"] == "P-5" else r for r in rows]
    report = _audit(tmp_path, rows, pricing=FakePricing(), crosswalk=FakeCrosswalk())
    found = {(f.reason, f.administration_id) for f in report.findings}
    assert found == {
        ("missing-jw", "P-1"),
        ("jw-over-billed", "P-2"),
        ("missing-jz", "P-3"),
        ("jz-with-waste", "P-4"),
        ("jw-on-multi-dose", "P-5"),
        ("units-over-billed", "P-6"),
        ("units-under-billed", "P-7"),
        ("ndc-code-mismatch", "P-8"),
    }
    assert report.administrations == 10
    assert report.skipped == 0


def test_findings_carry_lines_rows_and_dollars(tmp_path: Path) -> None:
    report = _audit(
        tmp_path,
        RIGHT + PLANTED["missing-jw"] + PLANTED["units-over-billed"],
        pricing=FakePricing(),
    )
    by_reason = {f.reason: f for f in report.findings}
    missing = by_reason["missing-jw"]
    assert missing.rows == (4,)
    assert missing.billed == ("J1410 x 3",)
    assert missing.expected == ("J1410 x 3", "J1410-JW x 1")
    assert (missing.kind, missing.dollars) == ("recoverable", Decimal("10.50"))
    over = by_reason["units-over-billed"]
    assert over.rows == (5, 6)
    assert (over.kind, over.unit_difference, over.dollars) == ("at_risk", 1, Decimal("10.50"))
    data = summary(report)
    assert (data["recoverable"], data["at_risk"]) == ("10.50", "10.50")


def test_dollars_follow_the_quarter_of_the_service_date(tmp_path: Path) -> None:
    rows = [
        line("Q3", 3, service_date="2026-09-30"),
        line("Q4", 3, service_date="2026-10-01"),
    ]
    report = _audit(tmp_path, rows, pricing=FakePricing())
    assert {f.administration_id: f.dollars for f in report.findings} == {
        "Q3": Decimal("10.50"),
        "Q4": Decimal("11"),
    }
    assert summary(report)["by_month"] == {
        "2026-09": {"findings": 1, "recoverable": "10.50", "at_risk": "0.00"},
        "2026-10": {"findings": 1, "recoverable": "11.00", "at_risk": "0.00"},
    }


def test_missing_jz_puts_the_whole_dose_line_at_risk(tmp_path: Path) -> None:
    report = _audit(tmp_path, PLANTED["missing-jz"], pricing=FakePricing())
    (finding,) = report.findings
    assert (finding.kind, finding.dollars) == ("at_risk", Decimal("21.00"))


def test_without_pricing_dollars_are_unknown_and_said_so(tmp_path: Path) -> None:
    report = _audit(tmp_path, PLANTED["missing-jw"], pricing=NO_REFERENCE)
    assert report.findings[0].dollars is None
    data = summary(report)
    assert data["recoverable"] == "0.00"
    assert data["pricing"].startswith("no pricing imported")


def test_ndc_unknown_to_the_crosswalk_is_no_finding(tmp_path: Path) -> None:
    rows = [line("N-1", 3, ndc="50242-040-62"), line("N-1", 1, "JW", ndc="50242-040-62")]
    assert _audit(tmp_path, rows, crosswalk=FakeCrosswalk()).findings == []


def test_multi_dose_without_waste_lines_is_clean(tmp_path: Path) -> None:
    rows = [line("M-1", 3, multi_dose="yes")]
    assert _audit(tmp_path, rows).findings == []


def test_commercial_payer_does_not_need_jz(tmp_path: Path) -> None:
    rows = [line("C-1", 2, payer="commercial", administered="10 mL", vials_opened="1")]
    assert _audit(tmp_path, rows).findings == []


def test_inpatient_jw_is_over_billed(tmp_path: Path) -> None:
    rows = [line("I-1", 3, setting="inpatient"), line("I-1", 1, "JW", setting="inpatient")]
    assert [f.reason for f in _audit(tmp_path, rows).findings] == ["jw-over-billed"]


def test_product_with_planned_vials(tmp_path: Path) -> None:
    """28 g of Privigen: 56 units, 4 JW from 20 g + 10 g (the billing reference's example)."""
    facts = {
        "hcpcs": "J1459",
        "product": "Privigen",
        "concentration": "",
        "vial_size": "",
        "vials_opened": "",
        "multi_dose": "",
        "administered": "280 mL",
    }
    rows = [line("IG-1", 56, **facts), line("IG-1", 4, "JW", **facts)]
    assert _audit(tmp_path, rows).findings == []
    report = _audit(tmp_path, rows[:1], pricing=FakePricing())
    assert [(f.reason, f.dollars) for f in report.findings] == [("missing-jw", Decimal("320.5"))]


def test_the_facts_are_read_once_per_distinct_dose(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = facts_module.Resolver._dose

    def counting(self, text, *code):  # type: ignore[no-untyped-def]
        calls.append(text)
        return real(self, text, *code)

    monkeypatch.setattr(facts_module.Resolver, "_dose", counting)
    rows = [line(f"R-{n}", 3) for n in range(50)] + [line(f"S-{n}", 2) for n in range(50)]
    rows += [line("X", 3, administered=" 12  mL ")]  # same dose, written differently
    report = _audit(tmp_path, rows)
    assert report.administrations == 101
    assert len(calls) == 2  # once per distinct text, not per administration
    reasons = {(f.administration_id, f.reason) for f in report.findings}
    assert ("X", "missing-jw") in reasons and ("R-0", "missing-jw") in reasons


@settings(max_examples=40, deadline=None)
@given(
    ml=st.integers(min_value=1, max_value=400),
    size=st.sampled_from([5, 10, 25, 50, 100]),
    extra=st.integers(min_value=-3, max_value=3),
)
def test_billing_the_engine_lines_is_clean_and_changes_are_found(
    tmp_path_factory: pytest.TempPathFactory, ml: int, size: int, extra: int
) -> None:
    from core.dose_input import DoseForm
    from tests.shipped import evaluate

    tmp = tmp_path_factory.mktemp("prop")
    result = evaluate(DoseForm(vial_size=f"{size}", dose_ordered=f"{ml}", administered=f"{ml}"))
    facts = {
        "administered": f"{ml} mL",
        "vial_size": f"{size} mL",
        "vials_opened": str(result.vials_opened),
    }
    rows = [line("A", cl.units, "+".join(cl.modifiers), **facts) for cl in result.claim_lines]
    assert _audit(tmp, rows).findings == []
    rows[0] = dict(rows[0], billed_units=str(max(0, result.units_administered + extra)))
    difference = max(0, result.units_administered + extra) - result.units_administered
    reasons = [f.reason for f in _audit(tmp, rows).findings]
    if difference > 0:
        assert reasons == ["units-over-billed"]
    elif difference < 0:
        assert reasons == ["units-under-billed"]
    else:
        assert reasons == []


@settings(max_examples=25, deadline=None)
@given(
    kinds=st.lists(st.sampled_from([*sorted(PLANTED), "right"]), min_size=1, max_size=12),
    seed=st.randoms(use_true_random=False),
)
def test_line_order_within_the_window_does_not_change_the_findings(
    tmp_path_factory: pytest.TempPathFactory, kinds: list[str], seed: random.Random
) -> None:
    rows = []
    for number, kind in enumerate(kinds):
        planted = RIGHT if kind == "right" else PLANTED[kind]
        if kind == "jw-on-multi-dose":
            planted = [dict(r, multi_dose="yes") for r in planted]
        rows += [dict(r, administration_id=f"{kind}-{number}") for r in planted]
    shuffled = list(rows)
    seed.shuffle(shuffled)
    tmp = tmp_path_factory.mktemp("order")

    def found(lines: list[dict[str, str]]) -> list[tuple[str, str, int]]:
        report = _audit(tmp, lines, crosswalk=FakeCrosswalk())
        assert report.skipped == 0
        return sorted((f.reason, f.administration_id, f.unit_difference) for f in report.findings)

    assert found(shuffled) == found(rows)


def test_totals_cover_every_finding_when_the_kept_list_is_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core.audit import report_data

    monkeypatch.setattr(report_data, "KEEP_FINDINGS", 3)
    rows = [line(f"A-{n}", 3) for n in range(10)]
    report = _audit(tmp_path, rows, pricing=FakePricing())
    assert len(report.findings) == 3
    assert (report.total_findings, report.counts) == (10, {"missing-jw": 10})
    assert summary(report)["recoverable"] == "105.00"
