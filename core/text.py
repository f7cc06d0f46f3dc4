"""Free text from people and files, bounded: a length every real name or note fits in,
no bytes that are not text, and short when quoted back in a message.

A 10,000-character name took seconds to lay out and a case file of ``/dev/zero`` never
ended; what no real dose or name needs is refused with the field named.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from core.errors import InputError
from core.terminal import printable

#: Characters of a typed value quoted back in a message.
MAX_ECHO = 40

# Format characters that reverse or isolate the direction of the text around them: on
# a printed chart they make a name or lot read differently from what it holds.
_DIRECTION_OVERRIDES = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def shown(text: str) -> str:
    """``text`` as quoted in a message: at most ``MAX_ECHO`` characters, escaped."""
    cut = text if len(text) <= MAX_ECHO else text[: MAX_ECHO - 1] + "…"
    return printable(cut)


def check_text(text: str, field: str, max_chars: int, *, lines: bool = False) -> None:
    """Refuse text longer than ``max_chars``, invalid UTF-8 (surrogate escapes from the
    command line), control characters (tab and newline only where ``lines``) and
    direction overrides."""
    if len(text) > max_chars:
        raise InputError(field, f"is {len(text):,} characters long; at most {max_chars:,} fit")
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs":
            raise InputError(field, "is not valid text (it holds bytes that are not UTF-8)")
        if category in ("Cc", "Zl", "Zp") and not (lines and char in "\n\t\u2028\u2029"):
            raise InputError(field, f"contains the control character {printable(char)}")
        if char in _DIRECTION_OVERRIDES:
            raise InputError(
                field, f"contains a hidden text-direction character (U+{ord(char):04X})"
            )


def read_text_file(path: Path, field: str, max_bytes: int) -> str:
    """The UTF-8 text of ``path``, refusing anything over ``max_bytes`` (``/dev/zero`` is
    read no further than the limit; a directory cannot be opened)."""
    where = printable(str(path))
    try:
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)
    except OSError as error:
        raise InputError(field, f"cannot read {where} ({error.strerror})") from None
    if len(data) > max_bytes:
        raise InputError(field, f"{where} is larger than {max_bytes:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(field, f"{where} is not UTF-8 text") from None


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def check_json_nesting(text: str, field: str, max_depth: int) -> None:
    """Refuse JSON nested deeper than ``max_depth`` before parsing it (the parser
    recurses once per level)."""
    depth = 0
    for bracket in re.findall(r"[\[\]{}]", _JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > max_depth:
            raise InputError(field, f"is nested more than {max_depth} levels deep")
