"""What the engine says an administration should have billed, cached on its inputs.

A quarter of billing repeats a few hundred dose shapes (the same code, product, vial
size and amount), so each distinct shape is parsed and calculated once. The cache is
bounded; an export of all-different doses costs one calculation each, never memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from core.audit.lines import DoseFacts
from core.calculation import calculate
from core.calculation_models import CalculationResult
from core.dose_input import DoseForm, DoseInputError, build_request
from core.errors import InputError
from core.ndc import parse_ndc

CACHE_SIZE = 65_536

#: Claim lines as (modifiers, units), in order: what a correctly billed line set looks like.
Signature = tuple[tuple[tuple[str, ...], int], ...]


@dataclass(frozen=True, slots=True)
class Expected:
    result: CalculationResult
    #: Billed lines with exactly this signature need no further check (but the NDC's).
    signature: Signature


@lru_cache(maxsize=CACHE_SIZE)
def _calculate(
    hcpcs: str,
    payer: str,
    setting: str,
    product: str,
    concentration: str,
    vial_size: str,
    vials_opened: str,
    multi_dose: bool | None,
    administered: str,
) -> Expected | str:
    """The result, or the reason the engine refuses the inputs (as text)."""
    form = DoseForm(
        code=hcpcs,
        payer=payer,
        setting=setting,
        product=product,
        concentration=concentration,
        vial_size=vial_size,
        vials=vials_opened,
        multi_dose=multi_dose,
        # The audit checks what was given: the dose ordered is not in a billing export.
        dose_ordered=administered,
        administered=administered,
    )
    try:
        result = calculate(build_request(form))
    except DoseInputError as errors:
        return "; ".join(str(error) for error in errors.errors.values())
    except InputError as error:
        return str(error)
    signature = tuple((line.modifiers, line.units) for line in result.claim_lines)
    return Expected(result, signature)


def expected(dose: DoseFacts) -> Expected | str:
    """The engine's result for the administration, or why it cannot be calculated."""
    payer, setting, hcpcs, _ndc, product, concentration, size, vials, multi, given = dose.values
    return _calculate(hcpcs, payer, setting, product, concentration, size, vials, multi, given)


@lru_cache(maxsize=CACHE_SIZE)
def ndc11(text: str) -> str | None:
    """The 11-digit billing NDC, or None when ``text`` is not an NDC."""
    try:
        return parse_ndc(text).billing
    except InputError:
        return None


def cache_info() -> str:
    info = _calculate.cache_info()
    return f"{info.hits:,} hits, {info.misses:,} calculations"
