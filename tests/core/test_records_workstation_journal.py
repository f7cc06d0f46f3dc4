"""Issue 23, attack 3 (what the server's owner can still do): with the owner's or a
superuser's credentials, triggers off, W-5's name and MRN were rewritten with every later
hash recomputed, and separately the newest 5 records deleted with ``chain_head`` moved
back; both passed ``verify --full`` as "Intact". Each workstation now keeps its own
journal of the chain heads it saw (``core.records.workstation_journal``): ``verify`` on a
workstation that saw the chain before says so; one that never saw it cannot."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest

from core.records import BackupPlan, RecordStore
from core.records.schema import HASHED_COLUMNS, chain_hash
from tests.cli_run import run_main
from tests.conftest import admin_url, drop_schema, fresh_schema_url, server_url, set_up_roles
from tests.core.test_records_backup import add

RECORDS = 12


@pytest.fixture
def roles(postgresql_url: str, server_roles: tuple[str, str]) -> tuple[str, str]:
    """The application role's URL (what the workstations run as, see tests/conftest.py)
    and the owner's: an administrator's connection that takes the owner role."""
    owner, _ = server_roles
    return postgresql_url, admin_url(postgresql_url) + quote(f" -crole={owner}")


def rewrite_w5(owner_url: str) -> None:
    """As the owner: triggers off, W-5's patient rewritten, every hash from W-5 on
    recomputed and the chain head moved onto the new newest hash, triggers back on."""
    with psycopg.connect(owner_url, autocommit=True) as conn, conn.transaction():
        conn.execute("ALTER TABLE worksheets DISABLE TRIGGER USER")
        conn.execute("ALTER TABLE chain_head DISABLE TRIGGER USER")
        conn.execute("UPDATE worksheets SET mrn = 'OTHER', patient_name = 'Roe, Rick' WHERE id = 5")
        columns = ", ".join(HASHED_COLUMNS)
        row = conn.execute("SELECT chain_hash FROM worksheets WHERE id = 4").fetchone()
        assert row is not None
        previous = row[0]
        for record_id in range(5, RECORDS + 1):
            stored = conn.execute(
                f"SELECT {columns} FROM worksheets WHERE id = %s", (record_id,)
            ).fetchone()
            assert stored is not None
            values = [*stored[:-1], previous]  # prev_hash is the last hashed column
            previous = chain_hash(values)
            conn.execute(
                "UPDATE worksheets SET prev_hash = %s, chain_hash = %s WHERE id = %s",
                (values[-1], previous, record_id),
            )
        conn.execute("UPDATE chain_head SET last_hash = %s", (previous,))
        conn.execute("ALTER TABLE worksheets ENABLE TRIGGER USER")
        conn.execute("ALTER TABLE chain_head ENABLE TRIGGER USER")


def delete_newest_5(owner_url: str) -> None:
    """As the owner: the newest 5 records (PDFs, vials, charges) deleted and the chain
    head moved back onto the record left newest."""
    keep = RECORDS - 5
    with psycopg.connect(owner_url, autocommit=True) as conn, conn.transaction():
        for table in ("worksheets", "worksheet_pdfs", "worksheet_vials", "chain_head"):
            conn.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        conn.execute("DELETE FROM charge_outbox WHERE worksheet_id > %s", (keep,))
        conn.execute("DELETE FROM worksheet_vials WHERE worksheet_id > %s", (keep,))
        conn.execute("DELETE FROM worksheet_pdfs WHERE id > %s", (keep,))
        conn.execute("DELETE FROM worksheets WHERE id > %s", (keep,))
        conn.execute(
            "UPDATE chain_head SET count = %s,"
            " last_hash = (SELECT chain_hash FROM worksheets WHERE id = %s)",
            (keep, keep),
        )
        for table in ("worksheets", "worksheet_pdfs", "worksheet_vials", "chain_head"):
            conn.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def verify_at(data_dir: Path, url: str) -> tuple[int, str]:
    with RecordStore.open(data_dir, url=url) as store:
        report = store.verify(check_pdfs=True)
    return (0 if report.ok else 1), report.message


@pytest.mark.parametrize("attack", [rewrite_w5, delete_newest_5])
def test_a_workstation_that_saw_the_chain_catches_the_owners_rewrite(
    tmp_path: Path, roles: tuple[str, str], attack: object
) -> None:
    app_url, owner_url = roles
    seen, stranger = tmp_path / "seen", tmp_path / "stranger"
    with RecordStore.open(seen, url=app_url) as store:
        add(store, RECORDS)
    assert verify_at(seen, app_url)[0] == 0
    assert callable(attack)
    attack(owner_url)
    status, message = verify_at(seen, app_url)
    assert status == 1
    if attack is rewrite_w5:
        assert "W-000005 is not the record this workstation saw" in message
    else:
        newest, saw = f"W-{RECORDS - 5:06d}", f"W-{RECORDS:06d}"
        assert f"newest record is {newest} but this workstation saw {saw} on " in message
    assert "Roe" not in message and "OTHER" not in message  # no patient data
    # A workstation that never saw the chain before has nothing to compare it with.
    assert verify_at(stranger, app_url)[0] == 0
    # The command: exit 1 and the message on the workstation that saw it; the one that
    # never did says it had nothing to compare with.
    done = run_main("verify", "--full", "--data-dir", seen, "--database", app_url)
    assert done.returncode == 1 and "this workstation saw" in done.stderr
    done = run_main("verify", "--data-dir", tmp_path / "third", "--database", app_url)
    assert done.returncode == 0 and "had not seen these records before" in done.stdout


def test_the_journal_is_private_keyed_by_the_database_and_holds_no_patient_data(
    tmp_path: Path, postgresql_url: str, server_roles: tuple[str, str]
) -> None:
    data_dir = tmp_path / "ws"
    with RecordStore.open(data_dir, url=postgresql_url) as store:
        add(store, 3)
        store.verify()
        path = store.workstation.path
    assert path.parent.parent == data_dir
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "Doe" not in text and "MRN" not in text and "unitcalc_test" not in path.name
    for line in text.splitlines():
        assert set(json.loads(line)) == {"at", "count", "event", "head"}
    assert [json.loads(line)["event"] for line in text.splitlines()] == [
        *["record"] * 3,
        "verify",
    ]
    # The same database through another URL: the same journal; another schema: another.
    same = postgresql_url + quote(" -capplication_name=other")
    with RecordStore.open(data_dir, url=same) as store:
        assert store.workstation.path == path
        assert "the same as the chain heads this workstation saw (3" in run_verify(same, data_dir)
    base = server_url()
    assert base is not None
    other_schema, schema = fresh_schema_url(base)
    try:
        other = set_up_roles(other_schema, *server_roles)
        with RecordStore.open(data_dir, url=other) as store:
            assert store.workstation.path != path
    finally:
        drop_schema(base, schema)


def run_verify(url: str, data_dir: Path) -> str:
    done = run_main("verify", "--data-dir", data_dir, "--database", url)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_sqlite_with_the_backup_disk_away_still_catches_a_rewrite(tmp_path: Path) -> None:
    """On SQLite the backup journal catches a rewritten file, but not when the disk it is
    on is away; the workstation's own journal in the data directory still does."""
    import sqlite3

    data_dir = tmp_path / "data"
    plan = BackupPlan(directory=tmp_path / "usb" / "backups", every=100, keep=2)
    with RecordStore.open(data_dir, backup_plan=plan) as store:
        add(store, 6)
    away = plan.directory.parent.rename(tmp_path / "usb-away")
    conn = sqlite3.connect(data_dir / "worksheets.sqlite3")
    conn.execute("DROP TRIGGER worksheets_no_update")
    conn.execute("UPDATE worksheets SET mrn = 'OTHER' WHERE id = 6")
    values = conn.execute(
        f"SELECT {', '.join(HASHED_COLUMNS)} FROM worksheets WHERE id = 6"
    ).fetchone()
    conn.execute("UPDATE worksheets SET chain_hash = ? WHERE id = 6", (chain_hash(values),))
    conn.execute("UPDATE chain_head SET last_hash = ?", (chain_hash(values),))
    conn.commit()
    conn.close()
    with RecordStore.open(data_dir, backup_plan=plan) as store:
        report = store.verify()
    assert away.is_dir() and not report.ok
    assert "W-000006 is not the record this workstation saw" in report.message


def test_a_restore_closes_off_the_heads_above_it_and_torn_lines_are_skipped() -> None:
    from core.records.workstation_journal import held_heads

    def line(event: str, count: int, head: str, at: str) -> bytes:
        return json.dumps({"event": event, "count": count, "head": head, "at": at}).encode()

    lines = [
        line("record", 1, "a", "2026-12-01T10:00:00+00:00"),
        line("record", 2, "b", "2026-12-01T10:01:00+00:00"),
        line("read", 2, "b", "2026-12-02T09:00:00+00:00"),  # seen again later
        line("record", 3, "c", "2026-12-02T09:05:00+00:00"),
        line("restore", 2, "b", "2026-12-03T08:00:00+00:00"),  # W-3 set aside
        b'{"event": "record", "count": 4, "he',  # torn by a power cut
        line("record", 4, "d", "2026-12-03T08:10:00+00:00"),
    ]
    held = held_heads(lines)
    assert sorted(held) == [1, 2, 4]
    assert [seen.when for seen in held[2]] == ["2026-12-01 10:01:00 UTC"]  # the first time
