"""The worksheet's facts (issue 8, item 7): an administration time more than a day ahead
is refused; a time after now, a patient over 120 or born after the dose are warned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from core.cli import run_command
from core.documentation import Documentation, fact_problems, fact_warnings
from core.dose_input import DoseForm
from core.worksheet import build_worksheet, worksheet_content
from core.worksheet.example import DOCUMENTATION
from core.worksheet.fonts import notices
from tests.core.blocker_cases import blocker_messages
from tests.shipped import evaluate

NOW = datetime(2026, 3, 1, 12, 0)
RESULT = evaluate(DoseForm(vial_size="10", dose_ordered="12", administered="12"))


def at(moment: datetime, born: date = date(1961, 4, 2)) -> Documentation:
    return DOCUMENTATION.replace(administered_at=moment, date_of_birth=born)


def test_more_than_a_day_ahead_is_refused_by_name() -> None:
    doc = at(NOW + timedelta(days=150))
    (problem,) = fact_problems(doc, NOW)
    assert problem.field == "administered at" and "more than a day ahead" in problem.message
    assert any("more than a day ahead" in m for m in blocker_messages(doc, RESULT, NOW))


def test_within_a_day_ahead_is_accepted_with_a_warning() -> None:
    doc = at(NOW + timedelta(hours=23))
    assert fact_problems(doc, NOW) == []
    (warning,) = fact_warnings(doc, NOW)
    assert "2026-03-02 11:00 is after the time of printing (2026-03-01 12:00)" in warning


def test_a_time_with_an_offset_is_compared_as_local_time() -> None:
    aware = (NOW + timedelta(days=3)).astimezone(UTC)
    assert fact_problems(at(aware), NOW)


@pytest.mark.parametrize(
    ("born", "words"),
    [
        (date(1900, 1, 1), "makes the patient 126 years old"),
        (date(2026, 3, 2), "is after the administration (2026-03-01)"),
        (date(1906, 3, 1), "makes the patient 120 years old"),
    ],
)
def test_unlikely_dates_of_birth_are_warned(born: date, words: str) -> None:
    warnings = fact_warnings(at(NOW, born), NOW)
    if "120 years" in words:
        assert warnings == []  # 120 exactly is possible
    else:
        assert any(words in w for w in warnings), warnings


def test_the_worksheet_prints_the_fact_warnings() -> None:
    doc = at(NOW + timedelta(hours=2), date(1890, 5, 5))
    content = worksheet_content(
        RESULT,
        doc,
        worksheet_id="W-000001",
        printed_at=NOW,
        notices=(*notices(doc), *fact_warnings(doc, NOW)),
    )
    assert any("years old" in w for w in content.warnings)
    pdf = build_worksheet(RESULT, doc, worksheet_id="W-000001", printed_at=NOW)
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "years old" in " ".join(text.split())
    assert "after the time of printing" in " ".join(text.split())


DOSE = ["--vial-size", "10", "--ordered", "12", "--administered", "12"]
DOC = [
    "--patient", "Jane Example", "--mrn", "123", "--diagnosis", "D80.1",
    "--lot", "L1", "--expiry", "2030-01-31", "--prepared-by", "TN", "--verified-by", "RP",
    "--waste-reason", "single-dose vial", "--witness", "RA",
]  # fmt: skip


def test_the_command_refuses_an_administration_five_months_ahead(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ahead = (datetime.now() + timedelta(days=150)).strftime("%Y-%m-%dT%H:%M")
    args = ["worksheet", *DOSE, *DOC, "--dob", "1961-04-02", "--administered-at", ahead]
    status = run_command([*args, "-o", str(tmp_path / "w.pdf"), "--data-dir", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == 2 and len(err.splitlines()) == 1
    assert err.startswith("unitcalc: administered at: ") and "more than a day ahead" in err
    assert not (tmp_path / "w.pdf").exists()


def test_the_command_says_what_to_check_after_recording(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    soon = (datetime.now() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    args = ["worksheet", *DOSE, *DOC, "--dob", "1890-01-01", "--administered-at", soon]
    status = run_command([*args, "-o", str(tmp_path / "w.pdf"), "--data-dir", str(tmp_path)])
    out = capsys.readouterr().out.splitlines()
    assert status == 0
    assert out[0].startswith("Recorded worksheet W-000001")
    assert any(line.startswith("Warning: The administration time") for line in out)
    assert any("years old" in line for line in out)


def test_a_case_file_takes_dates_as_the_window_does() -> None:
    """One date parser everywhere: MM/DD/YYYY (and a month-only expiry) in a case file."""
    from datetime import date, datetime

    from core.worksheet.case import parse_case

    case = parse_case(
        '{"documentation": {"date_of_birth": "04/02/1961", "administered_at": '
        '"03/01/2025 14:30", "weighed_on": "2025-02-28", '
        '"vials": [{"size_ml": "10", "lot": "L1", "expiry": "01/2027"}]}}'
    )
    doc = case.documentation
    assert doc.date_of_birth == date(1961, 4, 2)
    assert doc.administered_at == datetime(2025, 3, 1, 14, 30)
    assert doc.weighed_on == date(2025, 2, 28)
    assert doc.vials[0].expiry == date(2027, 1, 31)


def test_a_case_file_date_that_is_no_date_names_the_field() -> None:
    import pytest

    from core.errors import InputError
    from core.worksheet.case import parse_case

    with pytest.raises(InputError, match="date_of_birth"):
        parse_case('{"documentation": {"date_of_birth": "13/45/1961"}}')
