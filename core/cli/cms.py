"""`main.py cms import|status|lookup`: the CMS quarterly ASP pricing file and NDC-HCPCS
crosswalk, kept in the reference database of the data directory."""

from __future__ import annotations

import argparse
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli import say_error
from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site

EXIT_REFUSED = 2
#: Unusable rows listed per file; the rest are counted.
_LISTED_ROWS = 20


def data_dir(site: Site) -> Path:
    """The site's data directory (created if missing), or InputError naming it."""
    try:
        return site.ensure_data_dir()
    except OSError as error:
        raise InputError("data directory", f"cannot be used ({error})") from None


def _rows(count: int) -> str:
    return f"{count:,} row" if count == 1 else f"{count:,} rows"


def _progress(done: int, total: int, name: str) -> None:
    if name:
        print(f"[{done + 1}/{total}] {printable(name)}", flush=True)


def run_import(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import Action
    from core.cli.signing import authorize
    from core.cms.importer import import_files
    from core.cms.quarters import parse_quarter

    quarter = parse_quarter(args.quarter, "--quarter") if args.quarter else None
    authorize(args, site, Action.IMPORT_CMS)  # a site with accounts: a pharmacist or admin
    report = import_files([Path(p) for p in args.files], site, quarter, _progress)
    for outcome in report.imported:
        what = {
            "imported": "imported",
            "replaced": "imported, replacing the file held for that quarter",
            "unchanged": "already imported; nothing changed",
        }[outcome.status]
        print(
            f"{printable(outcome.name)}: {outcome.kind.value} {outcome.quarter}, "
            f"{outcome.rows:,} rows {what}; {_rows(len(outcome.unusable))} not usable"
        )
        for row, reason in outcome.unusable[:_LISTED_ROWS]:
            print(f"  row {row}: {printable(reason)}")
        if len(outcome.unusable) > _LISTED_ROWS:
            print(f"  ... and {len(outcome.unusable) - _LISTED_ROWS} more")
    for error in report.refused:
        say_error(str(error))
    return EXIT_REFUSED if report.refused else 0


def run_status(args: argparse.Namespace, site: Site) -> int:
    store = site.open_reference_store() if site.has_reference_data() else None
    if store is None:
        print("No CMS files imported. Import them with `main.py cms import FILE...`.")
        return 0
    today = date.today()
    with store:
        held = store.quarters()
        schedules = store.fee_schedules()
        in_use = store.quarter_in_use(today)
    if not held:
        print("No CMS files imported.")
    for quarter in held:
        print(
            f"{quarter.quarter}  {quarter.kind:<9}  {quarter.start} to {quarter.end}  "
            f"{quarter.rows:,} rows ({quarter.unusable} not usable)  "
            f"{printable(quarter.file_name)}"
        )
    for payer, name, rows in schedules:
        print(f"fee schedule  {printable(payer)}  {rows:,} rows  {printable(name)}")
    if in_use is not None:
        covering = any(q.kind == "pricing" and q.start <= today <= q.end for q in held)
        note = "" if covering else " (no file covers today: out of date)"
        print(f"Pricing for today ({today.isoformat()}): {in_use}{note}")
    return 0


def run_lookup(args: argparse.Namespace, site: Site) -> int:
    from core.cms.parse import parse_code
    from core.ndc import parse_ndc
    from core.pricing import dollars, ndc_label

    if bool(args.ndc) == bool(args.code):
        raise InputError("lookup", "give one of --ndc NDC or --code CODE")
    store = site.open_reference_store() if site.has_reference_data() else None
    if store is None:
        raise InputError("lookup", "no CMS files imported; run `main.py cms import FILE...`")
    with store:
        if args.code:
            code = parse_code(args.code)
            if code is None:
                raise InputError("--code", f"'{printable(args.code[:20])}' is not a HCPCS code")
            prices = store.pricing_rows(code)
            rows = store.crosswalk_rows("code", code)
        else:
            ndc11 = parse_ndc(args.ndc, "--ndc").billing
            prices = []
            rows = store.crosswalk_rows("ndc11", ndc11)
        codes = sorted({row[2] for row in rows})
        if args.ndc:
            for code in codes:
                prices += store.pricing_rows(code)
    if not prices and not rows:
        print("Not in the imported CMS files.")
        return 0
    for quarter, description, dosage, limit in prices:
        amount = dollars(Decimal(limit)) if limit else "no payment limit"
        print(
            f"{quarter}  pricing    {printable(description)}  per {printable(dosage)}  "
            f"{amount} per unit"
        )
    for quarter, ndc11, code, labeler, drug, size, qty, _units, per_pkg, _dosage in rows:
        print(
            f"{quarter}  crosswalk  NDC {ndc_label(ndc11)} -> {code}  {printable(drug)}  "
            f"{printable(labeler)}  package {printable(size)} x {printable(qty)}  "
            f"{printable(per_pkg) or '?'} billing units per package"
        )
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    from core.cli.signing import add_by_options

    parser = subparsers.add_parser(
        "cms", help="CMS ASP pricing files and NDC-HCPCS crosswalks (import, status, lookup)"
    )
    commands = parser.add_subparsers(dest="cms_command", required=True)
    imp = commands.add_parser("import", help="import CMS files (ZIP or CSV), each all or nothing")
    imp.add_argument("files", nargs="+", metavar="FILE")
    imp.add_argument("--quarter", help="e.g. 2026Q1, when the file's preamble names none")
    add_data_dir_option(imp)
    add_by_options(imp)
    imp.set_defaults(run=run_import)
    status = commands.add_parser("status", help="the quarters held and their row counts")
    add_data_dir_option(status)
    status.set_defaults(run=run_status)
    lookup = commands.add_parser("lookup", help="what the imported files say")
    lookup.add_argument("--ndc", help="an NDC, e.g. 00944-2700-02")
    lookup.add_argument("--code", help="a HCPCS code, e.g. J1459")
    add_data_dir_option(lookup)
    lookup.set_defaults(run=run_lookup)
