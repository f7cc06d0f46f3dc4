"""End to end: `main.py scan` and `main.py worksheet --scan`, as a script would run them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from biip.checksums import gs1_standard_check_digit

from tests.cli_run import ROOT, one_line_error, run_main


def run(*args: str | Path, data: Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data, cwd=ROOT)


def code(serial: str, ndc10: str = "0002759701", expiry: str = "270100") -> str:
    body = f"003{ndc10}"
    return f"]d201{body}{gs1_standard_check_digit(body)}17{expiry}10LX2231A\x1d21{serial}"


def test_scan_json_gives_the_parse_and_leaves_an_unknown_ndc_to_the_user(tmp_path: Path) -> None:
    done = run("scan", code("SN1"), "--at", "2027-02-01T09:30", "--json", data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "gtin": "00300027597010",
        "ndc": None,
        "ndc_candidates": ["00002759701", "00027059701", "00027597001"],
        "lot": "LX2231A",
        "expiry": "2027-01-31",  # day 00: the last day of the month
        "serial": "SN1",
        "expired": True,
    }
    text = run("scan", code("SN1"), "--at", "2027-01-31T09:30", data=tmp_path)
    assert "0002-7597-01 (00002759701), 00027-597-01 (00027059701)" in text.stdout
    assert "pick the one on the carton" in text.stdout
    assert "EXPIRED" not in text.stdout  # good through its expiry day


def test_scan_bad_input_is_one_line_naming_the_problem(tmp_path: Path) -> None:
    wrong = code("SN1").replace("0300027597010", "0300027597011")
    assert "wrong check digit" in one_line_error(run("scan", wrong, data=tmp_path))
    assert "expiry (17)" in one_line_error(run("scan", code("S", expiry="271340"), data=tmp_path))
    assert "no GTIN" in one_line_error(run("scan", "(10)LX1(21)S", data=tmp_path))
    bad_time = one_line_error(run("scan", code("S"), "--at", "soon", data=tmp_path))
    assert bad_time.startswith("unitcalc: at: 'soon' is not a date and time")
    escaped = one_line_error(run("scan", "\x1b]0;owned\x07", "--at", "\x1b[2J", data=tmp_path))
    assert "\x1b" not in escaped and "\\x1b" in escaped
    escaped = one_line_error(run("scan", code("S"), "--at", "\x1b[2J", data=tmp_path))
    assert "\x1b" not in escaped and "\\x1b" in escaped


DOSE = ["--vial-size", "10", "--ordered", "12", "--administered", "12"]
DOC = [
    "--patient", "Doe, Jane",
    "--mrn", "00123456",
    "--dob", "1961-04-02",
    "--administered-at", "2026-11-29T09:30",
    "--diagnosis", "D80.1",
    "--prepared-by", "J. Kim",
    "--verified-by", "M. Osei",
    "--waste-reason", "single-dose vial",
    "--witness", "R. Alvarez",
]  # fmt: skip


def test_worksheet_from_scans(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "w.pdf"
    scans = ["--scan", code("SN1"), "--scan", code("SN2")]
    ambiguous = run("worksheet", *DOSE, *DOC, *scans, "-o", out, data=data)
    assert "scan 1: NDC 0002759701 is ambiguous" in one_line_error(ambiguous)
    wrong = run("worksheet", *DOSE, *DOC, *scans, "--ndc", "0003-1234-01", "-o", out, data=data)
    assert "0003-1234-01 is not the scanned NDC 0002759701" in one_line_error(wrong)
    twice = ["--scan", code("SN1"), "--scan", code("SN1")]
    refused = run("worksheet", *DOSE, *DOC, *twice, "--ndc", "0002-7597-01", "-o", out, data=data)
    assert "scan 2: this vial was already scanned" in one_line_error(refused)
    one = run(
        "worksheet",
        *DOSE,
        *DOC,
        "--scan",
        code("SN1"),
        "--ndc",
        "00002759701",
        "-o",
        out,
        data=data,
    )
    assert "1 vial(s) scanned but 2 opened" in one_line_error(one)

    done = run("worksheet", *DOSE, *DOC, *scans, "--ndc", "0002-7597-01", "-o", out, data=data)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    found = run("history", "--serial", "SN2", "--json", data=data)
    assert [row["worksheet_id"] for row in json.loads(found.stdout)] == ["W-000001"]
    assert json.loads(run("history", "--lot", "lx2231a", "--json", data=data).stdout)

    # The NDC is known now (recorded), and SN2 was used before: a single-dose vial warns.
    again = ["--scan", code("SN2"), "--scan", code("SN3")]
    done = run("worksheet", *DOSE, *DOC, *again, "-o", out, data=data)
    assert done.returncode == 0, done.stderr
    assert "warning: vial 1 (serial SN2) is already recorded on worksheet W-000001" in (done.stderr)
    json_scan = json.loads(run("scan", code("SN9"), "--json", data=data).stdout)
    assert json_scan["ndc"] == "00002759701"
    assert json_scan["ndc_candidates"] == ["00002759701"]


def test_an_expired_scanned_vial_blocks_the_worksheet(tmp_path: Path) -> None:
    # Both administrations are in the past, whatever day the test runs: a time more than
    # a day ahead is refused before any vial is looked at.
    scans = ["--scan", code("SN1"), "--scan", code("SN2", expiry="261128")]
    ndc = ["--ndc", "0002-7597-01"]
    early = [a if a != "2026-11-29T09:30" else "2026-11-27T09:30" for a in DOC]
    done = run("worksheet", *DOSE, *early, *scans, *ndc, "-o", tmp_path / "w.pdf", data=tmp_path)
    assert "vial 2 (lot LX2231A) expired on 2026-11-28" not in done.stderr  # good until then
    assert done.returncode == 0, done.stderr
    done = run("worksheet", *DOSE, *DOC, *scans, *ndc, "-o", tmp_path / "x.pdf", data=tmp_path)
    assert "vial 2 (lot LX2231A) expired on 2026-11-28" in one_line_error(done)
