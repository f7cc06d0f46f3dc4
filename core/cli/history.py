"""`main.py history|reprint|verify`: placeholder until the records module lands."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.cli import SubParsers


def add_parsers(subparsers: SubParsers) -> None:
    return None
