"""Errors a user can act on. Each names the field it is about, in words."""

from __future__ import annotations


class InputError(ValueError):
    """A value the user typed (or a file supplied) cannot be used.

    ``field`` is the human name of the input ("dose ordered"), ``message`` says what is
    wrong and how to fix it. ``str(error)`` is the one line the CLI prints.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class CalculationError(InputError):
    """The inputs parse, but together they describe a dose that cannot be billed."""


class CatalogError(Exception):
    """A catalog or payer data file is missing or invalid."""
