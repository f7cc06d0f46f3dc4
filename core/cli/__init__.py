"""The command line: one module per subcommand, each with ``add_parser`` and ``run``.

Users never see a traceback: bad input exits 2 with one line on stderr naming the field.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import TYPE_CHECKING, NoReturn, Protocol, TypeAlias

from core.errors import CatalogError, InputError

#: Subcommand -> module. A module is imported only to build the parser; heavy imports
#: (ReportLab, sqlite) stay inside each module's ``run``.
COMMANDS: dict[str, str] = {
    "calc": "core.cli.calc",
    "worksheet": "core.cli.worksheet",
    "history": "core.cli.history",
    "reprint": "core.cli.history",
    "printers": "core.cli.printers",
    "verify": "core.cli.history",
}

EXIT_USAGE = 2

if TYPE_CHECKING:
    SubParsers: TypeAlias = argparse._SubParsersAction["_Parser"]


class _Command(Protocol):
    def add_parsers(self, subparsers: SubParsers) -> None: ...


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        print(f"unitcalc: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="main.py", description="Unit and waste calculator (J1410 per 5 mL).")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module_name in dict.fromkeys(COMMANDS.values()):
        module: _Command = importlib.import_module(module_name)
        module.add_parsers(subparsers)
    return parser


def fail(message: str) -> int:
    print(f"unitcalc: {message}", file=sys.stderr)
    return EXIT_USAGE


def run_command(argv: list[str]) -> int:
    # The command's own output says what happened; library log lines would break the
    # one-line error contract, so they are not printed.
    logging.getLogger().addHandler(logging.NullHandler())
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except (InputError, CatalogError) as error:
        return fail(str(error).replace("\n", " "))
    except Exception as error:
        return fail(f"unexpected error ({type(error).__name__}: {error})")
    return status
