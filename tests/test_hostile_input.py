"""Hostile input through every option of `calc` and `worksheet` (issue 8, item 3b).

Every value ends in exit 0, or exit 2 with one line on stderr that names the field; never
"unexpected error", a traceback or a hang. The corpus runs in-process through
``run_command`` (fast enough to try every option with every kind of value); a few
subprocess runs check the same through ``main.py`` with real argv bytes.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cli import run_command
from core.dose_input import DoseForm, DoseInputError
from tests.cli_run import run_script
from tests.shipped import evaluate

ROOT = Path(__file__).resolve().parents[1]

#: One example of each kind of hostile value.
VALUES: dict[str, str] = {
    "nan": "nan",
    "NaN upper": "NaN",
    "infinity": "inf",
    "exponent": "1e400",
    "negative": "-1",
    "zero": "0",
    "41 digits": "1" * 41,
    "10,000 digits": "9" * 10_000,
    "100,000 characters": "x" * 100_000,
    "arabic-indic digits": "١٢",
    "fullwidth digits": "\uff11\uff12",
    "leading dot": ".5",
    "comma": "1,000",
    "underscore": "1_000",
    "hex": "0x10",
    "nul": "12\x00",
    "escape sequence": "\x1b]0;owned\x07\x1b[2K12",
    "newline": "12\nunitcalc: fake second line",
    "rtl override": "\u202e21",
    "zero width": "1\u200b2",
    "markup": "<b>12</b>&amp;<script>",
    "sql quotes": "'; DROP TABLE worksheets; --",
    "invalid utf-8": "12\udcff\udcfe",
    "lone surrogate pair": "\ud83d",
    "whitespace": "   ",
    "empty": "",
    "unit soup": "12 mL mL g/kg/kg",
    "cc": "12 cc",
    "huge date": "9999-12-31T23:59",
    "year zero": "0000-01-01",
    "far future": "2999-01-01T00:00",
    "offset": "2025-03-01T14:30+14:00",
    "offset at year 1": "0001-01-01T00:00+14:00",
    "2^64": str(2**64),
    "worksheet 2^64": f"W-{2**64}",
}

#: The kinds that matter for free text; dates and IDs also get the date-like ones.
TEXT_VALUES = [
    VALUES[kind]
    for kind in (
        "10,000 digits", "100,000 characters", "nul", "escape sequence", "newline",
        "rtl override", "markup", "sql quotes", "invalid utf-8", "lone surrogate pair",
        "whitespace",
    )
]  # fmt: skip
DATE_VALUES = [
    *TEXT_VALUES,
    *(VALUES[kind] for kind in ("year zero", "far future", "offset", "offset at year 1", "2^64")),
    *(
        VALUES[kind]
        for kind in ("worksheet 2^64", "huge date", "nan", "fullwidth digits", "negative")
    ),
]
DATE_OPTIONS = ("--dob", "--administered-at", "--expiry", "--replaces", "--printed-at")

DOSE = ["--vial-size=10", "--ordered=12", "--administered=12"]

#: Option -> words its message must contain (dose options may also fail on a neighbour:
#: a strange order makes the administered amount "more than ordered", and so on).
DOSE_OPTIONS: dict[str, str] = {
    "--vial-size": "vial size",
    "--ordered": "dose ordered",
    "--administered": "amount administered",
    "--vials": "vials opened",
    "--code": "code",
    "--product": "product",
    "--concentration": "concentration",
    "--weight": "patient weight",
    "--payer": "payer",
    "--setting": "claim setting",
    "--ndc": "NDC",
    "--prior-auth": "prior authorization",
}
DOSE_FIELDS = (*DOSE_OPTIONS.values(), "vial size")

DOC = [
    "--patient=Jane Example",
    "--mrn=123",
    "--dob=1961-04-02",
    "--administered-at=2025-03-01T14:30",
    "--diagnosis=D80.1",
    "--lot=L1",
    "--expiry=2030-01-31",
    "--prepared-by=TN",
    "--verified-by=RP",
    "--waste-reason=single-dose vial",
    "--witness=RA",
    "--printed-at=2025-03-01T15:00",
]
DOC_OPTIONS: dict[str, str] = {
    "--facility": "facility",
    "--patient": "patient name",
    "--mrn": "MRN",
    "--dob": "date of birth",
    "--administered-at": "administered at",
    "--route": "route",
    "--diagnosis": "diagnosis",
    "--lot": "lot",
    "--expiry": "expiry",
    "--waste-reason": "waste reason",
    "--witness": "waste witness",
    "--difference-reason": "difference reason",
    "--notes": "notes",
    "--prepared-by": "prepared by",
    "--verified-by": "verified by",
    "--replaces": "replaces",
    "--printed-at": "printed at",
}


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str, float]:
    started = time.perf_counter()
    try:
        status = run_command(argv)
    except SystemExit as exit_:  # argparse refuses before run_command's own handling
        status = int(exit_.code or 0)
    elapsed = time.perf_counter() - started
    captured = capsys.readouterr()
    return status, captured.out, captured.err, elapsed


def _check(argv: list[str], words: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> float:
    status, _out, err, elapsed = _run(argv, capsys)
    shown = f"{[a[:60] for a in argv]} -> {status}: {err[:300]!r}"
    assert status in (0, 2), shown
    if status == 2:
        lines = err.splitlines()
        assert len(lines) == 1, shown
        assert lines[0].startswith("unitcalc: "), shown
        assert "unexpected error" not in err and "Traceback" not in err, shown
        assert len(lines[0]) < 600, shown  # the value is quoted short, never in full
        assert any(w.casefold() in lines[0].casefold() for w in words), shown
    return elapsed


def _replace(args: list[str], option: str, value: str) -> list[str]:
    kept = [a for a in args if not a.startswith(f"{option}=")]
    return [*kept, f"{option}={value}"]


def test_every_dose_option_of_calc_takes_every_hostile_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    slowest = 0.0
    started = time.perf_counter()
    for option in DOSE_OPTIONS:
        for value in VALUES.values():
            argv = ["calc", *_replace(DOSE, option, value), "--json"]
            slowest = max(slowest, _check(argv, DOSE_FIELDS, capsys))
    total = time.perf_counter() - started
    runs = len(DOSE_OPTIONS) * len(VALUES)
    print(f"calc corpus: {runs} runs, {total:.1f} s, slowest {slowest:.2f} s")


def test_every_documentation_option_of_worksheet_takes_every_hostile_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data, out = tmp_path / "data", tmp_path / "w.pdf"
    slowest = 0.0
    started = time.perf_counter()
    runs = 0
    for option, words in DOC_OPTIONS.items():
        for value in DATE_VALUES if option in DATE_OPTIONS else TEXT_VALUES:
            runs += 1
            # Drafts pass the same checks as a worksheet for the chart, without recording.
            argv = ["worksheet", *_replace([*DOSE, *DOC], option, value), "--draft"]
            argv += ["-o", str(out), "--data-dir", str(data)]
            # The not-ready refusal names what is missing or wrong, with the field in it.
            slowest = max(slowest, _check(argv, (words, "worksheet: not ready"), capsys))
    total = time.perf_counter() - started
    print(f"worksheet corpus: {runs} runs, {total:.1f} s, slowest {slowest:.2f} s")


@pytest.mark.parametrize("option", ["--patient", "--mrn", "--lot"])
def test_hostile_text_is_refused_or_recorded(
    option: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for kind in ("invalid utf-8", "escape sequence", "sql quotes", "markup"):
        argv = ["worksheet", *_replace([*DOSE, *DOC], option, VALUES[kind])]
        argv += ["-o", str(tmp_path / "w.pdf"), "--data-dir", str(tmp_path / "data")]
        _check(argv, (DOC_OPTIONS[option],), capsys)


def test_worksheet_dose_options_take_every_hostile_value(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for option in ("--ordered", "--vials", "--ndc", "--prior-auth"):
        for value in TEXT_VALUES:
            argv = ["worksheet", *_replace([*DOSE, *DOC], option, value), "--draft"]
            argv += ["-o", str(tmp_path / "w.pdf"), "--data-dir", str(tmp_path / "data")]
            _check(argv, (*DOSE_FIELDS, "worksheet: not ready"), capsys)


def _case_files(tmp: Path) -> dict[str, Path]:
    """Case files of every shape."""
    cases: dict[str, str | bytes] = {
        "nested 100,000 deep": "[" * 100_000 + "]" * 100_000,
        "nested objects": '{"dose": ' * 50_000 + "{}" + "}" * 50_000,
        "2 MB": json.dumps({"documentation": {"notes": "n" * 2_000_000}}),
        "invalid utf-8": b'{"documentation": {"patient_name": "\xff\xfe"}}',
        "replaces 2^64": json.dumps({"documentation": {"replaces": 2**64}}),
        "replaces 10,000 digits": '{"documentation": {"replaces": ' + "9" * 10_000 + "}}",
        "replaces negative": json.dumps({"documentation": {"replaces": -1}}),
        "NaN amount": '{"dose": {"vial_size": NaN}}',
        "number as text field": json.dumps({"dose": {"vial_size": 10}}),
        "list at top": "[]",
        "string at top": '"hello"',
        "null": "null",
        "empty": "",
        "binary": bytes(range(256)),
        "long name": json.dumps({"documentation": {"patient_name": "A" * 100_000}}),
        "escape in name": json.dumps({"documentation": {"patient_name": "\x1b]0;x\x07"}}),
        "surrogate escape": '{"documentation": {"patient_name": "\\udcff"}}',
        "vials huge": json.dumps({"documentation": {"vials": [{}] * 20_000}}),
        "bad date": json.dumps({"documentation": {"date_of_birth": "0000-00-00"}}),
        "aware time": json.dumps({"documentation": {"administered_at": "2025-03-01T14:30Z"}}),
    }
    paths: dict[str, Path] = {}
    for number, (name, content) in enumerate(cases.items()):
        path = tmp / f"case{number}.json"
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        paths[name] = path
    paths["directory"] = tmp
    paths["missing"] = tmp / "absent.json"
    paths["/dev/zero"] = Path("/dev/zero")
    return paths


def test_case_files_of_every_shape_are_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    for path in _case_files(cases).values():
        argv = ["worksheet", *DOSE, "--case", str(path), "--draft", "-o", str(tmp_path / "w.pdf")]
        argv += ["--data-dir", str(tmp_path / "data")]
        _check(argv, ("case file", "patient name", "worksheet: not ready"), capsys)


def test_a_catalog_of_every_shape_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    shipped = json.loads((ROOT / "resources" / "catalog.json").read_text(encoding="utf-8"))
    zero = json.loads(json.dumps(shipped))
    zero["codes"][0]["dosage"]["amount"] = "0"
    tiny = json.loads(json.dumps(shipped))
    tiny["products"][0]["vial_sizes"] = [{"ml": "0.0001"}, {"ml": "10000"}]
    catalogs = {"zero dosage": json.dumps(zero), "tiny sizes": json.dumps(tiny)}
    for name, content in catalogs.items():
        path = tmp_path / f"{name}.json"
        path.write_text(content, encoding="utf-8")
        argv = ["calc", "--catalog", str(path), "--product", "Privigen 10%", "--ordered", "9000"]
        _check([*argv, "--administered", "9000"], ("catalog", "vial size"), capsys)
    _check(["calc", *DOSE, "--catalog", "/dev/zero"], ("/dev/zero",), capsys)


def _main(*args: str | bytes, data: Path) -> subprocess.CompletedProcess[bytes]:
    """Real argv bytes, as the operating system hands them to a new process."""
    return run_script(
        *args, b"--data-dir", os.fsencode(data), env={"QT_QPA_PLATFORM": "offscreen"}, binary=True
    )


@pytest.mark.parametrize(
    "args",
    [
        (b"calc", b"--vial-size=10", b"--ordered=12", b"--administered=12", b"--ndc=\xff\xfe"),
        ("calc", "--vial-size=0.0001", "--ordered=10000", "--administered=1"),
        ("calc", "--vial-size=10", "--ordered=12", "--administered=12", "--vials=" + "9" * 10_000),
        (
            "calc",
            "--product=Privigen 10%",
            "--concentration=0.0001 mg/mL",
            "--ordered=1 g",
            "--administered=1 g",
        ),
    ],
)
def test_main_py_refuses_hostile_argv_in_one_line(
    tmp_path: Path, args: tuple[str | bytes, ...]
) -> None:
    done = _main(*args, data=tmp_path)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.decode("utf-8", "backslashreplace").splitlines()
    assert len(lines) == 1 and lines[0].startswith("unitcalc: "), lines
    assert "unexpected error" not in lines[0]


def test_main_py_worksheet_with_invalid_utf8_patient_is_refused(tmp_path: Path) -> None:
    args = [a.replace("--patient=Jane Example", "") for a in DOC if a != "--patient=Jane Example"]
    done = _main(
        "worksheet", *DOSE, *args, b"--patient=Jane \xff", "-o", str(tmp_path / "w.pdf"),
        data=tmp_path / "data",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.decode().strip() == (
        "unitcalc: patient name: is not valid text (it holds bytes that are not UTF-8)"
    )
    assert not (tmp_path / "w.pdf").exists()


def test_main_py_case_files_nested_deep_and_dev_zero(tmp_path: Path) -> None:
    nested = tmp_path / "nested.json"
    nested.write_text("[" * 100_000 + "]" * 100_000)
    for case, words in ((nested, "nested more than"), (Path("/dev/zero"), "larger than")):
        done = _main(
            "worksheet", *DOSE, "--case", str(case), "--draft", "-o", str(tmp_path / "w.pdf"),
            data=tmp_path / "data",
        )  # fmt: skip
        assert done.returncode == 2
        line = done.stderr.decode().strip()
        assert line.startswith("unitcalc: case file") and words in line and "\n" not in line


FORM_KEYS = [k for k in DoseForm.__struct_fields__ if k != "multi_dose"]
NUMBERISH = st.from_regex(r"\A[0-9.,%/ a-zA-Zµ\-]{0,14}\Z") | st.text(max_size=30)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.sampled_from(FORM_KEYS), NUMBERISH, max_size=6))
def test_any_text_in_any_dose_field_is_a_result_or_named_errors(typed: dict[str, str]) -> None:
    form = DoseForm(vial_size="10", dose_ordered="12", administered="12").replace(**typed)
    try:
        evaluate(form)
    except DoseInputError as errors:
        for key, error in errors.errors.items():
            assert "\n" not in str(error) and error.field, (key, str(error))
