"""Print queues: the PDF goes to CUPS as it is, on its own paper (named as the job's
``media``), and a queue set to other paper is said before printing.

The last test prints through a real CUPS PDF queue (Debian ``cups`` and
``printer-driver-cups-pdf``; ``.ci/run`` sets one up) and reads the spooled PDF's text.
It is skipped where no CUPS scheduler with a cups-pdf queue is running.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from core import printing
from core.cli import run_command

from .test_worksheet_cli import DOC, DOSE


def fake_commands(monkeypatch: pytest.MonkeyPatch, answers: dict[str, str]) -> list[list[str]]:
    calls: list[list[str]] = []

    def run(args: list[str], data: bytes | None = None) -> str:
        calls.append(args)
        if args[0] not in answers:
            raise printing.PrintError(f"{args[0]} failed")
        return answers[args[0]]

    monkeypatch.setattr(printing, "_run", run)
    monkeypatch.setattr(printing, "uses_cups", lambda: True)
    return calls


def test_queues_are_listed_with_the_default_and_their_paper(monkeypatch) -> None:
    fake_commands(
        monkeypatch,
        {
            "lpstat": "Office\nPDF\n",
            "lpoptions": "PageSize/Page Size: Letter Legal *A4 A5\nResolution/Res: *300dpi\n",
        },
    )
    answers = {"-e": "Office\nPDF\n", "-d": "system default destination: PDF\n"}
    monkeypatch.setattr(
        printing,
        "_run",
        lambda args, data=None: (
            answers[args[1]]
            if args[0] == "lpstat"
            else ("PageSize/Page Size: Letter Legal *A4 A5\n")
        ),
    )
    assert printing.printers() == [
        printing.Printer("Office", False, "a4"),
        printing.Printer("PDF", True, "a4"),
    ]


def test_unknown_paper_is_letter(monkeypatch) -> None:
    fake_commands(monkeypatch, {"lpoptions": "PageSize/Page Size: *Legal Letter\n"})
    assert printing.paper_of("Office") == "letter"


def test_the_pdf_itself_goes_to_the_queue_titled_by_worksheet_id(monkeypatch) -> None:
    calls = fake_commands(monkeypatch, {"lp": "request id is Office-7 (1 file(s))\n"})
    assert printing.send_pdf(b"%PDF-1.4", "Office", "W-000001") == "Office-7"
    assert calls == [
        ["lp", "-d", "Office", "-t", "W-000001", "-o", "document-format=application/pdf", "-"]
    ]


def worksheet_pdf(paper: str) -> bytes:
    from core.worksheet import build_worksheet
    from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result

    return build_worksheet(
        example_result(),
        DOCUMENTATION,
        worksheet_id="W-000001",
        printed_at=PRINTED_AT,
        paper=paper,  # type: ignore[arg-type]
    )


def media_box(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.parametrize(
    ("paper", "media", "size"), [("letter", "Letter", (612, 792)), ("a4", "A4", (595, 842))]
)
def test_the_job_names_the_worksheets_paper(
    monkeypatch, paper: str, media: str, size: tuple[int, int]
) -> None:
    """Without ``media`` the queue's default paper wins and the page is scaled to it."""
    calls = fake_commands(monkeypatch, {"lp": "request id is Office-8 (1 file(s))\n"})
    pdf = worksheet_pdf(paper)
    assert media_box(pdf) == size
    assert printing.pdf_paper(pdf) == paper
    printing.send_pdf(pdf, "Office", "W-000001")
    assert calls[0][calls[0].index("-t") + 2 :][:2] == ["-o", f"media={media}"]


def test_a_pdf_of_another_size_names_no_paper() -> None:
    assert printing.pdf_paper(b"%PDF /MediaBox [ 0 0 612 1008 ]") is None  # Legal
    assert printing.pdf_paper(b"%PDF /MediaBox [ 0 0 6.1.2 792 ]") is None
    assert printing.pdf_paper(b"%PDF-1.4") is None


@pytest.mark.parametrize(
    ("saved", "ppd", "expected"),
    [
        ("", "PageSize/Page Size: *Letter A4\n", "letter"),
        ("", "PageSize/Page Size: Letter *A4\n", "a4"),
        ("copies=1 media=iso_a4_210x297mm sides=one-sided", "PageSize/Page Size: *Letter\n", "a4"),
        ("PageSize=Letter", "PageSize/Page Size: *A4\n", "letter"),
        ("", "PageSize/Page Size: *Legal Letter\n", None),
        ("", "", None),
    ],
)
def test_the_queues_own_paper_is_its_saved_option_else_the_ppds_default(
    monkeypatch, saved: str, ppd: str, expected: str | None
) -> None:
    monkeypatch.setattr(printing, "_run", lambda args, data=None: ppd if "-l" in args else saved)
    assert printing.queue_paper("Office") == expected


def test_the_chosen_paper_wins_over_the_queues() -> None:
    assert printing.worksheet_paper("letter", "a4") == "letter"
    assert printing.worksheet_paper("a4", "letter") == "a4"
    assert printing.worksheet_paper(None, "a4") == "a4"
    assert printing.worksheet_paper(None, None) == "letter"


def test_a_queue_on_other_paper_is_said_and_the_same_or_unknown_is_not() -> None:
    warning = printing.paper_warning("letter", "Office", "a4")
    assert warning.startswith("Printer Office is set to A4 paper;")
    assert "sent as US Letter" in warning
    assert printing.paper_warning("letter", "Office", "letter") == ""
    assert printing.paper_warning("a4", "Office", None) == ""


def test_the_command_prints_on_the_chosen_paper_and_says_the_queue_differs(
    monkeypatch, tmp_path: Path, capsys
) -> None:
    calls = fake_commands(
        monkeypatch,
        {"lpoptions": "PageSize/Page Size: *Letter A4\n", "lp": "request id is Office-9\n"},
    )
    out = tmp_path / "w.pdf"
    args = [*DOSE, *DOC, "--paper", "a4", "--printer", "Office", "-o", str(out)]
    assert run_command(["worksheet", *args, "--data-dir", str(tmp_path / "d")]) == 0
    err = capsys.readouterr().err
    assert "warning: Printer Office is set to US Letter paper;" in err
    assert media_box(out.read_bytes()) == (595, 842)
    lp = next(c for c in calls if c[0] == "lp")
    assert "media=A4" in lp


def test_without_a_paper_the_command_takes_the_queues(monkeypatch, tmp_path: Path, capsys) -> None:
    fake_commands(
        monkeypatch,
        {"lpoptions": "PageSize/Page Size: Letter *A4\n", "lp": "request id is Office-9\n"},
    )
    out = tmp_path / "w.pdf"
    args = [*DOSE, *DOC, "--printer", "Office", "-o", str(out)]
    assert run_command(["worksheet", *args, "--data-dir", str(tmp_path / "d")]) == 0
    assert "warning: Printer" not in capsys.readouterr().err
    assert media_box(out.read_bytes()) == (595, 842)


def test_a_name_that_reads_as_an_option_is_refused(monkeypatch) -> None:
    fake_commands(monkeypatch, {})
    with pytest.raises(printing.PrintError, match="not a printer name"):
        printing.send_pdf(b"%PDF-1.4", "-oevil", "W-000001")


def test_a_failed_print_keeps_the_record_and_says_so(monkeypatch, tmp_path: Path, capsys) -> None:
    fake_commands(monkeypatch, {"lpoptions": ""})
    status = run_command(
        ["worksheet", *DOSE, *DOC, "--printer", "Nowhere", "--data-dir", str(tmp_path)]
    )
    assert status == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("unitcalc: printer: Nowhere: lp failed; recorded as W-000001")


def test_printers_command_without_queues(monkeypatch, capsys) -> None:
    monkeypatch.setattr(printing, "printers", lambda: [])
    assert run_command(["printers"]) == 0
    assert capsys.readouterr().out.startswith("No printers:")


def _cups_pdf_queue() -> str | None:
    """The name of a running CUPS queue that writes PDFs (cups-pdf), or ``None``."""
    if shutil.which("lpstat") is None:
        return None
    try:
        running = subprocess.run(["lpstat", "-r"], capture_output=True, text=True, timeout=10)
        devices = subprocess.run(["lpstat", "-v"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if "is running" not in running.stdout or "not running" in running.stdout:
        return None
    match = re.search(r"device for (\S+): cups-pdf:/", devices.stdout)
    return match.group(1) if match else None


def _cups_pdf_output() -> Path:
    out = "${HOME}/PDF"
    conf = Path("/etc/cups/cups-pdf.conf")
    if conf.exists():
        for line in conf.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("Out "):
                out = line.split(None, 1)[1].strip()
    return Path(
        out.replace("${HOME}", str(Path.home())).replace("${USER}", os.environ.get("USER", ""))
    )


def _spooled(pattern: str) -> PdfReader:
    """The PDF cups-pdf writes for a job, once it is complete."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.5)
        for path in _cups_pdf_output().glob(pattern):
            try:
                reader = PdfReader(io.BytesIO(path.read_bytes()))
                reader.pages[0].extract_text()
                return reader
            except (PdfReadError, IndexError):
                continue  # still being written
    raise AssertionError(f"{pattern} never reached {_cups_pdf_output()}")


def _spooled_text(pattern: str) -> str:
    reader = _spooled(pattern)
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def test_a_real_cups_queue_prints_the_worksheet_text(tmp_path: Path, capsys) -> None:
    queue = _cups_pdf_queue()
    if queue is None:
        pytest.skip("no CUPS scheduler with a cups-pdf queue is running (.ci/run starts one)")
    # cups-pdf re-writes the PDF through Ghostscript, which keeps the text of the
    # embedded font but not every accent, so this name is plain.
    patient = ["--patient", "Jane Q. Example"]
    status = run_command(
        ["worksheet", *DOSE, *DOC, *patient, "--printer", queue, "--data-dir", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    job = re.search(r"as job \S+-(\d+)", out)
    assert job is not None, out
    text = _spooled_text(f"*job_{job.group(1)}.pdf")
    claim_lines = (
        "1 J1410 none 3 units N400002759701ML12",
        "2 J1410-JW JW 1 unit N400002759701ML8",
    )
    for expected in ("Jane Q. Example", "W-000001", *claim_lines):
        assert expected in text


def test_a_real_cups_queue_prints_on_the_chosen_paper_not_its_own(tmp_path: Path, capsys) -> None:
    """The .ci/run queue is set to Letter: an A4 worksheet comes out A4 (without the
    job's ``media`` cups-pdf scaled it to Letter), and the command said so first."""
    queue = _cups_pdf_queue()
    if queue is None:
        pytest.skip("no CUPS scheduler with a cups-pdf queue is running (.ci/run starts one)")
    own = printing.queue_paper(queue)
    assert own is not None, "the queue's paper could not be read"
    paper, size = ("a4", (595, 842)) if own == "letter" else ("letter", (612, 792))
    chosen = ["--paper", paper, "--printer", queue, "--data-dir", str(tmp_path)]
    status = run_command(["worksheet", *DOSE, *DOC, *chosen])
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert f"warning: Printer {queue} is set to" in captured.err
    job = re.search(r"as job \S+-(\d+)", captured.out)
    assert job is not None, captured.out
    box = _spooled(f"*job_{job.group(1)}.pdf").pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_printers_command_says_when_a_queues_paper_is_unknown(monkeypatch, capsys) -> None:
    queues = [printing.Printer("Office", True, "a4"), printing.Printer("Lab", False, None)]
    monkeypatch.setattr(printing, "printers", lambda: queues)
    assert run_command(["printers"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Office  paper a4  (default)",
        "Lab  paper unknown",
    ]
