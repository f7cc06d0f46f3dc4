"""Small pricing and crosswalk sources for the audit tests, and a CSV writer."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from core.audit.template import FIELDS


class FakePricing:
    """J1410 at $10.50 a unit in 2026 Q3 and $11 from Q4; J1459 at $80.125."""

    def payment_per_unit(self, code: str, service_date: date, payer: str) -> Decimal | None:
        if code == "J1410":
            return Decimal("11") if service_date >= date(2026, 10, 1) else Decimal("10.50")
        if code == "J1459":
            return Decimal("80.125")
        return None


class FakeCrosswalk:
    """NDC 00002759701 bills under J1569 only; nothing else is known."""

    def codes_for_ndc(self, ndc11: str, service_date: date) -> frozenset[str] | None:
        return frozenset({"J1569"}) if ndc11 == "00002759701" else None

    def has_ndc(self, ndc11: str) -> bool:
        return ndc11 == "00002759701"


def line(admin: str, units: int, modifiers: str = "", **facts: str) -> dict[str, str]:
    """One template row: 12 mL of J1410 from 2 × 10 mL single-dose vials unless told."""
    row = {
        "administration_id": admin,
        "service_date": "2026-07-14",
        "payer": "medicare",
        "setting": "outpatient",
        "hcpcs": "J1410",
        "modifiers": modifiers,
        "billed_units": str(units),
        "ndc": "",
        "product": "",
        "concentration": "10%",
        "vial_size": "10 mL",
        "vials_opened": "2",
        "multi_dose": "no",
        "administered": "12 mL",
    }
    row.update(facts)
    return row


def write_csv(
    path: Path,
    rows: list[dict[str, str]],
    delimiter: str = ",",
    encoding: str = "utf-8",
    header: dict[str, str] | None = None,
) -> Path:
    """Rows as a CSV file; ``header`` renames template fields (a real export's names)."""
    names = [(header or {}).get(field, field) for field in FIELDS]
    lines = [delimiter.join(names)]
    lines += [delimiter.join(row[field] for field in FIELDS) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path
