"""Nothing cut at 1024x600 (issue 19), found by looking at the screenshots
(``uv run python -m ui.screenshot OUT.png 1024x600``, also at QT_SCALE_FACTOR=1.5)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit

from .window_parts import child, type_into


def at_desk_size(window) -> None:  # type: ignore[no-untyped-def]
    window.resize(1024, 600)
    QApplication.processEvents()


def test_the_code_box_shows_the_code_not_the_end_of_its_line(qtbot, window) -> None:
    """The box showed "(per 5 mL) - not CMS data", J1410 scrolled off to the left."""
    at_desk_size(window)
    code = child(window, "code")
    assert isinstance(code, QComboBox)
    edit = code.lineEdit()
    assert edit.fontMetrics().horizontalAdvance(edit.text()) > edit.width()  # too long
    assert edit.cursorPosition() == 0  # so the start, the code, is what shows
    assert window.dose.choose_code("J1459")
    assert edit.text().startswith("J1459") and edit.cursorPosition() == 0


def test_the_code_source_note_is_whole(qtbot) -> None:
    """The boxed note under the code was cut at its top and bottom lines, in the window
    of the screenshot (opened at 1024x600, the example filled in)."""
    from ui.screenshot import example_window

    with example_window(1024, 600) as window:
        QApplication.processEvents()
        note = child(window, "codeSource")
        assert isinstance(note, QLabel) and note.text()
        assert note.height() >= note.heightForWidth(note.width())


def test_given_at_shows_a_whole_date_and_time_beside_now(qtbot, window) -> None:
    """ "2025-03-14 09:30" showed as "5-03-14 09:30"."""
    at_desk_size(window)
    type_into(qtbot, window, "administeredAt", "2025-03-14 09:30")
    given = child(window, "administeredAt")
    assert isinstance(given, QLineEdit)
    frame_and_margins = 8
    assert given.fontMetrics().horizontalAdvance(given.text()) <= given.width() - frame_and_margins


def test_the_small_dialogs_show_their_fields_hints_whole(qtbot, window) -> None:
    """The PIN, first-administrator and Settings dialogs opened as narrow as their
    labels: "account name, e…", "at least 4 charact…", "…this computer's data di…"."""
    from ui.first_admin import FirstAdminDialog
    from ui.pin_dialog import PinDialog
    from ui.settings_dialog import SettingsDialog

    assert window.features is not None
    dialogs = [
        PinDialog(window, "Sign", "Sign the dose", "", lambda *_: None),
        FirstAdminDialog(window.features.signing, window),
        SettingsDialog(window.settings, window.site, window),
    ]
    for dialog in dialogs:
        qtbot.addWidget(dialog)
        dialog.show()
        QApplication.processEvents()
        assert dialog.width() <= 1024
        for edit in dialog.findChildren(QLineEdit):
            hint = edit.placeholderText()
            if hint:
                needed = edit.fontMetrics().horizontalAdvance(hint)
                assert needed <= edit.width() - 8, f"{dialog.objectName()}: {hint}"


def test_the_audit_findings_keep_most_of_a_desk_screen(qtbot, window) -> None:
    """At 1024x600 the findings table was two rows high under the column mapping; the
    file and mapping now scroll inside the dialog above it."""
    from ui.audit_dialog import AuditDialog

    reference = window.site.open_reference()
    try:
        dialog = AuditDialog(window, reference, reference, window.settings, site=window.site)
        qtbot.addWidget(dialog)
        dialog.resize(1008, 560)  # as it opens on a 1024x600 screen
        dialog.show()
        QApplication.processEvents()
        rows = dialog.table.verticalHeader().defaultSectionSize()
        assert dialog.table.height() >= 8 * rows  # eight findings, as in docs/audit.png
        dialog.close()
    finally:
        reference.close()


def test_the_audit_scroll_area_is_no_tab_stop(window) -> None:
    """Over AT-SPI the scroll area above was a focusable filler with no name; Tab goes
    to the controls inside it (and scrolls them into view)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QScrollArea

    from ui.audit_dialog import AuditDialog

    reference = window.site.open_reference()
    try:
        dialog = AuditDialog(window, reference, reference, window.settings, site=window.site)
        areas = dialog.findChildren(QScrollArea)
        assert areas and all(a.focusPolicy() == Qt.FocusPolicy.NoFocus for a in areas)
        dialog.close()
    finally:
        reference.close()
