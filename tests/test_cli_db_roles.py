"""End to end on PostgreSQL (issue 23, attack 3): every command that opens the shared
database refuses a role that could change records, in one line saying what to do; with
the application role, a chain head deleted behind the program (only an administrator
can, by switching its guard off) gives a plain message, never ``TypeError``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest

from tests.cli_run import ROOT, one_line_error, run_main
from tests.conftest import admin_url
from tests.core.test_worksheet_cli import DOC, DOSE


def run(data: Path, url: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data, "--database", url, cwd=ROOT)


COMMANDS = [
    ("history",),
    ("verify", "--full"),
    ("reprint", "W-000001", "-o", "-"),
    ("users", "list"),
    ("worksheet", *DOSE, *DOC, "-o", "w.pdf"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_each_command_refuses_the_superuser_in_one_line(
    tmp_path: Path, postgresql_url: str, command: tuple[str, ...]
) -> None:
    said = one_line_error(run(tmp_path / "data", admin_url(postgresql_url), *command))
    assert "is a superuser" in said and "db-roles" in said
    assert not (tmp_path / "w.pdf").exists()


def test_a_deleted_chain_head_is_one_plain_line_in_every_command(
    tmp_path: Path, postgresql_url: str
) -> None:
    data = tmp_path / "data"
    done = run(data, postgresql_url, "worksheet", *DOSE, *DOC, "-o", tmp_path / "1.pdf")
    assert done.returncode == 0, done.stderr
    as_app = psycopg.connect(postgresql_url, autocommit=True)
    with as_app as conn, pytest.raises(psycopg.Error, match="permission denied"):
        conn.execute("DELETE FROM chain_head")
    with psycopg.connect(admin_url(postgresql_url), autocommit=True) as conn:
        conn.execute("ALTER TABLE chain_head DISABLE TRIGGER USER")
        conn.execute("DELETE FROM chain_head")
    again = run(data, postgresql_url, "worksheet", *DOSE, *DOC, "-o", tmp_path / "2.pdf")
    verify = run(data, postgresql_url, "verify")
    for done in (again, verify):
        assert done.returncode != 0
        assert "chain head is missing" in done.stderr, done.stderr
        assert "unexpected error" not in done.stderr and "Error" not in done.stderr
    assert not (tmp_path / "2.pdf").exists()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("nan", "the database must be a URL"),
        ("postgresql://app:secret@db.example/unitcalc", "holds a password"),
    ],
)
def test_db_roles_with_a_bad_url_is_one_plain_line(tmp_path: Path, url: str, said: str) -> None:
    """It said "unexpected error (DatabaseUrlError: …)"."""
    line = one_line_error(run(tmp_path / "data", url, "db-roles"))
    assert line.startswith("unitcalc: database: ") and said in line, line
    assert "unexpected" not in line and "secret" not in line
