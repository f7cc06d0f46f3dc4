"""Compare what was billed for one administration with what the engine expects.

Each finding names its reason (an ID below), the rows it comes from, the expected and
the billed lines, and the dollars at stake: ``recoverable`` when the facility billed
less than it may (money left on the table), ``at_risk`` when it billed more than it may
or the claim is likely to be denied (a refund or a denial waiting to happen).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from core import formats
from core.audit.engine import Expectation
from core.audit.lines import BilledLine
from core.pricing import conflict_message, same_billing_unit
from core.quantities import Quantity
from core.reference import CrosswalkSource, DescriptorSource, PriceSource, PricingSource

#: Finding ID -> what it means, in the words of the report.
REASONS: dict[str, str] = {
    "missing-jw": "Billable waste not billed on a JW line",
    "jw-over-billed": "More JW units than the waste allows",
    "missing-jz": "JZ missing on a dose without billable waste",
    "jz-with-waste": "JZ billed although waste was billable",
    "jw-on-multi-dose": "JW billed on a multi-dose vial",
    "units-over-billed": "More units billed than administered",
    "units-under-billed": "Fewer units billed than administered",
    "ndc-code-mismatch": "The NDC does not bill under this code",
}

#: Administrations not audited, in the same report and CSV as the findings.
NOT_AUDITED: dict[str, str] = {
    "incomplete": "A line of the administration cannot be read: no finding, no dollars",
    "skipped-row": "A row that cannot be audited",
}

Kind = Literal["recoverable", "at_risk"]


@dataclass(frozen=True, slots=True)
class Finding:
    reason: str
    administration_id: str
    rows: tuple[int, ...]
    service_date: date
    payer: str
    hcpcs: str
    expected: tuple[str, ...]
    billed: tuple[str, ...]
    #: Billed minus expected, in billing units (0 when the finding is not about units).
    unit_difference: int
    kind: Kind
    #: Dollars at stake; None when no price is known for the code, date and payer.
    dollars: Decimal | None
    detail: str
    #: The export it comes from (its rows are that file's).
    source: str = ""

    @property
    def month(self) -> str:
        return self.service_date.strftime("%Y-%m")


class Checker:
    """Finds what is wrong with one administration, pricing it with the sources given."""

    def __init__(
        self,
        pricing: PricingSource,
        crosswalk: CrosswalkSource,
        descriptors: DescriptorSource | None = None,
    ) -> None:
        self.pricing = pricing
        self.crosswalk = crosswalk
        #: The CMS descriptors, to see where the file bills a code per another unit.
        self.descriptors = descriptors
        self._prices: dict[tuple[str, date, str], tuple[Decimal | None, str]] = {}
        #: The export being audited, named on each finding.
        self.source = ""
        #: ``warn(message, row)``: said once per message in the report, with a count.
        self.warn: Callable[[str, int], None] | None = None

    def price(self, hcpcs: str, when: date, payer: str, per: Quantity) -> Decimal | None:
        return self._price(hcpcs, when, payer, per)[0]

    def _price(
        self, hcpcs: str, when: date, payer: str, per: Quantity
    ) -> tuple[Decimal | None, str]:
        """The price per billing unit, and why none when the CMS file's is withheld."""
        key = (hcpcs, when, payer)
        if key not in self._prices:
            if len(self._prices) > 100_000:
                self._prices.clear()
            self._prices[key] = self._ask(hcpcs, when, payer, per)
        return self._prices[key]

    def _ask(self, hcpcs: str, when: date, payer: str, per: Quantity) -> tuple[Decimal | None, str]:
        per_unit = self.pricing.payment_per_unit(hcpcs, when, payer)
        if per_unit is None or self.descriptors is None:
            return per_unit, ""
        cms = self.descriptors.code_dosage(hcpcs, when)
        if cms is None or not cms.dosage or same_billing_unit(per, cms):
            return per_unit, ""
        # The file bills the code per another unit (J1410: 25 MG; the catalog 5 mL): its
        # limit is never multiplied by our units, as the calculator withholds it. A
        # payer's fee schedule is per our unit.
        if isinstance(self.pricing, PriceSource):
            price = self.pricing.price(hcpcs, when, payer)
            if price is not None and price.schedule is not None:
                return per_unit, ""
        message = conflict_message(hcpcs, per, cms).removesuffix(".")
        return None, f"{message}; its findings have no CMS dollars (the limit is per another unit)"

    def check(
        self,
        administration_id: str,
        service_date: date,
        lines: list[BilledLine],
        result: Expectation,
        ndcs: list[str | None],
    ) -> list[Finding]:
        """Findings for ``lines`` against ``result``; ``ndcs`` is each line's 11-digit NDC."""
        waste_lines = [line for line in lines if "JW" in line.modifiers]
        dose_lines = [line for line in lines if "JW" not in line.modifiers]
        billed_dose = sum(line.units for line in dose_lines)
        billed_waste = sum(line.units for line in waste_lines)
        has_jz = any("JZ" in line.modifiers for line in lines)
        payer = result.payer
        price, withheld = self._price(result.code, service_date, payer, result.per)
        found: list[tuple[str, int, Kind, int, str]] = []  # reason, diff, kind, units, why

        difference = billed_dose - result.units_administered
        if difference:
            reason = "units-over-billed" if difference > 0 else "units-under-billed"
            kind: Kind = "at_risk" if difference > 0 else "recoverable"
            found.append(
                (
                    reason,
                    difference,
                    kind,
                    abs(difference),
                    f"{formats.units(billed_dose)} billed for the dose; the engine bills "
                    f"{result.units_administered}",
                )
            )
        if result.multi_dose and billed_waste:
            found.append(
                (
                    "jw-on-multi-dose",
                    billed_waste,
                    "at_risk",
                    billed_waste,
                    f"{formats.units(billed_waste)} with JW on a multi-dose vial, whose "
                    "waste is never billed",
                )
            )
        elif billed_waste > result.units_wasted:
            extra = billed_waste - result.units_wasted
            found.append(
                (
                    "jw-over-billed",
                    extra,
                    "at_risk",
                    extra,
                    f"{formats.units(billed_waste)} billed with JW; the labeled amount opened "
                    f"allows {result.units_wasted}",
                )
            )
        elif billed_waste < result.units_wasted:
            short = result.units_wasted - billed_waste
            found.append(
                (
                    "missing-jw",
                    -short,
                    "recoverable",
                    short,
                    f"{formats.units(result.units_wasted)} of billable waste; {billed_waste} "
                    "billed with JW",
                )
            )
        if result.jz and not has_jz:
            found.append(
                (
                    "missing-jz",
                    0,
                    "at_risk",
                    billed_dose,
                    "no billable waste, and the dose line has no JZ: it may be returned "
                    "unprocessed",
                )
            )
        if has_jz and result.units_wasted:
            found.append(
                (
                    "jz-with-waste",
                    0,
                    "at_risk",
                    0,
                    "JZ says nothing was wasted, but "
                    f"{formats.units(result.units_wasted)} of waste can be billed "
                    "(their dollars are under missing-jw)",
                )
            )
        wrong: dict[str, tuple[str, int]] = {}  # NDC -> (its codes, units of its lines)
        for line, ndc11 in zip(lines, ndcs, strict=True):
            if ndc11 is None:
                continue
            codes = self.crosswalk.codes_for_ndc(ndc11, service_date)
            if codes is not None and result.code not in codes:
                listed, units = wrong.get(ndc11, (", ".join(sorted(codes)) or "no code", 0))
                wrong[ndc11] = (listed, units + line.units)
        if wrong:
            found.append(
                (
                    "ndc-code-mismatch",
                    0,
                    "at_risk",
                    sum(units for _, units in wrong.values()),
                    "; ".join(
                        f"NDC {ndc} bills under {listed}, not {result.code}"
                        for ndc, (listed, _) in wrong.items()
                    ),
                )
            )
        if not found:
            return []
        if withheld and self.warn is not None:
            self.warn(withheld, lines[0].row)
        rows = tuple(line.row for line in lines)
        expected = result.billed
        billed = tuple(line.billed(result.code) for line in lines)
        return [
            Finding(
                reason=reason,
                administration_id=administration_id,
                rows=rows,
                service_date=service_date,
                payer=payer,
                hcpcs=result.code,
                expected=expected,
                billed=billed,
                unit_difference=difference,
                kind=kind,
                dollars=None if price is None else price * units,
                detail=detail,
                source=self.source,
            )
            for reason, difference, kind, units, detail in found
        ]
