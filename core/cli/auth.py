"""`main.py auth add|list`: prior authorizations, recorded once, used up by worksheets."""

from __future__ import annotations

import argparse
import json
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from core import formats
from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.authorizations import Authorization
    from core.cli import SubParsers
    from core.site import Site

#: More than any course of immune globulin; larger is a typing error.
MAX_AMOUNT = Decimal(100_000)


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            field, f"'{printable(text[:40])}' is not a date such as 2026-11-01"
        ) from None


def _amount(args: argparse.Namespace) -> tuple[Decimal, str]:
    from core.quantities import parse_number

    for measure in ("units", "grams", "infusions"):
        text = getattr(args, measure)
        if text is None:
            continue
        value = parse_number(text, measure)
        if value <= 0 or value > MAX_AMOUNT:
            raise InputError(
                measure, f"must be more than 0 and at most {formats.number(MAX_AMOUNT)}"
            )
        if measure != "grams" and value != value.to_integral_value():
            raise InputError(measure, "must be a whole number")
        return value, measure
    raise InputError("amount", "give --units, --grams or --infusions")


def authorization_from_args(args: argparse.Namespace, site: Site) -> Authorization:
    from pydantic import ValidationError

    from core.authorizations import Authorization

    payer = site.payers.get(args.payer, "payer")
    code = site.catalog.code(args.code, "code")
    amount, measure = _amount(args)
    try:
        return Authorization(
            number=args.number.strip(),
            payer=payer.id,
            code=code.hcpcs,
            starts=_date(args.starts, "from"),
            ends=_date(args.ends, "to"),
            amount=amount,
            measure=measure,
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "authorization"
        raise InputError(where, first["msg"]) from None


def run_add(args: argparse.Namespace, site: Site) -> int:
    auth = authorization_from_args(args, site)
    with site.open_authorizations() as store:
        store.add(auth)
    print(
        f"Recorded prior authorization {auth.number}: {auth.code}, {auth.payer}, "
        f"{auth.starts.isoformat()} to {auth.ends.isoformat()}, {auth.amount_text()}"
    )
    return 0


def run_list(args: argparse.Namespace, site: Site) -> int:
    with site.open_authorizations() as store:
        rows = [(auth, store.used(auth.number)) for auth in store.list()]
    if args.json:
        print(
            json.dumps(
                [
                    {**auth.model_dump(mode="json"), "used": formats.plain(used)}
                    for auth, used in rows
                ]
            )
        )
        return 0
    if not rows:
        print("No prior authorizations recorded.")
    for auth, used in rows:
        print(
            printable(
                f"{auth.number}  {auth.code}  {auth.payer}  {auth.starts.isoformat()} to "
                f"{auth.ends.isoformat()}  {auth.amount_text(used)} used of {auth.amount_text()}"
            )
        )
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser("auth", help="prior authorizations: add, list")
    commands = parser.add_subparsers(dest="auth_command", required=True)
    add = commands.add_parser("add", help="record a prior authorization")
    add.add_argument("number", help="the authorization number, as the payer gave it")
    add.add_argument("--payer", required=True, help="payer profile, e.g. commercial")
    add.add_argument("--code", required=True, help="HCPCS code authorized, e.g. J1459")
    add.add_argument("--from", dest="starts", required=True, help="first day, YYYY-MM-DD")
    add.add_argument("--to", dest="ends", required=True, help="last day, YYYY-MM-DD")
    amount = add.add_mutually_exclusive_group(required=True)
    amount.add_argument("--units", help="billing units authorized")
    amount.add_argument("--grams", help="grams authorized")
    amount.add_argument("--infusions", help="infusions authorized")
    add_data_dir_option(add)
    add.set_defaults(run=run_add)
    listing = commands.add_parser("list", help="the recorded authorizations and their use")
    listing.add_argument("--json", action="store_true", help="print one JSON array")
    add_data_dir_option(listing)
    listing.set_defaults(run=run_list)
