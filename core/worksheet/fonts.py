"""The embedded Unicode font (DejaVu Sans) and what it can and cannot print faithfully.

ReportLab's built-in Helvetica covers Latin-1 only; a patient called Nguyễn would print
with holes. DejaVu Sans (resources/fonts, Bitstream Vera licence) covers Latin including
Vietnamese, Greek, Cyrillic, Armenian and Georgian. It has Hebrew and Arabic glyphs, but
ReportLab without its optional shaping libraries lays them out left to right and
unjoined, which is not how those names are read; and it has no CJK glyphs at all. Rather
than print such a name wrongly without a word, the worksheet says so (``notices``), and a
character without a glyph is printed as its code point (``[U+738B]``) instead of an empty
box, so nothing is lost silently. The record store keeps the text exactly as typed.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from core.documentation import Documentation

FONT_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"


@cache
def register_fonts() -> frozenset[int]:
    """Register the fonts with ReportLab once per process; return the code points covered.

    Parsing the TTF is the slow part of a first worksheet, so it is done once.
    """
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    regular = TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf"))
    bold = TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(bold)
    # <b> inside a paragraph switches to the bold face; no italic face is shipped, so
    # italic maps to the upright faces instead of failing.
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return frozenset(regular.face.charToGlyph) & frozenset(bold.face.charToGlyph)


def _right_to_left(char: str) -> bool:
    return unicodedata.bidirectional(char) in {"R", "AL"}


def _has_glyph(char: str, covered: frozenset[int]) -> bool:
    return ord(char) in covered or char.isspace()


def printable(text: str, covered: frozenset[int]) -> str:
    """``text`` with each character the font has no glyph for written as ``[U+XXXX]``."""
    if all(_has_glyph(c, covered) for c in text):
        return text
    return "".join(c if _has_glyph(c, covered) else f"[U+{ord(c):04X}]" for c in text)


def print_problem(text: str, covered: frozenset[int]) -> str:
    """Why ``text`` would not print as typed, or "" when it prints faithfully."""
    missing = list(dict.fromkeys(c for c in text if not _has_glyph(c, covered)))
    if missing:
        points = " ".join(f"U+{ord(c):04X}" for c in missing[:6])
        more = " ..." if len(missing) > 6 else ""
        return (
            f"has characters the worksheet font cannot print ({points}{more}), "
            "printed as their code points"
        )
    if any(_right_to_left(c) for c in text):
        return "has right-to-left text, which is printed without right-to-left ordering"
    return ""


#: Documentation fields checked for printability, with the words used on the page.
_CHECKED = {
    "facility": "Facility",
    "patient_name": "Patient name",
    "mrn": "MRN",
    "diagnosis": "Diagnosis",
    "prior_authorization": "Prior authorization",
    "waste_reason": "Waste reason",
    "waste_witness": "Witness",
    "difference_reason": "Reason for difference",
    "notes": "Notes",
    "prepared_by": "Prepared by",
    "verified_by": "Verified by",
}


def notices(doc: Documentation) -> tuple[str, ...]:
    """One warning per field whose text will not print as typed (see the module doc)."""
    covered = register_fonts()
    found = []
    for name, label in _CHECKED.items():
        problem = print_problem(getattr(doc, name), covered)
        if problem:
            found.append(
                f"{label} {problem}. Check the printed page against the record before "
                "filing; the record keeps the text exactly as typed."
            )
    for number, vial in enumerate(doc.vials, start=1):
        problem = print_problem(vial.lot, covered)
        if problem:
            found.append(f"Lot of vial {number} {problem}.")
    return tuple(found)
