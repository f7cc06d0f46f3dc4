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
    from itertools import islice

    from core.accounts import Action
    from core.cli.signing import authorize
    from core.cms.fees import parse_fee_schedule
    from core.cms.files import read_texts
    from core.cms.store import file_digest
    from core.errors import InputError

    payer = site.payers.get(args.payer, "payer")
    authorize(args, site, Action.IMPORT_FEES)  # a site with accounts: a pharmacist or admin
    path = Path(args.file)
    try:
        texts = list(islice(read_texts(path), 2))
        if len(texts) != 1:
            raise InputError(str(path), "holds more than one CSV; give the fee schedule alone")
        rows = parse_fee_schedule(texts[0])
    except InputError as error:
        # Names inside a ZIP come from the file: escaped like any file text.
        raise InputError(printable(error.field), printable(error.message)) from None
    with site.open_reference_store() as store:
        status = store.set_fee_schedule(payer.id, texts[0].name, file_digest(texts[0].text), rows)
    what = {
        "imported": "imported",
        "replaced": "imported, replacing the payer's previous schedule",
        "unchanged": "already imported; nothing changed",
    }[status]
    print(f"{printable(texts[0].name)}: {payer.name} fee schedule, {len(rows):,} rates {what}")
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
