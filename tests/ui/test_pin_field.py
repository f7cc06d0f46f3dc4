"""No PIN character reaches Qt's accessibility: only its length (issue 19)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QLineEdit

from ui.pin_field import MASK, PinField, length_words


def what_qt_holds(field: PinField) -> list[str]:
    """Everything Qt's side knows of the field's content: the line edit's own text (what
    its text-insert and text-update events carry) and the accessible interface's."""
    interface = QAccessible.queryAccessibleInterface(field)
    assert interface is not None
    texts = interface.textInterface()
    assert texts is not None
    return [
        QLineEdit.text(field),  # the C++ text, not the PIN
        QLineEdit.displayText(field),
        interface.text(QAccessible.Text.Value),
        interface.text(QAccessible.Text.Name),
        interface.text(QAccessible.Text.Description),
        texts.text(0, texts.characterCount()),
    ]


def test_typed_pin_is_kept_and_qt_holds_only_its_length(qtbot) -> None:
    field = PinField()
    qtbot.addWidget(field)
    field.show()
    qtbot.keyClicks(field, "4821")
    assert field.text() == "4821"
    assert QLineEdit.text(field) == MASK * 4
    for held in what_qt_holds(field):
        assert not any(c.isdigit() for c in held), held
    qtbot.keyClick(field, Qt.Key.Key_Backspace)
    assert field.text() == "482"
    assert QLineEdit.text(field) == MASK * 3


def test_the_cursor_stays_at_the_end_and_a_selection_deleted_clears(qtbot) -> None:
    field = PinField()
    qtbot.addWidget(field)
    qtbot.keyClicks(field, "4821")
    qtbot.keyClick(field, Qt.Key.Key_Home)
    qtbot.keyClicks(field, "9")
    assert field.text() == "48219"
    field.setText("1234")
    qtbot.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    assert field.text() == "" and QLineEdit.text(field) == ""


def test_the_announcement_says_the_length_only() -> None:
    assert length_words(0) == "PIN empty"
    assert length_words(4) == "PIN: 4 characters"


def test_every_pin_field_in_the_window_is_a_pin_field(qtbot, window) -> None:
    from ui.first_admin import FirstAdminDialog
    from ui.pin_dialog import PinDialog
    from ui.window_lock import LockScreen

    assert window.features is not None
    dialogs = [
        PinDialog(window, "Sign", "Sign", "jkim", lambda *_: None).pin,
        FirstAdminDialog(window.features.signing, window).pin,
        FirstAdminDialog(window.features.signing, window).again,
        LockScreen("J. Kim").pin,
    ]
    for field in dialogs:
        assert isinstance(field, PinField)
    for edit in window.findChildren(QLineEdit):
        if edit.echoMode() != QLineEdit.EchoMode.Normal:
            assert isinstance(edit, PinField), edit.objectName()
