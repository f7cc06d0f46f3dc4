"""End to end: `main.py calc` as a script would run it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import run_main, run_script

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return run_main(*args, cwd=cwd)


@pytest.mark.slow
def test_smoke_main_py_as_a_script() -> None:
    done = run_script("calc", "--vial-size", "10", "--ordered", "12", "--administered", "12")
    assert done.returncode == 0, done.stderr
    assert "J1410-JW x 1 unit" in done.stdout
    bad = run_script("calc", "--vial-size", "ten", "--ordered", "12", "--administered", "12")
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1


def test_json_output_for_the_12_ml_example() -> None:
    done = run(
        "calc", "--vial-size", "10", "--ordered", "12", "--administered", "12",
        "--diagnosis", "D80.1", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    expected = {
        "code": "J1410",
        "vials_opened": 2,
        "opened_ml": "20",
        "administered_ml": "12",
        "waste_ml": "8",
        "units_administered": 3,
        "units_wasted": 1,
        "warnings": [],
    }
    assert {key: data[key] for key in expected} == expected
    assert [
        {k: line[k] for k in ("hcpcs", "modifiers", "units")} for line in data["claim_lines"]
    ] == [
        {"hcpcs": "J1410", "modifiers": [], "units": 3},
        {"hcpcs": "J1410", "modifiers": ["JW"], "units": 1},
    ]


def test_plain_summary_is_short_and_readable() -> None:
    done = run("calc", "--vial-size", "10", "--ordered", "12", "--administered", "12")
    assert done.returncode == 0
    assert "J1410 x 3 units" in done.stdout
    assert "J1410-JW x 1 unit" in done.stdout
    assert "12 mL / 5 mL = 2.4 -> 3 units (rounded up)" in done.stdout
    assert ".0 mL" not in done.stdout


def test_weight_based_ivig_with_a_product_and_ndc() -> None:
    done = run(
        "calc",
        "--code",
        "J1459",
        "--product",
        "Privigen",
        "--ordered",
        "0.4 g/kg",
        "--weight",
        "70",
        "--administered",
        "280",
        "--ndc",
        "0002-7597-01",
        "--json",
    )
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert (data["units_administered"], data["units_wasted"]) == (56, 4)
    assert [line["ndc_segment"] for line in data["claim_lines"]] == [
        "N400002759701ML280",
        "N400002759701ML20",
    ]


def test_multi_dose_flag_and_concentration_override() -> None:
    done = run(
        "calc",
        "--vial-size",
        "10",
        "--ordered",
        "12",
        "--administered",
        "12",
        "--multi-dose",
        "--json",
    )
    data = json.loads(done.stdout)
    assert [line["modifiers"] for line in data["claim_lines"]] == [[]]
    done = run(
        "calc",
        "--code",
        "J1459",
        "--product",
        "Privigen",
        "--concentration",
        "5%",
        "--vial-size",
        "100",
        "--ordered",
        "100",
        "--administered",
        "100",
        "--json",
    )
    assert json.loads(done.stdout)["units_administered"] == 10  # 5,000 mg at 5 %


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--vial-size", "ten", "--ordered", "12", "--administered", "12"], "vial size"),
        (["--vial-size", "10", "--ordered", "nan", "--administered", "12"], "dose ordered"),
        (["--vial-size", "10", "--ordered", "12", "--administered", "-3"], "amount administered"),
        (["--vial-size", "10", "--ordered", "12", "--administered", "inf"], "amount administered"),
        (["--vial-size", "10", "--ordered", "12"], "amount administered"),
        (
            ["--vial-size", "10", "--ordered", "12", "--administered", "30", "--vials", "1"],
            "amount administered",
        ),
        (
            ["--vial-size", "10", "--ordered", "12", "--administered", "12", "--code", "J0000"],
            "code",
        ),
        (["--vial-size", "10", "--ordered", "1 g", "--administered", "12"], "concentration"),
        (["--vial-size", "10", "--ordered", "12", "--administered", "12", "--payer", "x"], "payer"),
        (
            ["--vial-size", "10", "--ordered", "12", "--administered", "12", "--ndc", "0002759701"],
            "NDC",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_field(args: list[str], field: str) -> None:
    done = run("calc", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr
    assert lines[0].startswith(f"unitcalc: {field}:")


def test_unknown_option_exits_2_with_one_line() -> None:
    done = run("calc", "--bogus")
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1


def test_broken_catalog_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "catalog.json"
    bad.write_text('{"version": 1, "codes": [', encoding="utf-8")
    done = run(
        "calc",
        "--vial-size",
        "10",
        "--ordered",
        "12",
        "--administered",
        "12",
        "--catalog",
        str(bad),
    )
    assert done.returncode == 2
    assert "invalid" in done.stderr or "not valid JSON" in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_a_misspelt_command_is_an_error_not_a_window() -> None:
    done = run("calcc", "--vial-size", "10")
    assert done.returncode == 2
    assert "invalid choice" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_window_takes_data_dir_and_leaves_the_rest_to_qt() -> None:
    from main import split_data_dir

    assert split_data_dir(["main.py", "--data-dir", "/d", "-style", "fusion"]) == (
        "/d",
        ["main.py", "-style", "fusion"],
    )
    assert split_data_dir(["main.py", "--data-dir=/e"]) == ("/e", ["main.py"])
    assert split_data_dir(["main.py"]) == (None, ["main.py"])
