"""The billing rules: from a validated request to units, waste, modifiers and claim lines.

``calculate`` is a pure function. Every number it returns is exact (Decimal), and every
rule it applies is written out in ``steps`` so the window and the worksheet can show the
arithmetic an auditor would redo by hand.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

from core import formats
from core.calculation_models import (
    BillingWarning,
    CalculationRequest,
    CalculationResult,
    ClaimLine,
    ContainerUse,
)
from core.catalog import BillingCode
from core.errors import CalculationError
from core.ndc import ndc_claim_segment, ndc_quantity
from core.quantities import Concentration, Quantity, Unit, WeightBasedDose
from core.vials import fewest_vials, least_waste_plan

# Differences smaller than this are rounding of a mass converted to mL, not a change.
_SAME_VOLUME = Decimal("0.001")
_ROUNDING_MODES = {"up": (ROUND_CEILING, "rounded up"), "nearest": (ROUND_HALF_UP, "rounded")}


def _ml(value: Decimal) -> str:
    return formats.quantity(value, "mL")


def _need_concentration(request: CalculationRequest, why: str) -> Concentration:
    if request.concentration is None:
        raise CalculationError("concentration", f"is needed {why}; enter it, e.g. 10%")
    return request.concentration


def _ordered_ml(request: CalculationRequest, steps: list[str]) -> Decimal:
    dose = request.dose_ordered
    if isinstance(dose, WeightBasedDose):
        if request.weight_kg is None:
            raise CalculationError("patient weight", f"is needed for a dose of {dose}")
        total_mg = dose.per_kg.mg * request.weight_kg
        dose = Quantity(amount=total_mg / 1000, unit=Unit.G)
        weight = formats.quantity(request.weight_kg, "kg")
        steps.append(f"Dose ordered: {request.dose_ordered} × {weight} = {dose}")
    if dose.unit is Unit.ML:
        return dose.amount
    concentration = _need_concentration(request, f"to convert the dose of {dose} to mL")
    ordered_ml = concentration.ml_for(dose)
    steps.append(
        f"Dose ordered: {formats.quantity(dose.mg, 'mg')} ÷ {concentration} = {_ml(ordered_ml)}"
    )
    return ordered_ml


def _containers(
    request: CalculationRequest, ordered_ml: Decimal, steps: list[str]
) -> tuple[tuple[ContainerUse, ...], bool]:
    size = request.vial_size_ml
    if size is None:
        if request.product is None:
            raise CalculationError("vial size", "is empty; enter the container size in mL")
        if request.vials_opened is not None:
            raise CalculationError("vial size", "choose one container size to give a count")
        plan = least_waste_plan(ordered_ml, tuple(c.ml for c in request.product.containers))
        total = sum((c.size_ml * c.count for c in plan), Decimal(0))
        steps.append(
            f"Containers: least waste from {request.product.name} sizes: "
            f"{' + '.join(str(c) for c in plan)} = {_ml(total)}"
        )
        return plan, True
    if request.vials_opened is not None:
        use = ContainerUse(size_ml=size, count=request.vials_opened)
        steps.append(f"Containers: {use} entered by hand = {_ml(size * use.count)}")
        return (use,), False
    count = fewest_vials(ordered_ml, size)
    steps.append(
        f"Containers: {_ml(ordered_ml)} / {_ml(size)} = {formats.number(ordered_ml / size, 4)}"
        f" -> {count} × {_ml(size)} = {_ml(size * count)} (fewest that hold the dose ordered)"
    )
    return (ContainerUse(size_ml=size, count=count),), True


def _in_dosage_measure(
    request: CalculationRequest, volume_ml: Decimal, what: str, steps: list[str] | None
) -> Decimal:
    """A volume in the code's dosage unit: mL stays mL, mass codes go through mg."""
    code = request.code
    if code.dosage.unit is Unit.ML:
        return volume_ml
    concentration = _need_concentration(request, f"because {code.hcpcs} is billed per mass")
    mg = concentration.mg_in(volume_ml)
    if steps is not None:
        steps.append(f"{what}: {_ml(volume_ml)} × {concentration} = {formats.quantity(mg, 'mg')}")
    return mg


def _dosage_amount(code: BillingCode) -> Decimal:
    return code.dosage.amount if code.dosage.unit is Unit.ML else code.dosage.mg


def _administered_ml(request: CalculationRequest) -> Decimal:
    administered = request.administered
    if administered.unit is Unit.ML:
        return administered.amount
    concentration = _need_concentration(request, f"to convert {administered} to mL")
    return concentration.ml_for(administered)


def _round_units(ratio: Decimal, rounding: str) -> tuple[int, str]:
    mode, words = _ROUNDING_MODES[rounding]
    units = int(ratio.to_integral_value(rounding=mode))
    if units < 1:
        return 1, "at least 1 unit"
    return units, words


def _measure_text(request: CalculationRequest, amount: Decimal) -> str:
    unit = "mL" if request.code.dosage.unit is Unit.ML else "mg"
    return formats.quantity(amount, unit)


def _warnings(
    request: CalculationRequest,
    ordered_ml: Decimal,
    administered_ml: Decimal,
    containers: tuple[ContainerUse, ...],
    derived: bool,
    units_administered: int,
    labeled_units: int,
) -> list[BillingWarning]:
    found: list[BillingWarning] = []
    difference = administered_ml - ordered_ml
    if abs(difference) >= _SAME_VOLUME:
        more = difference > 0
        found.append(
            BillingWarning(
                id="administered-more" if more else "administered-less",
                message=(
                    f"Administered {_ml(administered_ml)} is {_ml(abs(difference))} "
                    f"{'more' if more else 'less'} than the {_ml(ordered_ml)} ordered."
                ),
                action=(
                    "Check the order: billing more than was ordered is a common denial. "
                    "Record the reason."
                    if more
                    else "Record the reason on the worksheet."
                ),
            )
        )
    opened_ml = sum((c.size_ml * c.count for c in containers), Decimal(0))
    if not derived and len(containers) == 1:
        needed = fewest_vials(ordered_ml, containers[0].size_ml)
        if containers[0].count > needed:
            found.append(
                BillingWarning(
                    id="extra-containers",
                    message=(
                        f"{containers[0].count} containers opened; {needed} would hold the "
                        f"{_ml(ordered_ml)} ordered."
                    ),
                    action="Waste from containers the dose did not need may be denied; "
                    "document why they were opened.",
                )
            )
    product = request.product
    if product is not None and request.code.cms_verified and product.hcpcs != request.code.hcpcs:
        found.append(
            BillingWarning(
                id="product-code",
                message=f"{product.name} is billed under {product.hcpcs}, "
                f"not {request.code.hcpcs}.",
                action="Check the code: a product-specific code must match the product.",
            )
        )
    if product is not None:
        sizes = tuple(c.ml for c in product.containers)
        odd = sorted({c.size_ml for c in containers if product.container(c.size_ml) is None})
        if odd:
            listed = ", ".join(formats.number(s) for s in sizes)
            found.append(
                BillingWarning(
                    id="unlisted-size",
                    message=f"{_ml(odd[0])} is not a labeled size of {product.name} ({listed} mL).",
                    action="Check the container label; bill only the labeled amount.",
                )
            )
        best = least_waste_plan(ordered_ml, sizes)
        best_ml = sum((c.size_ml * c.count for c in best), Decimal(0))
        if best_ml < opened_ml and not any(w.id == "extra-containers" for w in found):
            found.append(
                BillingWarning(
                    id="larger-container",
                    message=(
                        f"The containers opened leave {_ml(opened_ml - ordered_ml)} of waste; "
                        f"{' + '.join(str(c) for c in best)} would leave "
                        f"{_ml(best_ml - ordered_ml)}."
                    ),
                    action="Use the smallest containers that hold the dose, or document why; "
                    "payers may deny waste from a needlessly large container.",
                )
            )
    if units_administered > labeled_units:
        found.append(
            BillingWarning(
                id="units-above-labeled",
                message=(
                    f"{formats.units(units_administered)} billed is more than the "
                    f"{formats.units(labeled_units)} labeled in the containers opened."
                ),
                action="Billing more than the labeled amount may be denied; check the amount.",
            )
        )
    if request.payer.prior_authorization_required and not request.prior_authorization.strip():
        found.append(
            BillingWarning(
                id="prior-authorization",
                message=f"{request.payer.name} payers ask for prior authorization.",
                action="Record the prior authorization number on the worksheet.",
            )
        )
    return found


def _claim_lines(
    request: CalculationRequest,
    units_administered: int,
    units_wasted: int,
    jz: bool,
    administered_ml: Decimal,
    waste_ml: Decimal,
) -> tuple[ClaimLine, ...]:
    def line(modifiers: tuple[str, ...], units: int, amount_ml: Decimal) -> ClaimLine:
        ndc = request.ndc
        return ClaimLine(
            hcpcs=request.code.hcpcs,
            modifiers=modifiers,
            units=units,
            ndc=ndc.billing if ndc else None,
            ndc_quantity_ml=ndc_quantity(amount_ml) if ndc else None,
            ndc_segment=ndc_claim_segment(ndc, amount_ml) if ndc else None,
        )

    lines = [line(("JZ",) if jz else (), units_administered, administered_ml)]
    if units_wasted:
        lines.append(line(("JW",), units_wasted, waste_ml))
    return tuple(lines)


def calculate(request: CalculationRequest) -> CalculationResult:
    """Apply the billing rules to one dose. Raises ``CalculationError`` for an unbillable one."""
    steps: list[str] = []
    code = request.code
    ordered_ml = _ordered_ml(request, steps)
    containers, derived = _containers(request, ordered_ml, steps)
    opened_ml = sum((c.size_ml * c.count for c in containers), Decimal(0))
    administered_ml = _administered_ml(request)
    if administered_ml > opened_ml:
        raise CalculationError(
            "amount administered",
            f"{_ml(administered_ml)} is more than the {_ml(opened_ml)} labeled in the "
            "containers opened (overfill is never billed); open another container or "
            "correct the amount",
        )

    # Units administered: the amount over the dosage descriptor, rounded per the payer.
    per_unit = _dosage_amount(code)
    administered_measure = _in_dosage_measure(request, administered_ml, "Administered", steps)
    ratio = administered_measure / per_unit
    units_administered, how = _round_units(ratio, request.payer.rounding)
    steps.append(
        f"Units administered: {_measure_text(request, administered_measure)} / {code.dosage} = "
        f"{formats.number(ratio, 4)} -> {formats.units(units_administered)} ({how})"
    )

    # Waste is measured against the labeled amount only, and rounded down, so that
    # administered + JW never exceeds what the containers are labeled to hold.
    opened_measure = _in_dosage_measure(request, opened_ml, "Labeled amount opened", None)
    labeled_units = int((opened_measure / per_unit).to_integral_value(rounding=ROUND_FLOOR))
    waste_ml = opened_ml - administered_ml
    steps.append(
        f"Labeled amount opened: {_measure_text(request, opened_measure)} / {code.dosage} = "
        f"{formats.units(labeled_units)} (rounded down)"
    )
    steps.append(f"Waste: {_ml(opened_ml)} - {_ml(administered_ml)} = {_ml(waste_ml)}")

    applies = request.setting.waste_modifiers_apply and not request.multi_dose
    units_wasted = 0
    if request.multi_dose:
        steps.append("Multi-dose container: waste is not billed; no JW or JZ modifier.")
    elif not request.setting.waste_modifiers_apply:
        steps.append(f"JW and JZ do not apply to {request.setting.value} claims.")
    elif request.payer.jw_required:
        units_wasted = max(0, labeled_units - units_administered)
        steps.append(
            f"Waste units (JW): {formats.units(labeled_units)} labeled - "
            f"{formats.units(units_administered)} administered = {formats.units(units_wasted)}"
        )
    jz = applies and units_wasted == 0 and request.payer.jz_required
    if jz:
        steps.append(f"No billable waste: the administered line carries JZ ({code.hcpcs}-JZ).")

    return CalculationResult(
        code=code.hcpcs,
        descriptor=code.descriptor,
        dosage=code.dosage,
        code_source=code.source,
        code_cms_verified=code.cms_verified,
        payer=request.payer.id,
        product=request.product.name if request.product else None,
        concentration=request.concentration,
        multi_dose=request.multi_dose,
        setting=request.setting,
        containers=containers,
        vials_opened=sum(c.count for c in containers),
        vials_derived=derived,
        ordered_ml=ordered_ml,
        opened_ml=opened_ml,
        administered_ml=administered_ml,
        waste_ml=waste_ml,
        units_administered=units_administered,
        units_wasted=units_wasted,
        labeled_units=labeled_units,
        jz=jz,
        claim_lines=_claim_lines(
            request, units_administered, units_wasted, jz, administered_ml, waste_ml
        ),
        warnings=tuple(
            _warnings(
                request,
                ordered_ml,
                administered_ml,
                containers,
                derived,
                units_administered,
                labeled_units,
            )
        ),
        steps=tuple(steps),
    )
