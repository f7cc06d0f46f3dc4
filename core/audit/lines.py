"""One record of the export -> a billed claim line, and its administration's facts.

This is the hot path of the audit (a million rows a run), so a row is only cut into
its administration ID, its line (modifiers and units, parsed) and the *text* of the
facts its administration's lines share. The facts are parsed once per administration,
and through a cache once per distinct text (``parse_facts``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, datetime
from functools import lru_cache
from operator import itemgetter

MAX_FIELD_CHARS = 200
_HCPCS = re.compile(r"[A-Z][0-9]{4}")
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
_MODIFIER_SPLIT = re.compile(r"[+,;:\s]+")
_MAX_UNITS = 1_000_000
_DATE_FORMATS = ("%Y-%m-%d", "%m/%d/%Y", "%Y%m%d", "%m/%d/%y")

#: Fields of one line, then the facts shared by all lines of an administration.
LINE_FIELDS = ("administration_id", "modifiers", "billed_units")
FACT_FIELDS = (
    "service_date",
    "payer",
    "setting",
    "hcpcs",
    "ndc",
    "product",
    "concentration",
    "vial_size",
    "vials_opened",
    "multi_dose",
    "administered",
)


class RowProblem(ValueError):
    """Why a record cannot be audited, naming the field."""


@dataclass(frozen=True, slots=True)
class BilledLine:
    row: int
    modifiers: tuple[str, ...]
    units: int

    def billed(self, hcpcs: str) -> str:
        """``J1410-JW x 1``."""
        return f"{'-'.join((hcpcs, *self.modifiers))} x {self.units}"


@dataclass(frozen=True, slots=True)
class Facts:
    """What the lines of one administration share, parsed and normalized."""

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


#: The facts of one row as text, in ``FACT_FIELDS`` order ("" for an absent column).
FactsText = tuple[str, ...]


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


def parse_facts(text: FactsText) -> tuple[date, DoseFacts]:
    """The service date and the dose facts; ``RowProblem`` names the first unusable field."""
    if not text[0]:
        raise RowProblem("service_date: is empty")
    return parse_date(text[0]), dose_facts(text[1:])


@dataclass(frozen=True, slots=True)
class DoseFacts:
    """The facts but the date: a few hundred distinct ones in a year of billing."""

    values: tuple[str, str, str, str, str, str, str, str, bool | None, str]

    @property
    def ndc(self) -> str:
        return self.values[3]

    def with_date(self, when: date) -> Facts:
        return Facts(when, *self.values)


@lru_cache(maxsize=4096)
def dose_facts(text: FactsText) -> DoseFacts:
    values = dict(zip(FACT_FIELDS[1:], text, strict=True))
    for required in ("hcpcs", "administered"):
        if not values[required]:
            raise RowProblem(f"{required}: is empty")
    hcpcs = values["hcpcs"].upper()
    if not _HCPCS.fullmatch(hcpcs):
        raise RowProblem(f"hcpcs: '{values['hcpcs']}' is not a code such as J1410")
    return DoseFacts(
        (
            values["payer"].lower(),
            values["setting"].lower(),
            hcpcs,
            values["ndc"],
            _normal(values["product"]).casefold(),
            _normal(values["concentration"]),
            _normal(values["vial_size"]),
            values["vials_opened"],
            parse_multi_dose(values["multi_dose"]),
            _normal(values["administered"]),
        )
    )


class RowParser:
    """Cuts records into (administration ID, line, facts text) by the column indexes."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.width = max(columns.values()) + 1
        present = [f for f in (*LINE_FIELDS, *FACT_FIELDS) if f in columns]
        self._names = present
        self._get = itemgetter(*(columns[f] for f in present))
        # Where each fact sits in the fetched values (None: no such column).
        self._fact_at = [present.index(f) if f in columns else None for f in FACT_FIELDS]
        self._all_facts = all(at is not None for at in self._fact_at)
        self._facts_from = len(LINE_FIELDS)

    def _too_long(self, values: tuple[str, ...]) -> RowProblem:
        name = next(n for n, v in zip(self._names, values, strict=True) if len(v) > MAX_FIELD_CHARS)
        return RowProblem(f"{name}: longer than {MAX_FIELD_CHARS} characters")

    def parse(self, row: int, cells: list[str]) -> tuple[str, BilledLine, FactsText]:
        if len(cells) < self.width:
            raise RowProblem(
                f"has {len(cells)} columns; the header maps {self.width} (a short or cut row)"
            )
        values: tuple[str, ...] = tuple(map(str.strip, self._get(cells)))
        if max(map(len, values)) > MAX_FIELD_CHARS:
            raise self._too_long(values)
        admin_id, modifiers, units = values[0], values[1], values[2]
        if not admin_id:
            raise RowProblem("administration_id: is empty")
        if not units:
            raise RowProblem("billed_units: is empty")
        line = BilledLine(row, parse_modifiers(modifiers), parse_units(units))
        if self._all_facts:
            facts = values[self._facts_from :]
        else:
            facts = tuple("" if at is None else values[at] for at in self._fact_at)
        return admin_id, line, facts


def differing_field(first: FactsText, other: FactsText) -> str:
    """The first fact two lines of one administration disagree on ("" if none)."""
    for name, a, b in zip(FACT_FIELDS, first, other, strict=True):
        if a != b:
            return name
    return ""


assert tuple(f.name for f in fields(Facts)) == FACT_FIELDS
