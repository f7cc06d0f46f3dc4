"""A commercial payer's fee schedule: CSV of code, rate per unit, effective from, effective
to. Validated row by row like the CMS files; any invalid row refuses the whole file."""

from __future__ import annotations

from datetime import date, datetime

from core.cms.files import MAX_PREAMBLE_ROWS, TextFile, clean_cell, csv_rows, normalize_name
from core.cms.parse import parse_amount, parse_code
from core.cms.store import FeeRow
from core.errors import InputError

_NAMES = {
    "code": ("code", "hcpcscode", "hcpcs"),
    "rate": ("rateperunit", "rate", "fee", "feeperunit", "allowed", "amount"),
    "from": ("effectivefrom", "from", "start", "effectivestart"),
    "to": ("effectiveto", "to", "end", "through", "effectiveend"),
}
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")
#: A payer's schedule for injectable drugs has hundreds of rows; more than this is refused.
MAX_FEE_ROWS = 100_000


def _header(cells: list[str]) -> dict[str, int] | None:
    names = [normalize_name(cell) for cell in cells]
    columns: dict[str, int] = {}
    for key, wanted in _NAMES.items():
        index = next((names.index(n) for n in wanted if n in names), None)
        if index is None:
            return None
        columns[key] = index
    return columns


def _date(text: str) -> date | None:
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def parse_fee_schedule(text: TextFile) -> list[FeeRow]:
    rows: list[FeeRow] = []
    numbers: list[int] = []
    errors: list[str] = []
    columns: dict[str, int] | None = None
    number = 0
    try:
        for raw in csv_rows(text):
            number += 1
            cells = [clean_cell(cell)[:200] for cell in raw]
            if not any(cells):
                continue
            if columns is not None and len(rows) + len(errors) >= MAX_FEE_ROWS:
                raise InputError(
                    text.name, f"has more than {MAX_FEE_ROWS:,} rows; this is not a fee schedule"
                )
            if columns is None:
                columns = _header(cells)
                if columns is None and number >= MAX_PREAMBLE_ROWS:
                    break
                continue
            cells += [""] * (max(columns.values()) + 1 - len(cells))
            code = parse_code(cells[columns["code"]])
            rate = parse_amount(cells[columns["rate"]])
            start, end = _date(cells[columns["from"]]), _date(cells[columns["to"]])
            problem = (
                "code is not a HCPCS code such as J1459"
                if code is None
                else "rate is not an amount such as 41.50"
                if rate is None
                else "effective from is not a date such as 2026-01-01"
                if start is None
                else "effective to is not a date such as 2026-12-31"
                if end is None
                else "effective to is before effective from"
                if end < start
                else None
            )
            if problem is not None:
                errors.append(f"row {number}: {problem}")
                continue
            assert code and rate is not None and start and end
            rows.append(FeeRow(code, rate, start, end))
            numbers.append(number)
    except InputError:
        raise
    except Exception as error:  # csv.Error: bad quoting, a field over the csv limit
        raise InputError(text.name, f"row {number + 1}: not valid CSV ({error})") from None
    if columns is None:
        raise InputError(
            text.name, "no header row with code, rate per unit, effective from, effective to"
        )
    errors += _overlaps(rows, numbers)
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise InputError(text.name, "; ".join(errors[:3]) + more + "; nothing was imported")
    if not rows:
        raise InputError(text.name, "has no fee rows")
    return rows


def _overlaps(rows: list[FeeRow], numbers: list[int]) -> list[str]:
    """Each row whose dates overlap an earlier row's for the same code: sorted by code and
    start, each row is compared with the latest end before it (n log n, not n squared)."""
    order = sorted(range(len(rows)), key=lambda i: (rows[i].code, rows[i].effective_from))
    found: list[tuple[int, str]] = []
    code, reach, reach_row = "", date.min, 0
    for i in order:
        row = rows[i]
        if row.code == code and row.effective_from <= reach:
            later = max(numbers[i], reach_row)
            found.append((later, f"row {later}: {row.code} overlaps its dates on an earlier row"))
        if row.code != code or row.effective_to > reach:
            code, reach, reach_row = row.code, row.effective_to, numbers[i]
    return [message for _, message in sorted(found)]
