"""unitcalc: `uv run main.py` opens the calculator window; subcommands serve scripts.

uv run main.py                  the window
uv run main.py calc ...         units and waste for one dose (see --help)
uv run main.py worksheet ...    the documentation worksheet as PDF
uv run main.py history|reprint|verify   the local record of worksheets
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMainWindow


def build_window() -> QMainWindow:
    """The main window, built but not shown; the caller owns the QApplication."""
    from ui.app import build_main_window

    return build_main_window()


def split_data_dir(argv: list[str]) -> tuple[str | None, list[str]]:
    """``--data-dir DIR`` (or ``--data-dir=DIR``) out of the window's arguments; the rest
    goes to Qt. By hand, not argparse: this is on the start-up path."""
    data_dir, rest, args = None, [], iter(argv)
    for arg in args:
        if arg == "--data-dir":
            data_dir = next(args, None)
        elif arg.startswith("--data-dir="):
            data_dir = arg.partition("=")[2]
        else:
            rest.append(arg)
    return data_dir, rest


def run_window(argv: list[str]) -> int:
    from ui.app import run

    data_dir, qt_argv = split_data_dir(argv)
    return run(qt_argv, data_dir=data_dir)


def main(argv: list[str]) -> int:
    # A first word that is not an option is a subcommand (a misspelt one gets an error,
    # not a window).
    if len(argv) > 1 and (not argv[1].startswith("-") or argv[1] in {"-h", "--help"}):
        from core.cli import run_command

        return run_command(argv[1:])
    return run_window(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
