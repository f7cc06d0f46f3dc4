"""What keeps a dose from the chart: one list, each rule written once (``core.blockers``)."""

from __future__ import annotations

import ast
from collections import Counter
from datetime import date, datetime
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from core.blockers import Blocker, stops_verification
from core.denial_checks import CHECKS
from core.dose_input import DoseForm
from core.worksheet.example import DOCUMENTATION
from tests.shipped import shipped_session

ROOT = Path(__file__).resolve().parents[2]
#: Where a ``Blocker`` may be made: the rules, and a failed check naming itself.
MAKERS = {("core/blockers.py", None), ("core/denial_checks.py", "_fail")}


def blocker_calls() -> list[tuple[str, str | None, str | None]]:
    """(module path, enclosing function, literal id) of every ``Blocker(...)`` in core and ui."""
    found = []
    for package in ("core", "ui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in [tree, *ast.walk(tree)]:
                if not isinstance(function, ast.FunctionDef | ast.Module):
                    continue
                name = function.name if isinstance(function, ast.FunctionDef) else None
                for node in ast.walk(function):
                    if not (
                        isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Blocker"
                    ):
                        continue
                    literal = next(
                        (
                            k.value.value
                            for k in node.keywords
                            if k.arg == "id" and isinstance(k.value, ast.Constant)
                        ),
                        None,
                    )
                    found.append((str(path.relative_to(ROOT)), name, literal))
    # A call inside a function was seen from the module too: keep the innermost function.
    inner = {(p, i) for p, f, i in found if f is not None}
    return [(p, f, i) for p, f, i in found if f is not None or (p, i) not in inner]


def test_blockers_are_made_only_by_the_rules() -> None:
    calls = blocker_calls()
    assert calls, "the scan found no Blocker at all"
    for path, function, _ in calls:
        assert (path, None) in MAKERS or (path, function) in MAKERS, (path, function)


def test_each_blocker_id_is_produced_by_one_function() -> None:
    """A rule written twice would make the same id in two places."""
    makers: dict[str, set[tuple[str, str | None]]] = {}
    for path, function, literal in blocker_calls():
        if literal is not None:
            makers.setdefault(literal, set()).add((path, function))
    twice = {i: sorted(map(str, where)) for i, where in makers.items() if len(where) > 1}
    # ``required`` is one rule (an empty field) over two sets of fields: the two people,
    # which stop verification, and the rest.
    assert twice.keys() <= {"required"}, twice
    assert {f for _, f in makers["required"]} == {"documentation_blockers", "people_blockers"}
    # The prior-authorization check fails only with the rule's blockers (of that name).
    assert set(makers) & set(CHECKS) <= {"prior-authorization"}


def test_the_ui_holds_no_blocker_rule() -> None:
    for path in (ROOT / "ui").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "core.blockers":
                assert {a.name for a in node.names} <= {"Blocker"}, path


DOSES = {
    "medicare": DoseForm(vial_size="10", dose_ordered="12", administered="12", ndc="0002-7597-01"),
    "commercial": DoseForm(
        vial_size="10", dose_ordered="12", administered="11", payer="commercial"
    ),
}
BLANKABLE = [
    "patient_name", "mrn", "diagnosis", "prior_authorization", "waste_reason", "waste_witness",
    "prepared_by", "verified_by", "indication", "rationale", "route",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    payer=st.sampled_from(sorted(DOSES)),
    blank=st.sets(st.sampled_from(BLANKABLE)),
    expired=st.booleans(),
    verify=st.booleans(),
)
def test_every_reason_is_named_once_and_each_failed_check_says_what_it_blocks(
    payer: str, blank: set[str], expired: bool, verify: bool
) -> None:
    doc = DOCUMENTATION.replace(**dict.fromkeys(blank, ""))
    if expired:
        vials = (DOCUMENTATION.vials[0].replace(expiry=date(2025, 2, 1)), *DOCUMENTATION.vials[1:])
        doc = doc.replace(vials=vials)
    session = shipped_session(clock=lambda: datetime(2025, 3, 1, 16, 0))
    session.set_dose(DOSES[payer])
    session.set_documentation(doc)
    if verify and session.verification_problem() is None:
        session.verify()
    blockers = session.blockers()
    assert all(n == 1 for n in Counter(blockers).values()), blockers
    assert sum(b.id.startswith("prior-authorization") for b in blockers) <= 1
    claim = session.claim()
    assert claim is not None
    for check in claim.checks:
        assert bool(check.blockers) == (check.state == "fail"), check
        assert set(check.blockers) <= set(blockers)
    assert (session.verification_problem() is None) == (not stops_verification(blockers))
    if expired:
        assert any(b.id == "vial-expired" and b.step == "verify" for b in blockers)
    if "waste_witness" in blank:
        assert [b.field for b in blockers if b.id == "waste-witness"] == ["waste_witness"]


def test_a_blocker_is_plain_json() -> None:
    blocker = Blocker(id="required", message="MRN is empty", field="mrn")
    assert blocker.model_dump(mode="json") == {
        "id": "required",
        "message": "MRN is empty",
        "field": "mrn",
        "step": "print",
    }
