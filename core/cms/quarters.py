"""Calendar quarters as CMS publishes them: ``2026Q1`` covers 1 January to 31 March 2026."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from core.errors import InputError

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_LABEL = re.compile(r"\s*([0-9]{4})\s*-?\s*Q([1-4])\s*", re.IGNORECASE)
_EFFECTIVE = re.compile(
    r"effective\s+([a-z]+)\s+([0-9]{1,2}),?\s+([0-9]{4})\s+(?:through|thru|to|-)\s+"
    r"([a-z]+)\s+([0-9]{1,2}),?\s+([0-9]{4})",
    re.IGNORECASE,
)


@dataclass(frozen=True, order=True)
class Quarter:
    start: date
    end: date

    @property
    def label(self) -> str:
        return f"{self.start.year}Q{(self.start.month - 1) // 3 + 1}"

    def covers(self, day: date) -> bool:
        return self.start <= day <= self.end

    def describe(self) -> str:
        return f"{self.start.isoformat()} to {self.end.isoformat()}"


def quarter(year: int, number: int) -> Quarter:
    first_month = 3 * (number - 1) + 1
    last_month = first_month + 2
    last_day = calendar.monthrange(year, last_month)[1]
    return Quarter(date(year, first_month, 1), date(year, last_month, last_day))


def parse_quarter(text: str, field: str = "quarter") -> Quarter:
    """``2026Q1`` (also ``2026-Q1``, ``2026q1``)."""
    match = _LABEL.fullmatch(text)
    if match is None or not 1900 <= int(match.group(1)) <= 2999:
        raise InputError(field, f"'{text[:20]}' is not a quarter such as 2026Q1")
    return quarter(int(match.group(1)), int(match.group(2)))


def quarter_in_text(text: str) -> Quarter | None:
    """The quarter a preamble states: "Effective January 1, 2026 through March 31, 2026".
    A period that is not one calendar quarter is kept with its own dates."""
    match = _EFFECTIVE.search(text)
    if match is None:
        return None
    try:
        start = _day(match.group(1), match.group(2), match.group(3))
        end = _day(match.group(4), match.group(5), match.group(6))
    except ValueError:
        return None
    if end < start:
        return None
    return Quarter(start, end)


def _day(month: str, day: str, year: str) -> date:
    number = _MONTHS.get(month.casefold())
    if number is None:
        raise ValueError(month)
    return date(int(year), number, int(day))
