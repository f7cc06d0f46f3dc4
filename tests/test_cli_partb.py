"""End to end (issue 20): codes from the imported ASP pricing file, billed per their own
descriptor, for the Part B drugs an infusion centre prepares beside immune globulin."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests import partb_samples
from tests.cli_run import run_main
from tests.cms_samples import Q4_2025, crosswalk_csv, pricing_csv, write


def main(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_main(*args, "--data-dir", data)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp_path = tmp_path_factory.mktemp("partb")
    files = [
        write(tmp_path / "asp.csv", pricing_csv(Q4_2025, rows=partb_samples.PRICING_ROWS)),
        write(tmp_path / "xw.csv", crosswalk_csv(Q4_2025, rows=partb_samples.CROSSWALK_ROWS)),
    ]
    done = main(tmp_path / "data", "cms", "import", *map(str, files))
    assert done.returncode == 0, done.stderr
    return tmp_path / "data"


def billed(done: subprocess.CompletedProcess[str]) -> list[tuple[str, int]]:
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    return [("-".join([c["hcpcs"], *c["modifiers"]]), c["units"]) for c in result["claim_lines"]]


IN_QUARTER = ("--service-date", "2025-11-03", "--json")


@pytest.mark.parametrize(
    ("args", "lines"),
    [
        # pembrolizumab, per 1 mg: 200 mg from two 100 mg vials, nothing left.
        (
            ("--code", "J9271", "--vial-size", "100 mg", "--ordered", "200 mg"),
            [("J9271-JZ", 200)],
        ),
        # bevacizumab, per 10 mg: 5 mg/kg at 70 kg = 350 mg from 100 mg vials.
        (
            ("--code", "J9035", "--vial-size", "100 mg", "--ordered", "5 mg/kg", "--weight", "70"),
            [("J9035", 35), ("J9035-JW", 5)],
        ),
        # infliximab, per 10 mg: 5 mg/kg at 82 kg = 410 mg from 100 mg vials.
        (
            ("--code", "J1745", "--vial-size", "100 mg", "--ordered", "5 mg/kg", "--weight", "82"),
            [("J1745", 41), ("J1745-JW", 9)],
        ),
        # rituximab, per 10 mg: 712.5 mg (375 mg/m2 at 1.9 m2) from 100 mg vials.
        (
            ("--code", "J9312", "--vial-size", "100 mg", "--ordered", "712.5 mg"),
            [("J9312", 72), ("J9312-JW", 8)],
        ),
        # onabotulinumtoxinA, per unit: 155 units from two 100-unit vials.
        (
            ("--code", "J0585", "--vial-size", "100 units", "--ordered", "155 units"),
            [("J0585", 155), ("J0585-JW", 45)],
        ),
        # denosumab, per 1 mg: 120 mg from a 120 mg vial.
        (
            ("--code", "J0897", "--vial-size", "120 mg", "--ordered", "120 mg"),
            [("J0897-JZ", 120)],
        ),
        # romiplostim, per 10 mcg: 1 mcg/kg at 75 kg = 75 mcg from a 125 mcg vial.
        (
            (
                "--code",
                "J2796",
                "--vial-size",
                "125 mcg",
                "--ordered",
                "1 mcg/kg",
                "--weight",
                "75",
            ),
            [("J2796", 8), ("J2796-JW", 4)],
        ),
        # a factor billed per 1,000 IU: 3,500 units from 1,000-unit vials.
        (
            ("--code", "J7192", "--vial-size", "1000 units", "--ordered", "3500 units"),
            [("J7192-JZ", 4)],
        ),
    ],
)
def test_file_codes_bill_per_their_descriptor(
    data: Path, args: tuple[str, ...], lines: list[tuple[str, int]]
) -> None:
    ordered = args[args.index("--ordered") + 1]
    administered = ordered
    if "/kg" in ordered:
        per_kg, unit = ordered.split("/")[0].split()
        administered = f"{int(per_kg) * int(args[-1])} {unit}"
    done = main(data, "calc", *args, "--administered", administered, *IN_QUARTER)
    assert billed(done) == lines


def test_a_file_code_says_where_its_descriptor_came_from(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--code", "J0585", "--vial-size", "100 units"),
        *("--ordered", "155 units", "--administered", "155 units"),
        *("--service-date", "2025-11-03"),
    )
    assert done.returncode == 0, done.stderr
    assert "J0585: Injection,onabotulinumtoxina" in done.stdout
    assert "Administered: 155 units; waste: 45 units" in done.stdout
    assert "Units administered: 155 units / 1 unit = 155 -> 155 units (rounded up)" in done.stdout
    assert "Priced from: CMS ASP pricing file 2025Q4" in done.stdout


@pytest.mark.parametrize(
    ("code", "descriptor"),
    [("J7999", "EA"), ("A4222", "1 KIT"), ("J3490", "(blank)")],
)
def test_a_descriptor_that_is_not_an_amount_is_refused_in_one_line(
    data: Path, code: str, descriptor: str
) -> None:
    done = main(
        data,
        "calc",
        *("--code", code, "--vial-size", "10 mg", "--ordered", "5 mg", "--administered", "5 mg"),
        *("--service-date", "2025-11-03"),
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"unitcalc: code: {code} is billed per '{descriptor}' in the CMS pricing file 2025Q4: "
        "not an amount in mg, g, mcg, mL or units, so its units cannot be calculated"
    ]


def test_the_shipped_catalog_keeps_its_own_entries(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--code", "J1410", "--vial-size", "10", "--ordered", "12", "--administered", "12"),
        *IN_QUARTER,
    )
    result = json.loads(done.stdout)
    assert result["dosage"] == {"amount": "5", "unit": "mL"}
    assert result["code_unit_conflict"]["cms_unit"] == "25 MG"


def test_a_service_date_past_the_newest_quarter_uses_it_and_says_so(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--code", "J9271", "--vial-size", "100 mg", "--ordered", "200 mg"),
        *("--administered", "200 mg", "--service-date", "2026-05-01", "--json"),
    )
    result = json.loads(done.stdout)
    assert result["code_source"] == (
        "CMS ASP pricing file 2025Q4 (descriptor 1 MG; the newest quarter held, "
        "the service date is later)"
    )
    assert [c["units"] for c in result["claim_lines"]] == [200]


def test_a_code_no_file_lists_is_refused_naming_the_field(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--code", "J9999", "--vial-size", "10 mg", "--ordered", "5 mg", "--administered", "5 mg"),
    )
    assert done.returncode == 2
    assert done.stderr.startswith("unitcalc: code: 'J9999' is not in the catalog")
    assert len(done.stderr.splitlines()) == 1


NDC_DOSES = [
    # pembrolizumab: the example. 100 billing units per package of 1 = 100 mg.
    ("00006-3026-02", ("--ordered", "200 mg", "--administered", "200 mg"), [("J9271-JZ", 200)]),
    # bevacizumab 100 mg and 400 mg (Genentech, J9035): 350 mg -> one 400 mg vial.
    (
        "50242-0060-01",
        ("--ordered", "5 mg/kg", "--weight", "70", "--administered", "350 mg"),
        [("J9035", 35), ("J9035-JW", 5)],
    ),
    # infliximab 100 mg: 5 mg/kg at 82 kg.
    (
        "57894-0030-01",
        ("--ordered", "5 mg/kg", "--weight", "82", "--administered", "410 mg"),
        [("J1745", 41), ("J1745-JW", 9)],
    ),
    # rituximab 100 mg and 500 mg: 712.5 mg (375 mg/m2 at 1.9 m2).
    (
        "50242-0051-21",
        ("--ordered", "712.5 mg", "--administered", "712.5 mg"),
        [("J9312", 72), ("J9312-JW", 8)],
    ),
    # onabotulinumtoxinA 100 units: 155 units.
    (
        "00023-1145-01",
        ("--ordered", "155 units", "--administered", "155 units"),
        [("J0585", 155), ("J0585-JW", 45)],
    ),
    # denosumab 120 mg.
    ("55513-0730-01", ("--ordered", "120 mg", "--administered", "120 mg"), [("J0897-JZ", 120)]),
    # romiplostim 12.5 billing units of 10 mcg = 125 mcg: 1 mcg/kg at 75 kg.
    (
        "55513-0221-01",
        ("--ordered", "1 mcg/kg", "--weight", "75", "--administered", "75 mcg"),
        [("J2796", 8), ("J2796-JW", 4)],
    ),
]


@pytest.mark.parametrize(("ndc", "args", "lines"), NDC_DOSES)
def test_an_ndc_is_enough(
    data: Path, ndc: str, args: tuple[str, ...], lines: list[tuple[str, int]]
) -> None:
    done = main(data, "calc", "--ndc", ndc, *args, *IN_QUARTER)
    assert billed(done) == lines


def test_the_steps_say_how_the_crosswalk_columns_were_read(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--ndc", "50242-0051-21", "--ordered", "712.5 mg", "--administered", "712.5 mg"),
        *("--service-date", "2025-11-03"),
    )
    assert done.returncode == 0, done.stderr
    assert (
        "  Vial sizes: NDC 50242-0051-21, Rituxan (Genentech Inc.), in the crosswalk 2025Q4 "
        "bills J9312: 10 billing units "
        "per package (BILLUNITSPKG) ÷ 1 per package (PKG QTY) = 10 × 10 mg (pricing file "
        "2025Q4) = 100 mg per vial" in done.stdout.splitlines()
    )
    assert (
        "  Vials: least waste from 100 mg, 500 mg: 1 × 500 mg + 3 × 100 mg = 800 mg"
        in done.stdout.splitlines()
    )
    assert "N450242005121ME712.5" in done.stdout


@pytest.mark.parametrize(
    ("ndc", "message"),
    [
        (
            "99999-0001-01",
            "unitcalc: NDC: 99999-0001-01: the crosswalk 2025Q4 row cannot be read as a vial's "
            "amount (BILLUNITSPKG '', PKG QTY 'see label'); enter the vial size",
        ),
        (
            "99999-0002-01",
            "unitcalc: NDC: 99999-0002-01 bills J7999, whose descriptor 'EA' is not an amount "
            "in mg, g, mcg, mL or units",
        ),
    ],
)
def test_an_unreadable_crosswalk_row_is_refused_in_one_line(
    data: Path, ndc: str, message: str
) -> None:
    done = main(
        data,
        "calc",
        *("--ndc", ndc, "--ordered", "200 mg", "--administered", "200 mg"),
        *("--service-date", "2025-11-03"),
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [message]


def test_rituximab_per_m2_from_the_ndc_sizes(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--ndc", "50242-0051-21", "--ordered", "375 mg/m2", "--bsa", "1.9"),
        *("--administered", "712.5 mg", *IN_QUARTER),
    )
    assert billed(done) == [("J9312", 72), ("J9312-JW", 8)]
    steps = json.loads(done.stdout)["steps"]
    assert "Dose ordered: 375 mg/m² × 1.9 m² = 712.5 mg" in steps


def test_bsa_by_mosteller_from_height_and_weight_is_shown_with_its_rounding(data: Path) -> None:
    done = main(
        data,
        "calc",
        *("--ndc", "50242-0051-21", "--ordered", "375 mg/m2", "--height", "170"),
        *("--weight", "70", "--administered", "682.5 mg", *IN_QUARTER),
    )
    assert billed(done) == [("J9312", 69), ("J9312-JW", 1)]
    steps = json.loads(done.stdout)["steps"]
    assert steps[:2] == [
        "Body surface area (Mosteller): √(170 cm × 70 kg / 3600) = 1.8181 m² -> 1.82 m² "
        "(rounded to 0.01 m²)",
        "Dose ordered: 375 mg/m² × 1.82 m² = 682.5 mg",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--ordered", "375 mg/m2"),
            "unitcalc: body surface area: is needed for a dose of 375 mg/m²; enter it in m², "
            "or the height with the weight",
        ),
        (
            ("--ordered", "375 mg/m2", "--height", "170"),
            "unitcalc: patient weight: is needed with the height for the body surface area",
        ),
        (
            ("--ordered", "375 mg/m2", "--bsa", "19"),
            "unitcalc: body surface area: 19 m2 is not between 0.1 and 5",
        ),
        (
            ("--ordered", "375 mg/m2", "--bsa", "1.9", "--height", "170", "--weight", "70"),
            "unitcalc: patient height: give the BSA or the height, not both",
        ),
        # Not numbers: said as every amount field says it, not as a wrong unit.
        (
            ("--ordered", "375 mg/m2", "--bsa", "nan"),
            "unitcalc: body surface area: 'nan' is not a number; enter it in m2",
        ),
        (
            ("--ordered", "375 mg/m2", "--bsa", "inf"),
            "unitcalc: body surface area: 'inf' is not a number; enter it in m2",
        ),
        (
            ("--ordered", "375 mg/m2", "--height", "abc", "--weight", "70"),
            "unitcalc: patient height: 'abc' is not a number; enter it in cm",
        ),
        (
            ("--ordered", "375 mg/m2", "--height", "170", "--weight", "nan"),
            "unitcalc: patient weight: 'nan' is not a number; enter it in kg",
        ),
        (
            ("--ordered", "375 mg/m2", "--bsa", "1.9 ft"),
            "unitcalc: body surface area: '1.9 ft' is not in m2",
        ),
    ],
)
def test_bsa_problems_name_the_field(data: Path, args: tuple[str, ...], message: str) -> None:
    done = main(
        data,
        "calc",
        *("--ndc", "50242-0051-21", *args, "--administered", "700 mg"),
        *("--service-date", "2025-11-03"),
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [message]


def test_scanned_vials_are_enough_for_a_worksheet(data: Path) -> None:
    # Two Keytruda vials scanned (GTIN of NDC 0006-3026-02, lot, expiry, serial).
    scans = [f"0100300063026024172801311010LOT1A21SER00{n}" for n in (1, 2)]
    done = main(
        data,
        "worksheet",
        *(arg for scan in scans for arg in ("--scan", scan)),
        *("--ordered", "200 mg", "--administered", "200 mg", "--patient", "Test Patient"),
        *("--mrn", "123", "--administered-at", "2025-11-03T10:00", "--diagnosis", "C34.90"),
        *("--dry-run", "--json"),
    )
    assert done.returncode == 3, done.stderr  # not ready for the chart: no signatures yet
    claim = json.loads(done.stdout)["claim_lines"]
    assert [(c["hcpcs"], c["modifiers"], c["units"], c["ndc_segment"]) for c in claim] == [
        ("J9271", ["JZ"], 200, "N400006302602ME200")
    ]


def test_an_amount_in_mcg_is_shown_in_mcg(data: Path) -> None:
    # romiplostim, per 10 mcg: 1 mcg/kg at 75 kg from a 125 mcg vial, never "0.075 mg".
    done = main(
        data,
        "calc",
        *("--code", "J2796", "--vial-size", "125 mcg", "--ordered", "1 mcg/kg"),
        *("--weight", "75", "--administered", "75 mcg", "--ndc", "55513-0221-01"),
        *("--service-date", "2025-11-03"),
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "Vials: 1 × 125 mcg = 125 mcg (derived)" in lines
    assert "Administered: 75 mcg; waste: 50 mcg" in lines
    assert "  Dose ordered: 1 mcg/kg × 75 kg = 75 mcg" in lines
    assert "  Units administered: 75 mcg / 10 mcg = 7.5 -> 8 units (rounded up)" in lines
    assert "  Waste: 125 mcg - 75 mcg = 50 mcg" in lines
    assert " mg" not in done.stdout.split("Priced from")[0].replace("ME0", "")
    # The claim's NDC quantity has no mcg qualifier: mg (ME), as before.
    assert "  J2796 x 8 units  N455513022101ME0.075" in lines


def test_the_worksheet_prints_an_amount_in_mcg_in_mcg(data: Path, tmp_path: Path) -> None:
    from tests.cli_run import pdf_text

    out = tmp_path / "romiplostim.pdf"
    done = main(
        data,
        "worksheet",
        *("--code", "J2796", "--vial-size", "125 mcg", "--ordered", "1 mcg/kg"),
        *("--weight", "75", "--administered", "75 mcg", "--patient", "Test Patient"),
        *("--mrn", "123", "--administered-at", "2025-11-03T10:00", "--diagnosis", "D69.3"),
        *("--ndc", "55513-0221-01", "--draft", "-o", str(out)),
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(out)
    assert "Waste: 125 mcg - 75 mcg = 50 mcg" in text
    assert "50 mcg; 4 units billed with JW" in text
    assert "0.075 mg" not in text and "0.05 mg" not in text
    # The claim's quantity is in mg here (ME), not mL: the heading does not say ML.
    assert "N455513022101ME0.075" in text
    assert "(N4 + NDC + unit + quantity)" in text


def test_a_worksheet_from_scans_names_the_crosswalk_product(data: Path, tmp_path: Path) -> None:
    from tests.cli_run import pdf_text

    scans = [f"0100300063026024172801311010LOT1A21SER00{n}" for n in (1, 2)]
    out = tmp_path / "keytruda.pdf"
    done = main(
        data,
        "worksheet",
        *(arg for scan in scans for arg in ("--scan", scan)),
        *("--ordered", "200 mg", "--administered", "200 mg", "--patient", "Test Patient"),
        *("--mrn", "123", "--administered-at", "2025-11-03T10:00", "--diagnosis", "C34.90"),
        *("--draft", "-o", str(out)),
    )
    assert done.returncode == 0, done.stderr
    text = pdf_text(out)
    assert "NDC 00006-3026-02, Keytruda (Merck Sharp & Dohme LLC), in the crosswalk 2025Q4" in text
    assert "2 × 100 mg = 200 mg opened" in text
    assert text.count("single-dose") >= 2  # each scanned vial's type


def test_the_worked_examples_in_the_docs_are_what_calc_prints(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re
    import shlex

    from core.cli import run_command
    from tests.cli_run import ROOT

    doc = (ROOT / "docs" / "partb-examples.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```\n\$ uv run main\.py (calc .*?)\n(.*?)\n```", doc, re.S)
    assert len(blocks) == 10
    for command, shown in blocks:
        code = run_command([*shlex.split(command), "--data-dir", str(data)])
        printed = capsys.readouterr()
        lines = (printed.out if code == 0 else printed.err).splitlines()
        assert lines[: len(shown.splitlines())] == shown.splitlines(), command
        assert code == (0 if printed.out else 2)
