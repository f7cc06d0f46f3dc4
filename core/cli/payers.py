"""`main.py payers import-fees PAYER FILE`: a payer's fee schedule, which prices that
payer's claim lines instead of the CMS ASP payment limits."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from core.cli.calc import add_data_dir_option
from core.terminal import printable

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site


def run_import_fees(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import Action
    from core.cli.signing import authorize
    from core.cms.importer import import_fee_schedule

    payer = site.payers.get(args.payer, "payer")
    authorize(args, site, Action.IMPORT_FEES)  # a site with accounts: a pharmacist or admin
    done = import_fee_schedule(Path(args.file), site, payer.id)
    what = {
        "imported": "imported",
        "replaced": "imported, replacing the payer's previous schedule",
        "unchanged": "already imported; nothing changed",
    }[done.status]
    print(f"{printable(done.name)}: {payer.name} fee schedule, {done.rates:,} rates {what}")
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    from core.cli.signing import add_by_options

    parser = subparsers.add_parser("payers", help="payer fee schedules")
    commands = parser.add_subparsers(dest="payers_command", required=True)
    fees = commands.add_parser(
        "import-fees",
        help="import a payer's fee schedule (CSV: code, rate per unit, effective from, to)",
    )
    fees.add_argument("payer", metavar="PAYER", help="payer profile, e.g. commercial")
    fees.add_argument("file", metavar="FILE")
    add_data_dir_option(fees)
    add_by_options(fees)
    fees.set_defaults(run=run_import_fees)
