"""Signing a worksheet on the command line: ``--pins-stdin`` reads the preparer's, the
verifier's and then the witness's PIN from standard input, one per line, and checks each
against that person's account before anything is recorded."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from core.documentation import Documentation
from core.errors import InputError

if TYPE_CHECKING:
    from core.accounts import Action, Signature
    from core.site import Site


def sign_worksheet(
    args: argparse.Namespace, site: Site, doc: Documentation
) -> tuple[Documentation, dict[str, Signature]]:
    """The documentation with the signers' names from their accounts, and the signatures
    by field. Any refused PIN or role: ``InputError`` (exit 2, one line), nothing signed.
    """
    from core.accounts import Action, SigningError
    from core.accounts.rules import check_correction_signed, check_two_people
    from core.cli.pins import PinReader
    from core.cli.users import open_accounts

    wanted = [("prepared_by", "prepared by", Action.PREPARE, args.prepared_by)]
    wanted.append(("verified_by", "verified by", Action.VERIFY, args.verified_by))
    if doc.waste_witness.strip():  # from --witness or the case file: signed like the others
        wanted.append(("waste_witness", "witness", Action.WITNESS, doc.waste_witness))
    for _, option, _, name in wanted[:2]:
        if not name or not name.strip():
            raise InputError(option, f"--pins-stdin needs --{option.replace(' ', '-')} ACCOUNT")
    reader = PinReader(from_stdin=True)
    pins = [reader.read(f"PIN of {name.strip()}") for _, _, _, name in wanted]
    signatures: dict[str, Signature] = {}
    with open_accounts(site) as accounts:
        for (field, option, action, name), pin in zip(wanted, pins, strict=True):
            try:
                signatures[field] = accounts.sign(name.strip(), pin, action)
            except SigningError as error:
                raise InputError(option, f"{error}; nothing was recorded") from None
    preparer, verifier = signatures["prepared_by"], signatures["verified_by"]
    try:
        check_two_people(preparer, verifier)
    except SigningError as error:
        raise InputError("verified by", str(error)) from None
    if doc.replaces is not None:
        try:
            check_correction_signed((preparer, verifier))
        except SigningError as error:
            raise InputError("replaces", str(error)) from None
    names = {field: signature.full_name for field, signature in signatures.items()}
    return doc.replace(**names), signatures


def sign_queued_witness(
    args: argparse.Namespace, site: Site, doc: Documentation
) -> tuple[Documentation, dict[str, Signature]]:
    """``--from-queue``: the waste witness named on the queued dose (an account name: the
    queue has no step of its own for the witness) signs with their PIN, read after the
    recorder's; the worksheet then prints the account's name. Nothing without a witness
    or on a site without accounts."""
    from core.accounts import Action, SigningError
    from core.accounts.managing import in_use
    from core.cli.pins import PinReader
    from core.cli.users import open_accounts

    witness = doc.waste_witness.strip()
    if not witness or not in_use(site):
        return doc, {}
    pin = PinReader(args.pin_stdin).read(f"PIN of {witness} (waste witness)")
    with open_accounts(site) as accounts:
        try:
            signed = accounts.sign(witness, pin, Action.WITNESS)
        except SigningError as error:
            raise InputError("witness", f"{error}; nothing was recorded") from None
    return doc.replace(waste_witness=signed.full_name), {"waste_witness": signed}


def authorize(args: argparse.Namespace, site: Site, action: Action) -> None:
    """On a site with accounts, whoever does ``action`` (``--by ACCOUNT``) proves it with
    their PIN and role; a site that never added an account works as before."""
    from core.accounts import AccountsUnavailableError, SigningError
    from core.accounts.managing import in_use, who_may
    from core.cli.pins import PinReader
    from core.cli.users import open_accounts

    try:
        if not in_use(site):
            return
    except AccountsUnavailableError as error:
        raise InputError("database", str(error)) from None
    except OSError as error:
        raise InputError(
            "data directory", f"cannot use {error.filename} ({error.strerror})"
        ) from None
    with open_accounts(site) as accounts:
        if not args.by:
            raise InputError(
                "by",
                f"this site has accounts: give --by ACCOUNT ({who_may(action)}) to {action.value}",
            )
        pin = PinReader(args.pin_stdin).read(f"PIN of {args.by}")
        try:
            accounts.authenticate(args.by, pin, action)
        except SigningError as error:
            raise InputError("by", str(error)) from None


def add_by_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", help="your account, when the site has accounts")
    parser.add_argument(
        "--pin-stdin", action="store_true", help="read your PIN from standard input"
    )
