"""End to end: `main.py history`, `reprint` and `verify` over a records store."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path

import pytest

from core.records import DB_FILENAME, RecordStore
from tests.cli_run import run_main, run_script

ROOT = Path(__file__).resolve().parent.parent


def run(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", str(data_dir))


@pytest.mark.slow
def test_smoke_history_as_a_script(data_dir: Path) -> None:
    done = run_script("history", "--data-dir", str(data_dir))
    assert done.returncode == 0, done.stderr
    assert "W-000002" in done.stdout


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    with RecordStore.open(tmp_path) as store:
        for n, (mrn, name) in enumerate([("111", "Nguyễn Thị Zoë"), ("222", "O'Brien <Jr>")]):
            store.add(
                code="J1410",
                mrn=mrn,
                patient_name=name,
                administered_at=None,
                prepared_by="AB",
                verified_by="CD",
                inputs={"n": n},
                result={},
                documentation={},
                render=lambda wid, replaces, n=n: f"%PDF-fake {wid} {n}".encode(),
            )
    return tmp_path


def test_history_lists_and_filters(data_dir: Path) -> None:
    done = run(data_dir, "history", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert [row["mrn"] for row in rows] == ["222", "111"]  # newest first
    done = run(data_dir, "history", "--json", "--mrn", "111")
    assert [row["patient_name"] for row in json.loads(done.stdout)] == ["Nguyễn Thị Zoë"]
    done = run(data_dir, "history", "--since", "2999-01-01")
    assert "No worksheets" in done.stdout


def test_reprint_writes_the_recorded_bytes(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "again.pdf"
    done = run(data_dir, "reprint", "W-000001", "-o", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == b"%PDF-fake W-000001 0"
    assert (out.stat().st_mode & 0o777) == 0o600
    missing = run(data_dir, "reprint", "W-000009", "-o", str(out))
    assert missing.returncode == 2 and "W-000009" in missing.stderr


def test_full_verify_rehashes_the_stored_pdfs(data_dir: Path) -> None:
    done = run(data_dir, "verify", "--full")
    assert done.returncode == 0 and "hash chain and PDFs" in done.stdout
    with sqlite3.connect(data_dir / DB_FILENAME) as conn:
        triggers = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%UPDATE%'"
            )
        ]
        for name in triggers:
            conn.execute(f"DROP TRIGGER {name}")
        table = next(
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%BLOB%'"
            )
        )
        column = next(
            row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[2] == "BLOB"
        )
        conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = 1", (b"%PDF-forged",))
    conn.close()
    assert run(data_dir, "verify").returncode == 0  # the chain alone does not read PDFs
    done = run(data_dir, "verify", "--full")
    assert done.returncode == 1 and "W-000001" in done.stderr


def test_verify_passes_then_names_the_edited_record(data_dir: Path) -> None:
    assert run(data_dir, "verify").returncode == 0
    with sqlite3.connect(data_dir / DB_FILENAME) as conn:
        # Someone editing the file by hand first drops the immutability trigger.
        conn.execute("DROP TRIGGER worksheets_no_update")
        conn.execute("UPDATE worksheets SET mrn = '999' WHERE id = 2")
    conn.close()
    done = run(data_dir, "verify")
    assert done.returncode == 1
    assert "W-000002" in done.stderr and len(done.stderr.strip().splitlines()) == 1
