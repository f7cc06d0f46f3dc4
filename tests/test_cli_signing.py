"""End to end: `main.py users ...` and `main.py worksheet ... --pins-stdin`."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from core.records import RecordStore
from tests.cli_run import ROOT, run_main
from tests.core.test_worksheet_cli import DOC, DOSE, one_line_error, text


def run(data: Path, *args: str | Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data, stdin=stdin, cwd=ROOT)


@pytest.fixture(scope="session")
def accounts_made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory with five accounts, made once through ``users add`` (read-only:
    each test gets a copy, ``site``)."""
    data = tmp_path_factory.mktemp("accounts") / "data"
    first = run(data, "users", "add", "boss", "--role", "admin", "--pin-stdin", stdin="0000\n")
    assert first.returncode == 0, first.stderr
    for name, role, full, pin in (
        ("jkim", "technician", "J. Kim, CPhT", "1111"),
        ("mosei", "nurse", "M. Osei, RN", "2222"),
        ("ralvarez", "technician", "R. Alvarez", "3333"),
        ("phil", "pharmacist", "P. Hill, PharmD", "4444"),
    ):
        done = run(
            data, "users", "add", name, "--role", role, "--full-name", full,
            "--admin", "boss", "--pin-stdin", stdin=f"0000\n{pin}\n",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
    return data


@pytest.fixture
def site(accounts_made: Path, tmp_path: Path) -> Path:
    """A data directory of this test's own with the five accounts."""
    return Path(shutil.copytree(accounts_made, tmp_path / "data"))


def signed_doc(prepared: str = "jkim", verified: str = "mosei") -> list[str]:
    doc = list(DOC)
    for option, name in (("--prepared-by", prepared), ("--verified-by", verified)):
        doc[doc.index(option) + 1] = name
    doc[doc.index("--witness") + 1] = "ralvarez"
    return [*doc, "--pins-stdin"]


def test_first_account_is_the_administrator_then_admin_signs_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    refused = run(
        data, "users", "add", "jkim", "--role", "technician", "--pin-stdin", stdin="1111\n"
    )
    assert "first account of a site is its administrator" in one_line_error(refused)
    done = run(data, "users", "add", "boss", "--role", "admin", "--pin-stdin", stdin="0000\n")
    assert done.returncode == 0 and "administrator" in done.stdout
    no_admin = run(data, "users", "add", "jkim", "--role", "technician", "--pin-stdin", stdin="1\n")
    assert "--admin" in one_line_error(no_admin)
    wrong = run(
        data, "users", "add", "jkim", "--role", "technician", "--admin", "boss", "--pin-stdin",
        stdin="9999\n1111\n",
    )  # fmt: skip
    assert one_line_error(wrong) == "unitcalc: admin: wrong PIN for boss"
    listed = run(data, "users", "list", "--json")
    assert [a["name"] for a in json.loads(listed.stdout)] == ["boss"]
    assert "0000" not in listed.stdout and "argon2" not in listed.stdout


def test_users_disable_and_set_pin(site: Path) -> None:
    done = run(
        site, "users", "disable", "ralvarez", "--admin", "boss", "--pin-stdin", stdin="0000\n"
    )
    assert done.returncode == 0, done.stderr
    assert "ralvarez  technician  disabled" in run(site, "users", "list").stdout
    own = run(site, "users", "set-pin", "jkim", "--pin-stdin", stdin="1111\n5555\n")
    assert own.returncode == 0, own.stderr
    again = run(site, "users", "set-pin", "jkim", "--pin-stdin", stdin="1111\n6666\n")
    assert "wrong PIN for jkim" in one_line_error(again)
    for _ in range(5):
        run(site, "users", "set-pin", "mosei", "--pin-stdin", stdin="9999\n1234\n")
    assert "mosei  nurse  locked until " in run(site, "users", "list").stdout
    log = run(site, "users", "log", "--name", "jkim", "--json", "--admin", "boss", "--pin-stdin",
              stdin="0000\n")  # fmt: skip
    assert [a["outcome"] for a in json.loads(log.stdout)] == ["ok", "wrong PIN"]
    assert "1111" not in log.stdout and "5555" not in log.stdout


def test_a_signed_worksheet_prints_the_account_names_and_stores_the_ids(
    site: Path, tmp_path: Path
) -> None:
    out = tmp_path / "w.pdf"
    done = run(site, "worksheet", *DOSE, *signed_doc(), "-o", out, stdin="1111\n2222\n3333\n")
    assert done.returncode == 0, done.stderr
    found = text(out)
    assert "J. Kim, CPhT" in found and "M. Osei, RN" in found and "R. Alvarez" in found
    assert found.count("signed 20") == 3 and "typed, not signed" not in found
    with RecordStore.open(site) as store:
        record = store.get(1)
        assert store.verify().ok
    signatures = record.documentation["signatures"]
    assert set(signatures) == {"prepared_by", "verified_by", "waste_witness"}
    assert signatures["verified_by"]["name"] == "mosei"
    assert isinstance(signatures["verified_by"]["account_id"], int)
    assert signatures["prepared_by"]["signed_at"].endswith("Z")  # UTC
    assert record.verified_by == "M. Osei, RN"


@pytest.mark.parametrize(
    ("names", "pins", "message"),
    [
        (("jkim", "mosei"), "1111\n2229\n3333\n", "verified by: wrong PIN for mosei"),
        (("jkim", "ralvarez"), "1111\n3333\n3333\n", "ralvarez (technician) may not verify"),
        (("mosei", "mosei"), "2222\n2222\n3333\n", "different person from prepared by"),
        (("jkim", "nobody"), "1111\n2222\n3333\n", "wrong PIN for nobody"),
        (("jkim", "mosei"), "1111\n2222\n", "expected one more line on standard input"),
    ],
)
def test_a_refused_signature_records_nothing(
    site: Path, tmp_path: Path, names: tuple[str, str], pins: str, message: str
) -> None:
    out = tmp_path / "w.pdf"
    done = run(site, "worksheet", *DOSE, *signed_doc(*names), "-o", out, stdin=pins)
    assert message in one_line_error(done)
    assert "1111" not in done.stderr and "2222" not in done.stderr
    assert not out.exists()
    with RecordStore.open(site) as store:
        assert store.list() == []


def test_a_correction_needs_a_pharmacist(site: Path, tmp_path: Path) -> None:
    pins = "1111\n2222\n3333\n"
    first = run(site, "worksheet", *DOSE, *signed_doc(), "-o", tmp_path / "1.pdf", stdin=pins)
    assert first.returncode == 0, first.stderr
    fix = [*signed_doc(), "--replaces", "W-000001"]
    done = run(site, "worksheet", *DOSE, *fix, "-o", tmp_path / "2.pdf", stdin=pins)
    assert "signed by a pharmacist" in one_line_error(done)
    fix = [*signed_doc("jkim", "phil"), "--replaces", "W-000001"]
    done = run(site, "worksheet", *DOSE, *fix, "-o", tmp_path / "2.pdf", stdin="1111\n4444\n3333\n")
    assert done.returncode == 0, done.stderr


def test_typed_names_still_work_and_are_marked_not_signed(tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    done = run(tmp_path / "data", "worksheet", *DOSE, *DOC, "-o", out)
    assert done.returncode == 0, done.stderr
    assert text(out).count("typed, not signed") == 3
    with RecordStore.open(tmp_path / "data") as store:
        assert "signatures" not in store.get(1).documentation


def test_queue_from_submission_to_a_worksheet_signed_by_both(site: Path, tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "dose": {"vial_size": "10", "dose_ordered": "12", "administered": "12",
                         "ndc": "0002-7597-01"},
                "documentation": {
                    "patient_name": "Doe, Jane", "mrn": "00123456", "date_of_birth": "1961-04-02",
                    "administered_at": "2025-03-01T14:30", "diagnosis": "D80.1",
                    "vials": [{"lot": "LX1", "expiry": "2026-01-31"},
                              {"lot": "LX2", "expiry": "2026-02-01"}],
                    "waste_reason": "single-dose vial", "waste_witness": "ralvarez",
                },
            }
        )
    )  # fmt: skip
    done = run(site, "queue", "submit", "--case", case, "--prepared-by", "jkim", "--pin-stdin",
               stdin="1111\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Submitted dose 1" in done.stdout
    assert "MRN 00123456  Doe, Jane  prepared by J. Kim, CPhT" in run(site, "queue", "list").stdout
    early = run(site, "worksheet", "--from-queue", "1", "-o", tmp_path / "w.pdf")
    assert "not verified yet" in one_line_error(early)
    shown = run(site, "queue", "show", "1", "--json")
    sha = json.loads(shown.stdout)["content_sha256"]
    wrong = run(site, "queue", "sign", "1", "--verified-by", "mosei", "--seen", "0" * 12,
                "--pin-stdin", stdin="2222\n")  # fmt: skip
    assert "changed after you opened it" in one_line_error(wrong)
    done = run(site, "queue", "sign", "1", "--verified-by", "mosei", "--seen", sha[:12],
               "--pin-stdin", stdin="2222\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "No doses waiting" in run(site, "queue", "list").stdout
    changed = run(site, "worksheet", "--from-queue", "1", "--mrn", "999", "-o", tmp_path / "w.pdf")
    assert "as it was verified" in one_line_error(changed)
    out = tmp_path / "w.pdf"
    anonymous = run(site, "worksheet", "--from-queue", "1", "-o", out)
    assert "give --by ACCOUNT" in one_line_error(anonymous)
    # The waste witness the dose names signs too (a typed witness was recorded unsigned).
    witness_wrong = run(
        site, "worksheet", "--from-queue", "1", "-o", out, "--by", "jkim", "--pin-stdin",
        stdin="1111\n9999\n",
    )  # fmt: skip
    assert one_line_error(witness_wrong).startswith("unitcalc: witness: wrong PIN for ralvarez")
    assert not out.exists()
    done = run(
        site, "worksheet", "--from-queue", "1", "--printed-at", "2025-03-01T15:02", "-o", out,
        "--by", "jkim", "--pin-stdin", stdin="1111\n3333\n",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = text(out)
    assert "J. Kim, CPhT" in found and "M. Osei, RN" in found and found.count("signed 20") == 3
    assert "R. Alvarez" in found and "typed, not signed" not in found
    with RecordStore.open(site) as store:
        stored = store.get(1).documentation["signatures"]
    assert stored["verified_by"]["name"] == "mosei"
    assert stored["waste_witness"]["name"] == "ralvarez"
    # The attack: the same queued dose recorded again and again (W-8, W-9).
    again = run(site, "worksheet", "--from-queue", "1", "-o", tmp_path / "again.pdf",
                "--by", "jkim", "--pin-stdin", stdin="1111\n")  # fmt: skip
    assert "dose 1 was already recorded" in one_line_error(again)


def test_a_queued_dose_whose_signer_was_disabled_is_not_recorded(
    site: Path, tmp_path: Path
) -> None:
    """The attack: a queued dose was recorded after both signers were disabled."""
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "dose": {"vial_size": "10", "dose_ordered": "12", "administered": "12",
                         "ndc": "0002-7597-01"},
                "documentation": {
                    "patient_name": "Doe, Jane", "mrn": "00123456", "date_of_birth": "1961-04-02",
                    "administered_at": "2025-03-01T14:30", "diagnosis": "D80.1",
                    "vials": [{"lot": "LX1", "expiry": "2026-01-31"},
                              {"lot": "LX2", "expiry": "2026-02-01"}],
                    "waste_reason": "single-dose vial", "waste_witness": "ralvarez",
                },
            }
        )
    )  # fmt: skip
    run(site, "queue", "submit", "--case", case, "--prepared-by", "jkim", "--pin-stdin",
        stdin="1111\n")  # fmt: skip
    sha = json.loads(run(site, "queue", "show", "1", "--json").stdout)["content_sha256"]
    signed = run(site, "queue", "sign", "1", "--verified-by", "mosei", "--seen", sha[:12],
                 "--pin-stdin", stdin="2222\n")  # fmt: skip
    assert signed.returncode == 0, signed.stderr
    off = run(site, "users", "disable", "mosei", "--admin", "boss", "--pin-stdin", stdin="0000\n")
    assert off.returncode == 0, off.stderr
    out = tmp_path / "w.pdf"
    refused = run(site, "worksheet", "--from-queue", "1", "-o", out, "--by", "jkim",
                  "--pin-stdin", stdin="1111\n3333\n")  # fmt: skip
    assert "mosei, who verified dose 1, is disabled now" in one_line_error(refused)
    assert not out.exists()


def test_an_earlier_data_directory_keeps_working_with_typed_names(tmp_path: Path) -> None:
    from core.recording import signature_state

    data = tmp_path / "data"
    # What the earlier version left: typed-name worksheets, no accounts.
    done = run(data, "worksheet", *DOSE, *DOC, "-o", tmp_path / "old.pdf")
    assert done.returncode == 0, done.stderr
    assert not (data / "site.sqlite3").exists()
    old_pdf = (tmp_path / "old.pdf").read_bytes()
    # The site gets accounts; a signed worksheet joins the same chain.
    first = run(data, "users", "add", "boss", "--role", "admin", "--pin-stdin", stdin="0000\n")
    assert first.returncode == 0, first.stderr
    for name, role, pin in (("jkim", "technician", "1111"), ("mosei", "nurse", "2222")):
        added = run(data, "users", "add", name, "--role", role, "--admin", "boss", "--pin-stdin",
                    stdin=f"0000\n{pin}\n")  # fmt: skip
        assert added.returncode == 0, added.stderr
    doc = signed_doc()
    doc[doc.index("--witness") + 1] = "mosei"
    done = run(
        data, "worksheet", *DOSE, *doc, "-o", tmp_path / "new.pdf", stdin="1111\n2222\n2222\n"
    )
    assert done.returncode == 0, done.stderr
    assert run(data, "verify", "--full").returncode == 0
    reprint = run(data, "reprint", "W-000001", "-o", tmp_path / "again.pdf")
    assert reprint.returncode == 0 and (tmp_path / "again.pdf").read_bytes() == old_pdf
    with RecordStore.open(data) as store:
        old, new = store.get(1), store.get(2)
    assert old.verified_by == "M. Osei" and new.verified_by == "mosei"  # no full name given
    assert signature_state(old.documentation, "verified_by") == "typed, not signed"
    assert signature_state(new.documentation, "verified_by") == "signed"
    assert "typed, not signed" in text(tmp_path / "old.pdf")


def test_two_workstations_share_accounts_and_records_on_postgresql(
    tmp_path: Path, postgresql_url: str
) -> None:
    pharmacy, chair = tmp_path / "pharmacy", tmp_path / "chair"
    db = ("--database", postgresql_url)
    done = run(pharmacy, "users", "add", "boss", "--role", "admin", "--pin-stdin", *db,
               stdin="0000\n")  # fmt: skip
    assert done.returncode == 0, done.stderr
    for name, role, pin in (("jkim", "technician", "1111"), ("mosei", "nurse", "2222"),
                            ("ralvarez", "technician", "3333")):  # fmt: skip
        done = run(pharmacy, "users", "add", name, "--role", role, "--admin", "boss",
                   "--pin-stdin", *db, stdin=f"0000\n{pin}\n")  # fmt: skip
        assert done.returncode == 0, done.stderr
    out = tmp_path / "w.pdf"
    done = run(chair, "worksheet", *DOSE, *signed_doc(), *db, "-o", out, stdin="1111\n2222\n3333\n")
    assert done.returncode == 0, done.stderr
    assert not (chair / "worksheets.sqlite3").exists()  # nothing of it on the workstation
    listed = run(pharmacy, "history", "--json", *db)
    assert [row["verified_by"] for row in json.loads(listed.stdout)] == ["mosei"]
    verified = run(pharmacy, "verify", "--full", *db)
    assert verified.returncode == 0, verified.stderr
    assert "1 worksheet records" in verified.stdout and "pg_dump" in verified.stdout
    again = tmp_path / "again.pdf"
    assert run(pharmacy, "reprint", "W-000001", "-o", again, *db).returncode == 0
    assert again.read_bytes() == out.read_bytes()
    refused = run(chair, "backup", *db)
    assert "pg_dump" in one_line_error(refused)


def test_importing_cms_files_on_a_site_with_accounts_needs_a_pharmacist(
    site: Path, tmp_path: Path
) -> None:
    from tests.cms_samples import pricing_csv, write

    asp = str(write(tmp_path / "asp.csv", pricing_csv()))
    assert "give --by ACCOUNT" in one_line_error(run(site, "cms", "import", asp))
    tech = run(site, "cms", "import", asp, "--by", "jkim", "--pin-stdin", stdin="1111\n")
    assert "jkim (technician) may not import CMS files" in one_line_error(tech)
    done = run(site, "cms", "import", asp, "--by", "phil", "--pin-stdin", stdin="4444\n")
    assert done.returncode == 0, done.stderr
    # A site that never added an account imports as before.
    assert run(tmp_path / "plain", "cms", "import", asp).returncode == 0


@pytest.mark.parametrize("command", [["history"], ["users", "list"], ["queue", "list"]])
def test_a_database_that_cannot_be_used_is_one_line_without_its_password(
    tmp_path: Path, command: list[str]
) -> None:
    for url, expected in (
        ("postgresql://u@127.0.0.1:1/x", "cannot reach the database"),
        ("postgresql://u:s3cret@127.0.0.1:1/x", "holds a password"),
        ("postgresql://u@127.0.0.1:1/x?password=s3cret", "holds a password"),
        ("mysql://u@host/x", "must be a URL such as postgresql://"),
    ):
        line = one_line_error(run(tmp_path, *command, "--database", url))
        assert line.startswith("unitcalc: database: ") and expected in line
        assert "s3cret" not in line


@pytest.mark.parametrize(
    ("pins", "expected"),
    [
        (b"\xff\xfe12\n", "not valid text (invalid UTF-8)"),
        (b"1" * 100_000, "longer than 128 characters"),
        (b"", "expected one more line"),
    ],
)
def test_hostile_pins_on_standard_input_are_one_line(
    site: Path, pins: bytes, expected: str
) -> None:
    done = run_main("users", "set-pin", "jkim", "--pin-stdin", "--data-dir", site, stdin=pins,
                    binary=True)  # fmt: skip
    assert done.returncode == 2 and done.stdout == b""
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


def test_a_site_with_accounts_refuses_typed_names_by_default(site: Path, tmp_path: Path) -> None:
    """The attack: on a site with accounts, typed names without PINs were recorded
    ("typed, not signed")."""
    out = tmp_path / "w.pdf"
    typed = [a for a in signed_doc() if a != "--pins-stdin"]
    refused = run(site, "worksheet", *DOSE, *typed, "-o", out)
    assert one_line_error(refused).startswith("unitcalc: prepared by: this site has accounts")
    assert not out.exists()
    # The site may turn the requirement off (UNITCALC_REQUIRE_SIGNATURES=0).
    allowed = run_main(
        "worksheet", *DOSE, *typed, "-o", out, "--data-dir", site,
        env={"UNITCALC_REQUIRE_SIGNATURES": "0"},
    )  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
