"""Reading the GS1 DataMatrix on a drug package: GTIN, expiry, lot and serial.

A keyboard-wedge scanner types what it decoded into the focused field: often prefixed
with the symbology identifier ``]d2``, with the FNC1 separator sent as the GS character
(ASCII 29), or as a configured substitute on scanners and keyboard layouts that cannot
send it. People also paste the human-readable form ``(01)...(17)...(10)...(21)...``.
Element strings are parsed by ``biip``; this module only says what is wrong in words.
"""

from __future__ import annotations

import re
from datetime import date

from biip import ParseConfig, ParseError
from biip.gs1_messages import GS1Message

from core.errors import InputError
from core.model import Model
from core.terminal import printable

FIELD = "scan"
GS = "\x1d"
#: How a window shows a GS it received (a control character cannot be displayed).
GS_SYMBOL = "\u241d"
#: Longer than any GS1 DataMatrix a drug package carries; refuses pasted documents.
MAX_LENGTH = 500

#: The AIs a drug package carries, in words, for error messages.
_AI_NAMES = {"01": "GTIN (01)", "17": "expiry (17)", "10": "lot (10)", "21": "serial (21)"}
_AI_PROBLEMS = {
    "01": "GTIN (01) is not 14 digits",
    "17": "expiry (17) is not a date YYMMDD (day 00 is the end of the month)",
    "10": "lot (10) is not 1 to 20 characters",
    "21": "serial (21) is not 1 to 20 characters",
}
_AI_IN_ERROR = re.compile(r"GS1 AI \((\d+)\)")
_SYMBOLOGY_IDENTIFIER = re.compile(r"\][A-Za-z][0-9A-Za-z]")
_CHECK_DIGITS = re.compile(r"Expected (\d), got (\d)")


class PackageScan(Model):
    """What one package's code says. ``expiry`` has day 00 already made the month's end."""

    gtin: str  # 14 digits, check digit verified
    lot: str = ""
    expiry: date | None = None
    serial: str = ""

    @property
    def ndc10(self) -> str | None:
        """The 10-digit NDC an NDC-labeled GTIN carries (indicator, ``03``, NDC, check)."""
        return self.gtin[3:13] if self.gtin[1:3] == "03" else None


def _excerpt(text: str) -> str:
    shown = text if len(text) <= 40 else text[:40] + "..."
    return printable(shown)


def _element_error(message: str, text: str) -> InputError:
    """biip's message turned into one naming the element in words."""
    match = _AI_IN_ERROR.search(message)
    if match is None:
        return InputError(
            FIELD,
            f"'{_excerpt(text)}' is not a GS1 code: expected (01) GTIN, (17) expiry, "
            "(10) lot and (21) serial",
        )
    ai = match.group(1)
    problem = _AI_PROBLEMS.get(ai, f"element ({ai}) is malformed")
    return InputError(FIELD, f"{problem} in '{_excerpt(text)}'")


def _message(text: str, separators: tuple[str, ...]) -> GS1Message:
    config = ParseConfig(separator_chars=separators)
    if text.startswith("("):
        return GS1Message.parse_hri(text, config=config)
    # A symbology identifier is ']', the symbology's letter and a modifier digit.
    if _SYMBOLOGY_IDENTIFIER.match(text):
        text = text[3:]
    return GS1Message.parse(text, config=config)


def parse_scan(text: str, separator: str = "") -> PackageScan:
    """One scanned (or pasted) package code; ``separator`` is the configured substitute
    for GS, if any. Raises ``InputError`` naming what is wrong."""
    if len(text) > MAX_LENGTH:
        raise InputError(FIELD, f"is {len(text)} characters; a package code is at most 500")
    if separator and (len(separator) > 1 or separator.isalnum() or separator in "()]"):
        raise InputError(
            "separator", f"'{printable(separator)}' cannot stand for GS; use one symbol"
        )
    stripped = text.strip().strip(GS)
    if not stripped:
        raise InputError(FIELD, "is empty")
    separators = tuple(s for s in (GS, GS_SYMBOL, separator) if s)
    try:
        message = _message(stripped, separators)
    except ParseError as error:
        raise _element_error(str(error), stripped) from None
    values: dict[str, str] = {}
    for element in message.element_strings:
        ai = element.ai.ai
        if ai in values:
            raise InputError(FIELD, f"{_AI_NAMES.get(ai, ai)} appears twice")
        values[ai] = element.value
        if element.gtin_error:
            digits = _CHECK_DIGITS.search(element.gtin_error)
            detail = f": expected {digits.group(1)}, got {digits.group(2)}" if digits else ""
            raise InputError(FIELD, f"GTIN (01) {element.value} has a wrong check digit{detail}")
    gtin_element = message.element_strings.get(ai="01")
    if gtin_element is None or gtin_element.gtin is None:
        raise InputError(FIELD, f"has no GTIN (01) in '{_excerpt(stripped)}'")
    expiry_element = message.element_strings.get(ai="17")
    return PackageScan(
        gtin=gtin_element.gtin.as_gtin_14(),
        lot=values.get("10", ""),
        expiry=expiry_element.date if expiry_element else None,
        serial=values.get("21", ""),
    )
