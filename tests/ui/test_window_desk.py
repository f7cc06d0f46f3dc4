"""What a technician at a real desk needs: a small screen, the keyboard, settings, printing."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QPageSize
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QComboBox, QWidget

from core.records import RecordStore
from ui import settings as prefs

from .test_window_worksheet import fill
from .window_parts import child, enter_dose, type_into


def visible_in_page(window, widget: QWidget) -> bool:
    scroll = next(s for s in window.column_scrolls if s.widget().isAncestorOf(widget))
    viewport = scroll.viewport()
    if not window.rect().contains(viewport.mapTo(window, viewport.rect().bottomRight())):
        return False
    top_left = widget.mapTo(viewport, widget.rect().topLeft())
    bottom_right = widget.mapTo(viewport, widget.rect().bottomRight())
    return viewport.rect().contains(top_left) and viewport.rect().contains(bottom_right)


def test_every_control_is_reachable_on_a_1024x600_screen(qtbot, window) -> None:
    window.resize(1024, 600 - 40)  # the screen minus a panel
    fill(qtbot, window)  # Verify and Print take the focus once they can be used
    qtbot.wait(10)
    for name in ("doseOrdered", "wasteWitness", "preparedBy", "printButton"):
        widget = child(window, name)
        widget.setFocus()
        qtbot.waitUntil(lambda w=widget: visible_in_page(window, w))
    assert visible_in_page(window, child(window, "verifyButton"))  # beside Print


def test_the_window_opens_inside_the_screen(window) -> None:
    screen = window.screen().availableGeometry()
    assert screen.contains(window.frameGeometry())


def test_the_scroll_areas_are_no_tab_stops(window) -> None:
    assert [s.focusPolicy() for s in window.column_scrolls] == [Qt.FocusPolicy.NoFocus] * 3


def test_tab_follows_the_left_column_as_seen(qtbot, window) -> None:
    """Issue 19: Tab visits every control as seen (choices included); Enter is the quick
    path through the fields a dose needs (tests/ui/test_keyboard_path.py)."""
    order = []
    widget = child(window, "code")
    widget.setFocus()
    for _ in range(16):
        order.append(window.focusWidget().objectName())
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Tab)
    assert order[:15] == [
        "code",
        "product",
        "concentration",
        "doseOrdered",
        "doseUnit",
        "weight",
        "bsa",
        "height",
        "vialSize",
        "vialCount",
        "vialType",
        "payer",
        "setting",
        "amountAdministered",
        "administeredUnit",
    ]


def test_enter_on_the_focused_verify_button_verifies(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "preparedBy", "TN")
    type_into(qtbot, window, "verifiedBy", "RP")
    button = child(window, "verifyButton")
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert window.documentation().verified_at is not None


def test_preview_has_a_shortcut(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    with qtbot.waitActive(window):
        window.activateWindow()
    qtbot.keyClick(
        window,
        Qt.Key.Key_P,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    dialog = window.worksheet.actions.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.close()


def test_a_status_message_does_not_move_the_columns(qtbot, window) -> None:
    panel = child(window, "printButton")
    before = panel.mapTo(window, panel.rect().topLeft())
    window.statusBar().showMessage("Draft saved", 4000)
    qtbot.wait(10)
    assert panel.mapTo(window, panel.rect().topLeft()) == before
    window.statusBar().clearMessage()
    qtbot.wait(10)
    assert panel.mapTo(window, panel.rect().topLeft()) == before


def test_first_run_offers_the_settings_and_they_are_kept(qtbot, window) -> None:
    from ui.settings_dialog import SettingsDialog

    banner = child(window, "setupBanner")
    assert banner.isVisible() and "Facility" in banner.message.text()
    qtbot.mouseClick(window.setup_banner.button("setupButton"), Qt.MouseButton.LeftButton)
    dialog = window.findChild(SettingsDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.facility.setText("Riverside Infusion Center")
    paper = dialog.findChild(QComboBox, "settingsPaper")
    paper.setCurrentIndex(paper.findData("a4"))
    dialog.accept()
    assert not banner.isVisible()
    assert window.settings.value(prefs.FACILITY) == "Riverside Infusion Center"
    assert window.worksheet.actions.paper == "a4"
    assert window.settings.value(prefs.SET_UP) in (True, "true")


def test_the_save_dialog_suggests_no_patient_identifier(qtbot, window) -> None:
    fill(qtbot, window)
    asked: list[str] = []
    window.worksheet.actions.ask_path = lambda suggested: asked.append(suggested) or ""
    window.worksheet.actions.save_worksheet()
    assert re.fullmatch(r"worksheet-new-\d{4}-\d{2}-\d{2}\.pdf", asked[0])
    assert "00123456" not in asked[0]


def media_box(pdf: bytes) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    return round(float(box.width)), round(float(box.height))


@pytest.mark.parametrize(
    ("paper", "queue_paper", "size"),
    [
        ("letter", QPageSize.PageSizeId.A4, (612, 792)),
        ("a4", QPageSize.PageSizeId.Letter, (595, 842)),
    ],
)
def test_the_paper_setting_is_what_prints_and_saves(
    qtbot, open_window, tmp_path: Path, isolated, paper: str, queue_paper, size: tuple[int, int]
) -> None:
    """The print dialog comes back with the queue's own paper; the worksheet printed, and
    the one saved after it, are on the Paper setting's all the same (issue 19)."""
    settings = prefs.open_settings()
    settings.setValue(prefs.SET_UP, True)
    settings.setValue(prefs.PAPER, paper)
    settings.sync()
    window = open_window()
    fill(qtbot, window)
    out = tmp_path / "printed.pdf"

    def queue_default(printer: QPrinter) -> bool:
        printer.setPageSize(QPageSize(queue_paper))
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        return True

    window.worksheet.actions.ask_printer = queue_default
    window.request_print()
    assert media_box(out.read_bytes()) == size
    with RecordStore.open(isolated) as store:
        assert store.pdf(1) == out.read_bytes()  # the printed file is the recorded PDF
    saved = tmp_path / "saved.pdf"
    window.worksheet.actions.ask_path = lambda suggested: str(saved)
    assert window.worksheet.actions.save_worksheet() == saved
    assert media_box(saved.read_bytes()) == size


def test_a_queue_gets_the_pdf_itself_and_is_remembered(
    qtbot, window, isolated, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.printing

    sent: list[tuple[bytes, str, str]] = []
    monkeypatch.setattr(
        core.printing, "send_pdf", lambda pdf, name, title: sent.append((pdf, name, title)) or "Q-1"
    )
    # Whatever this machine's queue has loaded, it is the worksheet's paper here.
    monkeypatch.setattr(core.printing, "queue_paper", lambda name: window.worksheet.actions.paper)
    fill(qtbot, window)
    window.worksheet.actions.ask_printer = lambda printer: True
    window.request_print()
    assert len(sent) == 1
    pdf, name, title = sent[0]
    with RecordStore.open(isolated) as store:
        assert pdf == store.pdf(1)  # text and fonts as recorded, not a picture
    assert title == window.worksheet.file_name().removesuffix(".pdf")
    assert "00123456" not in title
    assert window.worksheet.actions.last_printer == name
    if name:
        assert window.settings.value(prefs.LAST_PRINTER) == name
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "J1410-JW" in text


def test_a_failed_print_says_so_and_keeps_the_record(
    qtbot, window, isolated, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.printing

    def offline(_pdf: bytes, _name: str, _title: str) -> str:
        raise core.printing.PrintError("the printer is offline")

    monkeypatch.setattr(core.printing, "send_pdf", offline)
    monkeypatch.setattr(core.printing, "queue_paper", lambda name: window.worksheet.actions.paper)
    told: list[str] = []
    fill(qtbot, window)
    window.worksheet.actions.ask_printer = lambda printer: True
    window.worksheet.actions.tell = lambda title, text: told.append(f"{title}: {text}")
    window.request_print()
    assert told == ["The worksheet was recorded but not printed: the printer is offline"]
    with RecordStore.open(isolated) as store:
        assert len(store.list()) == 1


def test_settings_survive_a_new_window(qtbot, isolated) -> None:
    settings = prefs.open_settings()
    settings.setValue(prefs.SET_UP, True)
    settings.setValue(prefs.PAPER, "a4")
    settings.setValue(prefs.LAST_PRINTER, "Office")
    settings.sync()
    from main import build_window

    window = build_window()
    qtbot.addWidget(window)
    window.show()
    window.ensure_engine()
    assert not child(window, "setupBanner").isVisible()
    assert window.worksheet.actions.paper == "a4"
    assert window.worksheet.actions.last_printer == "Office"
    window.mark_saved()


def test_typing_before_start_up_finishes_gets_the_answer_first(qtbot, isolated) -> None:
    from main import build_window

    window = build_window()
    qtbot.addWidget(window)
    window.show()  # the engine has not loaded yet
    window.dose.vial_size.setEditText("10")
    child(window, "doseOrdered").setText("12")
    child(window, "amountAdministered").setText("12")
    assert child(window, "unitsAdministered").text() == "3"
    assert window.worksheet is None  # printing and menus come right after the answer
    qtbot.waitUntil(lambda: window.worksheet is not None)
    window.mark_saved()


def test_the_window_and_its_features_share_one_site(window) -> None:  # type: ignore[no-untyped-def]
    """Made once at the window's start-up; every feature reaches the data through it."""
    features = window.features
    assert window.worksheet.site is window.site
    assert features.necessity.authorizations.site is window.site
    assert features.cms._site is window.site
    assert features.charges.site is window.site
    assert window.site.data_dir == window.data_dir


def test_settings_say_when_the_printer_is_set_to_other_paper(
    qtbot, window, monkeypatch: pytest.MonkeyPatch
) -> None:
    import core.printing
    from ui import announce
    from ui.settings_dialog import SettingsDialog

    queues = [
        core.printing.Printer("Office", True, "a4"),
        core.printing.Printer("Lab", False, None),
    ]
    monkeypatch.setattr(core.printing, "printers", lambda: queues)
    dialog = SettingsDialog(window.settings, window.site, window)
    qtbot.addWidget(dialog)
    dialog.show()
    hint = dialog.paper_hint
    paper, printer = dialog.paper, dialog.printer
    paper.setCurrentIndex(paper.findData("letter"))
    printer.setCurrentIndex(printer.findData("Office"))
    assert hint.isVisible()
    assert hint.text().startswith("Printer Office is set to A4 paper;")
    assert hint.text() in announce.spoken
    assert printer.accessibleDescription() == hint.text()
    paper.setCurrentIndex(paper.findData("a4"))
    assert not hint.isVisible()  # the same paper
    printer.setCurrentIndex(printer.findData("Lab"))
    assert not hint.isVisible()  # its paper is not known: nothing to say
    printer.setCurrentIndex(printer.findData(""))
    assert not hint.isVisible()  # ask each time
