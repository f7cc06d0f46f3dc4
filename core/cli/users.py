"""`main.py users add|list|disable|set-pin`: the people who sign worksheets.

The first account of a site is its administrator (``users add NAME --role admin``,
allowed while there is no account at all); afterwards adding, disabling and setting
another's PIN need an administrator's PIN (``--admin NAME``). Everyone may change their
own PIN with their current one.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import print_json
from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.accounts import AccountStore
    from core.cli import SubParsers
    from core.site import Site


def open_accounts(site: Site) -> AccountStore:
    """The accounts of the site's database; its problems as one line (exit 2)."""
    from core.accounts import AccountsUnavailableError

    try:
        return site.open_accounts()
    except AccountsUnavailableError as error:
        raise InputError("database", str(error)) from None
    except OSError as error:
        raise InputError(
            "data directory", f"cannot use {error.filename} ({error.strerror})"
        ) from None


def _as_admin(args: argparse.Namespace, store: AccountStore, reader: object) -> None:
    from core.accounts import Action, SigningError
    from core.cli.pins import PinReader

    assert isinstance(reader, PinReader)
    if not args.admin:
        raise InputError("admin", "give --admin NAME: an administrator signs this change")
    pin = reader.read(f"PIN of {args.admin}")
    try:
        store.authenticate(args.admin, pin, Action.MANAGE_USERS)
    except SigningError as error:
        raise InputError("admin", str(error)) from None


def run_add(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import AccountError
    from core.cli.pins import PinReader

    reader = PinReader(args.pin_stdin)
    with open_accounts(site) as store:
        first = store.is_empty()
        if not first:
            _as_admin(args, store, reader)
        elif args.role != "admin":
            raise InputError(
                "role", "the first account of a site is its administrator: use --role admin"
            )
        pin = reader.read(f"new PIN for {args.name}", confirm=True)
        try:
            account = store.add(args.name, args.role, pin, full_name=args.full_name or "")
        except AccountError as error:
            raise InputError("users", str(error)) from None
    note = " (the site's first account: its administrator)" if first else ""
    print(printable(f"Added {account.name} ({account.role.value}){note}"))
    return 0


def run_list(args: argparse.Namespace, site: Site) -> int:
    with open_accounts(site) as store:
        accounts = store.all()
    if args.json:
        print_json([a.model_dump(mode="json") for a in accounts])
        return 0
    if not accounts:
        print("No accounts yet: add the administrator with `main.py users add NAME --role admin`")
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    for a in accounts:
        state = "active" if a.active else "disabled"
        if a.active and a.locked_until is not None and a.locked_until > now:
            state = f"locked until {a.locked_until:%H:%M} UTC"
        print(printable(f"{a.name}  {a.role.value}  {state}  {a.full_name}".rstrip()))
    return 0


def run_disable(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import AccountError
    from core.cli.pins import PinReader

    with open_accounts(site) as store:
        _as_admin(args, store, PinReader(args.pin_stdin))
        try:
            account = store.disable(args.name)
        except AccountError as error:
            raise InputError("users", str(error)) from None
    print(printable(f"Disabled {account.name}"))
    return 0


def run_set_pin(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import AccountError, SigningError
    from core.cli.pins import PinReader

    reader = PinReader(args.pin_stdin)
    with open_accounts(site) as store:
        if args.admin:
            _as_admin(args, store, reader)
        else:
            try:
                store.authenticate(args.name, reader.read(f"current PIN of {args.name}"))
            except SigningError as error:
                raise InputError("PIN", str(error)) from None
        pin = reader.read(f"new PIN for {args.name}", confirm=True)
        try:
            store.set_pin(args.name, pin)
        except AccountError as error:
            raise InputError("PIN", str(error)) from None
    print(printable(f"PIN of {args.name} changed"))
    return 0


def run_log(args: argparse.Namespace, site: Site) -> int:
    """The PIN attempt log (who, when, for what, outcome; never a PIN), admin only."""
    from core.cli.pins import PinReader

    with open_accounts(site) as store:
        _as_admin(args, store, PinReader(args.pin_stdin))
        attempts = store.attempts(args.name)
    if args.json:
        keys = ("account", "at", "action", "outcome")
        print_json([dict(zip(keys, attempt, strict=True)) for attempt in attempts])
        return 0
    for name, at, action, outcome in attempts:
        print(printable(f"{at}  {name}  {action}  {outcome}"))
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    users = subparsers.add_parser("users", help="accounts of the people who sign worksheets")
    commands = users.add_subparsers(dest="users_command", required=True)

    def common(parser: argparse.ArgumentParser, *, admin: bool) -> None:
        if admin:
            parser.add_argument("--admin", help="the administrator signing this change")
        parser.add_argument(
            "--pin-stdin",
            action="store_true",
            help="read the PINs from standard input, one per line (admin's first)",
        )
        add_data_dir_option(parser)

    add = commands.add_parser("add", help="add an account (the first one: the admin)")
    add.add_argument("name", help="login name, e.g. jkim")
    add.add_argument(
        "--role", required=True, choices=("technician", "nurse", "pharmacist", "admin")
    )
    add.add_argument("--full-name", help="the name printed on worksheets, e.g. 'J. Kim, RN'")
    common(add, admin=True)
    add.set_defaults(run=run_add)

    listing = commands.add_parser("list", help="list the accounts")
    listing.add_argument("--json", action="store_true", help="print a JSON list")
    add_data_dir_option(listing)
    listing.set_defaults(run=run_list)

    disable = commands.add_parser("disable", help="disable an account (it signs no more)")
    disable.add_argument("name")
    common(disable, admin=True)
    disable.set_defaults(run=run_disable)

    set_pin = commands.add_parser(
        "set-pin", help="a new PIN (your current PIN, or --admin's; clears a lock-out)"
    )
    set_pin.add_argument("name")
    common(set_pin, admin=True)
    set_pin.set_defaults(run=run_set_pin)

    log = commands.add_parser("log", help="every PIN attempt: account, time, outcome (admin)")
    log.add_argument("--name", default=None, help="only this account")
    log.add_argument("--json", action="store_true", help="print a JSON list")
    common(log, admin=True)
    log.set_defaults(run=run_log)
