"""Dollars and reference checks on a calculated dose: a separate step after the unit
arithmetic (``core.calculation``), so the engine stays free of reference data.

``price_result(result, reference, service_date)`` returns the result with each claim
line's payment per unit and amount (units × the published limit, exact), the ``pricing``
source, the CMS billing unit beside the catalog's, and these warnings:
``pricing-out-of-date``, ``ndc-code-mismatch``, ``ndc-not-in-crosswalk``,
``billing-units-differ`` and ``code-unit-conflict``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from core import formats
from core.calculation import to_decimal
from core.calculation_models import (
    BillingWarning,
    CalculationResult,
    ClaimLine,
    CodeUnitConflict,
    Pricing,
)
from core.cms.descriptor import descriptor_amount
from core.quantities import Quantity, Unit
from core.reference import CodeDosage, CrosswalkEntry, ReferenceData


def ndc_label(ndc11: str) -> str:
    """``00944270002`` -> ``00944-2700-02``, as the crosswalk prints it."""
    return f"{ndc11[:5]}-{ndc11[5:9]}-{ndc11[9:]}"


def dollars(amount: Decimal) -> str:
    """``$1,234.50``; a third decimal (CMS limits have up to 3) is kept, never rounded."""
    places = max(2, -int(amount.normalize().as_tuple().exponent))
    return f"${amount:,.{places}f}"


def same_billing_unit(dosage: Quantity, cms: CodeDosage) -> bool:
    """Whether the file's descriptor is the amount ``dosage`` bills per (``1 MG`` and
    ``1,000 MCG`` are; ``1 UNIT`` and ``1 MG`` never are). Where it is not, the file's
    payment limit is per another unit: never multiplied by our units (the calculator
    and the audit both ask this)."""
    amount = descriptor_amount(cms.dosage)
    return (
        amount is not None
        and amount.unit.dimension is dosage.unit.dimension
        and amount.measured == dosage.measured
    )


def conflict_message(code: str, dosage: Quantity, cms: CodeDosage) -> str:
    return (
        f"The CMS pricing file {cms.quarter} bills {code} per {cms.dosage} "
        f"({cms.description}); this calculation bills it per {dosage}."
    )


def _conflict(result: CalculationResult, cms: CodeDosage) -> CodeUnitConflict:
    return CodeUnitConflict(
        code=result.code,
        catalog_unit=str(result.dosage),
        cms_unit=cms.dosage,
        quarter=cms.quarter,
        message=conflict_message(result.code, result.dosage, cms),
    )


def _units_per_vial(result: CalculationResult, size_ml: Decimal) -> Fraction | None:
    """Billing units one vial labels, exactly (a 9 % concentration does not
    terminate in mL)."""
    dosage = result.dosage
    if result.measure is not Unit.ML:  # the size is in the descriptor's own measure
        return Fraction(size_ml) / dosage.in_unit(result.measure)
    if dosage.unit is Unit.ML:
        return Fraction(size_ml) / Fraction(dosage.amount)
    if result.concentration is None:
        return None
    return result.concentration.mg_in(size_ml) / Fraction(dosage.mg)


def _package_quantity(entry: CrosswalkEntry) -> Decimal:
    try:
        quantity = Decimal(entry.package_quantity.replace(",", ""))
    except ArithmeticError:
        return Decimal(1)
    return quantity if quantity.is_finite() and quantity > 0 else Decimal(1)


def _billing_units_warning(
    result: CalculationResult, entries: tuple[CrosswalkEntry, ...]
) -> BillingWarning | None:
    entry = next((e for e in entries if e.code == result.code), None)
    if entry is None or entry.billing_units_per_package is None:
        return None
    per_package = entry.billing_units_per_package
    quantity = _package_quantity(entry)
    figures: list[str] = []
    for use in result.vials_by_size:
        per_vial = _units_per_vial(result, use.size_ml)
        if per_vial is None:
            return None
        if per_vial * Fraction(quantity) == Fraction(per_package):
            return None
        figures.append(
            f"{formats.number(to_decimal(per_vial * Fraction(quantity)), 4)} per package of "
            f"{formats.number(quantity)} × {result.amount(use.size_ml)}"
        )
    return BillingWarning(
        id="billing-units-differ",
        message=(
            f"The CMS crosswalk {entry.quarter} gives NDC {ndc_label(entry.ndc11)} "
            f"{formats.number(per_package, 4)} billing units per package (BILLUNITSPKG); the "
            f"calculation labels {' or '.join(figures)} units."
        ),
        action="Check the vial size and the NDC on the carton.",
    )


def _ndc_warnings(
    result: CalculationResult, reference: ReferenceData, service_date: date
) -> list[BillingWarning]:
    ndc11 = next((line.ndc for line in result.claim_lines if line.ndc), None)
    if ndc11 is None or not reference.has_crosswalk():
        return []
    entries = reference.crosswalk_entries(ndc11, service_date)
    label = ndc_label(ndc11) if len(ndc11) == 11 else ndc11
    if not entries:
        return [
            BillingWarning(
                id="ndc-not-in-crosswalk",
                message=f"NDC {label} is not in the CMS NDC-HCPCS crosswalk for "
                f"{service_date.isoformat()}.",
                action="Check the NDC on the carton; payers may deny an NDC CMS does not list.",
            )
        ]
    found: list[BillingWarning] = []
    codes = sorted({e.code for e in entries})
    if result.code not in codes:
        found.append(
            BillingWarning(
                id="ndc-code-mismatch",
                message=f"The CMS crosswalk {entries[0].quarter} lists NDC {label} under "
                f"{', '.join(codes)}, not {result.code}.",
                action="Bill the code the NDC maps to, or check the NDC: "
                "'NDC does not match HCPCS' is a common denial.",
            )
        )
    units = _billing_units_warning(result, entries)
    if units is not None:
        found.append(units)
    return found


def _priced_lines(lines: tuple[ClaimLine, ...], per_unit: Decimal) -> tuple[ClaimLine, ...]:
    return tuple(
        line.replace(payment_per_unit=per_unit, payment=per_unit * line.units) for line in lines
    )


def price_result(
    result: CalculationResult, reference: ReferenceData, service_date: date
) -> CalculationResult:
    """The result with dollars and reference checks added (unchanged without reference
    data). The published payment limit is used as it is, never recomputed."""
    warnings = list(result.warnings)
    update: dict[str, object] = {}
    cms = reference.code_dosage(result.code, service_date)
    conflict = None
    if cms is not None and cms.dosage:  # a layout without the dosage column says nothing
        update["cms_billing_unit"] = cms.dosage
        if not same_billing_unit(result.dosage, cms):
            conflict = _conflict(result, cms)
            update["code_unit_conflict"] = conflict
    price = reference.price(result.code, service_date, result.payer)
    if price is not None and conflict is not None and price.schedule is None:
        warnings.append(
            BillingWarning(
                id="code-unit-conflict",
                message=conflict.message,
                action="No dollars are shown: the CMS limit is per a different unit. "
                "Confirm the code's billing unit with the payer.",
            )
        )
    elif price is not None:
        update["claim_lines"] = _priced_lines(result.claim_lines, price.per_unit)
        update["pricing"] = Pricing(
            quarter=price.quarter, source=price.source, service_date=service_date.isoformat()
        )
        if conflict is not None:
            warnings.append(
                BillingWarning(
                    id="code-unit-conflict",
                    message=conflict.message,
                    action="The fee schedule's rate is used per the calculation's unit; "
                    "confirm it with the payer.",
                )
            )
        if price.out_of_date:
            warnings.append(
                BillingWarning(
                    id="pricing-out-of-date",
                    message=f"No imported CMS pricing file covers {service_date.isoformat()}; "
                    f"the dollars come from {price.quarter}, an earlier quarter.",
                    action="Import the CMS ASP pricing file for the quarter of the service date.",
                )
            )
    elif conflict is not None:
        warnings.append(
            BillingWarning(
                id="code-unit-conflict",
                message=conflict.message,
                action="Confirm the code's billing unit with the payer.",
            )
        )
    warnings += _ndc_warnings(result, reference, service_date)
    update["warnings"] = tuple(warnings)
    return result.replace(**update)
