"""Long work over the records: cancellable, and database trouble in the store's own words."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest

from core.record_jobs import (
    PROGRESS_INTERVAL_S,
    Cancelled,
    CancelToken,
    Throttled,
    export_records,
    read_pdf,
    search_records,
    verify_records,
)
from core.records import RecordStore, RecordStoreError
from tests.sites import site_at


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
    assert verify_records(site_at(tmp_path), full=True, token=token).checked == 3
    rows = search_records(site_at(tmp_path), {"mrn": "000001"}, limit=10, token=token)
    assert [row.worksheet_id for row in rows] == ["W-000002"]
    assert read_pdf(site_at(tmp_path), 1, token=token).startswith(b"%PDF-1.4 W-000001")
    out = tmp_path / "list.csv"
    assert export_records(site_at(tmp_path), {}, out, token=token) == 3
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_cancelled_quick_check_stops_and_changes_nothing(tmp_path: Path) -> None:
    fill(tmp_path, 400)
    token = CancelToken()
    original = RecordStore.verify

    def cancelled_meanwhile(store: RecordStore, *, check_pdfs: bool = False, progress=None):  # type: ignore[no-untyped-def]
        token.cancel()  # cancelled while SQLite is working
        return original(store, check_pdfs=check_pdfs, progress=progress)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(RecordStore, "verify", cancelled_meanwhile)
        with pytest.raises(Cancelled):
            verify_records(site_at(tmp_path), full=False, token=token)
    assert verify_records(site_at(tmp_path), full=False, token=CancelToken()).ok


def test_the_full_check_runs_in_its_own_process_and_can_be_cancelled(tmp_path: Path) -> None:
    fill(tmp_path, 50)
    token = CancelToken()
    threading.Timer(0.05, token.cancel).start()  # before the new process can answer
    started = time.monotonic()
    with pytest.raises(Cancelled):
        verify_records(site_at(tmp_path), full=True, token=token)
    assert time.monotonic() - started < 10
    report = verify_records(site_at(tmp_path), full=True, token=CancelToken())
    assert report.ok and report.pdfs_checked and report.checked == 50


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX niceness")
def test_the_full_check_gives_way_to_the_window(tmp_path: Path) -> None:
    from core.record_jobs import BACKGROUND_NICENESS, _in_process_of_its_own
    from tests.core.record_jobs_child import niceness

    mine = os.nice(0)
    theirs = _in_process_of_its_own(niceness, tmp_path, CancelToken())
    assert theirs == min(mine + BACKGROUND_NICENESS, 19)
    assert os.nice(0) == mine  # the window's own priority is untouched


def test_both_checks_say_how_far_they_have_come(tmp_path: Path) -> None:
    fill(tmp_path, 5)
    for full in (False, True):
        seen: list[tuple[int, int]] = []
        token = CancelToken(progress=lambda *p, seen=seen: seen.append(p))
        assert verify_records(site_at(tmp_path), full=full, token=token).ok
        assert seen[:1] == [(0, 5)]  # the first report at once, through the process too


def test_progress_is_passed_on_at_most_every_interval() -> None:
    now = [0.0]
    passed: list[tuple[int, int]] = []
    report = Throttled(lambda *p: passed.append(p), clock=lambda: now[0])
    report(0, 10)
    report(1, 10)  # too soon: dropped
    now[0] = PROGRESS_INTERVAL_S / 2
    report(2, 10)
    now[0] = PROGRESS_INTERVAL_S
    report(3, 10)
    report(4, 10)
    assert passed == [(0, 10), (3, 10)]


def test_a_changed_pdf_is_found_by_the_full_check_in_its_process(tmp_path: Path) -> None:
    import sqlite3

    fill(tmp_path, 3)
    conn = sqlite3.connect(tmp_path / "worksheets.sqlite3")
    conn.execute("DROP TRIGGER worksheet_pdfs_no_update")
    conn.execute("UPDATE worksheet_pdfs SET pdf = ? WHERE id = 2", (b"%PDF-1.4 forged",))
    conn.commit()
    conn.close()
    report = verify_records(site_at(tmp_path), full=True, token=CancelToken())
    assert not report.ok and report.first_broken_id == 2


def test_cancelled_before_it_starts(tmp_path: Path) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        search_records(site_at(tmp_path), {}, limit=None, token=token)


def test_a_damaged_database_is_a_store_error(tmp_path: Path) -> None:
    fill(tmp_path, 1)
    (tmp_path / "worksheets.sqlite3").write_bytes(b"this is not a database" * 100)
    for suffix in ("-wal", "-shm"):
        (tmp_path / f"worksheets.sqlite3{suffix}").unlink(missing_ok=True)
    with pytest.raises(RecordStoreError):
        verify_records(site_at(tmp_path), full=False, token=CancelToken())
