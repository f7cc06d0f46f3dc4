"""What the CMS reference data answers, as small protocols the engine can ask.

The quarterly CMS files (``core.cms``), a payer's fee schedule and the NDCs already
recorded answer these questions. Callers that have no reference data use ``NO_REFERENCE``,
which knows nothing, so every feature works (without dollars) before files are imported.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Protocol


class PricingSource(Protocol):
    def payment_per_unit(self, code: str, service_date: date, payer: str) -> Decimal | None:
        """The payment limit (or fee-schedule rate) per billing unit, or None if unknown."""
        ...


class CrosswalkSource(Protocol):
    def codes_for_ndc(self, ndc11: str, service_date: date) -> frozenset[str] | None:
        """The HCPCS codes an 11-digit NDC bills under; None when the NDC is not listed
        (or no crosswalk covers the date)."""
        ...

    def has_ndc(self, ndc11: str) -> bool:
        """Whether any imported crosswalk lists this 11-digit NDC."""
        ...


class _NoReference:
    def payment_per_unit(self, code: str, service_date: date, payer: str) -> Decimal | None:
        return None

    def codes_for_ndc(self, ndc11: str, service_date: date) -> frozenset[str] | None:
        return None

    def has_ndc(self, ndc11: str) -> bool:
        return False


NO_REFERENCE = _NoReference()


def open_reference(data_dir: Path | None) -> tuple[PricingSource, CrosswalkSource]:
    """The pricing and crosswalk sources imported into ``data_dir``.

    Nothing is imported yet, so this answers ``NO_REFERENCE`` for both; the CMS import
    wires its sources in here, and every caller (``main.py audit``, the audit window)
    gets them without change.
    """
    return NO_REFERENCE, NO_REFERENCE
