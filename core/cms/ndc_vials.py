"""An NDC is enough (issue 20): the code, its descriptor and the vial's labeled amount
from the imported NDC-HCPCS crosswalk.

How the crosswalk's columns are read: BILLUNITSPKG is the billable units in one NDC
package, and PKG QTY the items (vials) in that package, so one vial labels
``BILLUNITSPKG ÷ PKG QTY`` billing units; times the code's descriptor in the ASP pricing
file of the same quarter (``1 MG``) that is the vial's labeled amount (100 mg). PKG SIZE
(the amount in one item, in the label's own unit, often mL) is not used: the billing
units already state it in the code's measure. The sizes a least-waste plan chooses among
are those of the crosswalk rows with the same labeler and code (rituximab 100 mg and
500 mg). A row whose two columns cannot be read is refused naming the NDC, the quarter
and what the columns hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core import formats
from core.cms.descriptor import descriptor_amount
from core.errors import InputError
from core.quantities import Quantity, parse_quantity
from core.reference import CrosswalkEntry, ReferenceData
from core.text import shown


@dataclass(frozen=True)
class NdcVials:
    """What the crosswalk says about one NDC: its code, its vial's labeled amount, and
    the labeled amounts of the same labeler's other NDCs for that code."""

    code: str
    labeled: Quantity
    sizes: tuple[Quantity, ...]
    #: How the amounts were read, for the calculation's steps.
    how: str
    #: The crosswalk's drug name and labeler: ``Keytruda (Merck Sharp & Dohme LLC)``.
    product: str = ""
    #: The crosswalk has no column saying a vial is multi-dose; a code billed with JW/JZ
    #: per its descriptor is taken from a single-dose vial, as without a product. The
    #: window shows the type, so a multi-dose vial is changed by hand.
    multi_dose: bool = False


def _label(ndc11: str) -> str:
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


def _columns(entry: CrosswalkEntry) -> tuple[Decimal, Decimal] | None:
    """(BILLUNITSPKG, PKG QTY) as numbers greater than zero; None when unreadable."""
    try:
        quantity = Decimal(entry.package_quantity.strip().replace(",", ""))
    except InvalidOperation:
        return None
    units = entry.billing_units_per_package
    if units is None or not quantity.is_finite() or quantity <= 0 or units <= 0:
        return None
    return units, quantity


def _per_vial(entry: CrosswalkEntry) -> Decimal | None:
    """Billing units in one vial: BILLUNITSPKG ÷ PKG QTY."""
    columns = _columns(entry)
    return None if columns is None else columns[0] / columns[1]


def _amount(per_vial: Decimal, descriptor: Quantity) -> Quantity | None:
    amount = per_vial * descriptor.amount
    if amount != amount.quantize(Decimal("0.0001")):  # more places than a label holds
        return None
    try:
        return parse_quantity(f"{formats.plain(amount)} {descriptor.unit.value}", "vial size")
    except InputError:
        return None


def ndc_vials(
    reference: ReferenceData, ndc11: str, service_date: date, field: str = "NDC"
) -> NdcVials | None:
    """The crosswalk's reading of ``ndc11``; ``None`` when no imported crosswalk lists it.
    Refuses (``InputError`` naming ``field``) an NDC listed under several codes, a code
    whose descriptor is not an amount, and a row whose columns cannot be read."""
    entries = reference.crosswalk_entries(ndc11, service_date)
    if not entries:
        return None
    label = _label(ndc11)
    codes = sorted({e.code for e in entries})
    if len(codes) > 1:
        listed = ", ".join(codes)
        raise InputError(field, f"{label} is listed under {listed}: choose the code with --code")
    entry = entries[0]
    cms = reference.code_dosage(entry.code, service_date)
    descriptor = descriptor_amount(cms.dosage) if cms is not None else None
    if descriptor is None:
        written = shown(cms.dosage.strip()) if cms is not None else "(no pricing file row)"
        raise InputError(
            field,
            f"{label} bills {entry.code}, whose descriptor '{written or '(blank)'}' is not an "
            "amount in mg, g, mcg, mL or units",
        )
    per_vial = _per_vial(entry)
    labeled = _amount(per_vial, descriptor) if per_vial is not None else None
    if per_vial is None or labeled is None:
        units = entry.billing_units_per_package
        raise InputError(
            field,
            f"{label}: the crosswalk {entry.quarter} row cannot be read as a vial's amount "
            f"(BILLUNITSPKG '{formats.plain(units) if units is not None else ''}', PKG QTY "
            f"'{shown(entry.package_quantity.strip())}'); enter the vial size",
        )
    sizes = {labeled}
    for other in reference.ndcs_for_code(entry.code, service_date):
        if other.labeler != entry.labeler:
            continue
        other_per_vial = _per_vial(other)
        amount = _amount(other_per_vial, descriptor) if other_per_vial is not None else None
        if amount is not None:  # another size's unreadable row is not this vial's problem
            sizes.add(amount)
    units, quantity = _columns(entry) or (Decimal(0), Decimal(1))
    assert cms is not None
    name = shown(entry.drug_name.strip()) or entry.code
    labeler = shown(entry.labeler.strip())
    product = f"{name} ({labeler})" if labeler else name
    how = (
        f"NDC {label}, {product}, in the crosswalk {entry.quarter} bills {entry.code}: "
        f"{formats.number(units, 4)} billing units per package (BILLUNITSPKG) ÷ "
        f"{formats.number(quantity, 4)} per package (PKG QTY) = "
        f"{formats.number(per_vial, 4)} × {descriptor} (pricing file {cms.quarter}) = "
        f"{labeled} per vial"
    )
    ordered = tuple(sorted(sizes, key=lambda q: q.measured))
    return NdcVials(code=entry.code, labeled=labeled, sizes=ordered, how=how, product=product)
