"""The verification queue: submit, see pending, open read-only, sign; a change re-queues."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from core.accounts import SigningError
from core.verification_queue import QueueError, VerificationQueue

CONTENT = {"dose": {"vial_size": "10", "ordered": "12"}, "documentation": {"mrn": "123"}}


@pytest.fixture
def stations(
    tmp_path: Path, database_url: str | None
) -> Iterator[tuple[VerificationQueue, VerificationQueue]]:
    """The pharmacy's and the infusion chair's workstation on one database (SQLite: one
    shared data directory; PostgreSQL: two data directories, one server)."""
    pharmacy_dir = tmp_path / "pharmacy"
    chair_dir = pharmacy_dir if database_url is None else tmp_path / "chair"
    with (
        VerificationQueue.open(pharmacy_dir, database_url) as pharmacy,
        VerificationQueue.open(chair_dir, database_url) as chair,
    ):
        pharmacy.accounts.add("boss", "admin", "0000")
        pharmacy.accounts.add("jkim", "technician", "1111")
        pharmacy.accounts.add("mosei", "nurse", "2222")
        yield pharmacy, chair


def submit(queue: VerificationQueue, content: dict[str, object] = CONTENT) -> int:
    return queue.submit(
        content, patient_name="Doe, Jane", mrn="123", code="J1410", prepared_by="jkim", pin="1111"
    )


def test_a_submitted_dose_is_pending_at_the_other_workstation_until_signed(
    stations: tuple[VerificationQueue, VerificationQueue],
) -> None:
    pharmacy, chair = stations
    before = chair.revision()
    dose_id = submit(pharmacy)
    assert chair.revision() > before  # what a polling window sees
    (pending,) = chair.pending()
    assert pending.id == dose_id and pending.state == "pending"
    assert pending.prepared.name == "jkim" and pending.verified is None
    opened = chair.get(dose_id)
    assert opened.content == CONTENT
    signed = chair.sign(dose_id, "mosei", "2222", seen=opened.content_sha256)
    assert signed.state == "verified" and signed.verified is not None
    assert chair.pending() == []
    assert pharmacy.get(dose_id).state == "verified"  # the technician's side shows it
    signatures = pharmacy.signatures(dose_id)
    assert signatures["verified_by"].name == "mosei"


def test_a_dose_changed_after_submission_goes_back_to_pending(
    stations: tuple[VerificationQueue, VerificationQueue],
) -> None:
    pharmacy, chair = stations
    dose_id = submit(pharmacy)
    opened = chair.get(dose_id)
    chair.sign(dose_id, "mosei", "2222", seen=opened.content_sha256)
    same = pharmacy.resubmit(dose_id, dict(CONTENT), prepared_by="jkim", pin="1111")
    assert same.state == "verified"  # nothing changed: the signature stands
    changed = {**CONTENT, "dose": {"vial_size": "10", "ordered": "14"}}
    again = pharmacy.resubmit(dose_id, changed, prepared_by="jkim", pin="1111")
    assert again.state == "pending" and again.verified is None
    assert [d.id for d in chair.pending()] == [dose_id]
    with pytest.raises(QueueError, match="not verified"):
        pharmacy.signatures(dose_id)


def test_a_nurse_cannot_sign_what_changed_after_she_opened_it(
    stations: tuple[VerificationQueue, VerificationQueue],
) -> None:
    pharmacy, chair = stations
    dose_id = submit(pharmacy)
    opened = chair.get(dose_id)
    changed = {**CONTENT, "documentation": {"mrn": "999"}}
    pharmacy.resubmit(dose_id, changed, prepared_by="jkim", pin="1111")
    with pytest.raises(QueueError, match="changed after you opened it"):
        chair.sign(dose_id, "mosei", "2222", seen=opened.content_sha256)
    assert chair.get(dose_id).state == "pending"


def test_only_a_verifier_other_than_the_preparer_signs_with_the_right_pin(
    stations: tuple[VerificationQueue, VerificationQueue],
) -> None:
    pharmacy, chair = stations
    dose_id = submit(pharmacy)
    seen = chair.get(dose_id).content_sha256
    with pytest.raises(SigningError, match="may not verify"):
        chair.sign(dose_id, "jkim", "1111", seen=seen)
    with pytest.raises(SigningError, match="wrong PIN"):
        chair.sign(dose_id, "mosei", "9999", seen=seen)
    with pytest.raises(SigningError, match="wrong PIN"):
        submit_as = pharmacy.submit
        submit_as(CONTENT, patient_name="X", mrn="1", code="J1410", prepared_by="jkim", pin="0")
    assert chair.get(dose_id).state == "pending"
    assert len(chair.pending()) == 1
