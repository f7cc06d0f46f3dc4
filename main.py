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
    from ui.main_window import build_main_window

    return build_main_window()


def run_window(argv: list[str]) -> int:
    from ui.app import run

    return run(argv)


def main(argv: list[str]) -> int:
    from core.cli import COMMANDS, run_command

    if len(argv) > 1 and (argv[1] in COMMANDS or argv[1] in {"-h", "--help"}):
        return run_command(argv[1:])
    return run_window(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
