"""Recorded worksheets for the charges tests: the 12 mL example, with any change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.recording import record_worksheet
from core.records import WorksheetRecord
from core.worksheet.example import DOCUMENTATION, DOSE, example_result
from tests.shipped import evaluate
from tests.sites import site_at

PDF = b"%PDF-1.4 test"


def record_example(data_dir: Path, **changes: Any) -> WorksheetRecord:
    """Record the 12 mL example (documentation fields changed by ``changes``)."""
    doc = DOCUMENTATION.replace(**changes)
    record, _ = record_worksheet(
        site_at(data_dir), DOSE, doc, example_result(), lambda _id, _r: PDF
    )
    return record


def record_correction(data_dir: Path, replaces: int) -> WorksheetRecord:
    """Correct a worksheet: 10 mL given, not 12 (2 units administered, 2 units JW)."""
    dose = DOSE.replace(administered="10")
    doc = DOCUMENTATION.replace(replaces=replaces)
    record, _ = record_worksheet(site_at(data_dir), dose, doc, evaluate(dose), lambda _id, _r: PDF)
    return record


def hl7_fields(message: str, segment: str, occurrence: int = 0) -> list[str]:
    """The raw (still escaped) fields of one segment; field n is ``[n]`` (MSH: MSH-1
    is the field separator, so its ``[n]`` is MSH-n too)."""
    found = [s for s in message.split("\r") if s.split("|", 1)[0] == segment]
    fields = found[occurrence].split("|")
    return ["MSH", "|", *fields[1:]] if segment == "MSH" else fields


_SEQUENCES = {"F": "|", "S": "^", "R": "~", "T": "&", "E": "\\"}


def hl7_unescape(text: str) -> str:
    """HL7 2.5.1 §2.7 escape sequences back to text (for checking what a receiver reads)."""
    out, i = [], 0
    while i < len(text):
        if text[i] != "\\":
            out.append(text[i])
            i += 1
            continue
        end = text.index("\\", i + 1)
        body = text[i + 1 : end]
        if body in _SEQUENCES:
            out.append(_SEQUENCES[body])
        elif body.startswith("X"):
            out.append(bytes.fromhex(body[1:]).decode("latin-1"))
        else:
            raise AssertionError(f"unknown escape {body!r}")
        i = end + 1
    return "".join(out)
