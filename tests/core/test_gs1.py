"""Reading package codes: every form a scanner or a person sends, and what is wrong."""

from __future__ import annotations

from datetime import date

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from core.errors import InputError
from core.gs1 import GS_SYMBOL, PackageScan, parse_scan


def gtin_for(ndc10: str, indicator: str = "0") -> str:
    body = f"{indicator}03{ndc10}"
    return body + str(gs1_standard_check_digit(body))


GTIN = gtin_for("4415101234")
EXPECTED = PackageScan(gtin=GTIN, lot="LX2231A", expiry=date(2027, 1, 31), serial="SN10001")


@pytest.mark.parametrize(
    "text",
    [
        f"01{GTIN}17270131" + "10LX2231A\x1d21SN10001",
        f"]d201{GTIN}17270131" + "10LX2231A\x1d21SN10001",
        f"]d2\x1d01{GTIN}17270131" + "10LX2231A\x1d21SN10001\x1d",
        "21SN10001\x1d10LX2231A\x1d17270131" + f"01{GTIN}",  # any order
        f"01{GTIN}10LX2231A{GS_SYMBOL}17270131" + "21SN10001",  # the window's GS
        f"(01){GTIN}(17)270131(10)LX2231A(21)SN10001",
        f"(21)SN10001 (10)LX2231A (01){GTIN} (17)270131",
        f"  01{GTIN}17270131" + "10LX2231A\x1d21SN10001\n",
    ],
)
def test_every_accepted_form_reads_the_same_package(text: str) -> None:
    assert parse_scan(text) == EXPECTED


def test_a_configured_substitute_separator_stands_for_gs() -> None:
    text = f"01{GTIN}10LX2231A|17270131" + "21SN10001"
    assert parse_scan(text, separator="|") == EXPECTED
    with pytest.raises(InputError):  # without it, '|' is no separator
        parse_scan(text)
    with pytest.raises(InputError, match=r"^separator: "):
        parse_scan(text, separator="7")


def test_day_00_is_the_last_day_of_the_month() -> None:
    assert parse_scan(f"01{GTIN}17280200").expiry == date(2028, 2, 29)
    assert parse_scan(f"01{GTIN}17261100").expiry == date(2026, 11, 30)


def test_the_ndc_comes_from_an_ndc_labeled_gtin() -> None:
    assert parse_scan(f"01{GTIN}").ndc10 == "4415101234"
    assert parse_scan(f"01{gtin_for('4415101234', '5')}").ndc10 == "4415101234"  # a case
    assert parse_scan("0104006381333931").ndc10 is None  # a European GTIN, no NDC


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f"01{GTIN[:-1]}{(int(GTIN[-1]) + 1) % 10}", "GTIN (01)"),
        (f"01{GTIN}17271331", "expiry (17) is not a date"),
        (f"01{GTIN}17270231", "expiry (17) is not a date"),
        (f"(01){GTIN}(17)2702", "expiry (17) is not a date"),
        ("17270131" + "10LX2231A", "has no GTIN (01)"),
        ("(10)LX2231A(21)SN1", "has no GTIN (01)"),
        (f"01{GTIN}10A\x1d10B", "lot (10) appears twice"),
        ("hello", "is not a GS1 code"),
        ("", "is empty"),
        ("x" * 100_000, "at most 500"),
    ],
)
def test_bad_codes_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(InputError, match=r"^scan: ") as error:
        parse_scan(text)
    assert problem in str(error.value)


def test_a_wrong_check_digit_gives_both_digits() -> None:
    wrong = GTIN[:-1] + str((int(GTIN[-1]) + 1) % 10)
    with pytest.raises(InputError, match=f"expected {GTIN[-1]}, got {wrong[-1]}"):
        parse_scan(f"01{wrong}")


def test_control_characters_in_a_bad_code_are_escaped_in_the_message() -> None:
    with pytest.raises(InputError) as error:
        parse_scan("\x1b[2Jhello")
    assert "\x1b" not in str(error.value)


@given(st.text(max_size=80))
def test_any_text_parses_or_is_an_input_error(text: str) -> None:
    try:
        parse_scan(text)
    except InputError as error:
        assert "\n" not in str(error)
