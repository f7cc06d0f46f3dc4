"""The audit's own CSV template and the column mapping from a real export onto it.

An export names its columns its own way ("Proc Code", "Units Billed"); a mapping says
which header holds each template field. Without a mapping a header is matched to a
field by name, ignoring case, spaces and underscores.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.errors import InputError

#: The template's fields, in template order.
FIELDS: tuple[str, ...] = (
    "administration_id",
    "service_date",
    "payer",
    "setting",
    "hcpcs",
    "modifiers",
    "billed_units",
    "ndc",
    "product",
    "concentration",
    "vial_size",
    "vials_opened",
    "multi_dose",
    "administered",
)

#: Fields every export must have a column for; the others may be absent (empty).
REQUIRED: tuple[str, ...] = (
    "administration_id",
    "service_date",
    "hcpcs",
    "modifiers",
    "billed_units",
    "administered",
)

#: ``main.py audit --template``: the header and two example administrations (12 mL of
#: J1410 from two 10 mL vials billed right; 280 mL of Privigen with the JW line missing).
TEMPLATE = (
    ",".join(FIELDS)
    + "\n"
    + "A-1001,2026-07-14,medicare,outpatient,J1410,,3,,,10%,10 mL,2,no,12 mL\n"
    + "A-1001,2026-07-14,medicare,outpatient,J1410,JW,1,,,10%,10 mL,2,no,12 mL\n"
    + "A-1002,2026-07-15,medicare,outpatient,J1459,,56,0002-7597-01,Privigen,,,,,280 mL\n"
)

_MAX_MAPPING_BYTES = 100_000


def _key(name: str) -> str:
    return "".join(name.split()).replace("_", "").replace("-", "").casefold()


def parse_map_option(text: str) -> tuple[str, str]:
    """``hcpcs=Proc Code`` (from ``--map``) -> ("hcpcs", "Proc Code")."""
    field, sep, header = text.partition("=")
    field = field.strip()
    if not sep or not header.strip():
        raise InputError("map", f'\'{text}\' is not FIELD="Header", e.g. hcpcs="Proc Code"')
    check_field(field, "map")
    return field, header.strip()


def check_field(field: str, option: str) -> None:
    if field not in FIELDS:
        raise InputError(option, f"'{field}' is not a template field; fields: {', '.join(FIELDS)}")


def load_mapping(path: Path) -> dict[str, str]:
    """A JSON object field -> header, e.g. ``{"hcpcs": "Proc Code"}``."""
    try:
        with path.open("rb") as file:
            data = file.read(_MAX_MAPPING_BYTES + 1)
    except OSError as error:
        raise InputError("mapping", f"cannot read {path} ({error.strerror})") from None
    if len(data) > _MAX_MAPPING_BYTES:
        raise InputError("mapping", f"{path} is larger than 100 kB; it should be a small object")
    try:
        loaded = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise InputError("mapping", f"{path} is not valid UTF-8 JSON") from None
    if not isinstance(loaded, dict) or not all(
        isinstance(v, str) and v.strip() for v in loaded.values()
    ):
        raise InputError("mapping", 'must be a JSON object such as {"hcpcs": "Proc Code"}')
    for field in loaded:
        check_field(field, "mapping")
    return {field: header.strip() for field, header in loaded.items()}


def match_columns(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Template field -> column index, by ``mapping`` or else by name; unmatched left out."""
    by_name: dict[str, int] = {}
    for index, name in enumerate(header):
        by_name.setdefault(_key(name), index)
    found: dict[str, int] = {}
    for field in FIELDS:
        wanted = mapping.get(field)
        if wanted is not None:
            mapped = by_name.get(_key(wanted))
            if mapped is None:
                raise InputError("map", f"{field}: the header has no column '{wanted}'")
            found[field] = mapped
        elif _key(field) in by_name:
            found[field] = by_name[_key(field)]
    return found


def column_indexes(header: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """Template field -> column index in ``header``; a missing required field raises."""
    found = match_columns(header, mapping)
    missing = [field for field in REQUIRED if field not in found]
    if missing:
        raise InputError(
            "header",
            f"no column for {', '.join(missing)}; map one with --map "
            f'{missing[0]}="Header" (a header row is required)',
        )
    if "vial_size" not in found and "product" not in found:
        raise InputError(
            "header", 'no column for vial_size or product; map one with --map vial_size="Header"'
        )
    return found
