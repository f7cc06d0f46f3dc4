"""`main.py users add|list|disable|set-pin`: the people who sign worksheets.

The first account of a site is its administrator (``users add NAME --role admin``,
allowed while there is no account at all); afterwards adding, disabling, enabling,
another role and setting another's PIN need an administrator's PIN (``--admin NAME``).
Everyone may change their own PIN with their current one. The rules are
``core.accounts.managing``'s, which Tools > Accounts in the window asks too.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.cli import print_json
from core.cli.calc import add_data_dir_option
from core.errors import InputError
from core.terminal import printable

if TYPE_CHECKING:
    from core.accounts import Account, AccountStore
    from core.cli import SubParsers
    from core.cli.pins import PinReader
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


def _as_admin(args: argparse.Namespace, store: AccountStore, reader: PinReader) -> Account:
    from core.accounts import SigningError
    from core.accounts.managing import sign_in_admin

    if not args.admin:
        raise InputError("admin", "give --admin NAME: an administrator signs this change")
    pin = reader.read(f"PIN of {args.admin}")
    try:
        return sign_in_admin(store, args.admin, pin)
    except SigningError as error:
        raise InputError("admin", str(error)) from None


def run_add(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import AccountError
    from core.accounts.managing import add_account, check_first_role
    from core.cli.pins import PinReader

    reader = PinReader(args.pin_stdin)
    with open_accounts(site) as store:
        first = store.is_empty()
        admin = None
        if first:
            try:
                check_first_role(args.role)  # before any PIN is asked
            except AccountError as error:
                raise InputError("role", f"{error}: use --role admin") from None
        else:
            admin = _as_admin(args, store, reader)
        pin = reader.read(f"new PIN for {args.name}", confirm=True)
        try:
            account = add_account(
                store, admin, args.name, args.role, pin, full_name=args.full_name or ""
            )
        except AccountError as error:
            raise InputError("users", str(error)) from None
    note = " (the site's first account: its administrator)" if first else ""
    print(printable(f"Added {account.name} ({account.role.value}){note}"))
    return 0


def run_list(args: argparse.Namespace, site: Site) -> int:
    from core.accounts.managing import state

    with open_accounts(site) as store:
        accounts = store.all()
    if args.json:
        print_json([a.model_dump(mode="json") for a in accounts])
        return 0
    if not accounts:
        print("No accounts yet: add the administrator with `main.py users add NAME --role admin`")
    for a in accounts:
        print(printable(f"{a.name}  {a.role.value}  {state(a)}  {a.full_name}".rstrip()))
    return 0


def _change(args: argparse.Namespace, site: Site, what: str) -> int:
    """``users disable|enable|role``: an administrator changes one account."""
    from core.accounts import AccountError
    from core.accounts.managing import change_role, set_enabled
    from core.cli.pins import PinReader

    with open_accounts(site) as store:
        admin = _as_admin(args, store, PinReader(args.pin_stdin))
        try:
            if what == "role":
                account = change_role(store, admin, args.name, args.role)
            else:
                account = set_enabled(store, admin, args.name, what == "enable")
        except AccountError as error:
            raise InputError("users", str(error)) from None
    done = f"{account.name} is now {account.role.value}" if what == "role" else None
    print(printable(done or f"{what.capitalize()}d {account.name}"))
    return 0


def run_disable(args: argparse.Namespace, site: Site) -> int:
    return _change(args, site, "disable")


def run_enable(args: argparse.Namespace, site: Site) -> int:
    return _change(args, site, "enable")


def run_role(args: argparse.Namespace, site: Site) -> int:
    return _change(args, site, "role")


def run_set_pin(args: argparse.Namespace, site: Site) -> int:
    from core.accounts import AccountError, SigningError
    from core.accounts.managing import authorize_pin_change, check_new_pin
    from core.cli.pins import PinReader

    reader = PinReader(args.pin_stdin)
    signer = args.admin or args.name
    with open_accounts(site) as store:
        prompt = f"PIN of {signer}" if args.admin else f"current PIN of {args.name}"
        try:
            authorize_pin_change(store, args.name, args.admin, reader.read(prompt))
        except SigningError as error:
            raise InputError("admin" if args.admin else "PIN", str(error)) from None
        pin = reader.read(f"new PIN for {args.name}", confirm=True)
        try:
            store.set_pin(args.name, check_new_pin(pin))
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
    from core.accounts.models import Role

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
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
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

    enable = commands.add_parser("enable", help="enable a disabled account again")
    enable.add_argument("name")
    common(enable, admin=True)
    enable.set_defaults(run=run_enable)

    role = commands.add_parser("role", help="give an account another role")
    role.add_argument("name")
    role.add_argument("--role", required=True, choices=[r.value for r in Role])
    common(role, admin=True)
    role.set_defaults(run=run_role)

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
