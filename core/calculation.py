"""The billing rules: from a validated request to units, waste, modifiers and claim lines.

``calculate`` is a pure function. It carries every amount exactly (``Fraction``), so
the only rounding is the billing rules' own; every rule it applies is written out in
``steps`` so the window and the worksheet can show the arithmetic an auditor would redo
by hand.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from math import ceil, floor

from core import formats
from core.calculation_models import (
    BillingWarning,
    CalculationRequest,
    CalculationResult,
    ClaimLine,
    ClaimSetting,
    VialUse,
)
from core.catalog import BillingCode, PayerProfile
from core.errors import CalculationError
from core.ndc import ndc_claim_segment, ndc_quantity
from core.quantities import (
    MAX_VIALS,
    MAX_VOLUME_ML,
    BsaDose,
    Concentration,
    Quantity,
    Unit,
    WeightBasedDose,
)
from core.vials import fewest_vials, least_waste_plan

# Amounts are carried as exact fractions of one measure (``working_measure``): mL when
# any amount or the code's descriptor is a volume (500 mg at 3 % is 50/3 mL, and 50/3 mL
# at 30 mg/mL is 500 mg again), else mg for a mass dose from mass vials billed per mass,
# or units for a dose in units. Only the billing rules round (units up, labeled units
# down); printed and JSON amounts are rounded for reading only (``to_decimal``).

# Differences smaller than this cannot be measured in a syringe: an order in mg at 3 %
# is 16.6666... mL, typed as 16.6667 mL, and that is not a different dose.
_SAME_VOLUME = Fraction(1, 1000)
#: Places kept when an amount that does not terminate (50/3 mL) is written as a decimal.
DECIMAL_PLACES = 10


def to_decimal(value: Fraction) -> Decimal:
    """``value`` as a decimal: exact when it terminates (2.4), else to 10 places."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    places = max(twos, fives)
    if denominator != 1 or places > DECIMAL_PLACES:
        places = DECIMAL_PLACES
    scaled = value * 10**places
    whole = floor(scaled + Fraction(1, 2))  # half up; exact when it terminates
    return Decimal(whole).scaleb(-places).normalize()


def working_measure(request: CalculationRequest) -> Unit:
    """The one unit the calculation carries every amount in: mL, mg, mcg or units.

    mL when the dose, a vial, the amount administered or the code's descriptor is a
    volume (a mass then converts through the concentration); otherwise the dimension
    they all share, with no concentration needed. Units never convert to mass or mL.
    A mass is carried in mcg when every amount is written in mcg, so a dose of 75 mcg
    is shown as 75 mcg, never converted to 0.075 mg; amounts in mg stay in mg.
    """
    dose = request.dose_ordered
    given: list[tuple[str, Unit]] = [("dose ordered", _per_patient(dose).unit)]
    size = request.labeled_vial_size
    if size is not None:
        given.append(("vial size", size.unit))
    elif request.product is not None:
        given.append(("vial size", Unit.ML))  # a product's sizes are labeled in mL
    given.extend(("vial size", planned.unit) for planned in request.vial_sizes)
    given.append(("amount administered", request.administered.unit))
    code = request.code
    billed = code.dosage.unit.dimension
    dimensions = {unit.dimension for _, unit in given} | {billed}
    if Unit.UNITS in dimensions and len(dimensions) > 1:
        field = next(
            (name for name, unit in given if unit.dimension is not billed),
            "dose ordered",
        )
        raise CalculationError(
            field,
            f"cannot be billed per {code.dosage} ({code.hcpcs}): units never convert to "
            "mass or mL; enter every amount in units"
            if billed is Unit.UNITS
            else f"is in units and {code.hcpcs} is billed per {code.dosage}: units never "
            "convert to mass or mL",
        )
    if Unit.ML in dimensions:
        return Unit.ML
    in_mcg = {unit for _, unit in given} == {Unit.MCG}
    return Unit.MCG if in_mcg else billed


def _per_patient(dose: Quantity | WeightBasedDose | BsaDose) -> Quantity:
    """The amount a dose is written in (per kg, per m² or as it is)."""
    if isinstance(dose, WeightBasedDose):
        return dose.per_kg
    if isinstance(dose, BsaDose):
        return dose.per_m2
    return dose


def _ml(value: Fraction, max_places: int = 3, measure: Unit = Unit.ML) -> str:
    return formats.quantity(to_decimal(value), measure.value, max_places)


def _distinct_ml(first: Fraction, second: Fraction, measure: Unit = Unit.ML) -> tuple[str, str]:
    """Two different amounts as texts that differ: ``16.6667 mL`` and ``16.66667 mL``,
    never ``16.667 mL`` twice."""

    def text(value: Fraction, places: int) -> str:
        rounded = Decimal(floor(value * 10**places + Fraction(1, 2))).scaleb(-places)
        return formats.quantity(rounded, measure.value, places)

    places = 3
    while places < 2 * DECIMAL_PLACES and text(first, places) == text(second, places):
        places += 1
    return text(first, places), text(second, places)


def _need_concentration(request: CalculationRequest, why: str) -> Concentration:
    if request.concentration is None:
        raise CalculationError("concentration", f"is needed {why}; enter it, e.g. 10%")
    return request.concentration


def _volume(
    request: CalculationRequest, amount: Quantity, field: str, why: str, measure: Unit
) -> Fraction:
    """An amount in the working measure, exactly; a mass becomes mL through the
    concentration when the measure is mL."""
    if amount.unit.dimension is measure.dimension:
        return amount.in_unit(measure)
    concentration = _need_concentration(request, why)
    volume = concentration.ml_for(amount)
    if volume > MAX_VOLUME_ML:
        volume_text, limit_text = _distinct_ml(volume, Fraction(MAX_VOLUME_ML))
        raise CalculationError(
            field,
            f"{formats.quantity(amount.amount, amount.unit.value, 4)} at {concentration} is "
            f"{volume_text}, more than {limit_text}; "
            "check the amount and the concentration",
        )
    return volume


def _ordered_ml(request: CalculationRequest, steps: list[str], measure: Unit) -> Fraction:
    dose = request.dose_ordered
    if isinstance(dose, BsaDose):
        if request.bsa_m2 is None:
            raise CalculationError(
                "body surface area",
                f"is needed for a dose of {dose}; enter it in m², or the height with the weight",
            )
        if request.bsa_from:
            steps.append(request.bsa_from)
        bsa = formats.quantity(request.bsa_m2, "m²", 4)
        dose = Quantity(amount=dose.per_m2.amount * request.bsa_m2, unit=dose.per_m2.unit)
        steps.append(f"Dose ordered: {request.dose_ordered} × {bsa} = {dose}")
    elif isinstance(dose, WeightBasedDose):
        if request.weight_kg is None:
            raise CalculationError("patient weight", f"is needed for a dose of {dose}")
        per_kg = dose.per_kg
        # two short decimals: exact
        if per_kg.unit is Unit.MCG and measure is Unit.MCG:
            dose = Quantity(amount=per_kg.amount * request.weight_kg, unit=Unit.MCG)
        elif per_kg.unit.is_mass:
            dose = Quantity(amount=per_kg.mg * request.weight_kg / 1000, unit=Unit.G)
            if dose.amount < 1:
                dose = Quantity(amount=dose.amount * 1000, unit=Unit.MG)
        else:
            dose = Quantity(amount=per_kg.amount * request.weight_kg, unit=per_kg.unit)
        weight = formats.quantity(request.weight_kg, "kg")
        steps.append(f"Dose ordered: {request.dose_ordered} × {weight} = {dose}")
    ordered_ml = _volume(
        request, dose, "dose ordered", f"to convert the dose of {dose} to mL", measure
    )
    if dose.unit.is_mass and measure is Unit.ML:
        assert request.concentration is not None
        steps.append(
            f"Dose ordered: {formats.quantity(dose.mg, 'mg')} ÷ {request.concentration} = "
            f"{_ml(ordered_ml)}"
        )
    return ordered_ml


def _vials_by_size(
    request: CalculationRequest, ordered_ml: Fraction, steps: list[str], measure: Unit
) -> tuple[tuple[tuple[Fraction, int], ...], bool]:
    """Each vial size opened (exact mL) with its count, and whether derived."""
    size = request.labeled_vial_size
    if size is None and request.product is None and request.vial_sizes:
        return _planned_from_sizes(request, ordered_ml, steps, measure), True
    if size is None:
        if request.product is None:
            raise CalculationError("vial size", "is empty; enter the vial size in mL")
        if request.vials_opened is not None:
            raise CalculationError("vial size", "choose one vial size to give a count")
        plan = least_waste_plan(ordered_ml, tuple(c.ml for c in request.product.vial_sizes))
        total = sum((c.size_ml * c.count for c in plan), Decimal(0))
        steps.append(
            f"Vials: least waste from {request.product.name} sizes: "
            f"{' + '.join(str(c) for c in plan)} = {formats.quantity(total, 'mL')}"
        )
        return tuple((Fraction(c.size_ml), c.count) for c in plan), True
    size_ml = _volume(request, size, "vial size", f"to convert a {size} vial to mL", measure)
    written = _ml(size_ml, measure=measure) + (f" ({size})" if size.unit is not measure else "")
    if request.vials_opened is not None:
        count = request.vials_opened
        opened = _ml(size_ml * count, measure=measure)
        steps.append(f"Vials: {count} × {written} entered by hand = {opened}")
        return ((size_ml, count),), False
    count = fewest_vials(ordered_ml, size_ml)
    steps.append(
        f"Vials: {_ml(ordered_ml, measure=measure)} / {_ml(size_ml, measure=measure)} = "
        f"{formats.number(to_decimal(ordered_ml / size_ml), 4)} -> {count} × {written} = "
        f"{_ml(size_ml * count, measure=measure)} (fewest that hold the dose ordered)"
    )
    return ((size_ml, count),), True


def _planned_from_sizes(
    request: CalculationRequest, ordered: Fraction, steps: list[str], measure: Unit
) -> tuple[tuple[Fraction, int], ...]:
    """The least-waste mix of the request's labeled sizes (an NDC's, from the crosswalk)."""
    exact = [
        _volume(request, size, "vial size", f"to convert a {size} vial to mL", measure)
        for size in request.vial_sizes
    ]
    sizes = tuple(to_decimal(size) for size in exact)
    if any(Fraction(d) != size for d, size in zip(sizes, exact, strict=True)):
        raise CalculationError("vial size", "the labeled sizes do not convert exactly; enter one")
    if request.vial_sizes_from:
        steps.append(f"Vial sizes: {request.vial_sizes_from}")
    plan = least_waste_plan(ordered, sizes)
    total = sum((c.size_ml * c.count for c in plan), Decimal(0))
    listed = ", ".join(str(size) for size in request.vial_sizes)
    mix = " + ".join(f"{c.count} × {formats.quantity(c.size_ml, measure.value)}" for c in plan)
    steps.append(
        f"Vials: least waste from {listed}: {mix} = {formats.quantity(total, measure.value)}"
    )
    return tuple((Fraction(c.size_ml), c.count) for c in plan)


def _billing_measure(code: BillingCode, measure: Unit) -> Unit:
    """The unit amounts are divided by the descriptor in: the working measure when the
    code is billed in its dimension (mcg stays mcg), else the code's dimension (mg)."""
    billed = code.dosage.unit.dimension
    return measure if billed is measure.dimension else billed


def _in_dosage_measure(
    request: CalculationRequest, volume_ml: Fraction, measure: Unit = Unit.ML
) -> Fraction:
    """An amount in the code's billing measure (``_billing_measure``): the same
    dimension stays as it is, mL of a code billed per mass goes through the
    concentration to mg."""
    code = request.code
    if code.dosage.unit.dimension is measure.dimension:
        return volume_ml
    concentration = _need_concentration(request, f"because {code.hcpcs} is billed per mass")
    return concentration.mg_in(volume_ml)


def _dosage_amount(code: BillingCode, measure: Unit) -> Fraction:
    return code.dosage.in_unit(_billing_measure(code, measure))


def round_units(ratio: Fraction, rounding: str) -> tuple[int, str]:
    """Units administered for ``ratio`` descriptors, per the payer's rounding, and how."""
    if rounding == "up":
        units, words = ceil(ratio), "rounded up"
    else:
        units, words = floor(ratio + Fraction(1, 2)), "rounded"
    if units < 1:
        return 1, "at least 1 unit"
    return units, words


def labeled_units(ratio: Fraction) -> int:
    """Billing units in the labeled amount opened (``ratio`` descriptors): rounded down,
    so that administered + JW never exceeds what the vials are labeled to hold."""
    return floor(ratio)


def waste_and_jz(
    setting: ClaimSetting,
    multi_dose: bool,
    payer: PayerProfile,
    labeled: int,
    units_administered: int,
) -> tuple[int, bool]:
    """JW units and whether the administered line carries JZ: where JW and JZ apply."""
    applies = setting.waste_modifiers_apply and not multi_dose
    units_wasted = max(0, labeled - units_administered) if applies and payer.jw_required else 0
    return units_wasted, applies and units_wasted == 0 and payer.jz_required


#: Claim lines as (modifiers, units), in order.
LineShape = tuple[tuple[str, ...], int]


def claim_shapes(units_administered: int, units_wasted: int, jz: bool) -> tuple[LineShape, ...]:
    """The administered line (with JZ when no waste is billable), then the JW line."""
    lines: list[LineShape] = [(("JZ",) if jz else (), units_administered)]
    if units_wasted:
        lines.append((("JW",), units_wasted))
    return tuple(lines)


def _measure_text(request: CalculationRequest, amount: Fraction, measure: Unit) -> str:
    return formats.quantity(to_decimal(amount), _billing_measure(request.code, measure).value)


def _conversion_step(
    request: CalculationRequest,
    what: str,
    volume_ml: Fraction,
    given: Quantity | None,
    measure: Unit = Unit.ML,
) -> str | None:
    """How an amount became the code's measure, or ``None`` when nothing was converted."""
    billed = request.code.dosage.unit.dimension
    in_measure = _billing_measure(request.code, measure)
    if billed is Unit.ML or (given is not None and given.unit is in_measure):
        return None  # already in the measure: nothing was converted
    converted = _measure_text(request, _in_dosage_measure(request, volume_ml, measure), measure)
    if given is not None and given.unit.dimension is billed:
        return f"{what}: {given} = {converted}"  # g or mcg to mg
    if measure is not Unit.ML:
        return None
    return f"{what}: {_ml(volume_ml)} × {request.concentration} = {converted}"


def _better_single_size(
    ordered_ml: Fraction, sizes: tuple[Decimal, ...], opened_ml: Fraction
) -> tuple[VialUse, Fraction] | None:
    """The labeled size that alone holds the dose with the least total (then fewest
    vials), when that total is less than what was opened. One division per size:
    the mix planner does not run when the user chose the size."""
    choices = []
    for size in sizes:
        count = max(1, ceil(ordered_ml / Fraction(size)))
        if count <= MAX_VIALS:
            choices.append((Fraction(size) * count, count, size))
    if not choices:
        return None
    total, count, size = min(choices)
    if total >= opened_ml:
        return None
    return VialUse(size_ml=size, count=count), total


def _warnings(
    request: CalculationRequest,
    ordered_ml: Fraction,
    administered_ml: Fraction,
    vials: tuple[tuple[Fraction, int], ...],
    derived: bool,
    units_administered: int,
    labeled_units: int,
    measure: Unit = Unit.ML,
) -> list[BillingWarning]:
    def _ml(value: Fraction) -> str:
        return formats.quantity(to_decimal(value), measure.value)

    found: list[BillingWarning] = []
    difference = administered_ml - ordered_ml
    if abs(difference) >= _SAME_VOLUME:
        more = difference > 0
        given, ordered = _distinct_ml(administered_ml, ordered_ml, measure)
        found.append(
            BillingWarning(
                id="administered-more" if more else "administered-less",
                message=(
                    f"Administered {given} is {_ml(abs(difference))} "
                    f"{'more' if more else 'less'} than the {ordered} ordered."
                ),
                action=(
                    "Check the order: billing more than was ordered is a common denial. "
                    "Record the reason."
                    if more
                    else "Record the reason on the worksheet."
                ),
            )
        )
    opened_ml = sum((size * count for size, count in vials), Fraction(0))
    if not derived and len(vials) == 1:
        size, count = vials[0]
        needed = max(1, ceil(ordered_ml / size))
        if count > needed:
            found.append(
                BillingWarning(
                    id="extra-vials",
                    message=(
                        f"{count} vials opened; {needed} would hold the {_ml(ordered_ml)} ordered."
                    ),
                    action="Waste from vials the dose did not need may be denied; "
                    "document why they were opened.",
                )
            )
    product = request.product
    if product is not None and product.hcpcs != request.code.hcpcs:
        found.append(
            BillingWarning(
                id="product-code",
                message=f"{product.name} is billed under {product.hcpcs}, "
                f"not {request.code.hcpcs}.",
                action=f"Bill {product.hcpcs}, or document why {request.code.hcpcs} is "
                "used: a product's own code must match the product.",
            )
        )
    if product is not None:
        sizes = tuple(c.ml for c in product.vial_sizes)
        odd = sorted({size for size, _ in vials if not any(size == Fraction(s) for s in sizes)})
        if odd:
            listed = ", ".join(formats.number(s) for s in sizes)
            found.append(
                BillingWarning(
                    id="unlisted-size",
                    message=f"{_ml(odd[0])} is not a labeled size of {product.name} ({listed} mL).",
                    action="Check the vial label; bill only the labeled amount.",
                )
            )
        # A planned mix is already the least waste; a size the user chose is compared
        # with each labeled size alone.
        chosen = request.labeled_vial_size is not None
        better = _better_single_size(ordered_ml, sizes, opened_ml) if chosen else None
        if better is not None and not any(w.id == "extra-vials" for w in found):
            use, total = better
            found.append(
                BillingWarning(
                    id="larger-vial",
                    message=(
                        f"The vials opened leave {_ml(opened_ml - ordered_ml)} of waste; "
                        f"{use} would leave {_ml(total - ordered_ml)}."
                    ),
                    action="Use the smallest vials that hold the dose, or document why; "
                    "payers may deny waste from a needlessly large vial.",
                )
            )
    if units_administered > labeled_units:
        found.append(
            BillingWarning(
                id="units-above-labeled",
                message=(
                    f"{formats.units(units_administered)} billed is more than the "
                    f"{formats.units(labeled_units)} labeled in the vials opened."
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
    administered_ml: Fraction,
    waste_ml: Fraction,
    measure: Unit = Unit.ML,
) -> tuple[ClaimLine, ...]:
    # The NDC quantity has no mcg qualifier: an amount in mcg goes on the claim in mg (ME).
    ndc_measure = Unit.MG if measure is Unit.MCG else measure

    def line(modifiers: tuple[str, ...], units: int, exact_ml: Fraction) -> ClaimLine:
        amount_ml = to_decimal(exact_ml / 1000 if measure is Unit.MCG else exact_ml)
        ndc = request.ndc
        return ClaimLine(
            hcpcs=request.code.hcpcs,
            modifiers=modifiers,
            units=units,
            ndc=ndc.billing if ndc else None,
            ndc_quantity_ml=ndc_quantity(amount_ml) if ndc else None,
            ndc_segment=ndc_claim_segment(ndc, amount_ml, ndc_measure) if ndc else None,
        )

    amounts = (administered_ml, waste_ml)
    shapes = claim_shapes(units_administered, units_wasted, jz)
    return tuple(
        line(mods, units, amount) for (mods, units), amount in zip(shapes, amounts, strict=False)
    )


def calculate(request: CalculationRequest) -> CalculationResult:
    """Apply the billing rules to one dose. Raises ``CalculationError`` for an unbillable one."""
    steps: list[str] = []
    code = request.code
    measure = working_measure(request)

    def _ml(value: Fraction) -> str:
        return formats.quantity(to_decimal(value), measure.value)

    ordered_ml = _ordered_ml(request, steps, measure)
    vials, derived = _vials_by_size(request, ordered_ml, steps, measure)
    opened_ml = sum((size * count for size, count in vials), Fraction(0))
    administered = request.administered
    administered_ml = _volume(
        request,
        administered,
        "amount administered",
        f"to convert {administered} to mL",
        measure,
    )
    if administered_ml > opened_ml:
        given, opened = _distinct_ml(administered_ml, opened_ml, measure)
        raise CalculationError(
            "amount administered",
            f"{given} is more than the {opened} labeled in the "
            "vials opened (overfill is never billed); open another vial or "
            "correct the amount",
        )

    # Units administered: the amount over the dosage descriptor, rounded per the payer.
    per_unit = _dosage_amount(code, measure)
    administered_measure = _in_dosage_measure(request, administered_ml, measure)
    converted = _conversion_step(request, "Administered", administered_ml, administered, measure)
    if converted:
        steps.append(converted)
    ratio = administered_measure / per_unit
    units_administered, how = round_units(ratio, request.payer.rounding)
    steps.append(
        f"Units administered: {_measure_text(request, administered_measure, measure)} / "
        f"{code.dosage} = "
        f"{formats.number(to_decimal(ratio), 4)} -> {formats.units(units_administered)} ({how})"
    )

    # Waste is measured against the labeled amount only, and rounded down, so that
    # administered + JW never exceeds what the vials are labeled to hold.
    opened_measure = _in_dosage_measure(request, opened_ml, measure)
    labeled = labeled_units(opened_measure / per_unit)
    waste_ml = opened_ml - administered_ml
    steps.append(
        f"Labeled amount opened: {_measure_text(request, opened_measure, measure)} / "
        f"{code.dosage} = "
        f"{formats.units(labeled)} (rounded down)"
    )
    steps.append(f"Waste: {_ml(opened_ml)} - {_ml(administered_ml)} = {_ml(waste_ml)}")

    units_wasted, jz = waste_and_jz(
        request.setting, request.multi_dose, request.payer, labeled, units_administered
    )
    if request.multi_dose:
        steps.append("Multi-dose vial: waste is not billed; no JW or JZ modifier.")
    elif not request.setting.waste_modifiers_apply:
        steps.append(f"JW and JZ do not apply to {request.setting.value} claims.")
    elif request.payer.jw_required:
        steps.append(
            f"Waste units (JW): {formats.units(labeled)} labeled - "
            f"{formats.units(units_administered)} administered = {formats.units(units_wasted)}"
        )
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
        vials_by_size=tuple(
            VialUse(size_ml=to_decimal(size), count=count, unit=measure) for size, count in vials
        ),
        vials_opened=sum(count for _, count in vials),
        vials_derived=derived,
        ordered_ml=to_decimal(ordered_ml),
        opened_ml=to_decimal(opened_ml),
        administered_ml=to_decimal(administered_ml),
        waste_ml=to_decimal(waste_ml),
        units_administered=units_administered,
        units_wasted=units_wasted,
        labeled_units=labeled,
        jz=jz,
        claim_lines=_claim_lines(
            request, units_administered, units_wasted, jz, administered_ml, waste_ml, measure
        ),
        warnings=tuple(
            _warnings(
                request,
                ordered_ml,
                administered_ml,
                vials,
                derived,
                units_administered,
                labeled,
                measure,
            )
        ),
        steps=tuple(steps),
        weight_kg=request.weight_kg,
    )


#: Route -> the modifier that reports it, for payers that ask (JA intravenous, JB subcutaneous).
ROUTE_MODIFIERS = {"IV": "JA", "SC": "JB"}


def apply_route_modifiers(
    result: CalculationResult, payer: PayerProfile, route: str
) -> CalculationResult:
    """The result with JA/JB appended to every claim line when the payer profile asks for
    route modifiers; otherwise unchanged. The route is kept on the result either way."""
    route = route.strip().upper()
    modifier = ROUTE_MODIFIERS.get(route) if payer.route_modifiers else None
    lines = result.claim_lines
    if modifier is not None:
        lines = tuple(
            line
            if modifier in line.modifiers
            else line.replace(modifiers=(*line.modifiers, modifier))
            for line in lines
        )
    return result.replace(claim_lines=lines, route=route or None)
