"""ICD-10-CM diagnosis codes: their format, and the covered-diagnosis lists of the catalog.

Codes are checked for format only (the code set itself is not shipped); a code's
covered diagnoses, where the catalog has a sourced list, say whether the payer policy
covers the diagnosis. No pydantic here: the catalog checks its lists with these, and the
catalog loads for the window's first answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from core.errors import InputError
from core.terminal import printable

# ICD-10-CM: a letter (not U), a digit, a digit or letter (C4A, D3A), then up to four
# characters after the dot. ``D801`` is read as ``D80.1``.
_ICD10 = re.compile(r"([A-TV-Z][0-9][0-9A-Z])\.?([0-9A-Z]{0,4})")
#: Longest diagnosis field read.
_MAX_TEXT = 500


def parse_icd10(text: str, field: str = "diagnosis") -> str:
    """One ICD-10-CM code in its dotted form (``d801`` -> ``D80.1``), checked for format."""
    code = text.strip().upper()
    match = _ICD10.fullmatch(code)
    if match is None:
        shown = printable(code if len(code) <= 20 else code[:20] + "…")
        raise InputError(field, f"'{shown}' is not an ICD-10 code such as D80.1")
    head, tail = match.groups()
    return f"{head}.{tail}" if tail else head


def diagnosis_codes(text: str, field: str = "diagnosis") -> tuple[str, ...]:
    """The ICD-10 codes in a diagnosis field (separated by commas, semicolons or spaces)."""
    if len(text) > _MAX_TEXT:
        raise InputError(field, f"is longer than {_MAX_TEXT} characters")
    return tuple(parse_icd10(part, field) for part in re.split(r"[,;\s]+", text) if part)


def _key(code: str) -> str:
    return code.replace(".", "")


def parse_coverage_entry(entry: str) -> tuple[str, str]:
    """A covered-diagnosis entry as ``(low, high)`` codes without dots; a single code is
    its own range (and covers its subcodes)."""
    low, sep, high = entry.partition("-")
    first = _key(parse_icd10(low, "covered diagnosis"))
    last = _key(parse_icd10(high, "covered diagnosis")) if sep else first
    if last < first:
        raise InputError("covered diagnosis", f"range '{entry}' runs backwards")
    return first, last


def is_covered(code: str, entries: Iterable[str]) -> bool:
    """Whether ``code`` falls in any entry; a range's end covers that code's subcodes
    (``D80.0-D81.9`` covers ``D81.99``)."""
    key = _key(parse_icd10(code))
    for entry in entries:
        low, high = parse_coverage_entry(entry)
        if low <= key and (key <= high or key.startswith(high)):
            return True
    return False
