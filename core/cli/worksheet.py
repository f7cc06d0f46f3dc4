"""`main.py worksheet`: placeholder until the worksheet module lands."""

from __future__ import annotations

from core.cli import SubParsers


def add_parsers(subparsers: SubParsers) -> None:
    return None
