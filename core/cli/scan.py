"""`main.py scan STRING`: what a package's GS1 code says (GTIN, NDC, lot, expiry, serial).

The 11-digit NDC is given only when the project knows which form the 10-digit NDC has;
otherwise ``ndc`` is null and ``ndc_candidates`` lists the forms to pick from.
"""

from __future__ import annotations

import argparse
import json
from datetime import datetime
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site


def _at(text: str | None) -> datetime:
    if text is None:
        return datetime.now()
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        shown = printable(text[:40])
        raise InputError(
            "at", f"'{shown}' is not a date and time such as 2026-11-29T09:30"
        ) from None


def run(args: argparse.Namespace, site: Site) -> int:
    from core.documentation import is_expired
    from core.gs1 import parse_scan
    from core.scan_lookup import known_in_project
    from core.vial_scan import resolve_ndc

    at = _at(args.at)
    scan = parse_scan(args.string, separator=args.separator)
    ndc10 = scan.ndc10
    resolution = None
    if ndc10 is not None:
        resolution = resolve_ndc(ndc10, known_in_project(site))
    expired = is_expired(scan.expiry, at.date(), args.expiring_today_blocks)
    if args.json:
        resolved = resolution.ndc if resolution else None
        print(
            json.dumps(
                {
                    "gtin": scan.gtin,
                    "ndc": resolved.billing if resolved else None,
                    "ndc_candidates": [c.billing for c in resolution.candidates]
                    if resolution
                    else [],
                    "lot": scan.lot,
                    "expiry": scan.expiry.isoformat() if scan.expiry else None,
                    "serial": scan.serial,
                    "expired": expired,
                }
            )
        )
        return 0
    expiry = scan.expiry.isoformat() if scan.expiry else "not in the code"
    if expired:
        expiry += f" (EXPIRED at {at:%Y-%m-%d %H:%M})"
    lines = [
        f"GTIN    {scan.gtin}",
        f"NDC     {resolution.describe() if resolution else 'none (not an NDC-labeled GTIN)'}",
        f"Lot     {printable(scan.lot) or 'not in the code'}",
        f"Expiry  {expiry}",
        f"Serial  {printable(scan.serial) or 'not in the code'}",
    ]
    print("\n".join(lines))
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="read a package's GS1 DataMatrix (GTIN, NDC, lot, expiry, serial)",
        description="Read the GS1 code a scanner typed or a person pasted.",
    )
    parser.add_argument("string", help="the scanned code, e.g. ']d2010034415101234617270131...'")
    parser.add_argument("--at", help="when the vial is used (expiry check); default now")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument(
        "--separator", default="", help="the character the scanner sends for GS, e.g. '|'"
    )
    parser.add_argument(
        "--expiring-today-blocks",
        action="store_true",
        help="a vial expiring on the day counts as expired (facility setting)",
    )
    add_data_dir_option(parser)
    parser.set_defaults(run=run)
