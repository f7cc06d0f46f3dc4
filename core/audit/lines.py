"""One record of the export -> a billed claim line, and its administration's facts.

This is the hot path of the audit (a million rows a run), so a row is only cut into
its administration ID, its line (modifiers and units parsed; its NDC and vials as text)
and the *text* of the facts its administration's lines share. The facts are read once
per administration at its close (``facts.Resolver``), and compared as values only when
two lines write them differently.

Facts that belong to each line (the NDC, the vial size and count: a dose from a 20 g
and a 10 g vial may bill the two NDCs on two lines) are kept per line.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import NamedTuple

MAX_FIELD_CHARS = 200
_MODIFIER = re.compile(r"[A-Z0-9]{2}")
#: Modifiers in any order, separated by anything a billing system uses: ``JZ-JA``,
#: ``JW JA``, ``JW+JA``, ``JW,JA``, ``JW/JA``.
_MODIFIER_SPLIT = re.compile(r"[-+,;:/|\s]+")
_MAX_UNITS = 1_000_000

#: Fields of one line (the ID first), then the facts all lines of an administration share.
LINE_FIELDS = ("administration_id", "modifiers", "billed_units", "ndc", "vial_size", "vials_opened")
SHARED_FIELDS = (
    "service_date",
    "payer",
    "setting",
    "hcpcs",
    "product",
    "concentration",
    "multi_dose",
    "administered",
)


class RowProblem(ValueError):
    """Why a record cannot be audited, naming the field."""


class LineProblem(RowProblem):
    """A line of a known administration cannot be read: the administration is incomplete."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


class BilledLine(NamedTuple):
    """One claim line as billed (a tuple: a million are made in a run)."""

    row: int
    modifiers: tuple[str, ...]
    units: int
    ndc: str
    #: The vial size and count as written on this line ("" when not given).
    vial_size: str
    vials_opened: str

    def billed(self, hcpcs: str) -> str:
        """``J1410-JW x 1``."""
        return f"{'-'.join((hcpcs, *self.modifiers))} x {self.units}"


#: The shared facts of one row as text, in ``SHARED_FIELDS`` order ("" for no column).
FactsText = tuple[str, ...]


@lru_cache(maxsize=1024)
def parse_modifiers(text: str) -> tuple[str, ...]:
    parts = tuple(p for p in _MODIFIER_SPLIT.split(text.upper()) if p)
    for part in parts:
        if not _MODIFIER.fullmatch(part):
            raise RowProblem(f"modifiers: '{part}' is not a two-character modifier such as JW")
    return parts


@lru_cache(maxsize=1024)
def parse_units(text: str) -> int:
    if not text:
        raise RowProblem("billed_units: is empty")
    whole, dot, fraction = text.partition(".")
    if not whole.isascii() or not whole.isdigit() or (dot and fraction.strip("0")):
        raise RowProblem(f"billed_units: '{text}' is not a whole number of units")
    units = int(whole)
    if units > _MAX_UNITS:
        raise RowProblem(f"billed_units: {units:,} is more than {_MAX_UNITS:,}")
    return units


class RowParser:
    """Cuts records into (administration ID, line, shared facts text) by column index."""

    def __init__(self, columns: dict[str, int]) -> None:
        self.width = max(columns.values()) + 1
        self.id_at = columns["administration_id"]
        present = [f for f in (*LINE_FIELDS, *SHARED_FIELDS) if f in columns]
        self._names = present
        self._get = itemgetter(*(columns[f] for f in present))
        # Where each field sits in the fetched values (None: no such column).
        self._line_at = [present.index(f) if f in columns else None for f in LINE_FIELDS]
        self._shared_at = [present.index(f) if f in columns else None for f in SHARED_FIELDS]
        self._all_shared = all(at is not None for at in self._shared_at)
        self._all_line = all(at is not None for at in self._line_at)
        self._shared_from = self._shared_at[0]

    def key(self, cells: list[str]) -> str:
        """The administration ID of a record ("" when it has none)."""
        return cells[self.id_at].strip() if len(cells) > self.id_at else ""

    def parse(self, row: int, cells: list[str]) -> tuple[str, BilledLine, FactsText]:
        key = self.key(cells)
        if not key:
            raise RowProblem("administration_id: is empty (or the row is cut short)")
        if len(key) > MAX_FIELD_CHARS:
            raise RowProblem(f"administration_id: longer than {MAX_FIELD_CHARS} characters")
        try:
            return key, *self._line(row, cells)
        except RowProblem as problem:
            raise LineProblem(key, str(problem)) from None

    def _line(self, row: int, cells: list[str]) -> tuple[BilledLine, FactsText]:
        if len(cells) < self.width:
            raise RowProblem(
                f"has {len(cells)} columns; the header maps {self.width} (a short or cut row)"
            )
        values: tuple[str, ...] = tuple(map(str.strip, self._get(cells)))
        if max(map(len, values)) > MAX_FIELD_CHARS:
            name = next(
                n for n, v in zip(self._names, values, strict=True) if len(v) > MAX_FIELD_CHARS
            )
            raise RowProblem(f"{name}: longer than {MAX_FIELD_CHARS} characters")
        if self._all_line:
            _id, modifiers, units, ndc, size, count = values[:6]
        else:
            _id, modifiers, units, ndc, size, count = (
                "" if at is None else values[at] for at in self._line_at
            )
        line = BilledLine(row, parse_modifiers(modifiers), parse_units(units), ndc, size, count)
        if self._all_shared:
            facts = values[self._shared_from :]
        else:
            facts = tuple("" if at is None else values[at] for at in self._shared_at)
        return line, facts
