"""Preview, print and save of the worksheet PDF through Qt (offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLineEdit, QMainWindow

from core.worksheet import build_worksheet
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result
from ui.worksheet_actions import (
    PdfError,
    PreviewDialog,
    WorksheetActions,
    load_pdf,
    prepare_printer,
    print_pdf,
    save_pdf,
)


def worksheet(**kwargs: object) -> bytes:
    options: dict[str, object] = {"worksheet_id": "W-000042", "printed_at": PRINTED_AT}
    options.update(kwargs)
    doc = kwargs.pop("doc", DOCUMENTATION)
    options.pop("doc", None)
    return build_worksheet(example_result(), doc, **options)  # type: ignore[arg-type]


def pdf_printer(path: Path, dpi: int = 150) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    printer.setResolution(dpi)  # the test's speed; real printers report their own
    return printer


@pytest.mark.parametrize(("paper", "size"), [("letter", (612, 792)), ("a4", (595, 842))])
def test_prints_every_page_on_the_worksheets_paper(
    qtbot, tmp_path: Path, paper: str, size: tuple[int, int]
) -> None:
    pdf = worksheet(paper=paper)
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out)
    prepare_printer(printer, pdf)
    assert print_pdf(pdf, printer) == 1
    printed = PdfReader(out)
    assert len(printed.pages) == 1
    box = printed.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == size


def test_prints_a_multi_page_worksheet(qtbot, tmp_path: Path) -> None:
    doc = DOCUMENTATION.replace(notes="Observation. " * 600)
    pdf = worksheet(doc=doc)
    pages = len(PdfReader(__import__("io").BytesIO(pdf)).pages)
    assert pages >= 2
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out, dpi=72)
    prepare_printer(printer, pdf)
    assert print_pdf(pdf, printer) == pages
    assert len(PdfReader(out).pages) == pages


def test_printed_page_is_not_blank(qtbot, tmp_path: Path) -> None:
    """The painted image covers the page: the output holds a large image, not nothing."""
    out = tmp_path / "printed.pdf"
    printer = pdf_printer(out, dpi=100)
    pdf = worksheet()
    prepare_printer(printer, pdf)
    print_pdf(pdf, printer)
    images = PdfReader(out).pages[0].images
    assert images
    assert images[0].image.width >= 800  # 8.5 in at 100 dpi


def test_save_is_atomic_exact_and_private(tmp_path: Path) -> None:
    pdf = worksheet()
    path = tmp_path / "w.pdf"
    path.write_bytes(b"old")
    save_pdf(pdf, path)
    assert path.read_bytes() == pdf
    assert (path.stat().st_mode & 0o777) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.pdf"]  # no temporary left


def test_not_a_pdf_is_refused(qtbot) -> None:
    with pytest.raises(PdfError):
        load_pdf(b"not a pdf")


def test_preview_shows_the_pdf(qtbot) -> None:
    printed: list[str] = []
    dialog = PreviewDialog(
        worksheet(), on_print=lambda: printed.append("print"), on_save=lambda: None
    )
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.page_count == 1
    assert dialog.view.document() is dialog.document
    assert dialog.print_button.isEnabled() and dialog.save_button.isEnabled()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert printed == ["print"]


def test_preview_of_an_incomplete_worksheet_cannot_print(qtbot) -> None:
    dialog = PreviewDialog(
        worksheet(draft=True), on_print=lambda: None, refusal="verified by is empty"
    )
    qtbot.addWidget(dialog)
    assert not dialog.print_button.isEnabled()
    assert not dialog.save_button.isEnabled()
    assert "verified by is empty" in dialog.print_button.toolTip()


class Harness:
    """A window with the actions wired the way the real window would wire them."""

    def __init__(self, qtbot, missing: list[str] | None = None) -> None:  # type: ignore[no-untyped-def]
        self.window = QMainWindow()
        self.window.setCentralWidget(QLineEdit())  # something to hold the focus
        qtbot.addWidget(self.window)
        self.missing = missing or []
        self.rendered: list[bool] = []
        self.told: list[str] = []
        self.actions = WorksheetActions(
            self.window,
            render=self.render,
            problems=lambda: list(self.missing),
            file_name=lambda: "W-000042.pdf",
        )
        self.actions.tell = lambda title, text: self.told.append(f"{title}: {text}")

    def render(self, draft: bool) -> bytes:
        self.rendered.append(draft)
        return worksheet(draft=draft, worksheet_id="DRAFT" if draft else "W-000042")


def test_print_is_refused_with_the_reasons(qtbot) -> None:
    h = Harness(qtbot, missing=["verified by is empty", "waste witness is empty"])
    h.actions.ask_printer = lambda printer: pytest.fail("no print dialog when refused")
    assert h.actions.print_worksheet() is None
    assert h.told == [
        "Cannot print the worksheet yet: It cannot go into the chart until these are done:\n"
        "• verified by is empty\n• waste witness is empty"
    ]
    assert False not in h.rendered  # nothing recorded


def test_print_records_once_after_the_dialog(qtbot, tmp_path: Path) -> None:
    h = Harness(qtbot)
    out = tmp_path / "printed.pdf"
    h.actions.ask_printer = lambda printer: True
    assert h.actions.print_worksheet(pdf_printer(out, dpi=72)) == 1
    assert h.rendered.count(False) == 1
    assert len(PdfReader(out).pages) == 1


def test_cancelled_print_records_nothing(qtbot, tmp_path: Path) -> None:
    h = Harness(qtbot)
    h.actions.ask_printer = lambda printer: False
    assert h.actions.print_worksheet(pdf_printer(tmp_path / "x.pdf")) is None
    assert False not in h.rendered


def test_save_writes_the_recorded_pdf(qtbot, tmp_path: Path) -> None:
    h = Harness(qtbot)
    h.actions.ask_path = lambda suggested: str(tmp_path / suggested.removesuffix(".pdf"))
    path = h.actions.save_worksheet()
    assert path == tmp_path / "W-000042.pdf"  # .pdf added when the user left it out
    assert path.read_bytes() == worksheet()
    assert h.rendered == [False]


def test_ctrl_s_saves_and_ctrl_s_refuses_when_incomplete(qtbot, tmp_path: Path) -> None:
    h = Harness(qtbot, missing=["MRN is empty"])
    with qtbot.waitActive(h.window):  # shortcuts only reach the active window
        h.window.show()
        h.window.activateWindow()
    asked: list[str] = []
    h.actions.ask_path = lambda suggested: asked.append(suggested) or ""
    qtbot.keyClick(h.window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert h.told and h.told[0].startswith("Cannot save the worksheet yet")
    h.missing.clear()
    qtbot.keyClick(h.window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert asked == ["W-000042.pdf"]


def test_preview_action_shows_a_draft_and_keeps_one_dialog(qtbot) -> None:
    h = Harness(qtbot, missing=["MRN is empty"])
    first = h.actions.preview()
    second = h.actions.preview()
    assert h.actions.dialog is second and first is not second
    assert h.rendered == [True, True]
    assert not second.print_button.isEnabled()
    second.close()


class OfficeQueue(QPrinter):
    """A CUPS queue named Office (whatever queues this machine has)."""

    def printerName(self) -> str:
        return "Office"


def queue_on(monkeypatch: pytest.MonkeyPatch, paper: str) -> list[tuple[bytes, str]]:
    """The Office queue set to ``paper``; what is sent to it."""
    import core.printing

    sent: list[tuple[bytes, str]] = []
    monkeypatch.setattr(core.printing, "uses_cups", lambda: True)
    monkeypatch.setattr(core.printing, "queue_paper", lambda name: paper)
    monkeypatch.setattr(
        core.printing, "send_pdf", lambda pdf, name, title: sent.append((pdf, name)) or "Q-1"
    )
    return sent


def media_box(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(__import__("io").BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


def test_a_queue_on_other_paper_is_said_in_the_preview_before_printing(
    qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import announce

    sent = queue_on(monkeypatch, "a4")
    h = Harness(qtbot)
    h.actions.ask_printer = lambda printer: True
    printer = OfficeQueue(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.NativeFormat)
    assert h.actions.print_worksheet(printer) is None
    assert sent == [] and False not in h.rendered  # nothing printed, nothing recorded
    assert h.told == []  # no message box
    notice = h.actions.dialog.paper_notice
    warning = notice.message.text()
    assert notice.isVisible()
    assert warning.startswith("Printer Office is set to A4 paper;")
    assert "sent as US Letter" in warning
    assert warning in announce.spoken
    go = notice.button("previewPrintAnyway")
    assert go.text() == "Print on US Letter"
    assert go.accessibleDescription() == warning
    qtbot.mouseClick(go, Qt.MouseButton.LeftButton)
    assert [name for _, name in sent] == ["Office"]
    assert media_box(sent[0][0]) == (612, 792)  # on the worksheet's paper
    assert not notice.isVisible()


def test_cancel_on_the_paper_notice_prints_nothing(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = queue_on(monkeypatch, "a4")
    h = Harness(qtbot)
    h.actions.ask_printer = lambda printer: True
    h.actions.print_worksheet(OfficeQueue(QPrinter.PrinterMode.HighResolution))
    notice = h.actions.dialog.paper_notice
    qtbot.mouseClick(notice.button("previewPaperCancel"), Qt.MouseButton.LeftButton)
    assert sent == [] and False not in h.rendered
    assert not notice.isVisible()


def test_a_queue_on_the_same_paper_prints_at_once(qtbot, monkeypatch: pytest.MonkeyPatch) -> None:
    sent = queue_on(monkeypatch, "letter")
    h = Harness(qtbot)
    h.actions.ask_printer = lambda printer: True
    assert h.actions.print_worksheet(OfficeQueue(QPrinter.PrinterMode.HighResolution)) == 1
    assert [name for _, name in sent] == ["Office"]
    assert h.actions.dialog is None  # no preview was needed


def test_the_real_queues_paper_is_read_before_printing(qtbot) -> None:
    """Against the .ci/run cups-pdf queue: a worksheet on the other paper is said."""
    from core.printing import queue_paper
    from tests.core.test_printing import _cups_pdf_queue

    queue = _cups_pdf_queue()
    if queue is None:
        pytest.skip("no CUPS scheduler with a cups-pdf queue is running (.ci/run starts one)")
    own = queue_paper(queue)
    assert own is not None, "the queue's paper could not be read"
    h = Harness(qtbot)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(queue)
    h.actions.paper = own
    assert h.actions.paper_warning(printer) == ""
    h.actions.paper = "a4" if own == "letter" else "letter"
    assert h.actions.paper_warning(printer).startswith(f"Printer {queue} is set to ")
