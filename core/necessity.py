"""Medical necessity: the diagnosis, supporting results and reasons a payer looks for.

The diagnosis codes themselves are read by ``core.icd10``. Which items must be
documented is a payer setting (``PayerProfile.necessity_required``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import Field

from core import formats
from core.errors import InputError
from core.model import Model

#: What each payer-required item is called in messages.
ITEM_NAMES = {
    "diagnosis": "diagnosis (ICD-10)",
    "indication": "indication",
    "labs": "supporting results (e.g. IgG trough)",
    "prior_treatments": "prior treatments",
    "rationale": "clinical rationale",
    "weight": "dosing weight with its date",
}

_MAX_TEXT = 500
_LAB = re.compile(r"(?P<name>[^=]+)=(?P<result>.+)\son\s+(?P<day>\S+)\s*")
_NUMBER_AND_UNIT = re.compile(r"(?P<number>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<unit>.*)")
IGG_UNIT = "mg/dL"


class LabResult(Model):
    """A supporting test result with the day it was taken: ``IgG trough = 450 mg/dL``."""

    name: str = Field(min_length=1, max_length=_MAX_TEXT)
    result: str = Field(min_length=1, max_length=_MAX_TEXT)
    taken_on: date

    def __str__(self) -> str:
        return f"{self.name} {self.result} on {self.taken_on.isoformat()}"


def _clean(text: str, field: str) -> str:
    text = " ".join(text.split())
    if len(text) > _MAX_TEXT:
        raise InputError(field, f"is longer than {_MAX_TEXT} characters")
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise InputError(field, "contains control characters")
    return text


def is_igg(name: str) -> bool:
    return "igg" in name.casefold()


def parse_lab(text: str, field: str = "lab") -> LabResult:
    """``"IgG trough=450 mg/dL on 2026-11-01"``; any other test as ``name=result on DATE``.

    An IgG level must be a number in mg/dL (the unit payers' criteria are written in).
    """
    text = _clean(text, field)
    match = _LAB.fullmatch(text)
    if match is None:
        raise InputError(field, f"'{text}' is not 'NAME=RESULT on YYYY-MM-DD'")
    name, result = match["name"].strip(), match["result"].strip()
    try:
        taken_on = date.fromisoformat(match["day"])
    except ValueError:
        raise InputError(field, f"'{match['day']}' is not a date such as 2026-11-01") from None
    if not name or not result:
        raise InputError(field, f"'{text}' is not 'NAME=RESULT on YYYY-MM-DD'")
    if is_igg(name):
        result = _igg_result(result, field)
    return LabResult(name=name, result=result, taken_on=taken_on)


def _igg_result(text: str, field: str) -> str:
    match = _NUMBER_AND_UNIT.fullmatch(text)
    if match is None or match["unit"].strip().casefold() != IGG_UNIT.casefold():
        raise InputError(field, f"an IgG level is a number in {IGG_UNIT}, e.g. 450 {IGG_UNIT}")
    try:
        value = Decimal(match["number"].replace(",", ""))
    except InvalidOperation:
        raise InputError(field, f"'{match['number']}' is not a number") from None
    return formats.quantity(value, IGG_UNIT)


def missing_items(
    required: Iterable[str],
    *,
    diagnosis: str,
    indication: str,
    labs: tuple[LabResult, ...],
    prior_treatments: tuple[str, ...],
    rationale: str,
    weight_kg: Decimal | None,
    weighed_on: date | None,
) -> list[str]:
    """The names of the payer-required items that are not documented."""
    present = {
        "diagnosis": bool(diagnosis.strip()),
        "indication": bool(indication.strip()),
        "labs": bool(labs),
        "prior_treatments": any(t.strip() for t in prior_treatments),
        "rationale": bool(rationale.strip()),
        "weight": weight_kg is not None and weighed_on is not None,
    }
    return [ITEM_NAMES[item] for item in required if not present[item]]
