"""The worksheet history dialog, on a real records store in each test's own data dir."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sqlite3
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QBuffer, Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QWidget

from core.records import DB_FILENAME, RecordStore, WorksheetRecord, to_csv
from core.worksheet import build_worksheet
from core.worksheet.example import DOCUMENTATION, PRINTED_AT, example_result
from tests.sites import site_at
from ui.history_view import HistoryDialog

LOCAL_NOON = [datetime(2025, 3, day, 12, 0).astimezone() for day in (1, 2, 3, 4)]

PEOPLE = [  # (code, mrn, patient) recorded on 1, 2, 3 and 4 March
    ("J1410", "00123456", "Nguyễn Thị Zoë"),
    ("J9035", "00999888", "Doe, Jane"),
    ("J1410", "00555000", "NGUYỄN Văn An"),
    ("J2505", "00123456", "Nguyễn Thị Zoë"),
]


def fake_pdf(worksheet_id: str, _replaces: int | None) -> bytes:
    return f"%PDF-1.4 fake worksheet {worksheet_id}\n%%EOF\n".encode()


def real_pdf(worksheet_id: str, replaces: int | None) -> bytes:
    return build_worksheet(
        example_result(),
        DOCUMENTATION,
        worksheet_id=worksheet_id,
        printed_at=PRINTED_AT,
        replaces=replaces,
    )


class Clock:
    def __init__(self) -> None:
        self.times = iter([*LOCAL_NOON, datetime(2025, 3, 5, 12, 0).astimezone()])

    def __call__(self) -> datetime:
        return next(self.times)


def record(
    store: RecordStore,
    code: str,
    mrn: str,
    patient: str,
    *,
    render: Callable[[str, int | None], bytes] = fake_pdf,
    replaces: int | None = None,
) -> WorksheetRecord:
    return store.add(
        code=code,
        mrn=mrn,
        patient_name=patient,
        administered_at="2025-03-01T14:30",
        prepared_by="J. Kim",
        verified_by="M. Osei",
        inputs={"dose": "12"},
        result={"units": "3"},
        documentation={"lot": "LX2231A"},
        render=render,
        replaces=replaces,
    )


@pytest.fixture
def data_dir(isolated: Path) -> Path:
    """Four worksheets, one a day from 1 March (local noon), with fake PDFs."""
    with RecordStore.open(isolated, clock=Clock()) as store:
        for code, mrn, patient in PEOPLE:
            record(store, code, mrn, patient)
    return isolated


@pytest.fixture
def open_dialog(qtbot) -> Iterator[Callable[..., HistoryDialog]]:  # type: ignore[no-untyped-def]
    made: list[HistoryDialog] = []

    def make(data: Path, **kwargs: object) -> HistoryDialog:
        dialog = HistoryDialog(site_at(data), **kwargs)  # type: ignore[arg-type]
        qtbot.addWidget(dialog)
        dialog.tell = _no_message  # a test that expects a message replaces it
        dialog.show()
        qtbot.waitExposed(dialog)
        settle(qtbot, dialog)
        made.append(dialog)
        return dialog

    yield make
    for dialog in made:
        dialog.close_store()


def settle(qtbot, dialog: HistoryDialog) -> None:  # type: ignore[no-untyped-def]
    """Wait for the background work (check, search, export) to answer."""
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)


def _no_message(title: str, text: str) -> None:
    raise AssertionError(f"unexpected message: {title}: {text}")


def ids(dialog: HistoryDialog) -> list[str]:
    return [row.worksheet_id for row in dialog.model.rows]


def cell(dialog: HistoryDialog, row: int, column: int, role: int = 0) -> object:
    return dialog.model.data(dialog.model.index(row, column), role or Qt.ItemDataRole.DisplayRole)


def type_into(qtbot, dialog: HistoryDialog, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    edit = dialog.findChild(QLineEdit, name)
    assert edit is not None, name
    edit.clear()
    if text.isascii():
        qtbot.keyClicks(edit, text)
    else:  # QTest types ASCII only (and aborts on more); as from an input method
        edit.insert(text)
    settle(qtbot, dialog)


def pdf_printer(path: Path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def offscreen_pdf(path: Path) -> Callable[[QPrinter], bool]:
    """Stands in for the print dialog: the user 'chooses' a PDF file at 72 dpi."""

    def choose(printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        printer.setResolution(72)
        return True

    return choose


# -- listing and search ---------------------------------------------------------------------


def test_lists_newest_first_with_every_column(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    assert ids(dialog) == ["W-000004", "W-000003", "W-000002", "W-000001"]
    headers = [dialog.model.headerData(c, Qt.Orientation.Horizontal) for c in range(8)]
    assert headers == [
        "Worksheet",
        "Recorded",
        "Code",
        "MRN",
        "Patient",
        "Prepared by",
        "Verified by",
        "Correction",
    ]
    assert [cell(dialog, 3, c) for c in range(8)] == [
        "W-000001",
        "2025-03-01 12:00",
        "J1410",
        "00123456",
        "Nguyễn Thị Zoë",
        "J. Kim",
        "M. Osei",
        "",
    ]
    assert dialog.findChild(QLabel, "historyCount").text() == "4 worksheets"


def test_search_by_mrn_is_exact(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historyMrn", "00123456")
    assert ids(dialog) == ["W-000004", "W-000001"]
    type_into(qtbot, dialog, "historyMrn", "0012345")
    assert ids(dialog) == []
    assert dialog.count.text() == "No worksheet matches the search."


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Nguyễn", ["W-000004", "W-000003", "W-000001"]),
        ("nguyễn thị", ["W-000004", "W-000001"]),  # case-insensitive, Unicode
        ("doe", ["W-000002"]),
        ("Nguyen", ["W-000004", "W-000003", "W-000001"]),  # typed without accents
    ],
)
def test_search_by_part_of_the_patient_name(
    qtbot, data_dir: Path, open_dialog, typed: str, expected: list[str]
) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historyPatient", typed)
    assert ids(dialog) == expected


def test_search_by_code_in_any_case(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historyCode", "j1410")
    assert ids(dialog) == ["W-000003", "W-000001"]


@pytest.mark.parametrize("typed", ["W-000002", "w-2", "2", " W2 "])
def test_search_by_worksheet_id(qtbot, data_dir: Path, open_dialog, typed: str) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historySearchId", typed)
    assert ids(dialog) == ["W-000002"]
    assert dialog.filter_error.isHidden()


def test_search_by_date_range_inclusive(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historySince", "2025-03-02")
    assert ids(dialog) == ["W-000004", "W-000003", "W-000002"]
    type_into(qtbot, dialog, "historyUntil", "2025-03-03")
    assert ids(dialog) == ["W-000003", "W-000002"]
    type_into(qtbot, dialog, "historySince", "2025-03-03")
    assert ids(dialog) == ["W-000003"]


def test_filters_combine(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historyPatient", "nguyễn")
    type_into(qtbot, dialog, "historyCode", "J1410")
    type_into(qtbot, dialog, "historyUntil", "2025-03-02")
    assert ids(dialog) == ["W-000001"]
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert len(ids(dialog)) == 4
    assert all(not edit.text() for edit in dialog.search_fields)


def test_an_unreadable_date_is_said_and_not_applied(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historySince", "2025-13-01")
    assert dialog.filter_error.isVisible()
    assert "Recorded from" in dialog.filter_error.text()
    assert "'2025-13-01' is not a date" in dialog.filter_error.text()
    assert "Not applied" in dialog.filter_error.text()
    assert len(ids(dialog)) == 4
    type_into(qtbot, dialog, "historySince", "2025-03-04")
    assert dialog.filter_error.isHidden()
    assert ids(dialog) == ["W-000004"]


def test_a_reversed_range_and_a_bad_id_are_said(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historySince", "2025-03-04")
    type_into(qtbot, dialog, "historyUntil", "2025-03-01")
    assert "no worksheet can match" in dialog.filter_error.text()
    assert ids(dialog) == []
    type_into(qtbot, dialog, "historySearchId", "abc")
    assert "'abc' is not a worksheet ID" in dialog.filter_error.text()


def test_empty_store_says_so(qtbot, isolated: Path, open_dialog) -> None:
    dialog = open_dialog(isolated)
    assert ids(dialog) == []
    assert dialog.count.text() == "No worksheets recorded yet."
    assert dialog.integrity.property("integrity") == "ok"
    assert not dialog.open_button.isEnabled()
    assert not dialog.export_button.isEnabled()


def test_new_records_show_on_refresh_and_selection_is_kept(
    qtbot, data_dir: Path, open_dialog
) -> None:
    dialog = open_dialog(data_dir)
    dialog.select(2)
    with RecordStore.open(data_dir) as other:  # e.g. the main window recording a print
        record(other, "J1410", "00777777", "Roe, Richard")
    dialog.refresh()
    settle(qtbot, dialog)
    assert ids(dialog)[0] == "W-000005"
    assert dialog.selected_id() == 2


# -- corrections ---------------------------------------------------------------------------


@pytest.fixture
def corrected(data_dir: Path) -> Path:
    """W-000005 corrects W-000002; W-000006 corrects W-000005."""
    with RecordStore.open(data_dir) as store:
        record(store, "J9035", "00999888", "Doe, Jane", replaces=2)
        record(store, "J9035", "00999888", "Doe, Jane", replaces=5)
    return data_dir


def test_corrections_are_named_and_replaced_rows_muted(qtbot, corrected: Path, open_dialog) -> None:
    dialog = open_dialog(corrected)
    by_id = {row.id: n for n, row in enumerate(dialog.model.rows)}
    assert cell(dialog, by_id[2], 7) == "replaced by W-000005"
    assert cell(dialog, by_id[5], 7) == "replaces W-000002 · replaced by W-000006"
    assert cell(dialog, by_id[6], 7) == "replaces W-000005"
    muted = Qt.ItemDataRole.ForegroundRole
    assert cell(dialog, by_id[2], 0, muted) is not None
    assert cell(dialog, by_id[5], 4, muted) is not None
    assert cell(dialog, by_id[6], 0, muted) is None
    assert cell(dialog, by_id[1], 0, muted) is None


def test_correct_hands_over_the_latest_version(qtbot, corrected: Path, open_dialog) -> None:
    handed: list[WorksheetRecord] = []
    dialog = open_dialog(corrected, on_correct=handed.append)
    questions: list[str] = []

    def confirm(_title: str, text: str) -> bool:
        questions.append(text)
        return True

    dialog.confirm = confirm
    dialog.select(2)
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    assert [r.id for r in handed] == [6]
    assert isinstance(handed[0], WorksheetRecord)
    assert handed[0].inputs == {"dose": "12"}
    assert "W-000002 was already replaced" in questions[0]
    assert "latest version is W-000006" in questions[0]


def test_correct_asks_and_can_be_declined(qtbot, corrected: Path, open_dialog) -> None:
    handed: list[WorksheetRecord] = []
    dialog = open_dialog(corrected, on_correct=handed.append)
    dialog.confirm = lambda _title, _text: False
    assert dialog.correct(2) is None
    assert handed == []


def test_correcting_the_latest_asks_nothing(qtbot, corrected: Path, open_dialog) -> None:
    handed: list[WorksheetRecord] = []
    dialog = open_dialog(corrected, on_correct=handed.append)
    dialog.confirm = lambda _t, text: pytest.fail(f"asked: {text}")
    dialog.select(3)
    qtbot.mouseClick(dialog.correct_button, Qt.MouseButton.LeftButton)
    assert [r.id for r in handed] == [3]
    assert "W-000003" in dialog.status.text()


def test_correct_is_off_without_a_handler(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    dialog.select(1)
    assert dialog.open_button.isEnabled()
    assert not dialog.correct_button.isEnabled()


# -- open, reprint, save ---------------------------------------------------------------------


@pytest.fixture
def real(isolated: Path) -> Path:
    """W-000001 with a real worksheet PDF (QtPdf must be able to open it)."""
    with RecordStore.open(isolated) as store:
        record(store, "J1410", "00123456", "Nguyễn Thị Zoë", render=real_pdf)
    return isolated


def stored_pdf(data: Path, record_id: int) -> bytes:
    with RecordStore.open(data) as store:
        return store.pdf(record_id)


def test_open_shows_the_stored_bytes_read_only(qtbot, real: Path, open_dialog) -> None:
    dialog = open_dialog(real)
    dialog.select(1)
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    preview = dialog.preview
    assert preview is not None and preview.isVisible()
    shown = preview.document.findChild(QBuffer)
    assert bytes(shown.data().data()) == stored_pdf(real, 1)
    assert preview.page_count == 1
    assert "W-000001" in preview.windowTitle() and "read-only" in preview.windowTitle()


def test_double_click_opens(qtbot, real: Path, open_dialog) -> None:
    dialog = open_dialog(real)
    rect = dialog.table.visualRect(dialog.model.index(0, 0))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dialog.preview is not None and dialog.preview.isVisible()


def test_print_and_save_from_the_preview_use_the_recorded_bytes(
    qtbot, real: Path, open_dialog, tmp_path: Path
) -> None:
    dialog = open_dialog(real)
    out = tmp_path / "from-preview.pdf"
    dialog.ask_printer = offscreen_pdf(out)
    dialog.ask_path = lambda _title, suggested, _filter: str(tmp_path / suggested)
    preview = dialog.open_record(1)
    assert preview is not None
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert len(PdfReader(out).pages) == 1
    qtbot.mouseClick(preview.save_button, Qt.MouseButton.LeftButton)
    assert (tmp_path / "W-000001.pdf").read_bytes() == stored_pdf(real, 1)


def test_reprint_prints_the_recorded_pdf(
    qtbot, real: Path, open_dialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = open_dialog(real)
    out = tmp_path / "reprint.pdf"
    asked: list[str] = []

    def choose(printer: QPrinter) -> bool:
        asked.append(printer.docName())
        return offscreen_pdf(out)(printer)

    dialog.ask_printer = choose
    dialog.select(1)
    qtbot.mouseClick(dialog.reprint_button, Qt.MouseButton.LeftButton)
    assert asked == ["W-000001"]
    # A print-to-file printer gets the recorded PDF itself: the same bytes as the first print.
    assert out.read_bytes() == stored_pdf(real, 1)
    assert len(PdfReader(out).pages) == 1
    assert "Reprinted W-000001 (1 page)" in dialog.status.text()


def test_cancelled_reprint_prints_nothing(qtbot, real: Path, open_dialog, tmp_path: Path) -> None:
    dialog = open_dialog(real)
    dialog.ask_printer = lambda _printer: False
    assert dialog.reprint(1, pdf_printer(tmp_path / "never.pdf")) is None
    assert not (tmp_path / "never.pdf").exists()


def test_reprint_of_a_replaced_worksheet_asks_first(
    qtbot, corrected: Path, open_dialog, tmp_path: Path
) -> None:
    dialog = open_dialog(corrected)
    questions: list[str] = []
    dialog.confirm = lambda _t, text: questions.append(text) or False  # type: ignore[func-returns-value]
    dialog.ask_printer = lambda _p: pytest.fail("printed a replaced worksheet")
    assert dialog.reprint(2) is None
    assert "W-000002 was replaced by W-000005" in questions[0]


def test_save_copy_is_the_recorded_pdf(qtbot, data_dir: Path, open_dialog, tmp_path: Path) -> None:
    dialog = open_dialog(data_dir)
    suggested: list[str] = []

    def ask(_title: str, name: str, _filter: str) -> str:
        suggested.append(name)
        return str(tmp_path / "copy")  # no extension typed

    dialog.ask_path = ask
    dialog.select(3)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert suggested == ["W-000003.pdf"]
    saved = tmp_path / "copy.pdf"
    assert saved.read_bytes() == fake_pdf("W-000003", None)
    assert (saved.stat().st_mode & 0o777) == 0o600


# -- export ------------------------------------------------------------------------------------


def test_export_writes_the_filtered_list(
    qtbot, data_dir: Path, open_dialog, tmp_path: Path
) -> None:
    dialog = open_dialog(data_dir)
    type_into(qtbot, dialog, "historyPatient", "nguyễn")
    dialog.ask_path = lambda _title, _name, _filter: str(tmp_path / "history")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    out = tmp_path / "history.csv"
    with RecordStore.open(data_dir) as store:
        expected = to_csv(store.list(patient="nguyễn"))
    assert out.read_bytes() == b"\xef\xbb\xbf" + expected.encode("utf-8")
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 4  # the header and three worksheets
    assert [line.split(",")[0] for line in lines[1:]] == ["W-000004", "W-000003", "W-000001"]
    assert "Nguyễn Thị Zoë" in lines[1]
    assert "Exported 3 worksheets" in dialog.status.text()


def test_cancelled_export_writes_nothing(
    qtbot, data_dir: Path, open_dialog, tmp_path: Path
) -> None:
    dialog = open_dialog(data_dir)
    dialog.ask_path = lambda *_args: ""
    assert dialog.export_csv() is None
    assert list(tmp_path.glob("*.csv")) == []


# -- tamper evidence --------------------------------------------------------------------------


def tamper(data: Path, sql: str, *params: object) -> None:
    """What an outsider with a database tool does: drop the guard, edit, leave."""
    conn = sqlite3.connect(data / DB_FILENAME)
    try:
        conn.execute("DROP TRIGGER IF EXISTS worksheets_no_update")
        conn.execute("DROP TRIGGER IF EXISTS worksheets_no_delete")
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def test_intact_records_show_green(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    assert dialog.integrity.property("integrity") == "ok"
    assert "Records intact: 4 worksheets checked" in dialog.integrity.text()
    assert "#e8f5e9" in dialog.integrity.styleSheet()


def test_an_edited_record_turns_the_banner_red_and_names_it(
    qtbot, data_dir: Path, open_dialog
) -> None:
    tamper(data_dir, "UPDATE worksheets SET mrn = ? WHERE id = 2", "00000001")
    dialog = open_dialog(data_dir)
    assert dialog.integrity.property("integrity") == "broken"
    assert "#fdecea" in dialog.integrity.styleSheet()
    assert "Tamper check FAILED" in dialog.integrity.text()
    assert "W-000002" in dialog.integrity.text()
    assert "changed after it was recorded" in dialog.integrity.text()
    row = dialog.model.row_of(2)
    assert row is not None
    assert cell(dialog, row, 0, Qt.ItemDataRole.BackgroundRole) is not None
    assert "W-000002" in str(cell(dialog, row, 0, Qt.ItemDataRole.ToolTipRole))
    assert cell(dialog, dialog.model.row_of(1), 0, Qt.ItemDataRole.BackgroundRole) is None


def test_a_deleted_record_is_detected(qtbot, data_dir: Path, open_dialog) -> None:
    tamper(data_dir, "DELETE FROM worksheets WHERE id = 3")
    dialog = open_dialog(data_dir)
    assert dialog.integrity.property("integrity") == "broken"
    assert "W-000003 is missing" in dialog.integrity.text()


def test_check_again_sees_tampering_done_while_open(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    assert dialog.integrity.property("integrity") == "ok"
    tamper(data_dir, "UPDATE worksheets SET patient_name = 'Someone Else' WHERE id = 4")
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.integrity.property("integrity") == "broken"
    assert "W-000004" in dialog.integrity.text()


# -- keyboard, names, lifetime ---------------------------------------------------------------


def test_enter_in_a_search_field_goes_to_the_table(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    dialog.activateWindow()
    type_into(qtbot, dialog, "historyPatient", "doe")
    qtbot.keyClick(dialog.patient, Qt.Key.Key_Return)
    assert dialog.focusWidget() is dialog.table
    assert dialog.selected_id() == 2  # the first result is selected
    dialog.patient.setFocus()
    qtbot.keyClick(dialog.patient, Qt.Key.Key_Return)  # again, with Open enabled
    assert dialog.focusWidget() is dialog.table
    assert dialog.isVisible()  # Enter did not press a button or close the dialog
    assert dialog.preview is None
    assert not [b.objectName() for b in dialog.findChildren(QPushButton) if b.isDefault()]


def test_typing_starts_in_the_search_and_tab_goes_on_to_the_table(
    qtbot, data_dir: Path, open_dialog
) -> None:
    dialog = open_dialog(data_dir)
    assert dialog.focusWidget() is dialog.search_id
    dialog.activateWindow()
    order = [dialog.focusWidget()]
    while order[-1] is not dialog.table and len(order) < 10:
        qtbot.keyClick(order[-1], Qt.Key.Key_Tab)
        order.append(dialog.focusWidget())
    assert order == [*dialog.search_fields, dialog.clear_button, dialog.table]


def test_every_input_and_button_has_an_accessible_name(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    widgets = [
        *dialog.findChildren(QLineEdit),
        *dialog.findChildren(QPushButton),
        dialog.table,
        dialog.integrity,
    ]
    assert len(dialog.findChildren(QLineEdit)) == 7  # six searches, plus lot or serial
    for widget in widgets:
        assert widget.accessibleName(), widget.objectName()
    for name in (
        "historySearchId",
        "historyMrn",
        "historyPatient",
        "historyCode",
        "historySince",
        "historyUntil",
        "historyTable",
        "historyIntegrity",
        "historyOpen",
        "historyReprint",
        "historyCorrect",
        "historyExport",
    ):
        assert dialog.findChild(QWidget, name) is not None, name


def test_escape_closes_and_closes_the_store(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    assert dialog.store is not None
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert dialog.store is None
    dialog.show()  # non-modal use: shown again, it opens the store again
    settle(qtbot, dialog)
    assert dialog.store is not None
    assert len(ids(dialog)) == 4


def test_a_database_from_a_newer_program_is_refused_in_words(
    qtbot, isolated: Path, open_dialog
) -> None:
    with RecordStore.open(isolated):
        pass
    conn = sqlite3.connect(isolated / DB_FILENAME)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    dialog = open_dialog(isolated)
    assert dialog.store is None
    assert dialog.integrity.property("integrity") == "broken"
    assert "could not be opened" in dialog.integrity.text()
    assert "update unitcalc" in dialog.integrity.text()
    assert not dialog.patient.isEnabled()
    assert not dialog.export_button.isEnabled()


def test_local_dates_are_shown(qtbot, data_dir: Path, open_dialog) -> None:
    dialog = open_dialog(data_dir)
    assert [cell(dialog, n, 1) for n in range(4)] == [
        f"{d:%Y-%m-%d} 12:00"
        for d in (date(2025, 3, 4), date(2025, 3, 3), date(2025, 3, 2), date(2025, 3, 1))
    ]


def test_a_changed_pdf_is_found_by_check_again_and_never_reprinted(
    qtbot, data_dir: Path, open_dialog
) -> None:
    conn = sqlite3.connect(data_dir / DB_FILENAME)
    conn.execute("DROP TRIGGER worksheet_pdfs_no_update")
    conn.execute("UPDATE worksheet_pdfs SET pdf = ? WHERE id = 2", (b"%PDF-1.4 forged",))
    conn.commit()
    conn.close()
    dialog = open_dialog(data_dir)
    assert dialog.integrity.property("integrity") == "ok"  # the quick check reads no PDFs
    qtbot.mouseClick(dialog.verify_button, Qt.MouseButton.LeftButton)
    settle(qtbot, dialog)
    assert dialog.integrity.property("integrity") == "broken"
    assert "PDF of worksheet W-000002 was changed" in dialog.integrity.text()
    told: list[str] = []
    dialog.tell = lambda title, text: told.append(f"{title}: {text}")
    dialog.ask_printer = lambda _p: pytest.fail("printed a changed PDF")
    assert dialog.reprint(2) is None
    assert dialog.open_record(2) is None
    assert len(told) == 2
    assert all("W-000002" in t and "SHA-256" in t for t in told)
