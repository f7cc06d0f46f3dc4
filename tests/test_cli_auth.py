"""End to end: prior authorizations, medical necessity and the checks on the command line."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import ROOT, one_line_error, run_main
from tests.cli_run import pdf_text as text

DOSE = ["--vial-size", "10", "--ordered", "12", "--administered", "12", "--ndc", "0002-7597-01"]
DOC = [
    "--patient", "Test Patient", "--mrn", "0042", "--dob", "1961-04-02",
    "--administered-at", "2025-03-01T14:30", "--diagnosis", "D80.1",
    "--lot", "LX1", "--expiry", "2026-01-31",
    "--prepared-by", "J. Kim", "--verified-by", "M. Osei",
    "--waste-reason", "single-dose vial", "--witness", "R. Alvarez",
    "--printed-at", "2025-03-01T15:02",
]  # fmt: skip
NECESSITY = [
    "--payer", "commercial", "--weight", "70", "--weighed-on", "2025-02-20",
    "--indication", "Common variable immunodeficiency",
    "--lab", "IgG trough=450 mg/dL on 2025-02-15",
    "--lab", "Pneumococcal titers=non-protective on 2024-11-02",
    "--prior-treatment", "Azithromycin prophylaxis", "--prior-treatment", "SCIG (not tolerated)",
    "--rationale", "Recurrent pneumonia despite prophylaxis",
]  # fmt: skip


def run(*args: str | Path, data: Path) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data, cwd=ROOT)


def add_auth(data: Path, *amount: str, number: str = "PA-77") -> None:
    done = run(
        "auth", "add", number, "--payer", "commercial", "--code", "J1410",
        "--from", "2025-01-01", "--to", "2025-06-30", *amount, data=data,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def used(data: Path) -> list[dict[str, str]]:
    done = run("auth", "list", "--json", data=data)
    assert done.returncode == 0, done.stderr
    return [
        {k: row[k] for k in ("number", "amount", "measure", "used")}
        for row in json.loads(done.stdout)
    ]


def test_auth_add_and_list(tmp_path: Path) -> None:
    add_auth(tmp_path, "--units", "12")
    assert used(tmp_path) == [{"number": "PA-77", "amount": "12", "measure": "units", "used": "0"}]
    listed = run("auth", "list", data=tmp_path)
    assert "PA-77  J1410  commercial  2025-01-01 to 2025-06-30  0 units used of 12 units" in (
        listed.stdout
    )


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--units", "nan"], "units"),
        (["--units", "1.5"], "units"),
        (["--grams", "9" * 10_000], "grams"),
        (["--infusions", "0"], "infusions"),
    ],
)
def test_bad_amounts_are_one_line_naming_the_field(
    tmp_path: Path, args: list[str], field: str
) -> None:
    done = run(
        "auth", "add", "PA-1", "--payer", "commercial", "--code", "J1410",
        "--from", "2025-01-01", "--to", "2025-06-30", *args, data=tmp_path,
    )  # fmt: skip
    assert one_line_error(done).startswith(f"unitcalc: {field}:")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (["--to", "2024-12-31"], "authorization"),
        (["--payer", "nobody"], "payer"),
        (["--code", "J0000"], "code"),
        (["--from", "2025-02-30"], "from"),
    ],
)
def test_bad_authorizations_are_refused(tmp_path: Path, change: list[str], field: str) -> None:
    base = {
        "--payer": "commercial",
        "--code": "J1410",
        "--from": "2025-01-01",
        "--to": "2025-06-30",
    }
    base[change[0]] = change[1]
    flat = [part for pair in base.items() for part in pair]
    done = run("auth", "add", "PA-1", *flat, "--units", "5", data=tmp_path)
    line = one_line_error(done)
    assert field in line


def test_auth_needs_one_amount(tmp_path: Path) -> None:
    done = run(
        "auth", "add", "PA-1", "--payer", "commercial", "--code", "J1410",
        "--from", "2025-01-01", "--to", "2025-06-30", "--units", "5", "--grams", "2",
        data=tmp_path,
    )  # fmt: skip
    one_line_error(done)


def test_worksheets_use_the_authorization_and_a_correction_counts_once(tmp_path: Path) -> None:
    add_auth(tmp_path, "--units", "8")
    first = run(
        "worksheet",
        *DOSE,
        *DOC,
        *NECESSITY,
        "--auth",
        "PA-77",
        "-o",
        tmp_path / "1.pdf",
        data=tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert used(tmp_path)[0]["used"] == "4"
    # --prior-auth is the old name of --auth
    second = run(
        "worksheet",
        *DOSE,
        *DOC,
        *NECESSITY,
        "--prior-auth",
        "PA-77",
        "-o",
        tmp_path / "2.pdf",
        data=tmp_path,
    )
    assert second.returncode == 0, second.stderr
    assert used(tmp_path)[0]["used"] == "8"
    fixed = run(
        "worksheet", *DOSE, *DOC, *NECESSITY, "--auth", "PA-77", "--replaces", "W-000001",
        "-o", tmp_path / "3.pdf", data=tmp_path,
    )  # fmt: skip
    assert fixed.returncode == 0, fixed.stderr
    assert used(tmp_path)[0]["used"] == "8"
    assert "allows 8 units" not in text(tmp_path / "3.pdf")  # the first one no longer counts
    third = run(
        "worksheet",
        *DOSE,
        *DOC,
        *NECESSITY,
        "--auth",
        "PA-77",
        "-o",
        tmp_path / "4.pdf",
        data=tmp_path,
    )
    assert third.returncode == 0, third.stderr  # a warning prints, with the reason given
    printed = text(tmp_path / "4.pdf")
    assert "allows 8 units; 8 units used before and 4 units now make 12 units" in printed
    assert "Reason: none given" in printed
    assert used(tmp_path)[0]["used"] == "12"


def test_an_expired_authorization_blocks_the_worksheet(tmp_path: Path) -> None:
    add_auth(tmp_path, "--infusions", "6")
    late = [*DOC, "--administered-at", "2025-07-01T09:00"]
    done = run(
        "worksheet",
        *DOSE,
        *late,
        *NECESSITY,
        "--auth",
        "PA-77",
        "-o",
        tmp_path / "w.pdf",
        data=tmp_path,
    )
    line = one_line_error(done)
    assert "runs 2025-01-01 to 2025-06-30" in line
    assert not (tmp_path / "w.pdf").exists()
    assert used(tmp_path)[0]["used"] == "0"


def test_commercial_worksheet_names_the_missing_necessity_items(tmp_path: Path) -> None:
    done = run(
        "worksheet",
        *DOSE,
        *DOC,
        "--payer",
        "commercial",
        "--auth",
        "PA-77",
        "-o",
        tmp_path / "w.pdf",
        data=tmp_path,
    )
    line = one_line_error(done)
    for name in (
        "indication",
        "supporting results",
        "prior treatments",
        "clinical rationale",
        "dosing weight",
    ):
        assert name in line


def test_the_worksheet_prints_the_necessity_section_and_the_checks(tmp_path: Path) -> None:
    add_auth(tmp_path, "--units", "40")
    out = tmp_path / "w.pdf"
    done = run("worksheet", *DOSE, *DOC, *NECESSITY, "--auth", "PA-77", "-o", out, data=tmp_path)
    assert done.returncode == 0, done.stderr
    printed = text(out)
    for expected in (
        "MEDICAL NECESSITY",
        "IgG trough 450 mg/dL on 2025-02-15",
        "Pneumococcal titers non-protective on 2024-11-02",
        "Azithromycin prophylaxis; SCIG (not tolerated)",
        "Recurrent pneumonia despite prophylaxis",
        "70 kg on 2025-02-20",
        "DENIAL-RISK CHECK",
        "PA-77 in date and within the amount",
    ):
        assert expected in printed


def test_a_case_file_takes_the_necessity_fields(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "dose": {"payer": "commercial", "weight": "70"},
                "documentation": {
                    "indication": "CVID",
                    "labs": ["IgG trough=450 mg/dL on 2025-02-15"],
                    "prior_treatments": ["Azithromycin prophylaxis"],
                    "rationale": "Recurrent pneumonia",
                    "weighed_on": "2025-02-20",
                    "prior_authorization": "PA-77",
                },
            }
        ),
        encoding="utf-8",
    )
    add_auth(tmp_path, "--units", "40")
    out = tmp_path / "w.pdf"
    done = run("worksheet", "--case", case, *DOSE, *DOC, "-o", out, data=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "IgG trough 450 mg/dL on 2025-02-15" in text(out)
    assert used(tmp_path)[0]["used"] == "4"


def test_a_bad_lab_in_a_case_file_is_one_line(tmp_path: Path) -> None:
    case = tmp_path / "case.json"
    case.write_text(json.dumps({"documentation": {"labs": ["IgG=low"]}}), encoding="utf-8")
    done = run("worksheet", "--case", case, *DOSE, *DOC, "-o", tmp_path / "w.pdf", data=tmp_path)
    assert "labs" in one_line_error(done)


def test_calc_json_carries_the_warning_ids_and_the_checks(tmp_path: Path) -> None:
    add_auth(tmp_path, "--units", "2")
    done = run(
        "calc", *DOSE, "--payer", "commercial", "--diagnosis", "D80.1", "--auth", "PA-77",
        "--json", data=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    ids = [w["id"] for w in data["warnings"]]
    assert "prior-authorization-exceeded" in ids
    assert "prior-authorization-expired" in ids  # calc checks today's date against 2025
    checks = {c["id"]: c for c in data["checks"]}
    assert set(checks) == {
        "medical-necessity", "diagnosis", "modifiers", "billed-units", "ndc",
        "prior-authorization", "lots-expiries", "waste",
    }  # fmt: skip
    assert all(set(c) == {"id", "state", "message"} for c in data["checks"])
    assert checks["prior-authorization"]["state"] == "fail"
    assert checks["diagnosis"]["state"] == "pass"


def test_calc_without_a_diagnosis_says_diagnosis_missing(tmp_path: Path) -> None:
    done = run("calc", *DOSE, "--json", data=tmp_path)
    data = json.loads(done.stdout)
    assert [w["id"] for w in data["warnings"]] == ["diagnosis-missing"]
    assert {c["id"]: c["state"] for c in data["checks"]}["diagnosis"] == "fail"


def test_calc_rejects_a_malformed_diagnosis_as_a_failed_check(tmp_path: Path) -> None:
    done = run("calc", *DOSE, "--diagnosis", "flu", "--json", data=tmp_path)
    data = json.loads(done.stdout)
    assert "diagnosis-format" in [w["id"] for w in data["warnings"]]


@pytest.mark.parametrize("reason", ["ndc", "nope=because", "ndc=", "x" * 100_000])
def test_a_bad_check_reason_is_one_line(tmp_path: Path, reason: str) -> None:
    done = run(
        "worksheet", *DOSE, *DOC, "--check-reason", reason, "-o", tmp_path / "w.pdf",
        data=tmp_path,
    )  # fmt: skip
    line = one_line_error(done)
    assert line.startswith("unitcalc: check reason:")
    assert len(line) < 300
