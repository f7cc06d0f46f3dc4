"""The command line: one module per subcommand, each with ``add_parser`` and ``run``.

Users never see a traceback: bad input exits 2 with one line on stderr naming the field.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, NoReturn, Protocol, TypeAlias

from core.errors import CatalogError, InputError

if TYPE_CHECKING:
    from core.site import Site

#: Subcommand -> module. A module is imported only to build the parser; heavy imports
#: (ReportLab, sqlite) stay inside each module's ``run``.
COMMANDS: dict[str, str] = {
    "calc": "core.cli.calc",
    "worksheet": "core.cli.worksheet",
    "history": "core.cli.history",
    "reprint": "core.cli.history",
    "printers": "core.cli.printers",
    "verify": "core.cli.history",
    "scan": "core.cli.scan",
    "cms": "core.cli.cms",
    "payers": "core.cli.payers",
    "auth": "core.cli.auth",
    "audit": "core.cli.audit",
    "backup": "core.cli.backups",
    "restore": "core.cli.backups",
    "users": "core.cli.users",
    "queue": "core.cli.queue",
    "export": "core.cli.export",
    "charges": "core.cli.charges",
    "db-roles": "core.cli.roles",
}

EXIT_USAGE = 2

if TYPE_CHECKING:
    SubParsers: TypeAlias = argparse._SubParsersAction["_Parser"]


class _Command(Protocol):
    def add_parsers(self, subparsers: SubParsers) -> None: ...


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        raise SystemExit(fail(message))  # argparse quotes what was typed: escaped there


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command, or only of the module that holds ``command`` (what
    one run needs: a tenth of the parsers and imports, so a command starts sooner)."""
    parser = _Parser(prog="main.py", description="Unit and waste calculator (J1410 per 5 mL).")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    wanted = COMMANDS.get(command or "")
    for module_name in [wanted] if wanted else dict.fromkeys(COMMANDS.values()):
        module: _Command = importlib.import_module(module_name)
        module.add_parsers(subparsers)
    return parser


#: A message quoting what was typed is cut here: 100,000 characters pasted into a field
#: are named, not echoed back.
MAX_MESSAGE_CHARS = 400


def say_error(message: str) -> None:
    """``message`` as one line on stderr: control characters escaped (it may quote what
    was typed), cut at ``MAX_MESSAGE_CHARS``."""
    from core.terminal import printable

    if len(message) > MAX_MESSAGE_CHARS:
        message = message[: MAX_MESSAGE_CHARS - 1] + "…"
    print(f"unitcalc: {printable(message)}", file=sys.stderr)


def fail(message: str) -> int:
    """Say ``message`` (``say_error``) and return the usage exit status."""
    say_error(message)
    return EXIT_USAGE


def print_text(text: str) -> None:
    """Print lines of a command's report with control characters escaped (the lines
    themselves kept)."""
    from core.terminal import printable

    print("\n".join(printable(line) for line in text.split("\n")))


def print_json(value: object) -> None:
    """Print ``value`` as one line of JSON, letters in any script as they are but control,
    format and bidi characters as ``\\uXXXX`` escapes (JSON readers restore them)."""
    import json

    from core.terminal import printable

    text = json.dumps(value, ensure_ascii=False)
    # Every character printable escapes lies in the Basic Multilingual Plane, so one
    # \\uXXXX escape each; a backslash is already escaped by json.dumps.
    print(
        "".join(
            char if char == "\\" or printable(char) == char else f"\\u{ord(char):04x}"
            for char in text
        )
    )


def start_site(args: argparse.Namespace, environ: Mapping[str, str]) -> Site:
    """The command's site, made once: ``--data-dir``, ``--database`` and ``--catalog``
    over the environment (read here, and only here, for the whole command)."""
    from core.site import Site

    catalog = None
    if getattr(args, "catalog", None):
        from core.catalog import load_catalog

        catalog = load_catalog(args.catalog)
    return Site.from_environment(
        environ,
        data_dir=getattr(args, "data_dir", None),
        database=getattr(args, "database", None),
        catalog=catalog,
    )


def run_command(argv: list[str]) -> int:
    # The command's own output says what happened; library log lines would break the
    # one-line error contract, so they are not printed.
    logging.getLogger().addHandler(logging.NullHandler())
    args = build_parser(argv[0] if argv else None).parse_args(argv)
    try:
        with start_site(args, os.environ) as site:
            status: int = args.run(args, site)
    except (InputError, CatalogError) as error:
        return fail(str(error).replace("\n", " "))
    except BrokenPipeError:
        # The reader went away (``calc | head``): nothing is left to say to it. Later
        # writes, Python's own flush at exit included, go nowhere instead of failing.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as error:
        # Only the commands that keep records import the store; its errors are messages
        # fit for the user.
        records = sys.modules.get("core.records.models")
        if records is not None and isinstance(error, records.RecordStoreError):
            return fail(str(error))
        accounts = sys.modules.get("core.accounts.models")
        if accounts is not None and isinstance(error, accounts.AccountError):
            return fail(str(error))
        database = sys.modules.get("core.database")  # a setting read where it is used
        if database is not None and isinstance(error, database.DatabaseUrlError):
            return fail(f"database: {error}")
        return fail(f"unexpected error ({type(error).__name__}: {error})")
    return status
