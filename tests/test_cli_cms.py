"""End to end: `main.py cms ...`, `payers import-fees` and priced `calc` output."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_run import run_main
from tests.cms_samples import crosswalk_csv, pricing_csv, write, write_zip

PRIVIGEN = ("--code", "J1459", "--product", "Privigen 10%", "--ordered", "28 g")


def main(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("cms")
    files = [
        write(tmp_path / "asp.csv", pricing_csv()),
        write_zip(tmp_path / "xw.zip", {"NDC-HCPCS crosswalk.csv": crosswalk_csv()}),
    ]
    done = main(tmp_path / "data", "cms", "import", *map(str, files))
    assert done.returncode == 0, done.stderr
    assert "asp.csv: pricing 2026Q1, 5 rows imported; 1 row not usable" in done.stdout
    assert "row 16: a note, not data" in done.stdout
    assert "xw.zip:NDC-HCPCS crosswalk.csv: crosswalk 2026Q1, 4 rows imported" in done.stdout
    again = main(tmp_path / "data", "cms", "import", *map(str, files))
    assert again.stdout.count("already imported; nothing changed") == 2
    return tmp_path / "data"


def test_status_and_lookup(data: Path) -> None:
    *status, today = main(data, "cms", "status").stdout.splitlines()
    assert today.startswith("Pricing for today (") and ": 2026Q1" in today
    assert [[*line.split()[:2], line.split()[5]] for line in status] == [
        ["2026Q1", "crosswalk", "4"],
        ["2026Q1", "pricing", "5"],
    ]
    by_code = main(data, "cms", "lookup", "--code", "J1459").stdout
    assert "per 500 MG  $41.234 per unit" in by_code
    assert "NDC 44206-0436-90 -> J1459" in by_code
    by_ndc = main(data, "cms", "lookup", "--ndc", "00944-2700-02").stdout
    assert "-> J1569  Gammagard Liquid  Takeda  package 10 x 1  2 billing units" in by_ndc


def test_calc_json_has_dollars_for_the_service_date(data: Path) -> None:
    done = main(
        data, "calc", *PRIVIGEN, "--administered", "280", "--service-date", "2026-02-10", "--json"
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert [(c["payment_per_unit"], c["payment"]) for c in result["claim_lines"]] == [
        ("41.234", "2309.104"),
        ("41.234", "164.936"),
    ]
    assert result["pricing"] == {
        "quarter": "2026Q1",
        "source": "CMS ASP pricing file 2026Q1",
        "service_date": "2026-02-10",
    }
    assert result["code_unit_conflict"] is None


def test_calc_text_shows_the_waste_recovered_and_out_of_date_pricing(data: Path) -> None:
    done = main(data, "calc", *PRIVIGEN, "--administered", "280", "--service-date", "2026-05-01")
    assert "J1459-JW: 4 units × $41.234 = $164.936  (what billing the waste recovers)" in (
        done.stdout
    )
    assert "dollars come from 2026Q1, an earlier quarter" in done.stdout


def test_the_default_code_reports_its_unit_conflict(data: Path) -> None:
    done = main(
        data,
        "calc",
        "--vial-size",
        "10",
        "--ordered",
        "12",
        "--administered",
        "12",
        "--service-date",
        "2026-02-10",
        "--json",
    )
    result = json.loads(done.stdout)
    assert result["code_unit_conflict"]["cms_unit"] == "25 MG"
    assert [c["payment"] for c in result["claim_lines"]] == [None, None]


def test_calc_without_imported_files_has_null_dollars(tmp_path: Path) -> None:
    done = main(
        tmp_path / "none",
        "calc",
        "--vial-size",
        "10",
        "--ordered",
        "12",
        "--administered",
        "12",
        "--json",
    )
    result = json.loads(done.stdout)
    assert result["pricing"] is None
    assert result["claim_lines"][0]["payment"] is None
    assert not (tmp_path / "none").exists()


def test_payer_fee_schedule_prices_that_payers_lines(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert (
        main(data, "cms", "import", str(write(tmp_path / "a.csv", pricing_csv()))).returncode == 0
    )
    fees = tmp_path / "fees.csv"
    fees.write_text(
        "HCPCS Code,Rate per unit,Effective from,Effective to\n"
        'J1459,"1,055.25",2026-01-01,2026-12-31\n'
    )
    done = main(data, "payers", "import-fees", "commercial", str(fees))
    assert done.returncode == 0, done.stderr
    args = (*PRIVIGEN, "--administered", "280", "--service-date", "2026-02-10", "--json")
    commercial = json.loads(main(data, "calc", *args, "--payer", "commercial").stdout)
    assert commercial["claim_lines"][0]["payment"] == "59094"
    assert commercial["pricing"]["source"] == "commercial fee schedule (fees.csv)"
    medicare = json.loads(main(data, "calc", *args).stdout)
    assert medicare["claim_lines"][0]["payment"] == "2309.104"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("cms", "import", "{bad}"), "bad.csv: row 10: payment limit 'NaN'"),
        (("cms", "import", "{bad}", "--quarter", "26Q1"), "--quarter: '26Q1' is not a quarter"),
        (("cms", "lookup", "--ndc", "123"), "--ndc: '123' is not an NDC"),
        (("payers", "import-fees", "commercial", "{bad}"), "bad.csv: no header row"),
        (
            (
                "calc",
                "--vial-size",
                "10",
                "--ordered",
                "1",
                "--administered",
                "1",
                "--service-date",
                "2026-13-01",
            ),
            "service date: '2026-13-01' is not a date",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line(
    data: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    bad = write(tmp_path / "bad.csv", pricing_csv(rows=("J1459,IVIG,500 MG,NaN",)))
    done = main(data, *(a.replace("{bad}", str(bad)) for a in args))
    assert done.returncode == 2
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and message in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_file_text_in_messages_is_escaped_for_the_terminal(data: Path, tmp_path: Path) -> None:
    bad = write(tmp_path / "esc.csv", pricing_csv(rows=("J1459,IVIG,500 MG,1\x1b[2J",)))
    done = main(data, "cms", "import", str(bad))
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "\\x1b[2J" in done.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("cms", "import", "{file}"),
        ("calc", "--vial-size", "10", "--ordered", "12", "--administered", "12"),
        ("cms", "status"),
    ],
)
def test_a_damaged_reference_database_is_named_not_a_traceback(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "cms-reference.sqlite3").write_bytes(b"not a database " * 100)
    file = write(tmp_path / "asp.csv", pricing_csv())
    done = main(data, *(a.replace("{file}", str(file)) for a in args))
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "reference database:" in done.stderr and "import the CMS files again" in done.stderr


def test_worksheet_prices_with_the_quarter_of_the_administration(
    data: Path, tmp_path: Path
) -> None:
    import io

    from pypdf import PdfReader

    out = tmp_path / "w.pdf"
    done = main(
        data,
        "worksheet",
        *PRIVIGEN,
        "--administered",
        "280",
        "--ndc",
        "44206-0436-90",
        "--administered-at",
        "2026-02-10T09:30",
        "--draft",
        "-o",
        str(out),
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    text = " ".join(text.split())
    assert "$2,309.104" in text and "$164.936" in text
    assert "CMS ASP pricing file 2026Q1 for the service date 2026-02-10" in text


def test_a_zip_of_overlapping_members_is_one_plain_refusal(tmp_path: Path) -> None:
    from tests.core.test_cms_files import _overlapping_zip

    bomb = _overlapping_zip(tmp_path / "bomb.zip", pricing_csv(), copies=40)
    done = main(tmp_path / "data", "cms", "import", str(bomb))
    assert done.returncode == 2
    assert (
        done.stderr.splitlines()
        == ["error: bomb.zip:asp.csv: overlaps another member of the ZIP; this is not a CMS file"]
        or "overlaps another member" in done.stderr.splitlines()[0]
    ), done.stderr
    assert len(done.stderr.splitlines()) == 1
