"""Body surface area by the Mosteller formula, rounded as the steps show (issue 20).

BSA (m²) = √(height cm × weight kg / 3600). The square root is rarely a terminating
decimal, so it is taken to 28 significant digits (``Decimal.sqrt`` rounds correctly) and
rounded half up to 0.01 m², the precision oncology orders are written to; the dose is
then the rounded BSA times the dose per m², exactly.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext

from core import formats

#: BSA is rounded to this (0.01 m²) before the dose is calculated.
BSA_PLACES = Decimal("0.01")


def mosteller(height_cm: Decimal, weight_kg: Decimal) -> tuple[Decimal, str]:
    """The rounded BSA and the step that shows it."""
    with localcontext() as context:
        context.prec = 28
        exact = (height_cm * weight_kg / 3600).sqrt()
    rounded = exact.quantize(BSA_PLACES, rounding=ROUND_HALF_UP)
    step = (
        f"Body surface area (Mosteller): √({formats.quantity(height_cm, 'cm', 4)} × "
        f"{formats.quantity(weight_kg, 'kg', 4)} / 3600) = {formats.number(exact, 4)} m² "
        f"-> {formats.number(rounded, 2)} m² (rounded to 0.01 m²)"
    )
    return rounded, step
