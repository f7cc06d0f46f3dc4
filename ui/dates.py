"""Dates as typed on the documentation fields: ISO (2025-03-14) or US (03/14/2025).

Expiration dates may be month-only as printed on many labels (2026-03 or 03/2026);
such a date means the last day of that month.
"""

from __future__ import annotations

from datetime import date, datetime

DATE_HINT = "YYYY-MM-DD or MM/DD/YYYY"
DATETIME_HINT = "YYYY-MM-DD HH:MM"
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
_MONTH_FORMATS = ("%Y-%m", "%m/%Y")


def parse_date(text: str, *, month_only: bool = False) -> date | None:
    """``None`` for empty text; ``ValueError`` with a message for anything unreadable."""
    stripped = text.strip()
    if not stripped:
        return None
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
            import calendar

            last_day = calendar.monthrange(first.year, first.month)[1]
            return first.replace(day=last_day)
    raise ValueError(f"'{stripped}' is not a date; write {DATE_HINT}")


def parse_datetime(text: str) -> datetime | None:
    stripped = text.strip()
    if not stripped:
        return None
    day, _, clock = stripped.partition(" ")
    try:
        when = parse_date(day)
    except ValueError:
        when = None
    if when is not None and clock.strip():
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                moment = datetime.strptime(clock.strip(), fmt).time()
            except ValueError:
                continue
            return datetime.combine(when, moment)
    raise ValueError(f"'{stripped}' is not a date and time; write {DATETIME_HINT} (24-hour)")


def format_datetime(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M")
