"""One list of what keeps a dose from the chart: the window, `worksheet --dry-run --json`
and the verification queue give the same blockers for the same dose."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import run_main

#: A commercial dose, documented but for its prior authorization number.
FIELDS = {
    "vial_size": "10",
    "dose_ordered": "12",
    "administered": "12",
    "payer": "commercial",
    "ndc": "0002-7597-01",
    "patient_name": "A. Patient",
    "mrn": "00123456",
    "date_of_birth": "1961-04-02",
    "administered_at": "2025-03-01 14:30",
    "diagnosis": "D80.1",
    "vial_1_lot": "LX1",
    "vial_1_expiry": "2026-01-31",
    "vial_2_lot": "LX2",
    "vial_2_expiry": "2026-02-01",
    "waste_reason": "single-dose vial",
    "waste_witness": "R. Alvarez",
    "prepared_by": "J. Kim",
    "verified_by": "M. Osei",
    "indication": "CVID",
    "rationale": "recurrent pneumonia",
}
OPTIONS = [
    "--vial-size", "10", "--ordered", "12", "--administered", "12",
    "--payer", "commercial", "--ndc", "0002-7597-01",
    "--patient", "A. Patient", "--mrn", "00123456", "--dob", "1961-04-02",
    "--administered-at", "2025-03-01 14:30", "--diagnosis", "D80.1",
    "--lot", "LX1", "--expiry", "2026-01-31", "--lot", "LX2", "--expiry", "2026-02-01",
    "--waste-reason", "single-dose vial", "--witness", "R. Alvarez",
    "--prepared-by", "J. Kim", "--verified-by", "M. Osei",
    "--indication", "CVID", "--rationale", "recurrent pneumonia",
]  # fmt: skip


def dry_run(data: Path, *extra: str) -> tuple[int, dict[str, list[dict[str, object]]]]:
    done = run_main("worksheet", *OPTIONS, *extra, "--dry-run", "--json", "--data-dir", data)
    assert done.returncode in (0, 3), done.stderr
    return done.returncode, json.loads(done.stdout)


def window_blockers(window, fields: dict[str, str]) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    window.restore_fields(fields)
    window.session.verify()
    return [b.model_dump(mode="json") for b in window.session.blockers()]


@pytest.mark.parametrize(
    ("change", "option"),
    [({}, []), ({"prior_authorization": "PA-1"}, ["--prior-auth", "PA-1"])],
    ids=["without-authorization", "with-an-unrecorded-number"],
)
def test_the_window_and_the_dry_run_give_the_same_blockers(
    window, isolated: Path, change: dict[str, str], option: list[str]
) -> None:
    shown = window_blockers(window, FIELDS | change)
    status, said = dry_run(isolated, *option)
    assert said["blockers"] == shown
    assert status == (3 if shown else 0)


def test_a_commercial_dose_without_authorization_is_blocked_once(window, isolated: Path) -> None:
    shown = window_blockers(window, FIELDS)
    about = [b for b in shown if "authorization" in str(b["message"])]
    assert [(b["id"], b["field"]) for b in about] == [
        ("prior-authorization", "prior_authorization")
    ]
    problems = window.print_problems()
    assert [p for p in problems if "authorization" in p] == [about[0]["message"]]
    _, said = dry_run(isolated)
    assert [b for b in said["blockers"] if "authorization" in str(b["message"])] == about
    failed = [c for c in said["checks"] if c["state"] == "fail"]
    assert {c["id"] for c in failed} == {"medical-necessity", "prior-authorization"}


def test_the_queue_gives_the_window_s_blockers_before_and_after_the_nurse_signs(
    window, isolated: Path
) -> None:
    from argon2 import PasswordHasher

    from core.queued_dose import queued_blockers
    from core.verification_queue import VerificationQueue
    from ui.pending_dialog import details

    fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    unverified = FIELDS | {"verified_by": ""}
    window.restore_fields(unverified)
    shown = [b.model_dump(mode="json") for b in window.session.blockers()]
    assert ("required", "verified_by") in [(b["id"], b["field"]) for b in shown]
    options = OPTIONS[: OPTIONS.index("--verified-by")] + OPTIONS[OPTIONS.index("--indication") :]
    done = run_main("worksheet", *options, "--dry-run", "--json", "--data-dir", isolated)
    assert json.loads(done.stdout)["blockers"] == shown

    with VerificationQueue.open(isolated, None, hasher=fast) as queue:
        queue.accounts.add("boss", "admin", "0000")
        queue.accounts.add("jkim", "technician", "1111", full_name="J. Kim")
        queue.accounts.add("mosei", "nurse", "2222", full_name="M. Osei")
        content = window.features.queue.content()
        dose_id = queue.submit(
            content,
            patient_name="A. Patient",
            mrn="1",
            code="J1410",
            prepared_by="jkim",
            pin="1111",
        )
        pending = queue.get(dose_id)
        queued = queued_blockers(
            pending, window.site.catalog, window.site.payers, window.session.reviewer
        )
        assert [b.model_dump(mode="json") for b in queued] == shown
        listed = details(pending, queued)
        assert all(str(b["message"]) in listed for b in shown)
        signed = queue.sign(dose_id, "mosei", "2222", seen=pending.content_sha256)
        after = [
            b.model_dump(mode="json")
            for b in queued_blockers(
                signed, window.site.catalog, window.site.payers, window.session.reviewer
            )
        ]

    said = run_main("queue", "show", str(dose_id), "--json", "--data-dir", isolated)
    assert json.loads(said.stdout)["blockers"] == after
    assert after == window_blockers(window, FIELDS)  # the window's, verified by M. Osei
    assert [b["id"] for b in after if "authorization" in str(b["message"])] == [
        "prior-authorization"
    ]
