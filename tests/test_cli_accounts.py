"""End to end: `users role|enable` and the roles that import fee schedules and restore,
on a site with accounts (the same rules as Tools > Accounts: core.accounts.managing)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from core.accounts import AccountStore
from tests.cli_run import ROOT, one_line_error, run_main


def run(data: Path, *args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data, stdin=stdin, cwd=ROOT)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    with AccountStore.open(data) as accounts:
        accounts.add("boss", "admin", "0000")
        accounts.add("jkim", "technician", "1111")
        accounts.add("mosei", "nurse", "2222")
        accounts.add("phil", "pharmacist", "4444")
    return data


def test_users_role_and_enable_and_the_last_administrator(site: Path) -> None:
    last = run(site, "users", "disable", "boss", "--admin", "boss", "--pin-stdin", stdin="0000\n")
    assert "boss is the last active administrator" in one_line_error(last)
    demote = run(site, "users", "role", "boss", "--role", "nurse", "--admin", "boss",
                 "--pin-stdin", stdin="0000\n")  # fmt: skip
    assert "cannot be made nurse" in one_line_error(demote)
    done = run(site, "users", "role", "phil", "--role", "admin", "--admin", "boss",
               "--pin-stdin", stdin="0000\n")  # fmt: skip
    assert done.returncode == 0 and "phil is now admin" in done.stdout
    nurse = run(site, "users", "role", "jkim", "--role", "nurse", "--admin", "mosei",
                "--pin-stdin", stdin="2222\n")  # fmt: skip
    assert "mosei (nurse) may not manage users" in one_line_error(nurse)
    off = run(site, "users", "disable", "jkim", "--admin", "phil", "--pin-stdin", stdin="4444\n")
    assert off.returncode == 0
    on = run(site, "users", "enable", "jkim", "--admin", "phil", "--pin-stdin", stdin="4444\n")
    assert on.returncode == 0 and "Enabled jkim" in on.stdout
    assert "jkim  technician  active" in run(site, "users", "list").stdout


def test_importing_fees_on_a_site_with_accounts_needs_a_pharmacist(
    site: Path, tmp_path: Path
) -> None:
    fees = tmp_path / "fees.csv"
    fees.write_text(
        "HCPCS Code,Rate per unit,Effective from,Effective to\n"
        'J1459,"1,055.25",2026-01-01,2026-12-31\n'
    )
    args = ("payers", "import-fees", "commercial", str(fees))
    assert "give --by ACCOUNT (a pharmacist or an administrator)" in one_line_error(
        run(site, *args)
    )
    tech = run(site, *args, "--by", "jkim", "--pin-stdin", stdin="1111\n")
    assert "jkim (technician) may not import payer fee schedules" in one_line_error(tech)
    wrong = run(site, *args, "--by", "phil", "--pin-stdin", stdin="9999\n")
    assert "wrong PIN for phil" in one_line_error(wrong)
    done = run(site, *args, "--by", "phil", "--pin-stdin", stdin="4444\n")
    assert done.returncode == 0, done.stderr
    # A site that never added an account imports as before.
    assert run(tmp_path / "plain", *args).returncode == 0


def test_restoring_on_a_site_with_accounts_needs_a_pharmacist(site: Path) -> None:
    backup = site / "nope.sqlite3"  # the role is checked before the file is read
    nurse = run(site, "restore", str(backup), "--by", "mosei", "--pin-stdin", stdin="2222\n")
    assert "mosei (nurse) may not restore the records from a backup" in one_line_error(nurse)
    assert "give --by ACCOUNT" in one_line_error(run(site, "restore", str(backup)))
    admin = run(site, "restore", str(backup), "--by", "boss", "--pin-stdin", stdin="0000\n")
    assert "--by" not in one_line_error(admin)  # signed; then the missing file is named
