"""Long work over the records: cancellable, and database trouble in the store's own words."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.record_jobs import (
    Cancelled,
    CancelToken,
    export_records,
    read_pdf,
    search_records,
    verify_records,
)
from core.records import RecordStore, RecordStoreError


def fill(data_dir: Path, count: int) -> None:
    with RecordStore.open(data_dir) as store:
        for n in range(count):
            store.add(
                code="J1410",
                mrn=f"{n:06d}",
                patient_name=f"Patient {n}",
                administered_at=None,
                prepared_by="JK",
                verified_by="MO",
                inputs={},
                result={},
                documentation={},
                render=lambda wid, _replaces: b"%PDF-1.4 " + wid.encode() + b" " * 4000,
            )


def test_jobs_answer_like_the_store(tmp_path: Path) -> None:
    fill(tmp_path, 3)
    token = CancelToken()
    assert verify_records(tmp_path, full=True, token=token).checked == 3
    rows = search_records(tmp_path, {"mrn": "000001"}, limit=10, token=token)
    assert [row.worksheet_id for row in rows] == ["W-000002"]
    assert read_pdf(tmp_path, 1, token=token).startswith(b"%PDF-1.4 W-000001")
    out = tmp_path / "list.csv"
    assert export_records(tmp_path, {}, out, token=token) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_cancelled_job_stops_and_changes_nothing(tmp_path: Path) -> None:
    fill(tmp_path, 400)
    token = CancelToken()
    started = threading.Event()
    original = RecordStore.verify

    def slow_verify(store: RecordStore, *, check_pdfs: bool = False):  # type: ignore[no-untyped-def]
        started.set()
        token.cancel()  # cancelled while SQLite is working
        return original(store, check_pdfs=check_pdfs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RecordStore, "verify", slow_verify)
        with pytest.raises(Cancelled):
            verify_records(tmp_path, full=True, token=token)
    assert started.is_set()
    assert verify_records(tmp_path, full=True, token=CancelToken()).ok


def test_cancelled_before_it_starts(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        search_records(tmp_path, {}, limit=None, token=token)


def test_a_damaged_database_is_a_store_error(tmp_path: Path) -> None:
    fill(tmp_path, 1)
    (tmp_path / "worksheets.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"worksheets.sqlite3{suffix}").unlink(missing_ok=True)
    with pytest.raises(RecordStoreError):
        verify_records(tmp_path, full=False, token=CancelToken())
