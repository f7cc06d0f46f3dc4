"""Backups, the chain-head journal beside them, verify against it, and restore."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest

from core.records import (
    DB_FILENAME,
    BackupError,
    BackupPlan,
    DatabaseMissingError,
    RecordStore,
    StoreUnavailableError,
    WorksheetRecord,
    format_worksheet_id,
)
from core.records.backup import JOURNAL_FILENAME, backups, read_journal
from tests.sites import site_at


def fake_pdf(worksheet_id: str, replaces: int | None) -> bytes:
    return f"%PDF-1.7\n% worksheet {worksheet_id}\n%%EOF\n".encode()


def add(store: RecordStore, n: int = 1) -> WorksheetRecord:
    record: WorksheetRecord | None = None
    for i in range(n):
        record = store.add(
            code="J1410",
            mrn=f"MRN-{i}",
            patient_name="Doe, Jane",
            administered_at=None,
            prepared_by="AB",
            verified_by="CD",
            inputs={},
            result={},
            documentation={},
            render=fake_pdf,
        )
    assert record is not None
    return record


@pytest.fixture
def plan(tmp_path: Path) -> BackupPlan:
    # Another directory than the data directory, as on a second disk.
    return BackupPlan(directory=tmp_path / "elsewhere" / "backups", every=3, keep=2)


def open_store(tmp_path: Path, plan: BackupPlan, **kwargs: Any) -> RecordStore:
    return RecordStore.open(tmp_path / "data", backup_plan=plan, **kwargs)


def test_a_due_backup_is_handed_to_the_runner_after_the_writers_lock(
    tmp_path: Path, plan: BackupPlan
) -> None:
    """The store starts no thread: a backup that a record makes due goes to the runner it
    was opened with (the window's background work), once the writers' lock is let go (a
    backup takes that lock too, behind a waiting restore)."""
    from core.records.writers_lock import writers_lock

    handed: list[tuple[Path, BackupPlan]] = []

    def runner(path: Path, due_plan: BackupPlan) -> None:
        with writers_lock(path, exclusive=True):  # would wait for ever inside add's lock
            handed.append((path, due_plan))

    with open_store(tmp_path, plan, run_backup=runner) as store:
        add(store, 4)  # due at each: the runner makes none, so none is there yet
        assert handed == [(store.path, plan)] * 4
    assert backups(plan) == []  # the runner chose not to back up: nothing behind its back


def test_backups_at_the_first_record_then_every_n_rotated(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        add(store)
        assert [p.name.rsplit("-", 1)[1] for p in backups(plan)] == ["n1.sqlite3"]
        add(store, 5)  # records 2..6: backups at 3 and 6, the newest two kept
        assert [p.name.rsplit("-", 1)[1] for p in backups(plan)] == ["n3.sqlite3", "n6.sqlite3"]
    newest = backups(plan)[-1]
    assert stat.S_IMODE(newest.stat().st_mode) == 0o600
    assert stat.S_IMODE(plan.directory.stat().st_mode) == 0o700
    # A backup is one self-contained file (not WAL), readable on its own.
    conn = sqlite3.connect(f"{newest.as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM worksheets").fetchone()[0] == 6
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_the_journal_follows_every_record(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        last = add(store, 4)
    head = read_journal(plan)
    assert head is not None and (head.count, head.head) == (4, last.chain_hash)
    lines = [json.loads(line) for line in plan.journal.read_text().splitlines()]
    assert [line["count"] for line in lines if line["event"] == "record"] == [1, 2, 3, 4]
    # No patient data beside the backups' names and counts.
    assert "Doe" not in plan.journal.read_text() and "MRN" not in plan.journal.read_text()


def test_journal_lines_out_of_order_and_a_torn_last_line(tmp_path: Path) -> None:
    plan = BackupPlan(directory=tmp_path)
    lines = [
        {"event": "record", "count": 2, "head": "b"},
        {"event": "record", "count": 1, "head": "a"},  # committed first, journaled later
    ]
    plan.journal.write_text("".join(json.dumps(line) + "\n" for line in lines) + '{"event": "re')
    head = read_journal(plan)
    assert head is not None and (head.count, head.head) == (2, "b")


def test_verify_reports_a_database_behind_its_journal(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 4)
        assert store.verify().ok
    # An old copy (the backup of record 3) put back by hand: a smaller intact chain.
    db = tmp_path / "data" / DB_FILENAME
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    shutil.copyfile(backups(plan)[-1], db)
    with open_store(tmp_path, plan) as store:
        report = store.verify()
    assert not report.ok
    assert "behind its journal" in report.message and "4" in report.message


def test_no_record_is_added_to_a_database_behind_its_journal(
    tmp_path: Path, plan: BackupPlan
) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 4)
    db = tmp_path / "data" / DB_FILENAME
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    shutil.copyfile(backups(plan)[-1], db)  # 3 records: W-000004 was printed already
    with open_store(tmp_path, plan) as store:
        with pytest.raises(StoreUnavailableError, match=r"nothing was recorded.*behind"):
            add(store)
        assert [r.id for r in store.list()] == [3, 2, 1]
        store.restore(backups(plan)[-1])  # a deliberate restore is the new start
        assert add(store).id == 5  # above W-000004, printed already (never given twice)


def test_the_journal_tail_is_enough(tmp_path: Path) -> None:
    plan = BackupPlan(directory=tmp_path)
    lines = [{"event": "record", "count": n, "head": f"h{n}"} for n in range(1, 3000)]
    lines.insert(10, {"event": "restore", "count": 1, "head": "h1"})
    plan.journal.write_text("".join(json.dumps(line) + "\n" for line in lines))
    head = read_journal(plan, tail=4096)
    assert head is not None and (head.count, head.head) == (2999, "h2999")
    full = read_journal(plan)
    assert full is not None and (full.count, full.head) == (2999, "h2999")


def test_verify_reports_a_replaced_database(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 2)
    # Another database with as many records, but not these ones.
    other_plan = BackupPlan(directory=tmp_path / "other-backups")
    with RecordStore.open(tmp_path / "other", backup_plan=other_plan) as other:
        add(other, 3)
    db = tmp_path / "data" / DB_FILENAME
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    with sqlite3.connect(tmp_path / "other" / DB_FILENAME) as source, sqlite3.connect(db) as target:
        source.backup(target)
    source.close()
    target.close()
    with open_store(tmp_path, plan) as store:
        report = store.verify()
    assert not report.ok and "was replaced" in report.message and "W-000002" in report.message


def test_a_missing_database_is_not_started_afresh(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 2)
    for path in (tmp_path / "data").glob(f"{DB_FILENAME}*"):
        path.unlink()
    with pytest.raises(DatabaseMissingError, match=r"missing.*2 worksheet record"):
        open_store(tmp_path, plan)
    assert not (tmp_path / "data" / DB_FILENAME).exists()  # W-000001 is not handed out again


def test_restore_brings_a_backup_back_and_keeps_the_replaced_database(
    tmp_path: Path, plan: BackupPlan
) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 4)
        saved = backups(plan)[-1]  # holds 3 records
        with pytest.raises(BackupError, match=r"holds W-000004 that .* lacks.*--keep-newer"):
            store.restore(saved)  # W-000004 would be lost
        assert [r.id for r in store.list()] == [4, 3, 2, 1]
        count, kept, set_aside = store.restore(saved, keep_newer=True)
        assert count == 3 and kept is not None and "before-restore" in kept.name
        assert set_aside == [4]
        assert [r.id for r in store.list()] == [3, 2, 1]
        assert store.verify().ok  # the restore is the journal's new start
        assert add(store).id == 5  # W-000004, set aside, is not given again
        assert store.verify().ok
    # The replaced database, with its 4 records, is still there.
    conn = sqlite3.connect(f"{kept.as_uri()}?mode=ro", uri=True)
    assert conn.execute("SELECT count(*) FROM worksheets").fetchone()[0] == 4
    conn.close()


def test_restore_into_a_missing_database(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 3)
    for path in (tmp_path / "data").glob(f"{DB_FILENAME}*"):
        path.unlink()
    with open_store(tmp_path, plan, allow_missing=True) as store:
        count, kept, set_aside = store.restore(backups(plan)[-1])
        assert (count, kept, set_aside) == (3, None, [])
        assert store.verify(check_pdfs=True).ok


def test_restore_refuses_a_file_that_is_not_an_intact_backup(
    tmp_path: Path, plan: BackupPlan
) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    with open_store(tmp_path, plan) as store:
        add(store, 3)
        for bad in (junk, tmp_path / "nope.sqlite3", tmp_path / "data" / DB_FILENAME):
            with pytest.raises(BackupError):
                store.restore(bad)
        # A backup edited afterwards fails its own verify.
        edited = tmp_path / "edited.sqlite3"
        shutil.copyfile(backups(plan)[-1], edited)
        conn = sqlite3.connect(edited)
        conn.execute("DROP TRIGGER worksheets_no_update")
        conn.execute("UPDATE worksheets SET mrn = 'X' WHERE id = 1")
        conn.commit()
        conn.close()
        with pytest.raises(BackupError, match="fails verify"):
            store.restore(edited)
        assert [r.id for r in store.list()] == [3, 2, 1]


def test_backup_if_behind_at_start(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        assert store.backup_if_behind() is None  # nothing to keep yet
        add(store, 2)  # backup at record 1 only
        made = store.backup_if_behind()
        assert made is not None and made.name.endswith("-n2.sqlite3")
        assert store.backup_if_behind() is None


def test_backup_at_start_never_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("UNITCALC_BACKUP_DIR", str(tmp_path / "backups"))
    with RecordStore.open(tmp_path / "data") as store:
        add(store, 2)
    made = site_at(tmp_path / "data").backup_at_start()
    assert made is not None and made.parent == tmp_path / "backups"
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert site_at(blocker / "data").backup_at_start() is None


def test_a_failing_backup_location_does_not_lose_the_record(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    plan = BackupPlan(directory=blocker / "backups")  # cannot be created under a file
    with RecordStore.open(tmp_path / "data", backup_plan=plan) as store:
        record = add(store)
        assert store.backup_problem is not None and str(blocker) in store.backup_problem
        assert [r.id for r in store.list()] == [record.id]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("data/backups", 20, 10)),
        (
            {"UNITCALC_BACKUP_DIR": "/mnt/disk2/unitcalc", "UNITCALC_BACKUP_EVERY": "5"},
            ("/mnt/disk2/unitcalc", 5, 10),
        ),
        ({"UNITCALC_BACKUP_KEEP": " 3 ", "UNITCALC_BACKUP_DIR": ""}, ("data/backups", 20, 3)),
    ],
)
def test_plan_from_the_environment(
    tmp_path: Path, env: dict[str, str], expected: tuple[str, int, int]
) -> None:
    plan = BackupPlan.for_data_dir(tmp_path / "data", env)
    directory = expected[0] if expected[0].startswith("/") else str(tmp_path / expected[0])
    assert (str(plan.directory), plan.every, plan.keep) == (directory, *expected[1:])


@pytest.mark.parametrize("value", ["0", "-1", "x", "1e3", "١٢", "99999999999"])
def test_bad_plan_settings_are_refused_by_name(tmp_path: Path, value: str) -> None:
    with pytest.raises(BackupError, match="UNITCALC_BACKUP_EVERY"):
        BackupPlan.for_data_dir(tmp_path, {"UNITCALC_BACKUP_EVERY": value})


def test_journal_file_is_private(tmp_path: Path, plan: BackupPlan) -> None:
    with open_store(tmp_path, plan) as store:
        add(store)
    assert os.name != "posix" or stat.S_IMODE(plan.journal.stat().st_mode) == 0o600
    assert plan.journal.name == JOURNAL_FILENAME
    assert format_worksheet_id(1) == "W-000001"


def test_automatic_backups_that_fail_on_a_full_disk_say_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack: automatic backups failing on a full disk said nothing."""
    import errno
    import sqlite3

    from core.records import backup as backup_module
    from core.records.store import RecordStore
    from tests.sites import site_at

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # At start (the window's backup on a thread of its own).
    monkeypatch.setattr(RecordStore, "backup_if_behind", full)
    assert site_at(tmp_path / "data").backup_at_start() is None
    said = capsys.readouterr().err
    assert "automatic backup failed (No space left on device)" in said
    # After a record.
    database = tmp_path / "records.db"
    sqlite3.connect(database).close()
    monkeypatch.setattr(backup_module, "backup_database", full)
    monkeypatch.setattr(backup_module, "last_backup_problem", None)
    backup_module.backup_now(database, backup_module.BackupPlan.for_data_dir(tmp_path))
    assert "No space left on device" in capsys.readouterr().err
    assert backup_module.last_backup_problem is not None
