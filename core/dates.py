"""The one date parser: dates as typed in the window, on the command line and in case files.

ISO (2025-03-14) or US (03/14/2025), everywhere. Expiry dates may be month-only as
printed on many labels (2026-03 or 03/2026); such a date means the last day of that
month. A date and time is a date, a space or ``T``, and a 24-hour time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from core.constants import DATE_HINT, DATETIME_HINT

__all__ = ["DATETIME_HINT", "DATE_HINT", "format_datetime", "parse_date", "parse_datetime"]

_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
_MONTH_FORMATS = ("%Y-%m", "%m/%Y")
_TIME_FORMATS = ("%H:%M", "%H:%M:%S")
#: Longer text is not a date; refused before strptime sees it.
_MAX_LENGTH = 40


def parse_date(text: str, *, month_only: bool = False) -> date | None:
    """``None`` for empty text; ``ValueError`` with a message for anything unreadable."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) <= _MAX_LENGTH:
        for fmt in _DATE_FORMATS:
            try:
                return datetime.strptime(stripped, fmt).date()
            except ValueError:
                pass
        if month_only:
            for fmt in _MONTH_FORMATS:
                try:
                    first = datetime.strptime(stripped, fmt).date()
                except ValueError:
                    continue
                return _last_day_of_month(first)
    raise ValueError(f"'{_shown(stripped)}' is not a date; write {DATE_HINT}")


def parse_datetime(text: str) -> datetime | None:
    """``2025-03-01 14:30``, ``2025-03-01T14:30`` or ``03/01/2025 14:30``; ``None`` if empty."""
    stripped = text.strip()
    if not stripped:
        return None
    if len(stripped) <= _MAX_LENGTH:
        separator = "T" if "T" in stripped else " "
        day, _, clock = stripped.partition(separator)
        try:
            when = parse_date(day)
        except ValueError:
            when = None
        if when is not None and clock.strip():
            for fmt in _TIME_FORMATS:
                try:
                    moment = datetime.strptime(clock.strip(), fmt).time()
                except ValueError:
                    continue
                return datetime.combine(when, moment)
    raise ValueError(
        f"'{_shown(stripped)}' is not a date and time; write {DATETIME_HINT} (24-hour)"
    )


def _last_day_of_month(first: date) -> date:
    # Not calendar.monthrange: importing calendar took 4 ms before the window's first paint.
    if first.month == 12:
        return first.replace(day=31)
    return first.replace(month=first.month + 1) - timedelta(days=1)


def format_datetime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")


def _shown(text: str) -> str:
    return text if len(text) <= _MAX_LENGTH else text[:_MAX_LENGTH] + "…"
