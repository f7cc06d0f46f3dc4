"""What the CMS reference data answers, as small protocols the engine can ask.

The quarterly CMS files (``core.cms``), a payer's fee schedule and the NDCs already
recorded answer these questions. Callers that have no reference data use ``NO_REFERENCE``,
which knows nothing, so every feature works (without dollars) before files are imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable


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


# ----------------------------------------------------------------------------------------
# The richer questions the pricing step (``core.pricing``) and the window ask. Added
# after the two protocols above, which stay as they are for the code already using them.


@dataclass(frozen=True)
class Price:
    """Where a code's price per billing unit came from."""

    per_unit: Decimal
    #: e.g. "CMS ASP pricing file 2026Q1" or "commercial fee schedule (fees.csv)"
    source: str
    #: The CMS quarter that priced it; None for a payer's fee schedule.
    quarter: str | None
    #: True when no imported quarter covers the service date and an earlier one priced it.
    out_of_date: bool = False
    #: The payer fee schedule's name, when one priced it.
    schedule: str | None = None


@dataclass(frozen=True)
class CodeDosage:
    """A code's billing unit as the CMS pricing file states it, e.g. ``25 MG``."""

    code: str
    dosage: str
    description: str
    quarter: str
    #: True when no imported quarter covers the service date and the newest one earlier
    #: gave the descriptor.
    out_of_date: bool = False


@dataclass(frozen=True)
class CrosswalkEntry:
    """One row of the NDC-HCPCS crosswalk."""

    ndc11: str
    code: str
    labeler: str
    drug_name: str
    package_size: str
    package_quantity: str
    billing_units_per_package: Decimal | None
    quarter: str


@runtime_checkable
class PriceSource(Protocol):
    """A price with where it came from (a CMS quarter or a payer's fee schedule)."""

    def price(self, code: str, service_date: date, payer: str) -> Price | None: ...


@runtime_checkable
class DescriptorSource(Protocol):
    """Where a code the catalog does not hold finds its descriptor: the imported CMS
    pricing file covering the service date, else the newest earlier one."""

    def code_dosage(self, code: str, service_date: date) -> CodeDosage | None: ...


class ReferenceData(PricingSource, CrosswalkSource, DescriptorSource, Protocol):
    def price(self, code: str, service_date: date, payer: str) -> Price | None:
        """The price per unit with its source, or None when nothing prices the code."""
        ...

    def code_dosage(self, code: str, service_date: date) -> CodeDosage | None: ...

    def pricing_codes(self, service_date: date) -> tuple[CodeDosage, ...]:
        """Every code of the pricing quarter in use, with its descriptor."""
        ...

    def crosswalk_entries(self, ndc11: str, service_date: date) -> tuple[CrosswalkEntry, ...]:
        """The crosswalk rows for an NDC in the quarter that covers the date (or the
        latest earlier one)."""
        ...

    def ndcs_for_code(self, code: str, service_date: date) -> tuple[CrosswalkEntry, ...]: ...

    def has_crosswalk(self) -> bool: ...

    def quarter_in_use(self, service_date: date) -> str | None:
        """The pricing quarter that prices doses given on the date, e.g. ``2026Q1``."""
        ...

    def close(self) -> None: ...


class _NoReferenceData(_NoReference):
    def price(self, code: str, service_date: date, payer: str) -> Price | None:
        return None

    def code_dosage(self, code: str, service_date: date) -> CodeDosage | None:
        return None

    def pricing_codes(self, service_date: date) -> tuple[CodeDosage, ...]:
        return ()

    def crosswalk_entries(self, ndc11: str, service_date: date) -> tuple[CrosswalkEntry, ...]:
        return ()

    def ndcs_for_code(self, code: str, service_date: date) -> tuple[CrosswalkEntry, ...]:
        return ()

    def has_crosswalk(self) -> bool:
        return False

    def quarter_in_use(self, service_date: date) -> str | None:
        return None

    def close(self) -> None:
        return None


#: Knows nothing (the richer protocol too); ``NO_REFERENCE`` stays for the two small ones.
NO_REFERENCE_DATA: ReferenceData = _NoReferenceData()
