"""End to end: `main.py audit` as billing staff would run it."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

from tests.cli_run import ROOT, run_main
from tests.core.audit_fakes import line, write_csv


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_main(*args, cwd=cwd)


def test_template_audits_to_the_missing_jw_it_plants(tmp_path: Path) -> None:
    done = run("audit", "--template")
    assert done.returncode == 0, done.stderr
    template = tmp_path / "template.csv"
    template.write_text(done.stdout)
    done = run("audit", str(template), "--json", "--data-dir", str(tmp_path / "d"))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) >= {
        "rows",
        "administrations",
        "skipped",
        "findings",
        "recoverable",
        "at_risk",
        "by_month",
    }
    assert (data["rows"], data["administrations"], data["skipped"]) == (3, 2, 0)
    assert data["findings"] == {"missing-jw": 1}
    assert data["recoverable"] == "0.00"
    assert data["by_month"] == {
        "2026-07": {"findings": 1, "recoverable": "0.00", "at_risk": "0.00"}
    }


def test_map_option_csv_and_pdf(tmp_path: Path) -> None:
    rows = [
        line('=HYPERLINK("http://x")', 3),  # JW missing; the ID is a formula attack
        line("A-2", 4),
        line("A-2", 1, "JW"),
        line("A-3", 3, billed_units="lots"),
    ]
    path = write_csv(tmp_path / "e.csv", rows, header={"hcpcs": "Proc Code"})
    out_csv, out_pdf = tmp_path / "f.csv", tmp_path / "r.pdf"
    done = run(
        "audit",
        str(path),
        "--map",
        "hcpcs=Proc Code",
        "--csv",
        str(out_csv),
        "-o",
        str(out_pdf),
        "--data-dir",
        str(tmp_path / "d"),
    )
    assert done.returncode == 0, done.stderr
    assert "Findings: 2" in done.stdout
    assert "Incomplete (a line cannot be read; no finding, no dollars): 1" in done.stdout
    assert "incomplete A-3: row 5: billed_units: 'lots'" in done.stdout
    assert out_pdf.read_bytes().startswith(b"%PDF")
    assert out_csv.stat().st_mode & 0o777 == 0o600
    found = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert [(r["reason"], r["rows"]) for r in found] == [
        ("missing-jw", "2"),
        ("units-over-billed", "3;4"),
        ("incomplete", "5"),
    ]
    assert found[0]["administration_id"] == '\'=HYPERLINK("http://x")'


def test_bad_file_or_header_exits_2_with_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "x.csv"
    binary.write_bytes(b"\x00\xff" * 10)
    cases = [
        ("audit", str(tmp_path / "missing.csv")),
        ("audit", str(binary)),
        ("audit", str(write_csv(tmp_path / "ok.csv", [line("A", 3)])), "--map", "nope=X"),
        ("audit",),
    ]
    for args in cases:
        done = run(*args, "--data-dir", str(tmp_path / "d"))
        assert done.returncode == 2, (args, done.stdout)
        assert done.stderr.count("\n") == 1 and done.stderr.startswith("unitcalc: "), done.stderr
        assert "Traceback" not in done.stderr


def test_terminal_output_escapes_control_characters(tmp_path: Path) -> None:
    rows = [line("A", 3, billed_units="\x1b[2J")]
    done = run("audit", str(write_csv(tmp_path / "c.csv", rows)), "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout
    assert "\\x1b[2J" in done.stdout


def test_never_overwrites_the_export_and_refuses_special_files(tmp_path: Path) -> None:
    export = write_csv(tmp_path / "e.csv", [line("A", 3)])
    before = export.read_bytes()
    for option in ("--csv", "-o"):
        done = run("audit", str(export), option, str(export), "--data-dir", str(tmp_path / "d"))
        assert done.returncode == 2
        assert "is the export being audited" in done.stderr
    assert export.read_bytes() == before
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = run("audit", str(fifo), "--data-dir", str(tmp_path / "d"))
    assert (done.returncode, done.stderr.strip()) == (
        2,
        f"unitcalc: file: {fifo} is not a regular file; save the export as a file",
    )


def test_error_lines_escape_control_characters(tmp_path: Path) -> None:
    export = write_csv(tmp_path / "e.csv", [line("A", 3)])
    done = run("audit", str(export), "--map", "hcpcs=\x1b]0;owned\x07", "--data-dir", str(tmp_path))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\\x1b]0;owned\\x07" in done.stderr


def test_every_skipped_row_and_incomplete_administration_is_in_the_csv(tmp_path: Path) -> None:
    """12,000 bad rows (more than the 10,000 the report keeps): the CSV lists each."""
    rows = [line("G-1", 3), line("G-1", 1, "JW")]
    rows += [line("", 3) for _ in range(12_000)]  # no administration ID: skipped rows
    rows += [line("J-1", 3), line("J-1", 0, "JW", billed_units="abc")]
    path = write_csv(tmp_path / "bad.csv", rows)
    out_csv = tmp_path / "f.csv"
    done = run("audit", str(path), "--csv", str(out_csv), "--json", "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["skipped"], data["incomplete"], data["administrations"]) == (12_000, 1, 1)
    found = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    skipped = [r for r in found if r["reason"] == "skipped-row"]
    assert [int(r["rows"]) for r in skipped] == list(range(4, 12_004))
    assert all(r["detail"].startswith("administration_id: is empty") for r in skipped)
    (incomplete,) = [r for r in found if r["reason"] == "incomplete"]
    assert (incomplete["administration_id"], incomplete["rows"]) == ("J-1", "12004;12005")
    assert incomplete["detail"].startswith("row 12005: billed_units: 'abc'")
    assert incomplete["dollars"] == ""


def test_several_files_one_report(tmp_path: Path) -> None:
    first = write_csv(tmp_path / "2026-01.csv", [line("A-1", 3)])
    second = write_csv(tmp_path / "2026-02.csv", [line("B-1", 4), line("B-1", 1, "JW")])
    out_csv = tmp_path / "f.csv"
    done = run("audit", str(first), str(second), "--csv", str(out_csv), "--data-dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "Audited 2026-01.csv, 2026-02.csv: 3 rows, 2 administrations" in done.stdout
    found = list(csv.DictReader(io.StringIO(out_csv.read_text())))
    assert [(r["file"], r["administration_id"], r["reason"]) for r in found] == [
        ("2026-01.csv", "A-1", "missing-jw"),
        ("2026-02.csv", "B-1", "units-over-billed"),
    ]
