"""End to end: `main.py history`, `reprint` and `verify` over a records store."""

from __future__ import annotations

import json
import os
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
    assert f"matches the backup journal in {data_dir / 'backups'}" in done.stdout
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


def run_bytes(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    return run_main(*args, "--data-dir", data_dir, env=env, binary=True)


def test_reprint_to_dash_writes_the_pdf_on_standard_output(data_dir: Path) -> None:
    done = run_bytes(data_dir, "reprint", "W-000002", "-o", "-")
    assert done.returncode == 0
    assert done.stdout == b"%PDF-fake W-000002 1"  # the PDF alone; the note goes to stderr
    assert b"Reprinted W-000002" in done.stderr
    assert not (Path.cwd() / "-").exists() and not (data_dir / "-").exists()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_reprint_through_a_symlink_keeps_the_link(data_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "charts" / "w.pdf"
    target.parent.mkdir()
    link = tmp_path / "latest.pdf"
    link.symlink_to(target)
    assert run(data_dir, "reprint", "1", "-o", str(link)).returncode == 0
    assert link.is_symlink() and target.read_bytes() == b"%PDF-fake W-000001 0"


def test_reprint_into_a_directory_is_one_line(data_dir: Path, tmp_path: Path) -> None:
    done = run(data_dir, "reprint", "1", "-o", str(tmp_path))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "output file" in done.stderr


def test_history_escapes_control_characters(tmp_path: Path) -> None:
    hostile = "Doe\x1b]0;owned\x07\x1b[2K\u202eevil\x9b"
    with RecordStore.open(tmp_path) as store:
        store.add(
            code="J1410",
            mrn="1\x1b[31m",
            patient_name=hostile,
            administered_at=None,
            prepared_by="AB",
            verified_by="CD",
            inputs={},
            result={},
            documentation={},
            render=lambda wid, replaces: b"%PDF-fake",
        )
    for args in (("history",), ("history", "--json")):
        done = run(tmp_path, *args)
        assert done.returncode == 0
        for raw in ("\x1b", "\x07", "\u202e", "\x9b"):
            assert raw not in done.stdout, (args, raw)
    assert "Doe\\x1b]0;owned\\x07" in run(tmp_path, "history").stdout
    assert json.loads(run(tmp_path, "history", "--json").stdout)[0]["patient_name"] == hostile


def test_error_messages_escape_what_was_typed(data_dir: Path) -> None:
    done = run(data_dir, "reprint", "W-\x1b[2K", "-o", "x.pdf")
    assert done.returncode == 2 and "\x1b" not in done.stderr and "\\x1b[2K" in done.stderr


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "America/New_York"])
def test_history_at_the_ends_of_the_calendar(data_dir: Path, zone: str) -> None:
    for option, value in (("--since", "0001-01-01"), ("--until", "9999-12-31")):
        done = run_bytes(data_dir, "history", "--json", option, value, TZ=zone)
        assert done.returncode == 0, done.stderr
        assert len(json.loads(done.stdout)) == 2


def test_verify_reports_a_deleted_or_emptied_database(data_dir: Path) -> None:
    assert run(data_dir, "verify").returncode == 0
    db = data_dir / DB_FILENAME
    for path in data_dir.glob(f"{DB_FILENAME}*"):
        path.unlink()
    done = run(data_dir, "verify")
    assert done.returncode == 1 and "missing" in done.stderr and "restore" in done.stderr
    assert done.stderr.count("\n") == 1
    assert not db.exists()
    # Emptied: a fresh database where the old one was. Once looked like "Intact: 0".
    sqlite3.connect(db).close()
    done = run(data_dir, "verify")
    assert done.returncode == 1 and "behind its journal" in done.stderr


def test_restore_command_brings_the_records_back(data_dir: Path) -> None:
    backups_dir = data_dir / "backups"
    (backup,) = sorted(backups_dir.glob("worksheets-*.sqlite3"))  # made at the first record
    for path in data_dir.glob(f"{DB_FILENAME}*"):
        path.unlink()
    done = run(data_dir, "restore", str(backup))
    assert done.returncode == 0, done.stderr
    assert "Restored 1 worksheet records" in done.stdout
    assert run(data_dir, "verify", "--full").returncode == 0
    done = run(data_dir, "backup")
    assert done.returncode == 0 and str(backups_dir) in done.stdout
    bad = run(data_dir, "restore", str(data_dir / "nope.sqlite3"))
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_an_unusable_data_directory_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    for command in (("history",), ("verify",), ("reprint", "1", "-o", "x.pdf"), ("backup",)):
        done = run(blocker / "data", *command)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.count("\n") == 1 and "unexpected" not in done.stderr
        assert "data directory" in done.stderr


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--mrn", b"\xff"),
        ("--patient", b"Do\xc3"),
        ("--code", b"J\xff\x1b"),
        ("--patient", b"x" * 300),
    ],
)
def test_history_filters_refuse_invalid_or_huge_text(
    data_dir: Path, option: str, value: bytes
) -> None:
    done = run_main("history", option, value, "--data-dir", data_dir, binary=True)
    assert done.returncode == 2 and done.stdout == b""
    assert done.stderr.count(b"\n") == 1 and option.encode() in done.stderr
    assert b"unexpected" not in done.stderr and b"\x1b" not in done.stderr


def test_verify_reports_a_damaged_database(data_dir: Path) -> None:
    for path in data_dir.glob(f"{DB_FILENAME}*"):
        path.unlink()
    (data_dir / DB_FILENAME).write_bytes(b"\x00garbage" * 10_000)
    done = run(data_dir, "verify")
    assert done.returncode == 1 and "damaged" in done.stderr and "restore" in done.stderr
    assert done.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("d" * 10_000, "is 10,000 characters"),
        ("/tmp/" + "d" * 300, "folder name longer than 255 bytes"),
        ("/tmp/a\x1bb", "control character"),
    ],
)
def test_a_data_dir_no_system_could_open_is_one_line_naming_it(value: str, message: str) -> None:
    """The attack: a --data-dir of 10,000 characters gave "unexpected error"."""
    for command in (("cms", "status"), ("history",), ("backup",)):
        done = run_main(*command, "--data-dir", value)
        assert done.returncode == 2, (command, done.stderr)
        assert done.stderr.splitlines() == [f"unitcalc: argument --data-dir: {message}"] or (
            done.stderr.count("\n") == 1 and message in done.stderr
        ), done.stderr
        assert "--data-dir" in done.stderr and len(done.stderr) < 200


def test_an_id_printed_before_a_restore_is_never_printed_again(tmp_path: Path) -> None:
    """Issue 23: `restore --keep-newer` of an older backup set W-3 and W-4 aside, and the
    next worksheet was printed as W-000003 again. Now it is W-000005."""
    from tests.core.test_worksheet_cli import DOC, DOSE

    data = tmp_path / "data"

    def record() -> str:
        done = run_main("worksheet", *DOSE, *DOC, "-o", tmp_path / "w.pdf", "--data-dir", data)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()[2].rstrip(";")

    printed = [record(), record()]
    backup = run(data, "backup")
    assert backup.returncode == 0, backup.stderr
    saved = backup.stdout.strip().removeprefix("Backed up to ")
    printed += [record(), record()]
    assert printed == ["W-000001", "W-000002", "W-000003", "W-000004"]
    done = run(data, "restore", saved, "--keep-newer")
    assert done.returncode == 0, done.stderr
    assert "W-000003..W-000004 (2 records)" in done.stdout
    assert record() == "W-000005"
    assert run(data, "verify", "--full").returncode == 0
