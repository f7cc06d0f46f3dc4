"""A code's dosage descriptor as the CMS files write it, read as an amount.

The ASP pricing file's "HCPCS Code Dosage" column says what one billing unit stands for:
``1 MG``, ``10MG``, ``0.5 MG``, ``1,000 IU``, ``1 UNIT``, ``PER 10 UNITS``, ``10 MCG``,
``5 ML``. Those are amounts the calculator can divide by. ``EA``, ``1 KIT``, ``1 VIAL`` or a
blank cell are not: ``descriptor_amount`` gives ``None`` for them, and the caller refuses
the code naming it and its descriptor.
"""

from __future__ import annotations

import re
from decimal import Decimal

from core.errors import InputError
from core.quantities import Quantity, Unit, parse_quantity

_DESCRIPTOR = re.compile(
    r"(?:PER\s+)?(?P<number>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]{1,9}(?:\.[0-9]{1,4})?)?"
    r"\s*(?P<word>[A-Z]+)\.?",
    re.IGNORECASE | re.ASCII,
)
#: The words the files use for each unit (IU is an amount in units: printed as units).
_WORDS = {
    "MG": Unit.MG,
    "G": Unit.G,
    "GM": Unit.G,
    "GRAM": Unit.G,
    "GRAMS": Unit.G,
    "MCG": Unit.MCG,
    "ML": Unit.ML,
    "CC": Unit.ML,
    "UNIT": Unit.UNITS,
    "UNITS": Unit.UNITS,
    "IU": Unit.UNITS,
}


def descriptor_amount(text: str) -> Quantity | None:
    """``10 MG`` as 10 mg, ``PER 10 UNITS`` as 10 units; ``None`` when the descriptor is
    not an amount (``EA``, ``1 KIT``, blank) or not one the calculator accepts (zero, or
    beyond its limits)."""
    match = _DESCRIPTOR.fullmatch(text.strip())
    if match is None:
        return None
    unit = _WORDS.get(match["word"].upper())
    if unit is None:
        return None
    number = Decimal(match["number"].replace(",", "")) if match["number"] else Decimal(1)
    try:  # the same limits as a typed amount: a descriptor of 0 would divide by zero
        return parse_quantity(f"{number} {unit.value}", "descriptor")
    except InputError:
        return None
