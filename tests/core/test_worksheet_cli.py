"""`main.py worksheet` end to end: options, case files, refusal, drafts, recording."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.worksheet.case import parse_case
from tests.cli_run import one_line_error, run_main, run_script
from tests.cli_run import pdf_text as text

ROOT = Path(__file__).resolve().parents[2]

DOSE = ["--vial-size", "10", "--ordered", "12", "--administered", "12", "--ndc", "0002-7597-01"]
DOC = [
    "--patient", "O'Brien <Jr> & Nguyễn",
    "--mrn", "00123456",
    "--dob", "1961-04-02",
    "--administered-at", "2025-03-01T14:30",
    "--diagnosis", "D80.1",
    "--facility", "Riverside Infusion Center",
    "--lot", "LX1", "--expiry", "2026-01-31",
    "--lot", "LX2", "--expiry", "2026-02-01",
    "--prepared-by", "J. Kim",
    "--verified-by", "M. Osei",
    "--waste-reason", "single-dose vial",
    "--witness", "R. Alvarez",
    "--printed-at", "2025-03-01T15:02",
]  # fmt: skip


def run(*args: str | Path, data: Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data, cwd=ROOT)


@pytest.mark.slow
def test_smoke_worksheet_as_a_script(tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    done = run_script("worksheet", *DOSE, *DOC, "-o", out, "--data-dir", tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "Recorded worksheet W-000001" in done.stdout
    assert out.read_bytes().startswith(b"%PDF-")


def test_records_and_writes_the_worksheet(tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    done = run("worksheet", *DOSE, *DOC, "-o", out, data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"Recorded worksheet W-000001; written to {out}"
    found = text(out)
    for expected in (
        "Worksheet W-000001",
        "O'Brien <Jr> & Nguyễn",
        "LX1",
        "LX2",
        "J1410-JW JW 1 unit N400002759701ML8",
        "2025-03-01 14:30",  # sign-off time defaults to the administration time
        "page 1 of 1",
    ):
        assert expected in found
    assert (out.stat().st_mode & 0o777) == 0o600  # patient data: owner only

    reprint = tmp_path / "again.pdf"
    again = run("reprint", "W-000001", "-o", reprint, data=tmp_path / "data")
    assert again.returncode == 0, again.stderr
    assert reprint.read_bytes() == out.read_bytes()


def test_an_expired_vial_blocks_the_chart_worksheet_naming_it(tmp_path: Path) -> None:
    expired = [a if a != "2026-02-01" else "2025-02-01" for a in DOC]
    done = run("worksheet", *DOSE, *expired, "-o", tmp_path / "w.pdf", data=tmp_path / "data")
    assert "vial 2 (lot LX2) expired on 2025-02-01, before the administration" in (
        one_line_error(done)
    )
    draft = tmp_path / "draft.pdf"
    done = run("worksheet", *DOSE, *expired, "--draft", "-o", draft, data=tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert "EXPIRED before use on 2025-03-01" in text(draft)


def test_a_vial_expiring_that_day_blocks_only_if_the_facility_says_so(tmp_path: Path) -> None:
    today = [a if a != "2026-02-01" else "2025-03-01" for a in DOC]
    out = tmp_path / "w.pdf"
    assert run("worksheet", *DOSE, *today, "-o", out, data=tmp_path / "a").returncode == 0
    strict = run(
        "worksheet", *DOSE, *today, "--expiring-today-blocks", "-o", out, data=tmp_path / "b"
    )
    assert "vial 2 (lot LX2) expires on the day of administration" in one_line_error(strict)


def test_correction_names_the_worksheet_it_replaces(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run("worksheet", *DOSE, *DOC, "-o", tmp_path / "1.pdf", data=data).returncode == 0
    done = run(
        "worksheet", *DOSE, *DOC, "--replaces", "W-000001", "-o", tmp_path / "2.pdf", data=data
    )
    assert done.returncode == 0, done.stderr
    assert "W-000002" in done.stdout
    assert "Replaces worksheet W-000001" in text(tmp_path / "2.pdf")
    twice = run("worksheet", *DOSE, *DOC, "--replaces", "1", "-o", tmp_path / "3.pdf", data=data)
    assert "already replaced" in one_line_error(twice)


def test_refuses_a_chart_worksheet_with_fields_missing(tmp_path: Path) -> None:
    out = tmp_path / "w.pdf"
    args = [a for a in DOC if a not in ("--verified-by", "M. Osei")]
    line = one_line_error(run("worksheet", *DOSE, *args, "-o", out, data=tmp_path / "d"))
    assert line.startswith("unitcalc: worksheet: not ready for the chart: verified by is empty")
    assert line.endswith(" (--draft writes a draft)")
    assert not out.exists()


def test_same_person_cannot_verify(tmp_path: Path) -> None:
    args = [("J. Kim" if a == "M. Osei" else a) for a in DOC]
    line = one_line_error(run("worksheet", *DOSE, *args, "-o", tmp_path / "w.pdf", data=tmp_path))
    assert "verified by must be a different person" in line


def test_draft_is_watermarked_not_recorded_and_reproducible(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    for out in (first, second):
        done = run(
            "worksheet", *DOSE, "--patient", "Doe", "--printed-at", "2025-03-01T15:02",
            "--draft", "-o", out, data=data,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert "not recorded" in done.stdout
    assert first.read_bytes() == second.read_bytes()
    found = text(first)
    assert "DRAFT — not for the chart" in found
    assert "Not ready for the chart:" in found
    history = run("history", data=data)
    assert "No worksheets recorded" in history.stdout


def test_case_file(tmp_path: Path) -> None:
    case = {
        "dose": {"vial_size": "10", "dose_ordered": "12", "administered": "12"},
        "documentation": {
            "facility": "Riverside",
            "patient_name": "Иван Петров",
            "mrn": "77",
            "date_of_birth": "1950-05-06",
            "administered_at": "2025-03-01T09:15",
            "diagnosis": "G61.81",
            "ndc": "0002-7597-01",
            "vials": [
                {"lot": "A", "expiry": "2026-01-01"},
                {"lot": "B", "expiry": "2026-01-01"},
            ],
            "waste_reason": "single-dose",
            "waste_witness": "W. Tan",
            "prepared_by": "AB",
            "verified_by": "CD",
        },
    }
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "w.pdf"
    done = run("worksheet", "--case", path, "--paper", "a4", "-o", out, data=tmp_path / "d")
    assert done.returncode == 0, done.stderr
    found = text(out)
    assert "Иван Петров" in found
    assert "N400002759701ML12" in found  # the documentation's NDC reaches the claim
    assert "10 mL A 2026-01-01" in found  # vial sizes filled from the vials
    page = PdfReader(out).pages[0].mediabox
    assert round(float(page.height)) == 842

    # Command-line options win over the case file.
    out2 = tmp_path / "w2.pdf"
    done = run("worksheet", "--case", path, "--patient", "Zoë", "-o", out2, data=tmp_path / "d")
    assert done.returncode == 0, done.stderr
    assert "Zoë" in text(out2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON (Expecting property name enclosed in double quotes at line 1)"),
        ("[]", "must be an object"),
        ('{"documentation": {"patient": "Doe"}}', "unknown key documentation.patient"),
        ('{"dose": {"vial_size": 10}}', "dose.vial_size: Expected `str`, got `int`"),
        (
            '{"documentation": {"date_of_birth": "1961-02-31"}}',
            "documentation.date_of_birth: Input should be a valid date",
        ),
        (
            '{"documentation": {"date_of_birth": "13/45/1961"}}',
            "documentation.date_of_birth: Value error, '13/45/1961' is not a date",
        ),
        ('{"documentation": {"vials": [{"lot": "A", "exp": "x"}]}}', "documentation.vials.0.exp"),
        ('{"extra": 1}', "unknown key extra"),
    ],
)
def test_case_file_errors_are_one_line(content: str, message: str) -> None:
    with pytest.raises(Exception) as caught:
        parse_case(content)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_bad_case_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "case.json"
    path.write_text('{"documentation": {"patient": "Doe"}}')
    line = one_line_error(run("worksheet", "--case", path, "-o", tmp_path / "w.pdf", data=tmp_path))
    assert line == f"unitcalc: case file {path}: unknown key documentation.patient"
    missing = one_line_error(
        run("worksheet", "--case", tmp_path / "nope.json", "-o", tmp_path / "w.pdf", data=tmp_path)
    )
    assert "cannot read" in missing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--lot", "A", "--lot", "B", "--lot", "C", "--expiry", "2026-01-01"] * 1,
            "3 --lot and 1 --expiry given",
        ),
        (["--lot", "A", "--expiry", "2026-01-01"] * 3, "3 given for 2 vials opened"),
        (["--lot", "A", "--expiry", "31/01/2026"], "expiry: '31/01/2026' is not a date"),
        (["--dob", "yesterday"], "date of birth: 'yesterday' is not a date"),
        (["--administered-at", "noon"], "administered at: 'noon' is not a date and time"),
        (["--replaces", "X-9"], "replaces: 'X-9' is not a worksheet ID"),
        (["--paper", "legal"], "invalid choice: 'legal'"),
    ],
)
def test_bad_options_exit_2_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    line = one_line_error(
        run("worksheet", *DOSE, *args, "--draft", "-o", tmp_path / "w.pdf", data=tmp_path)
    )
    assert message in line


def test_bad_dose_exits_2(tmp_path: Path) -> None:
    line = one_line_error(
        run("worksheet", "--vial-size", "10", "--ordered", "12", "--administered", "twelve",
            "--draft", "-o", tmp_path / "w.pdf", data=tmp_path)
    )  # fmt: skip
    assert line.startswith("unitcalc: amount administered:")


def test_unwritable_output_says_the_record_was_kept(tmp_path: Path) -> None:
    out = tmp_path / "no such dir" / "w.pdf"
    line = one_line_error(run("worksheet", *DOSE, *DOC, "-o", out, data=tmp_path / "data"))
    assert "cannot write" in line
    assert "recorded as W-000001" in line
    assert "reprint W-000001" in line


def test_dry_run_says_nothing_blocks_and_records_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = run("worksheet", *DOSE, *DOC, "--dry-run", data=data)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Ready for the chart: nothing blocks it.\n"
    said = json.loads(run("worksheet", *DOSE, *DOC, "--dry-run", "--json", data=data).stdout)
    assert said["blockers"] == []
    assert [c["id"] for c in said["checks"]][:2] == ["medical-necessity", "diagnosis"]
    assert [line["units"] for line in said["claim_lines"]] == [3, 1]
    recorded = run("worksheet", *DOSE, *DOC, "-o", tmp_path / "w.pdf", data=data)
    assert "Recorded worksheet W-000001" in recorded.stdout  # the dry runs recorded none


def test_dry_run_lists_each_blocker_and_exits_3(tmp_path: Path) -> None:
    doc = [a for a in DOC if a not in ("--patient", "O'Brien <Jr> & Nguyễn")]
    done = run("worksheet", *DOSE, *doc, "--dry-run", data=tmp_path)
    assert done.returncode == 3, done.stderr
    assert done.stdout.splitlines() == [
        "Not ready for the chart; 1 to do:",
        "- patient name is empty [required: patient_name]",
    ]
    said = run("worksheet", *DOSE, *doc, "--dry-run", "--json", data=tmp_path)
    assert said.returncode == 3
    assert json.loads(said.stdout)["blockers"] == [
        {
            "id": "required",
            "message": "patient name is empty",
            "field": "patient_name",
            "step": "print",
        }
    ]


def test_dry_run_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    done = run(
        "worksheet", *DOSE, *DOC, "--dob", "1961-13-40", "--dry-run", "--json", data=tmp_path
    )
    assert one_line_error(done).startswith("unitcalc: date of birth:")
    assert one_line_error(run("worksheet", *DOSE, *DOC, "--json", data=tmp_path)).endswith(
        "--json goes with --dry-run"
    )
