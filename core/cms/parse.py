"""The two CMS layouts, validated row by row.

The kind of a file is told by its header row; each data row is checked, and every
problem names the file and the row (the row's number counting from the file's first
row, as a spreadsheet shows it). A file with any invalid value is refused whole; rows
that carry no data to use (a footnote, a row without a code) are counted and listed.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cached_property
from operator import itemgetter
from typing import Any

from core.cms.files import (
    MAX_FIELD_CHARS,
    MAX_PREAMBLE_ROWS,
    MAX_ROWS,
    TextFile,
    clean_cell,
    csv_rows,
    normalize_name,
)
from core.cms.quarters import Quarter, quarter_in_text
from core.errors import InputError

_CODE = re.compile(r"[A-Z0-9][0-9]{3}[A-Z0-9]")
_NDC = re.compile(r"([0-9]{5})-?([0-9]{4})-?([0-9]{2})")
_NUMBER = re.compile(r"\$?([0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,15})(\.[0-9]{1,6})?")
#: How many row problems a refusal message quotes before "and N more".
_QUOTED_ERRORS = 3


class Kind(StrEnum):
    PRICING = "pricing"
    CROSSWALK = "crosswalk"


@dataclass(frozen=True)
class PricingRow:
    code: str
    description: str
    dosage: str
    #: ``None`` when the file gives no limit for the code.
    payment_limit: Decimal | None


@dataclass(frozen=True)
class CrosswalkRow:
    code: str
    ndc11: str
    description: str
    labeler: str
    drug_name: str
    dosage: str
    package_size: str
    package_quantity: str
    billing_units: str
    billing_units_per_package: Decimal | None


@dataclass
class ParsedFile:
    name: str
    kind: Kind
    quarter: Quarter
    pricing: list[PricingRow] = field(default_factory=list)
    crosswalk: list[CrosswalkRow] = field(default_factory=list)
    #: (row number, why the row was not used)
    unusable: list[tuple[int, str]] = field(default_factory=list)

    @property
    def row_count(self) -> int:
        return len(self.pricing) + len(self.crosswalk)


@dataclass(frozen=True)
class _Layout:
    kind: Kind
    #: our name -> column index in the file
    columns: dict[str, int]

    @cached_property
    def _picker(self) -> tuple[int, itemgetter[Any]]:
        indices = [self.columns.get(key, -1) for key in _CROSSWALK_FIELDS]
        return max(indices) + 1, itemgetter(*indices)

    def pick(self, cells: list[str]) -> tuple[str, ...]:
        """The crosswalk fields of a row in ``_CROSSWALK_FIELDS`` order; "" when absent
        (index -1 is the "" appended, as is any cell past a short row's end)."""
        width, getter = self._picker
        padded = [*cells, *[""] * (width - len(cells)), ""]
        picked: tuple[str, ...] = getter(padded)
        return picked


# Our name -> the normalized header names that mean it (first match wins).
_PRICING_NAMES = {
    "code": ("hcpcscode", "hcpcs"),
    "description": ("shortdescription", "description"),
    "dosage": ("hcpcscodedosage", "hcpcsdosage", "dosage"),
    "payment_limit": ("paymentlimit",),
}
_CROSSWALK_NAMES = {
    "ndc": ("ndc2", "ndc", "ndc11"),
    "description": ("shortdescription", "description"),
    "labeler": ("labelername", "labeler"),
    "drug_name": ("drugname",),
    "dosage": ("hcpcsdosage", "hcpcscodedosage", "dosage"),
    "package_size": ("pkgsize", "packagesize"),
    "package_quantity": ("pkgqty", "packagequantity"),
    "billing_units": ("billunits",),
    "billing_units_per_package": ("billunitspkg",),
}
_YEAR_CODE = re.compile(r"[0-9]{4}code")


def _index(names: list[str], wanted: tuple[str, ...]) -> int | None:
    for name in wanted:
        if name in names:
            return names.index(name)
    return None


def _layout(cells: list[str]) -> _Layout | None:
    """The layout a header row announces, or None when the row is not a header."""
    names = [normalize_name(cell) for cell in cells]
    if "paymentlimit" in names and ("hcpcscode" in names or "hcpcs" in names):
        columns = {k: i for k, v in _PRICING_NAMES.items() if (i := _index(names, v)) is not None}
        return _Layout(Kind.PRICING, columns)
    year_code = next((i for i, n in enumerate(names) if _YEAR_CODE.fullmatch(n)), None)
    code = year_code if year_code is not None else _index(names, ("hcpcscode", "hcpcs"))
    ndc = _index(names, _CROSSWALK_NAMES["ndc"])
    if code is None or ndc is None:
        return None
    columns = {k: i for k, v in _CROSSWALK_NAMES.items() if (i := _index(names, v)) is not None}
    columns["code"] = code
    return _Layout(Kind.CROSSWALK, columns)


def parse_code(text: str) -> str | None:
    """A HCPCS code as stored (upper case), or None if ``text`` is not one."""
    code = text.strip().upper()
    return code if _CODE.fullmatch(code) else None


def parse_ndc11(text: str) -> str | None:
    """An NDC in 5-4-2 form (hyphenated or not) as its 11 digits, or None."""
    match = _NDC.fullmatch(text.strip())
    return "".join(match.groups()) if match else None


def parse_amount(text: str) -> Decimal | None:
    """``12.345``, ``1,234.5`` or ``$12.34`` exactly; None if not such a number."""
    match = _NUMBER.fullmatch(text.strip())
    if match is None:
        return None
    try:
        return Decimal(match.group(1).replace(",", "") + (match.group(2) or ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only digits
        return None


class _Rows:
    """Numbered, cleaned rows of one file; blank rows skipped."""

    def __init__(self, text: TextFile) -> None:
        self.name = text.name
        self._reader = csv_rows(text)
        self.number = 0

    def __iter__(self) -> Iterator[list[str]]:
        try:
            for raw in self._reader:
                self.number += 1
                if self.number > MAX_ROWS:
                    raise InputError(
                        self.name, f"has more than {MAX_ROWS:,} rows; this is not a CMS file"
                    )
                if raw and max(map(len, raw)) > MAX_FIELD_CHARS:
                    raise InputError(
                        self.name,
                        f"row {self.number}: a field is longer than "
                        f"{MAX_FIELD_CHARS} characters; this is not a CMS file",
                    )
                # Most fields need only trimming; the full clean-up is for the rest.
                cells = [
                    clean_cell(cell) if "  " in cell or "\u00a0" in cell else cell.strip()
                    for cell in raw
                ]
                if any(cells):
                    yield cells
        except csv.Error as error:
            raise InputError(self.name, f"row {self.number + 1}: not valid CSV ({error})") from None


class _Problems:
    def __init__(self, name: str) -> None:
        self.name = name
        #: The first few problems, quoted; the rest are only counted (a file of a million
        #: bad rows must not keep a million messages).
        self.errors: list[str] = []
        self.count = 0

    def add(self, row: int, message: str) -> None:
        self.count += 1
        if len(self.errors) < _QUOTED_ERRORS:
            self.errors.append(f"row {row}: {message}")

    def raise_any(self) -> None:
        if not self.count:
            return
        quoted = "; ".join(self.errors)
        more = self.count - _QUOTED_ERRORS
        tail = f" (and {more} more)" if more > 0 else ""
        raise InputError(self.name, f"{quoted}{tail}; nothing was imported from this file")


def _cell(cells: list[str], layout: _Layout, key: str) -> str:
    index = layout.columns.get(key, -1)
    return cells[index] if 0 <= index < len(cells) else ""


def _is_note(cells: list[str], layout: _Layout, key: str) -> bool:
    """A row with text in one column only (a footnote or a section title), not data."""
    return sum(1 for cell in cells if cell) == 1 and bool(_cell(cells, layout, key))


def _note_reason(cells: list[str]) -> str:
    text = next(cell for cell in cells if cell)
    return f"a note, not data: '{text[:40]}'"


def _pricing_row(
    cells: list[str], layout: _Layout, row: int, problems: _Problems
) -> PricingRow | str:
    text = _cell(cells, layout, "code")
    if not text:
        return "no HCPCS code"
    code = parse_code(text)
    if code is None and _is_note(cells, layout, "code"):
        return _note_reason(cells)
    if code is None:
        problems.add(row, f"HCPCS code '{text[:20]}' is not a code such as J1459")
        return "invalid"
    limit_text = _cell(cells, layout, "payment_limit")
    limit = parse_amount(limit_text) if limit_text else None
    if limit_text and limit is None:
        problems.add(row, f"payment limit '{limit_text[:20]}' is not an amount such as 12.345")
    return PricingRow(
        code=code,
        description=_cell(cells, layout, "description"),
        dosage=_cell(cells, layout, "dosage"),
        payment_limit=limit,
    )


_CROSSWALK_FIELDS = ("code", "ndc", *(k for k in _CROSSWALK_NAMES if k != "ndc"))


def _crosswalk_row(
    cells: list[str], layout: _Layout, row: int, problems: _Problems
) -> CrosswalkRow | str:
    # One C-level pick of every field (this loop runs for each of ~60,000 rows).
    (
        code_text,
        ndc_text,
        description,
        labeler,
        drug_name,
        dosage,
        package_size,
        package_quantity,
        billing_units,
        units_text,
    ) = layout.pick(cells)
    if not code_text and not ndc_text:
        return "no HCPCS code and no NDC"
    code = parse_code(code_text)
    if code is None and _is_note(cells, layout, "code"):
        return _note_reason(cells)
    if not code_text:
        return "no HCPCS code"
    if not ndc_text:
        return "no NDC"
    ndc11 = parse_ndc11(ndc_text)
    if code is None:
        problems.add(row, f"HCPCS code '{code_text[:20]}' is not a code such as J1459")
    if ndc11 is None:
        problems.add(row, f"NDC '{ndc_text[:20]}' is not an 11-digit NDC such as 00944-2700-02")
    units = parse_amount(units_text) if units_text else None
    if units_text and units is None:
        problems.add(row, f"BILLUNITSPKG '{units_text[:20]}' is not a number")
    if code is None or ndc11 is None:
        return "invalid"
    return CrosswalkRow(
        code,
        ndc11,
        description,
        labeler,
        drug_name,
        dosage,
        package_size,
        package_quantity,
        billing_units,
        units,
    )


def parse_file(text: TextFile, quarter: Quarter | None = None) -> ParsedFile:
    """Validate one CSV. ``quarter`` (from ``--quarter``) is used when the preamble names
    none, and must agree with it when it does. Raise ``InputError`` naming the file."""
    rows = _Rows(text)
    preamble: list[str] = []
    layout: _Layout | None = None
    iterator = iter(rows)
    for cells in iterator:
        layout = _layout(cells)
        if layout is not None:
            break
        preamble.append(" ".join(cells))
        if rows.number >= MAX_PREAMBLE_ROWS:
            break
    if layout is None:
        raise InputError(
            text.name,
            "no header row of a CMS ASP pricing file (HCPCS Code, Payment Limit) or "
            "NDC-HCPCS crosswalk (_2026_CODE or HCPCS Code, NDC2 or NDC) was found",
        )
    parsed = ParsedFile(text.name, layout.kind, _quarter(text.name, preamble, quarter))
    header_row = rows.number
    problems = _Problems(text.name)
    seen: dict[object, tuple[int, object]] = {}
    for cells in iterator:
        row = rows.number
        if layout.kind is Kind.PRICING:
            item: PricingRow | CrosswalkRow | str = _pricing_row(cells, layout, row, problems)
        else:
            item = _crosswalk_row(cells, layout, row, problems)
        if isinstance(item, str):
            if item != "invalid":
                parsed.unusable.append((row, item))
            continue
        key = item.code if isinstance(item, PricingRow) else (item.ndc11, item.code)
        if key in seen:
            first_row, first = seen[key]
            if first == item:
                parsed.unusable.append((row, f"repeats row {first_row}"))
            else:
                problems.add(row, f"{_key_text(key)} is also on row {first_row} with other values")
            continue
        seen[key] = (row, item)
        if isinstance(item, PricingRow):
            parsed.pricing.append(item)
        else:
            parsed.crosswalk.append(item)
    problems.raise_any()
    if parsed.row_count == 0:
        raise InputError(text.name, f"has a header on row {header_row} but no rows to import")
    return parsed


def _key_text(key: object) -> str:
    if isinstance(key, tuple):
        return f"NDC {key[0]} under {key[1]}"
    return f"code {key}"


def _quarter(name: str, preamble: list[str], given: Quarter | None) -> Quarter:
    found = quarter_in_text(" ".join(preamble))
    if found is None and given is None:
        raise InputError(
            name,
            "the preamble names no quarter ('Effective January 1, 2026 through "
            "March 31, 2026'); give it with --quarter 2026Q1",
        )
    if found is not None and given is not None and found != given:
        raise InputError(
            name,
            f"the preamble says {found.label} ({found.describe()}) but --quarter "
            f"says {given.label}; check the file",
        )
    quarter = found or given
    assert quarter is not None
    return quarter
