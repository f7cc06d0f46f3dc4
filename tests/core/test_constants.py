"""One source for each constant: the models, the records and the command line agree."""

from __future__ import annotations

import typing
from datetime import date, datetime
from pathlib import Path

import pytest

from core import constants
from core.calculation_models import ClaimSetting
from core.catalog import Product
from core.cli import run_command
from core.dates import parse_date, parse_datetime
from core.records import format_worksheet_id, parse_worksheet_id


def test_claim_settings_are_the_enums_values() -> None:
    assert [value for value, _label in constants.CLAIM_SETTINGS] == [s.value for s in ClaimSetting]


def test_routes_are_the_catalogs_routes() -> None:
    routes = typing.get_args(typing.get_type_hints(Product)["route"])
    assert tuple(routes) == constants.ROUTES


@pytest.mark.parametrize("text", ["W-000042", "w-42", "W42", "42", " W-000042 "])
def test_worksheet_ids_read_the_same_everywhere(text: str) -> None:
    match = constants.WORKSHEET_ID_PATTERN.fullmatch(text)
    assert match is not None and int(match.group(1)) == parse_worksheet_id(text) == 42
    assert format_worksheet_id(42).startswith(constants.WORKSHEET_ID_PREFIX)


def test_one_date_parser_reads_iso_and_us_dates() -> None:
    assert parse_date("1961-04-02") == parse_date("04/02/1961") == date(1961, 4, 2)
    assert parse_date("2026-09", month_only=True) == date(2026, 9, 30)
    assert parse_datetime("2025-03-01T14:30") == parse_datetime("03/01/2025 14:30")
    assert parse_datetime("2025-03-01 14:30") == datetime(2025, 3, 1, 14, 30)
    with pytest.raises(ValueError, match="not a date"):
        parse_date("x" * 100_000)


def test_the_command_line_takes_us_dates_like_the_window(tmp_path: Path, capsys) -> None:
    args = ["worksheet", "--vial-size", "10", "--ordered", "12", "--administered", "12"]
    args += ["--dob", "04/02/1961", "--administered-at", "03/01/2025 14:30", "--draft"]
    args += ["-o", str(tmp_path / "draft.pdf"), "--data-dir", str(tmp_path)]
    assert run_command(args) == 0, capsys.readouterr().err
    assert run_command(["history", "--since", "03/01/2025", "--data-dir", str(tmp_path)]) == 0
