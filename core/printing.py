"""Print queues: list them, read their paper size, and send a worksheet PDF to one.

Paper, one rule (``worksheet_paper``): the worksheet is laid out on the paper the user
chose (the window's Paper setting, ``--paper``), else on the queue's; the PDF goes to the
queue with its own page size as the job's ``media``, so a queue loaded with other paper
cannot scale it silently; ``paper_warning`` says so, before printing, when they differ.

Where the system prints PDF (CUPS on Linux and macOS) the ReportLab PDF itself goes to
the queue through ``lp``, so the printed page keeps its text and fonts; nothing is
rasterized. Windows has no ``lp``: the window paints the pages on a QPrinter there
(``ui.worksheet_actions.print_pdf``) and the command line says it cannot print.

The job title is the worksheet ID, never a patient identifier: job titles are shown in
queue listings and kept in the CUPS logs.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal

from core.constants import DEFAULT_PAPER, PAPER_WORDS, Paper

__all__ = [
    "PrintError",
    "Printer",
    "paper_of",
    "paper_warning",
    "pdf_paper",
    "printers",
    "queue_paper",
    "send_pdf",
    "uses_cups",
    "worksheet_paper",
]

#: How long ``lp`` and ``lpstat`` may take before the queue is taken to be unreachable.
TIMEOUT_S = 30
_PAPER_NAMES: dict[str, Paper] = {
    "a4": "a4",
    "letter": "letter",
    "na_letter_8.5x11in": "letter",
    "iso_a4_210x297mm": "a4",
}
#: The ``media`` each paper is sent as (CUPS maps it to the PPD's PageSize).
MEDIA: dict[Paper, str] = {"letter": "Letter", "a4": "A4"}
#: Page sizes in points (width, height), as ReportLab lays them out.
_POINTS: dict[Paper, tuple[Decimal, Decimal]] = {
    "letter": (Decimal(612), Decimal(792)),
    "a4": (Decimal("595.2756"), Decimal("841.8898")),
}
_MEDIA_BOX = re.compile(rb"/MediaBox\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]")


class PrintError(Exception):
    """The worksheet could not be handed to the queue; the message says why, in words."""


@dataclass(frozen=True)
class Printer:
    name: str
    default: bool
    #: The queue's own paper (``queue_paper``); ``None`` when it cannot be read.
    paper: Paper | None


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
    return [Printer(name, name == default, queue_paper(name)) for name in names]


def paper_of(printer: str) -> Paper:
    """The queue's default paper, ``"a4"`` or ``"letter"`` (``DEFAULT_PAPER`` if unknown)."""
    return queue_paper(printer) or DEFAULT_PAPER


def queue_paper(printer: str) -> Paper | None:
    """The paper the queue prints on when a job names none: its saved option (``media``
    or ``PageSize`` from ``lpoptions -p``), else the PPD's default; ``None`` when it
    cannot be read or is neither A4 nor Letter."""
    try:
        saved = _run(["lpoptions", "-p", printer])
    except PrintError:
        saved = ""
    for option in saved.split():
        key, _, value = option.partition("=")
        if key in {"media", "media-default", "PageSize"} and value:
            return _PAPER_NAMES.get(value.split(",")[0].lower())
    try:
        options = _run(["lpoptions", "-p", printer, "-l"])
    except PrintError:
        return None
    for line in options.splitlines():
        key, _, choices = line.partition(":")
        if key.split("/", 1)[0] not in {"PageSize", "media"}:
            continue
        chosen = next((c[1:] for c in choices.split() if c.startswith("*")), "")
        return _PAPER_NAMES.get(chosen.lower())
    return None


def worksheet_paper(chosen: Paper | None, queue: Paper | None) -> Paper:
    """The paper a worksheet is laid out, saved and printed on: the one the user chose;
    with no choice, the queue's; else ``DEFAULT_PAPER``."""
    return chosen or queue or DEFAULT_PAPER


def paper_warning(paper: Paper, printer: str, queue: Paper | None) -> str:
    """What to say before printing a worksheet on ``paper`` to a queue whose own paper
    is ``queue``; empty when they agree or the queue's paper is not known."""
    if queue is None or queue == paper:
        return ""
    chosen, loaded = PAPER_WORDS[paper], PAPER_WORDS[queue]
    return (
        f"Printer {printer} is set to {loaded} paper; the worksheet is laid out on "
        f"{chosen} and is sent as {chosen}. Load {chosen} paper, or change Paper in Settings."
    )


def pdf_paper(pdf: bytes) -> Paper | None:
    """The paper of the PDF's first page (its ``MediaBox``), if it is A4 or Letter."""
    found = _MEDIA_BOX.search(pdf)
    if found is None:
        return None
    try:
        left, bottom, right, top = (Decimal(v.decode("ascii")) for v in found.groups())
    except ArithmeticError:
        return None
    width, height = right - left, top - bottom
    for paper, (w, h) in _POINTS.items():
        if abs(width - w) <= 1 and abs(height - h) <= 1:
            return paper
    return None


def send_pdf(pdf: bytes, printer: str, title: str) -> str:
    """Queue the PDF on ``printer`` as it is, on its own paper; the job ID CUPS gave it."""
    if not uses_cups():
        raise PrintError("this system has no CUPS queue to send a PDF to (lp)")
    if not printer.strip() or printer.startswith("-"):
        raise PrintError(f"'{printer}' is not a printer name")
    paper = pdf_paper(pdf)
    # Named, or the queue's default paper wins and the page is scaled to it.
    media = ["-o", f"media={MEDIA[paper]}"] if paper is not None else []
    answer = _run(
        ["lp", "-d", printer, "-t", title, *media, "-o", "document-format=application/pdf", "-"],
        pdf,
    )
    # "request id is PDF-12 (1 file(s))"
    words = answer.split()
    return words[3] if len(words) > 3 and words[:3] == ["request", "id", "is"] else answer.strip()
