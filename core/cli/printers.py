"""`main.py printers`: the print queues worksheets can go to, and the default one."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.cli import SubParsers
    from core.site import Site


def run(args: argparse.Namespace, site: Site) -> int:
    from core.printing import printers, uses_cups
    from core.terminal import printable

    queues = printers()
    if not queues:
        where = "no print queues are set up" if uses_cups() else "no CUPS (lp) on this system"
        print(f"No printers: {where}.")
        return 0
    for queue in queues:
        mark = "  (default)" if queue.default else ""
        print(f"{printable(queue.name)}  paper {queue.paper or 'unknown'}{mark}")
    return 0


def add_parsers(subparsers: SubParsers) -> None:
    parser = subparsers.add_parser(
        "printers", help="list the print queues (for --printer)", description=__doc__
    )
    parser.set_defaults(run=run)
