"""Print queues: list them, read their paper size, and send a worksheet PDF to one.

Where the system prints PDF (CUPS on Linux and macOS) the ReportLab PDF itself goes to
the queue through ``lp``, so the printed page keeps its text and fonts; nothing is
rasterized. Windows has no ``lp``: the window paints the pages on a QPrinter there
(``ui.worksheet_actions.print_pdf``) and the command line says it cannot print.

The job title is the worksheet ID, never a patient identifier: job titles are shown in
queue listings and kept in the CUPS logs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass

from core.constants import DEFAULT_PAPER, Paper

__all__ = ["PrintError", "Printer", "paper_of", "printers", "send_pdf", "uses_cups"]

#: How long ``lp`` and ``lpstat`` may take before the queue is taken to be unreachable.
TIMEOUT_S = 30
_PAPER_NAMES: dict[str, Paper] = {
    "a4": "a4",
    "letter": "letter",
    "na_letter_8.5x11in": "letter",
    "iso_a4_210x297mm": "a4",
}


class PrintError(Exception):
    """The worksheet could not be handed to the queue; the message says why, in words."""


@dataclass(frozen=True)
class Printer:
    name: str
    default: bool
    paper: Paper


def uses_cups() -> bool:
    """Whether PDFs go to the queue as they are (``lp`` present and not Windows)."""
    return sys.platform != "win32" and shutil.which("lp") is not None


def _run(args: list[str], data: bytes | None = None) -> str:
    try:
        done = subprocess.run(args, input=data, capture_output=True, timeout=TIMEOUT_S, check=False)
    except FileNotFoundError:
        raise PrintError(f"{args[0]} is not installed (printing needs CUPS)") from None
    except subprocess.TimeoutExpired:
        raise PrintError(f"{args[0]} did not answer within {TIMEOUT_S} s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise PrintError(reason[-1] if reason else f"{args[0]} failed ({done.returncode})")
    return done.stdout.decode("utf-8", "replace")


def printers() -> list[Printer]:
    """The print queues, the default one marked; empty when there are none or no CUPS."""
    if not uses_cups():
        return []
    try:
        names = [line.strip() for line in _run(["lpstat", "-e"]).splitlines() if line.strip()]
    except PrintError:
        return []
    try:
        default_line = _run(["lpstat", "-d"])
    except PrintError:
        default_line = ""
    default = default_line.rpartition(":")[2].strip() if ":" in default_line else ""
    return [Printer(name, name == default, paper_of(name)) for name in names]


def paper_of(printer: str) -> Paper:
    """The queue's default paper, ``"a4"`` or ``"letter"`` (``DEFAULT_PAPER`` if unknown)."""
    try:
        options = _run(["lpoptions", "-p", printer, "-l"])
    except PrintError:
        return DEFAULT_PAPER
    for line in options.splitlines():
        key, _, choices = line.partition(":")
        if key.split("/", 1)[0] not in {"PageSize", "media"}:
            continue
        chosen = next((c[1:] for c in choices.split() if c.startswith("*")), "")
        return _PAPER_NAMES.get(chosen.lower(), DEFAULT_PAPER)
    return DEFAULT_PAPER


def send_pdf(pdf: bytes, printer: str, title: str) -> str:
    """Queue the PDF on ``printer`` as it is; the job ID CUPS gave it."""
    if not uses_cups():
        raise PrintError("this system has no CUPS queue to send a PDF to (lp)")
    if not printer.strip() or printer.startswith("-"):
        raise PrintError(f"'{printer}' is not a printer name")
    answer = _run(
        ["lp", "-d", printer, "-t", title, "-o", "document-format=application/pdf", "-"], pdf
    )
    # "request id is PDF-12 (1 file(s))"
    words = answer.split()
    return words[3] if len(words) > 3 and words[:3] == ["request", "id", "is"] else answer.strip()
