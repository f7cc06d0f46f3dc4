"""Issue 23, attacks 1, 4 and 8 (recursive view): a restore never loses a record and
never takes a backup that is not the records the journal saw."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from core.records import BackupError, BackupPlan, RecordStore
from core.records.backup import backups
from core.records.schema import HASHED_COLUMNS, chain_hash
from tests.core.test_records_backup import add, fake_pdf, open_store


@pytest.fixture
def plan(tmp_path: Path) -> BackupPlan:
    return BackupPlan(directory=tmp_path / "backups", every=5, keep=50)


def tampered(source: Path, target: Path, *statements: str) -> Path:
    shutil.copyfile(source, target)
    conn = sqlite3.connect(target)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return target


def test_writers_during_restores_lose_nothing_and_share_no_id(
    tmp_path: Path, plan: BackupPlan
) -> None:
    """Before: 4 writers during 5 restores lost 10 reported records and printed one ID on
    2-3 worksheets. Now every record reported is in the database or in the copy a restore
    kept (same ID, same hash), and no ID of the database's line names two records."""
    with open_store(tmp_path, plan) as store:
        add(store, 5)
    older = Path(shutil.copyfile(backups(plan)[-1], tmp_path / "older.sqlite3"))
    reported: list[tuple[int, str]] = []
    stop = threading.Event()

    def writer() -> None:
        with open_store(tmp_path, plan) as mine:
            while not stop.is_set():
                record = mine.add(
                    code="J1410", mrn="MRN", patient_name="Doe, Jane", administered_at=None,
                    prepared_by="AB", verified_by="CD", inputs={}, result={},
                    documentation={}, render=fake_pdf,
                )  # fmt: skip
                reported.append((record.id, record.chain_hash))

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    kept: list[Path] = []
    refused = 0
    try:
        with open_store(tmp_path, plan) as store:
            for _ in range(5):
                time.sleep(0.2)
                try:
                    store.restore(older)
                except BackupError as error:
                    assert "--keep-newer" in str(error)
                    refused += 1
                result = store.restore(older, keep_newer=True)
                if result.kept is not None:
                    kept.append(result.kept)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert refused == 5 and len(reported) > 10
    found: dict[int, set[str]] = {}
    for database in [tmp_path / "data" / "worksheets.sqlite3", *kept]:
        conn = sqlite3.connect(f"{database.as_uri()}?mode=ro", uri=True)
        for record_id, chain in conn.execute("SELECT id, chain_hash FROM worksheets"):
            found.setdefault(record_id, set()).add(chain)
        conn.close()
    lost = [(i, h) for i, h in reported if h not in found.get(i, set())]
    assert lost == []
    assert len({h for _, h in reported}) == len(reported)


def test_a_backup_holding_a_view_or_a_trigger_of_its_own_is_refused(
    tmp_path: Path, plan: BackupPlan
) -> None:
    """Before: a 12 KB backup holding a recursive view hung restore."""
    with open_store(tmp_path, plan) as store:
        add(store, 5)
        good = backups(plan)[-1]
        view = tampered(
            good,
            tmp_path / "view.sqlite3",
            "DROP TABLE worksheet_pdfs",
            "CREATE VIEW worksheet_pdfs(id, pdf) AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL"
            " SELECT i + 1 FROM n) SELECT i, zeroblob(9) FROM n",
        )
        with pytest.raises(BackupError, match="holds a view"):
            store.restore(view, keep_newer=True)
        trigger = tampered(
            good,
            tmp_path / "trigger.sqlite3",
            "CREATE TRIGGER sneaky AFTER INSERT ON worksheets BEGIN DELETE FROM chain_head; END",
        )
        with pytest.raises(BackupError, match="trigger of its own"):
            store.restore(trigger, keep_newer=True)
        assert store.restore(good).records == 5


def test_a_backup_rewritten_with_a_recomputed_chain_is_refused(
    tmp_path: Path, plan: BackupPlan
) -> None:
    """Before: a backup whose W-2 was rewritten and the chain recomputed was restored, and
    verify then said it matched the journal. Now its W-2..W-5 disagree with the heads the
    journal saw, and it is refused."""
    with open_store(tmp_path, plan) as store:
        add(store, 5)
    rewritten = tmp_path / "rewritten.sqlite3"
    shutil.copyfile(backups(plan)[-1], rewritten)
    conn = sqlite3.connect(rewritten)
    trigger = "SELECT sql FROM sqlite_master WHERE name = 'worksheets_no_update'"
    guard = conn.execute(trigger).fetchone()[0]
    conn.execute("DROP TRIGGER worksheets_no_update")
    conn.execute("UPDATE worksheets SET mrn = 'OTHER', patient_name = 'Roe, Rick' WHERE id = 2")
    columns = ", ".join(HASHED_COLUMNS)
    previous = conn.execute("SELECT chain_hash FROM worksheets WHERE id = 1").fetchone()[0]
    for (record_id,) in conn.execute(
        "SELECT id FROM worksheets WHERE id >= 2 ORDER BY id"
    ).fetchall():
        values = list(
            conn.execute(f"SELECT {columns} FROM worksheets WHERE id = ?", (record_id,)).fetchone()
        )
        values[-1] = previous  # prev_hash is the last hashed column
        previous = chain_hash(values)
        conn.execute(
            "UPDATE worksheets SET prev_hash = ?, chain_hash = ? WHERE id = ?",
            (values[-1], previous, record_id),
        )
    conn.execute("UPDATE chain_head SET last_hash = ?", (previous,))
    conn.execute(guard)  # put back as it was: only the data differs
    conn.commit()
    conn.close()
    with RecordStore.open(tmp_path / "data", backup_plan=plan) as store:
        with pytest.raises(BackupError, match="W-000002 has another hash"):
            store.restore(rewritten, keep_newer=True)
        assert [r.mrn for r in store.list()][-2] == "MRN-1"


def test_an_id_set_aside_by_a_restore_is_never_given_again(
    tmp_path: Path, plan: BackupPlan
) -> None:
    """Before: after `restore --keep-newer` of an older backup, the next record took the
    ID of the first record set aside (W-6 printed on two worksheets). Now the IDs never go
    back: the next record's ID is above every ID ever printed, and the chain verifies."""
    with open_store(tmp_path, plan) as store:
        add(store, 5)
        older = Path(shutil.copyfile(backups(plan)[-1], tmp_path / "older.sqlite3"))
        printed = [add(store).id for _ in range(3)]  # W-6..W-8
        assert store.restore(older, keep_newer=True).set_aside == printed
        again = add(store).id
        assert again > max(printed)
        printed.append(again)
        assert store.verify(check_pdfs=True).ok
    # A second restore of the same backup (which knows nothing of W-6..W-9), then a new
    # start of the program: still above every ID printed.
    with open_store(tmp_path, plan) as store:
        assert store.restore(older, keep_newer=True).set_aside == [again]
    with open_store(tmp_path, plan) as store:
        assert store.verify(check_pdfs=True).ok
        newest = add(store)
        assert newest.id > max(printed)
        assert store.verify(check_pdfs=True).ok
        assert [r.id for r in store.list()] == [newest.id, 5, 4, 3, 2, 1]


def test_a_database_lost_and_restored_does_not_give_its_newer_ids_again(
    tmp_path: Path, plan: BackupPlan
) -> None:
    """The database lost with records newer than its last backup: the journal beside the
    backups remembers the IDs printed, and the restored database goes on above them."""
    with open_store(tmp_path, plan) as store:
        add(store, 7)  # backed up at 5
    for path in (tmp_path / "data").glob("worksheets.sqlite3*"):
        path.unlink()
    with open_store(tmp_path, plan, allow_missing=True) as store:
        assert store.restore(backups(plan)[-1]).records == 5
        assert add(store).id == 8
        assert store.verify().ok


def test_a_gap_in_the_ids_that_no_restore_made_is_still_a_deletion(
    tmp_path: Path, plan: BackupPlan
) -> None:
    with open_store(tmp_path, plan) as store:
        add(store, 5)
        older = Path(shutil.copyfile(backups(plan)[-1], tmp_path / "older.sqlite3"))
        add(store, 2)
        store.restore(older, keep_newer=True)
        add(store, 3)  # W-8..W-10 after the IDs W-6, W-7 set aside
    conn = sqlite3.connect(tmp_path / "data" / "worksheets.sqlite3")
    conn.execute("DROP TRIGGER worksheets_no_delete")
    conn.execute("DROP TRIGGER worksheet_pdfs_no_delete")
    conn.execute("DELETE FROM worksheet_pdfs WHERE id = 9")
    conn.execute("DELETE FROM worksheets WHERE id = 9")
    conn.commit()
    conn.close()
    with open_store(tmp_path, plan) as store:
        report = store.verify()
    assert not report.ok and "W-000009 is missing" in report.message
