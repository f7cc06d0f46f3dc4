"""Codes from the imported ASP pricing file, billed per their own descriptor (issue 20).

The shipped catalog is asked first and keeps its entries and sources (J1410 stays per
5 mL as specified, and pricing reports the file's 25 MG as ``code_unit_conflict``). A code
the catalog does not hold is looked up here only when it is used, so the first answer
costs nothing: the reference database is opened on first use by the site.
"""

from __future__ import annotations

from datetime import date

from core.catalog import BillingCode
from core.cms.descriptor import descriptor_amount
from core.errors import InputError
from core.reference import ReferenceData
from core.text import shown


def imported_code(
    reference: ReferenceData, hcpcs: str, service_date: date, field: str = "code"
) -> BillingCode | None:
    """The code as the pricing file covering ``service_date`` (else the newest earlier
    one) bills it; ``None`` when no imported pricing file lists it. A descriptor that is
    not an amount is refused in one line naming the code and the descriptor."""
    cms = reference.code_dosage(hcpcs, service_date)
    if cms is None:
        return None
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
