"""The worksheet's medical necessity section and denial-risk check, as worded."""

from __future__ import annotations

from datetime import datetime

from core.denial_checks import Check
from core.dose_input import DoseForm
from core.worksheet import worksheet_content
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_checks, example_result
from tests.core.blocker_cases import blockers_of
from tests.shipped import evaluate


def labels(rows: tuple[tuple[object, ...], ...]) -> dict[str, tuple[str, bool]]:
    return {f.label: (f.value, f.flagged) for row in rows for f in row}  # type: ignore[attr-defined]


def test_medicare_shows_what_was_given_and_leaves_out_empty_optional_items() -> None:
    doc = DOCUMENTATION.replace(labs=(), prior_treatments=())
    content = worksheet_content(
        example_result(), doc, worksheet_id="W-000001", printed_at=PRINTED_AT
    )
    shown = labels(content.necessity)
    assert shown["Diagnosis"] == ("D80.1", False)
    assert "Results" not in shown and "Prior treatments" not in shown


def test_commercial_flags_each_required_item_not_recorded() -> None:
    result = evaluate(
        DoseForm(vial_size="10", dose_ordered="12", administered="12", payer="commercial")
    )
    doc = DOCUMENTATION.replace(labs=(), rationale="")
    content = worksheet_content(
        result,
        doc,
        worksheet_id="DRAFT",
        printed_at=datetime(2025, 3, 1),
        draft=True,
        checks=example_checks(result, doc),
        blockers=blockers_of(doc, result),
    )
    shown = labels(content.necessity)
    assert shown["Results"] == ("not recorded", True)
    assert shown["Rationale"] == ("not recorded", True)
    assert shown["Dosing weight"] == ("not recorded", True)
    assert "supporting results (e.g. IgG trough) is empty" in content.missing


def test_every_check_prints_and_a_warning_carries_the_reason_given() -> None:
    checks = (
        Check(id="ndc", state="warn", message="No NDC."),
        Check(id="waste", state="pass", message="nothing was discarded."),
    )
    doc = DOCUMENTATION.replace(check_reasons={"ndc": "NDC on the carton torn"})
    content = worksheet_content(
        example_result(), doc, worksheet_id="W-1", printed_at=PRINTED_AT, checks=checks
    )
    assert [(row.state, row.title, row.reason) for row in content.checks] == [
        ("WARN", "NDC", "Reason: NDC on the carton torn"),
        ("PASS", "Waste documented", ""),
    ]


def test_the_worksheet_prints_the_checks_it_is_given_and_runs_none_itself() -> None:
    """The checks are the site's (its catalog, payers and records); the worksheet never
    makes its own with a catalog of its choosing."""
    alone = worksheet_content(
        example_result(), DOCUMENTATION, worksheet_id="W-1", printed_at=PRINTED_AT
    )
    assert alone.checks == ()
    content = worksheet_content(
        example_result(),
        DOCUMENTATION,
        worksheet_id="W-1",
        printed_at=PRINTED_AT,
        checks=example_checks(),
    )
    assert len(content.checks) == 8
    assert all(row.state == "PASS" for row in content.checks)
    assert any("not looked up" in row.message for row in content.checks)
