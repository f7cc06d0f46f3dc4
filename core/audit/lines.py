"""One record of the export -> a billed claim line and the facts of its administration.

Only what every line needs is parsed here (dates, codes, modifiers, units); the
administration's dose facts stay text, normalized, and are parsed by the engine once
per distinct combination (see ``expected``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache

from core.audit.reader import Record

MAX_FIELD_CHARS = 200
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_MODIFIER_SPLIT = re.compile(r"[+,;:\s]+")
_MAX_UNITS = 1_000_000
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%m/%d/%y")


class RowProblem(ValueError):
    """Why a record cannot be audited, naming the field."""


@dataclass(frozen=True, slots=True)
class BilledLine:
    row: int
    hcpcs: str
    modifiers: tuple[str, ...]
    units: int

    def __str__(self) -> str:
        code = "-".join((self.hcpcs, *self.modifiers))
        return f"{code} x {self.units}"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the lines of one administration share, normalized for comparison and cache."""

    service_date: date
    payer: str
    setting: str
    hcpcs: str
    ndc: str
    product: str
    concentration: str
    vial_size: str
    vials_opened: str
    multi_dose: bool | None
    administered: str


@dataclass(frozen=True, slots=True)
class ParsedRow:
    administration_id: str
    facts: Facts
    line: BilledLine


@lru_cache(maxsize=4096)
def parse_date(text: str) -> date:
    for form in _DATE_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise RowProblem(f"service_date: '{text}' is not a date such as 2026-07-14")


@lru_cache(maxsize=1024)
def parse_modifiers(text: str) -> tuple[str, ...]:
    parts = tuple(p for p in _MODIFIER_SPLIT.split(text.upper()) if p)
    for part in parts:
        if not _MODIFIER.fullmatch(part):
            raise RowProblem(f"modifiers: '{part}' is not a two-character modifier such as JW")
    return parts


@lru_cache(maxsize=1024)
def parse_units(text: str) -> int:
    whole, dot, fraction = text.partition(".")
    if not whole.isascii() or not whole.isdigit() or (dot and fraction.strip("0")):
        raise RowProblem(f"billed_units: '{text}' is not a whole number of units")
    units = int(whole)
    if units > _MAX_UNITS:
        raise RowProblem(f"billed_units: {units:,} is more than {_MAX_UNITS:,}")
    return units


_YES = frozenset({"y", "yes", "true", "1", "x", "multi", "multi-dose", "multiple"})
_NO = frozenset({"n", "no", "false", "0", "single", "single-dose"})


def parse_multi_dose(text: str) -> bool | None:
    word = text.casefold()
    if not word:
        return None
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise RowProblem(f"multi_dose: '{text}' is not yes or no")


def _normal(text: str) -> str:
    return " ".join(text.split())


class RowParser:
    """Turns a record's cells into a ``ParsedRow`` using the column indexes."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.columns = columns
        self.width = max(columns.values()) + 1

    def cell(self, cells: list[str], field: str) -> str:
        index = self.columns.get(field)
        if index is None or index >= len(cells):
            return ""
        text = cells[index].strip()
        if len(text) > MAX_FIELD_CHARS:
            raise RowProblem(f"{field}: longer than {MAX_FIELD_CHARS} characters")
        return text

    def parse(self, record: Record) -> ParsedRow:
        cells = record.cells
        if len(cells) < self.width:
            raise RowProblem(
                f"has {len(cells)} columns; the header maps {self.width} (a short or cut row)"
            )
        cell = self.cell
        admin_id = cell(cells, "administration_id")
        if not admin_id:
            raise RowProblem("administration_id: is empty")
        when = cell(cells, "service_date")
        if not when:
            raise RowProblem("service_date: is empty")
        hcpcs = cell(cells, "hcpcs").upper()
        if not _HCPCS.fullmatch(hcpcs):
            raise RowProblem(f"hcpcs: '{hcpcs}' is not a code such as J1410")
        units = cell(cells, "billed_units")
        if not units:
            raise RowProblem("billed_units: is empty")
        administered = _normal(cell(cells, "administered"))
        if not administered:
            raise RowProblem("administered: is empty")
        facts = Facts(
            service_date=parse_date(when),
            payer=cell(cells, "payer").lower(),
            setting=cell(cells, "setting").lower(),
            hcpcs=hcpcs,
            ndc=cell(cells, "ndc"),
            product=_normal(cell(cells, "product")).casefold(),
            concentration=_normal(cell(cells, "concentration")),
            vial_size=_normal(cell(cells, "vial_size")),
            vials_opened=cell(cells, "vials_opened"),
            multi_dose=parse_multi_dose(cell(cells, "multi_dose")),
            administered=administered,
        )
        line = BilledLine(
            row=record.row,
            hcpcs=hcpcs,
            modifiers=parse_modifiers(cell(cells, "modifiers")),
            units=parse_units(units),
        )
        return ParsedRow(admin_id, facts, line)


def differing_field(first: Facts, other: Facts) -> str:
    """The first fact two lines of one administration disagree on ("" if none)."""
    for name in (f.name for f in fields(Facts)):
        if getattr(first, name) != getattr(other, name):
            return name
    return ""
