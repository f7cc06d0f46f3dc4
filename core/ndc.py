"""National Drug Codes: parsing the label's hyphenated form, and the claim's 11-digit form.

Claims carry the NDC in 5-4-2 form without hyphens after the qualifier ``N4``. A
10-digit NDC gets one leading zero on its short segment (4-4-2, 5-3-2, 5-4-1). A bare
10-digit string is ambiguous (which segment is short?), so it is refused. The type keeps
the label's segments, so the 12-digit 6-4-2 form planned by the FDA fits without change.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from core import formats
from core.errors import InputError
from core.values import Value

FIELD = "NDC"

# Segment lengths of a hyphenated label NDC -> the 5-4-2 billing widths it pads to.
_LABEL_FORMS: dict[tuple[int, ...], tuple[int, ...]] = {
    (4, 4, 2): (5, 4, 2),
    (5, 3, 2): (5, 4, 2),
    (5, 4, 1): (5, 4, 2),
    (5, 4, 2): (5, 4, 2),
    (6, 4, 2): (6, 4, 2),
}

# NDC quantities carry a unit qualifier (ML, UN, GR, ME, F2); the products billed here
# are liquids measured in mL, so claims use ML.


class Ndc(Value, frozen=True, kw_only=True):
    """An NDC as its label segments, e.g. ``("0002", "7597", "01")``."""

    segments: tuple[str, ...]

    @property
    def label(self) -> str:
        """As printed on the carton: ``0002-7597-01``."""
        return "-".join(self.segments)

    @property
    def billing(self) -> str:
        """Claim form, padded and without hyphens: ``00002759701``."""
        widths = _LABEL_FORMS[tuple(len(s) for s in self.segments)]
        return "".join(s.zfill(w) for s, w in zip(self.segments, widths, strict=True))

    def __str__(self) -> str:
        return self.billing


def parse_ndc(text: str, field: str = FIELD) -> Ndc:
    """``0002-7597-01`` (10 digits, hyphenated) or 11 digits with or without hyphens."""
    stripped = text.strip()
    if not stripped:
        raise InputError(field, "is empty")
    if re.fullmatch(r"[0-9]{11}", stripped):
        return Ndc(segments=(stripped[:5], stripped[5:9], stripped[9:]))
    if re.fullmatch(r"[0-9]{10}", stripped):
        raise InputError(
            field,
            f"'{stripped}' has 10 digits without hyphens, which is ambiguous; "
            "enter it as printed on the label, e.g. 0002-7597-01",
        )
    if not re.fullmatch(r"[0-9]+(-[0-9]+){2}", stripped):
        raise InputError(field, f"'{stripped}' is not an NDC such as 0002-7597-01")
    segments = tuple(stripped.split("-"))
    if tuple(len(s) for s in segments) not in _LABEL_FORMS:
        raise InputError(field, f"'{stripped}' is not a 4-4-2, 5-3-2, 5-4-1 or 5-4-2 NDC")
    return Ndc(segments=segments)


def ndc_quantity(amount: Decimal) -> Decimal:
    """An NDC quantity carries at most 3 decimals."""
    return amount.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP).normalize()


#: NDC unit qualifiers by the amount's unit: milliliter, milligram, unit.
NDC_QUALIFIERS = {"mL": "ML", "mg": "ME", "units": "UN"}


def ndc_claim_segment(ndc: Ndc, amount: Decimal, unit: str = "mL") -> str:
    """The claim's drug identification: ``N400002759701ML12`` (``ME`` for an amount in
    mg, ``UN`` in units)."""
    return f"N4{ndc.billing}{NDC_QUALIFIERS[unit]}{formats.plain(ndc_quantity(amount))}"
