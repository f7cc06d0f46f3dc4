"""From the window to the chart: print and save record the worksheet, and a correction
replaces it. Driven through the real window, as a technician and a nurse would."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel

from core.records import RecordStore

from .window_parts import child, enter_dose, text, type_into, verify

PATIENT = "Nguyễn Thị Zoë <O'Brien & Co>"


def fill(qtbot, window, administered: str = "12") -> None:
    enter_dose(qtbot, window, "10", "12", administered)
    # QTest cannot type "ễ" as key presses (it has no key code); an input method
    # delivers such text as a whole, which insert() does.
    child(window, "patientName").insert(PATIENT)
    for name, value in {
        "mrn": "00123456",
        "dateOfBirth": "1961-04-02",
        "administeredAt": "2026-11-29 09:30",
        "diagnosis": "D80.1",
        "vialLot1": "LX2231A",
        "vialExpiry1": "2027-01",
        "vialLot2": "LX2231A",
        "vialExpiry2": "2027-01",
        "wasteReason": "single-dose vial remainder",
        "wasteWitness": "R. Alvarez, RN",
    }.items():
        type_into(qtbot, window, name, value)
    verify(qtbot, window, "J. Kim, PharmD", "M. Osei, PharmD")


def save_with_ctrl_s(qtbot, window, path: Path) -> None:
    """Ctrl+S, answering the save dialog with ``path``."""
    window.worksheet.actions.ask_path = lambda suggested: str(path)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def records(data_dir: Path):
    with RecordStore.open(data_dir) as store:
        return store.list(), [store.pdf(row.id) for row in store.list()]


def print_to(path: Path):
    def accept(printer: QPrinter) -> bool:  # stands in for the print dialog's OK
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(150)
        return True

    return accept


def test_print_records_the_worksheet_once_and_prints_its_pages(
    qtbot,
    window,
    isolated: Path,
    tmp_path: Path,
) -> None:
    fill(qtbot, window)
    printed = tmp_path / "printer.pdf"
    window.worksheet.actions.ask_printer = print_to(printed)
    qtbot.mouseClick(child(window, "printButton"), Qt.MouseButton.LeftButton)

    assert len(PdfReader(printed).pages) == 1  # the page reached the printer
    rows, pdfs = records(isolated)
    assert [(row.worksheet_id, row.mrn, row.patient_name) for row in rows] == [
        ("W-000001", "00123456", PATIENT)
    ]
    recorded = pdf_text(pdfs[0])
    for expected in (PATIENT, "W-000001", "J1410-JW", "N4", "2.4 -> 3 units (rounded up)"):
        assert expected in recorded.replace("\n", " ")
    assert "Recorded as worksheet W-000001" in text(window, "printStatus")

    # Printing the same worksheet again is the same record, not a second one.
    qtbot.keyClick(window, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert len(records(isolated)[0]) == 1


def test_ctrl_s_saves_exactly_the_recorded_bytes(
    qtbot,
    window,
    isolated: Path,
    tmp_path: Path,
) -> None:
    fill(qtbot, window)
    target = tmp_path / "chart copy"
    window.worksheet.actions.ask_path = lambda suggested: str(target)
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = target.with_name("chart copy.pdf")
    _, pdfs = records(isolated)
    assert saved.read_bytes() == pdfs[0]
    assert (saved.stat().st_mode & 0o777) == 0o600


def test_nothing_is_recorded_while_the_dose_is_unverified(
    qtbot,
    window,
    isolated: Path,
) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    told: list[str] = []
    window.worksheet.actions.tell = lambda title, body: told.append(body)
    window.worksheet.actions.ask_path = lambda suggested: pytest.fail("no save dialog")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert told and "not been verified" in told[0]
    assert records(isolated)[0] == []


def test_preview_is_a_draft_and_records_nothing(
    qtbot,
    window,
    isolated: Path,
) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    dialog = window.worksheet.actions.preview()
    qtbot.addWidget(dialog)
    assert dialog.page_count >= 1  # a draft lists what is missing; it may run longer
    assert not dialog.print_button.isEnabled()  # not for the chart yet
    assert records(isolated)[0] == []


def test_a_correction_reopens_the_form_and_replaces_the_record(
    qtbot,
    window,
    isolated: Path,
    tmp_path: Path,
) -> None:
    fill(qtbot, window)
    save_with_ctrl_s(qtbot, window, tmp_path / "first.pdf")
    with RecordStore.open(isolated) as store:
        first = store.get(1)

    window.load_for_correction(first)
    assert text(window, "unitsAdministered") == "3"  # the form is back as recorded
    assert text(window, "patientName") == PATIENT
    assert not child(window, "printButton").isEnabled()  # verify again first

    amount = child(window, "amountAdministered")
    amount.clear()
    qtbot.keyClicks(amount, "11")
    type_into(qtbot, window, "differenceReason", "infusion stopped: chills")
    qtbot.mouseClick(child(window, "verifyButton"), Qt.MouseButton.LeftButton)
    save_with_ctrl_s(qtbot, window, tmp_path / "second.pdf")

    rows, pdfs = records(isolated)
    assert [(row.id, row.replaces, row.replaced_by) for row in rows] == [(2, 1, None), (1, None, 2)]
    assert "Replaces worksheet W-000001" in pdf_text(pdfs[0])


def test_ctrl_h_opens_the_history_and_starts_a_correction_from_it(
    qtbot,
    window,
    isolated: Path,
    tmp_path: Path,
) -> None:
    from ui.history_view import HistoryDialog

    fill(qtbot, window)
    save_with_ctrl_s(qtbot, window, tmp_path / "first.pdf")
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.findChild(HistoryDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)  # the check runs off-thread
    assert "Records intact" in dialog.findChild(QLabel, "historyIntegrity").text()
    dialog.select(1)
    dialog.correct()
    assert "Correcting worksheet W-000001" in window.confirm_banner.findChild(QLabel).text()
    assert window.documentation().replaces == 1
    dialog.close()
