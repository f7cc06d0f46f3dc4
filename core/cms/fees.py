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
    errors: list[str] = []
    columns: dict[str, int] | None = None
    number = 0
    try:
        for raw in csv_rows(text):
            number += 1
            cells = [clean_cell(cell)[:200] for cell in raw]
            if not any(cells):
                continue
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
            overlap = next(
                (
                    r
                    for r in rows
                    if r.code == code and r.effective_from <= end and start <= r.effective_to
                ),
                None,
            )
            if overlap is not None:
                errors.append(f"row {number}: {code} overlaps its dates on an earlier row")
                continue
            rows.append(FeeRow(code, rate, start, end))
    except Exception as error:  # csv.Error: bad quoting, a field over the csv limit
        raise InputError(text.name, f"row {number + 1}: not valid CSV ({error})") from None
    if columns is None:
        raise InputError(
            text.name, "no header row with code, rate per unit, effective from, effective to"
        )
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        raise InputError(text.name, "; ".join(errors[:3]) + more + "; nothing was imported")
    if not rows:
        raise InputError(text.name, "has no fee rows")
    return rows
