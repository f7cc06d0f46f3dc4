"""The records store under load and faults: concurrent writers, a full disk, a read-only
database, out-of-range numbers and dates. Every failure is one plain message."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.records import (
    DB_FILENAME,
    RecordNotFoundError,
    RecordStore,
    StoreUnavailableError,
    WorksheetRecord,
)
from core.storage import sqlite as sqlite_file

HERE = Path(__file__).resolve().parent
WRITERS = 8
PER_WRITER = 25


def add(store: RecordStore, **overrides: Any) -> WorksheetRecord:
    fields: dict[str, Any] = {
        "code": "J1410",
        "mrn": "MRN-1",
        "patient_name": "Doe, Jane",
        "administered_at": None,
        "prepared_by": "AB",
        "verified_by": "CD",
        "inputs": {},
        "result": {},
        "documentation": {},
        "render": lambda wid, replaces: b"%PDF-1.7 " + wid.encode() + b" " + b"x" * 20_000,
    }
    fields.update(overrides)
    return store.add(**fields)


def test_eight_processes_writing_at_once_all_succeed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    # Each record opens the store, holds the write lock ~30 ms (the PDF build) and
    # closes it, as `main.py worksheet` does; 200 of them keep writers waiting for
    # seconds (`bench/bench_writers.py` runs the real command).
    writers = [
        subprocess.Popen(
            [sys.executable, str(HERE / "records_writer_child.py"), str(data), "25", "0.03"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    failures = [out + err for (out, err), w in zip(outputs, writers, strict=True) if w.returncode]
    assert failures == []
    ids = sorted(int(line.split()[1]) for out, _ in outputs for line in out.splitlines())
    assert ids == list(range(1, WRITERS * PER_WRITER + 1)), outputs
    with RecordStore.open(data) as store:
        report = store.verify(check_pdfs=True)
    assert report.ok and report.checked == WRITERS * PER_WRITER


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX advisory locks")
def test_opening_a_second_store_keeps_the_first_ones_locks(tmp_path: Path) -> None:
    """Closing any descriptor of the database drops every POSIX lock the process holds
    on it. Opening the store once did that, so another process closing its connection
    believed it was the last one, checkpointed and deleted the WAL under a live
    connection: 2 of 200 records in an 8-writer run were lost after being reported."""
    data = tmp_path / "data"
    first = RecordStore.open(data)
    add(first)
    second = RecordStore.open(data)
    try:
        other = (
            "import sqlite3, sys\n"
            "conn = sqlite3.connect(sys.argv[1])\n"
            "conn.execute('SELECT count(*) FROM worksheets').fetchone()\n"
            "conn.close()\n"
        )
        subprocess.run([sys.executable, "-c", other, str(data / DB_FILENAME)], check=True)
        # Still in use here, so the other process must not have removed the WAL.
        assert (data / f"{DB_FILENAME}-wal").exists()
        assert add(second).id == 2 and add(first).id == 3
    finally:
        second.close()
        first.close()
    with RecordStore.open(data) as store:
        assert [r.id for r in store.list()] == [3, 2, 1] and store.verify().ok


def test_a_writer_outwaiting_the_busy_timeout_retries_its_transaction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_file, "BUSY_TIMEOUT_S", 0.1)
    data = tmp_path / "data"
    with RecordStore.open(data) as store:
        add(store)
    holder = sqlite3.connect(data / DB_FILENAME, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock ...
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))  # ... for 1 s
    release.start()
    try:
        started = time.monotonic()
        with RecordStore.open(data) as store:  # opening writes too (the schema check)
            assert add(store).id == 2
        assert time.monotonic() - started >= 0.9
    finally:
        release.join()
        holder.close()


def test_a_full_disk_is_one_plain_message_and_nothing_is_recorded(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path / "data") as store:
        add(store)
        # SQLite reports a page limit exactly as a full disk (SQLITE_FULL).
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages}")
        with pytest.raises(StoreUnavailableError) as caught:
            add(store)
        message = str(caught.value)
        assert "full" in message and str(tmp_path / "data") in message and "\n" not in message
        store._conn.execute("PRAGMA max_page_count = 1000000")
        assert [r.id for r in store.list()] == [1]
        assert add(store).id == 2  # the failed attempt consumed nothing
        assert store.verify(check_pdfs=True).ok


def test_a_read_only_database_is_one_plain_message(tmp_path: Path) -> None:
    with RecordStore.open(tmp_path / "data") as store:
        add(store)
        # As a read-only file system or file would: SQLITE_READONLY on the first write.
        store._conn.execute("PRAGMA query_only = ON")
        with pytest.raises(StoreUnavailableError, match=r"read-only.*--data-dir"):
            add(store)
        assert [r.id for r in store.list()] == [1]


def test_an_unusable_data_directory_is_one_plain_message(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(StoreUnavailableError, match=r"cannot use the data directory .*a-file"):
        RecordStore.open(blocker / "data")


def test_a_damaged_database_is_one_plain_message(tmp_path: Path) -> None:
    (tmp_path / "worksheets.sqlite3").write_bytes(b"this is not a database" * 200)
    with pytest.raises(StoreUnavailableError, match=r"damaged.*restore"):
        RecordStore.open(tmp_path)


@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1, 0, -5])
def test_ids_out_of_sqlite_range_name_no_record(tmp_path: Path, number: int) -> None:
    with RecordStore.open(tmp_path / "data") as store:
        add(store)
        with pytest.raises(RecordNotFoundError):
            add(store, replaces=number)
        with pytest.raises(RecordNotFoundError):
            store.get(number)
        with pytest.raises(RecordNotFoundError):
            store.pdf(number)
        assert store.list(worksheet_id=number) == []
        assert [r.id for r in store.list()] == [1]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York", "UTC"])
def test_history_at_the_ends_of_the_calendar(tmp_path: Path, zone: str) -> None:
    """Year 1 in a zone east of UTC is year 0 in UTC; the day after 9999-12-31 does not
    exist. Both once ended in a raw OverflowError."""
    with RecordStore.open(tmp_path) as store:
        add(store)
    probe = (
        "import sys, time; from datetime import date; from core.records import RecordStore\n"
        "time.tzset()\n"
        f"store = RecordStore.open({str(tmp_path)!r})\n"
        "print(len(store.list(since=date.min, until=date.max)),"
        " len(store.list(since=date(9999, 12, 31))), len(store.list(until=date(1, 1, 1))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={"TZ": zone, "PATH": "/usr/bin:/bin"},
        cwd=HERE.parents[1],
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "0", "0"]
    assert date.min == date(1, 1, 1)
