"""Text made safe to print on a terminal.

A patient name or lot number is user text; printed raw, an escape sequence in it
(``ESC ]0;...BEL``, ``ESC [2K``) could retitle or rewrite the operator's terminal, and
a bidi override could make a line read differently from what it holds. Every command
prints user text through ``printable``.
"""

from __future__ import annotations

import unicodedata

# Format characters that reorder or hide text (bidi overrides and isolates, zero-width).
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2066\u2067\u2068\u2069\u2060\ufeff"
)


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: str) -> str:
    """``text`` with control, format and unpaired surrogate characters escaped.

    Ordinary letters in any script (``Nguyễn``) print as they are.
    """
    out: list[str] = []
    for char in text:
        category = unicodedata.category(char)
        if category in ("Cc", "Cs") or char in _INVISIBLE or category == "Zl" or category == "Zp":
            out.append(_escape(char))
        elif char == "\\":
            out.append("\\\\")
        else:
            out.append(char)
    return "".join(out)
