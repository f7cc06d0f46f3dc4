"""Codes from the imported ASP pricing file, billed per their own descriptor (issue 20).

The shipped catalog is asked first and keeps its entries and sources (J1410 stays per
5 mL as specified, and pricing reports the file's 25 MG as ``code_unit_conflict``). A code
the catalog does not hold is looked up here only when it is used, so the first answer
costs nothing: the reference database is opened on first use by the site.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from core.catalog import BillingCode
from core.cms.descriptor import descriptor_amount
from core.errors import InputError
from core.reference import CodeDosage, DescriptorSource, ReferenceData

if TYPE_CHECKING:
    from core.cms.ndc_vials import NdcVials
    from core.dose_input import ImportedCodes
from core.text import shown


def imported_code(
    reference: DescriptorSource, hcpcs: str, service_date: date, field: str = "code"
) -> BillingCode | None:
    """The code as the pricing file covering ``service_date`` (else the newest earlier
    one) bills it; ``None`` when no imported pricing file lists it. A descriptor that is
    not an amount is refused in one line naming the code and the descriptor."""
    cms = reference.code_dosage(hcpcs, service_date)
    return None if cms is None else billing_code(cms, field)


def billing_code(cms: CodeDosage, field: str = "code") -> BillingCode:
    """The code billed per the descriptor the pricing file gives it; ``InputError`` naming
    the code and its descriptor when that is not an amount (``EA``, ``1 KIT``, blank)."""
    hcpcs = cms.code
    dosage = descriptor_amount(cms.dosage)
    written = shown(cms.dosage.strip()) or "(blank)"
    if dosage is None:
        raise InputError(
            field,
            f"{hcpcs} is billed per '{written}' in the CMS pricing file {cms.quarter}: not an "
            "amount in mg, g, mcg, mL or units, so its units cannot be calculated",
        )
    newest = "; the newest quarter held, the service date is later" if cms.out_of_date else ""
    try:
        return BillingCode(
            hcpcs=hcpcs,
            descriptor=shown(cms.description.strip()) or hcpcs,
            dosage=dosage,
            source=f"CMS ASP pricing file {cms.quarter} (descriptor {written}{newest})",
            cms_verified=True,
        )
    except ValueError:  # a CPT code (90xxx) is not a HCPCS Level II drug code
        raise InputError(field, f"'{shown(hcpcs)}' is not a HCPCS code such as J9271") from None


class FileCodes:
    """The imported files' answers for one service date (``core.dose_input.ImportedCodes``):
    the reference data is asked for (and opened) only when a question comes."""

    def __init__(self, reference: Callable[[], ReferenceData | None], service_date: date) -> None:
        self._reference = reference
        self.service_date = service_date

    def code(self, hcpcs: str, field: str) -> BillingCode | None:
        reference = self._reference()
        if reference is None:
            return None
        return imported_code(reference, hcpcs, self.service_date, field)

    def ndc_vials(self, ndc11: str, field: str) -> NdcVials | None:
        reference = self._reference()
        if reference is None:
            return None
        from core.cms.ndc_vials import ndc_vials

        return ndc_vials(reference, ndc11, self.service_date, field)

    def listing(self) -> list[tuple[str, str]]:
        """Every code of the pricing file in use as (code, label): ``J9271 · Inj
        pembrolizumab · per 1 MG · 2025Q4``; a descriptor that is not an amount says so."""
        reference = self._reference()
        if reference is None:
            return []
        return [(cms.code, _label(cms)) for cms in reference.pricing_codes(self.service_date)]

    def label(self, hcpcs: str) -> str | None:
        """One code's line of ``listing``; ``None`` when no imported pricing file lists it."""
        reference = self._reference()
        cms = reference.code_dosage(hcpcs, self.service_date) if reference is not None else None
        return _label(cms) if cms is not None else None


class AnsweredNdcs:
    """The imported files' answers for the window (``ImportedCodes``): codes as ``codes``
    gives them, an NDC's crosswalk reading only as handed in with ``give`` (the window
    reads the crosswalk off the GUI thread: ``ui.scan_crosswalk``). An NDC not answered
    yet is asked for with ``ask`` and reads as not listed until its answer comes."""

    def __init__(self, codes: ImportedCodes, ask: Callable[[str], None]) -> None:
        self.codes = codes
        self.ask = ask
        self._answers: dict[str, NdcVials | InputError | None] = {}

    def give(self, ndc11: str, answer: NdcVials | InputError | None) -> None:
        self._answers[ndc11] = answer

    def forget(self) -> None:
        """Files were imported: every NDC is asked for again."""
        self._answers.clear()

    def code(self, hcpcs: str, field: str) -> BillingCode | None:
        return self.codes.code(hcpcs, field)

    def ndc_vials(self, ndc11: str, field: str) -> NdcVials | None:
        if ndc11 not in self._answers:
            self.ask(ndc11)
            return None
        answer = self._answers[ndc11]
        if isinstance(answer, InputError):
            raise InputError(field, answer.message)
        return answer


def _label(cms: CodeDosage) -> str:
    written = shown(cms.dosage.strip()) or "(blank)"
    usable = "" if descriptor_amount(cms.dosage) else " · not an amount"
    description = shown(cms.description.strip())
    return f"{cms.code} · {description} · per {written} · {cms.quarter}{usable}"
