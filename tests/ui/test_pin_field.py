"""No PIN character reaches Qt's accessibility: only its length (issue 19)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLineEdit

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
    from core.accounts import Account
    from ui.first_admin import FirstAdminDialog
    from ui.pin_dialog import PinDialog
    from ui.window_lock import LockScreen

    assert window.features is not None
    dialogs = [
        PinDialog(window, "Sign", "Sign", "jkim", lambda *_: None).pin,
        FirstAdminDialog(window.features.signing, window).pin,
        FirstAdminDialog(window.features.signing, window).again,
        LockScreen(
            Account(id=1, name="jkim", full_name="J. Kim", role="technician", active=True)
        ).pin,
    ]
    for field in dialogs:
        assert isinstance(field, PinField)
    for edit in window.findChildren(QLineEdit):
        if edit.echoMode() != QLineEdit.EchoMode.Normal:
            assert isinstance(edit, PinField), edit.objectName()


class Bridge(QObject):
    """Stands in for Qt's AT-SPI bridge (QSpiApplicationAdaptor): an application event
    filter that sends every spontaneous key event's text to the bus, for Orca's key echo
    and for any other keystroke listener on it."""

    def __init__(self) -> None:
        super().__init__()
        self.heard: list[str] = []

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        keys = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)
        if event.type() in keys and event.spontaneous():
            self.heard.append(event.text())  # type: ignore[attr-defined]
        return False


def test_no_pin_key_reaches_the_accessibility_bridge(qtbot) -> None:
    """Found over AT-SPI: each PIN key reached keystroke listeners ('4', keysym 52). Keys
    come as from the X server: to the window first, which passes them to the focused
    field. The bridge is installed at start-up or when a screen reader starts, here after
    the field took focus (the harder case: it would run first)."""
    field = PinField()
    qtbot.addWidget(field)
    field.show()
    field.activateWindow()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    window = field.window().windowHandle()
    bridge = Bridge()
    QApplication.instance().installEventFilter(bridge)
    try:
        for key in (Qt.Key.Key_4, Qt.Key.Key_8, Qt.Key.Key_2, Qt.Key.Key_1):
            QTest.keyClick(window, key)
        qtbot.keyClicks(field, "7")  # to the field itself
        QTest.keyClick(window, Qt.Key.Key_Backspace)
        QTest.keyClick(window, Qt.Key.Key_Return)
    finally:
        QApplication.instance().removeEventFilter(bridge)
    assert field.text() == "4821"  # the keys still typed the PIN
    assert not any(c.isdigit() for c in "".join(bridge.heard)), bridge.heard
    assert "\r" in bridge.heard  # Enter, Tab and the like still reach a screen reader
