"""A PIN field whose digits never reach the accessibility bus.

A ``QLineEdit`` in Password mode shows dots and reports dots to a screen reader, but
each key still leaves in a text-insert event with the character typed (Qt's line
control sends what it inserts, whatever the echo mode), and any program on the AT-SPI
bus can record them. ``PinField`` keeps the PIN in Python and lets the line edit hold
only one mask character per character typed, so everything Qt knows of the field, its
events included, is the PIN's length; the length is announced as it changes.

``text()`` and ``setText()`` are the PIN's (the callers' and the tests' API of a line
edit); Qt's own code sees only the mask. Editing is typing at the end and Backspace;
any other deletion, a selection replaced or the cursor moved clears the field.

The keys themselves were heard too (found with tools/atspi_walk.py): Qt's AT-SPI bridge
is an application event filter that sends every key typed, its character and keysym, to
the bus's keystroke listeners (Orca's key echo, or any program). While a PIN field has
the keys, ``KeysStayHere`` sits in front of it: a character key for the field is taken
before the bridge sees it and delivered to the field directly (an event Qt made, which
the bridge does not forward). Enter, Tab, Esc and Backspace still reach the bridge, so
a screen reader still hears them by name.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import (
    QFocusEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QWindow,
)
from PySide6.QtWidgets import QApplication, QLineEdit

from ui.announce import announce

MASK = "•"


def length_words(count: int) -> str:
    return "PIN empty" if count == 0 else f"PIN: {count} character{'s' if count != 1 else ''}"


class PinField(QLineEdit):
    def __init__(self, name: str = "pinField", accessible: str = "PIN") -> None:
        super().__init__()
        self.setObjectName(name)
        self.setAccessibleName(accessible)
        self.setEchoMode(QLineEdit.EchoMode.Password)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setAcceptDrops(False)
        self.setAttribute(Qt.WidgetAttribute.WA_InputMethodEnabled, False)
        self._pin = ""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride:  # comes before each key press
            KEYS_STAY_HERE.guard()
        return super().event(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        KEYS_STAY_HERE.guard()
        super().focusInEvent(event)

    # -- the PIN, for Python callers --------------------------------------------------------

    def text(self) -> str:
        return self._pin

    def setText(self, pin: str | None) -> None:
        self._pin = pin or ""
        QLineEdit.setText(self, MASK * len(self._pin))
        self._announce()

    def clear(self) -> None:
        self.setText("")

    # -- keys ---------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        typed = event.text()
        at_end = self.cursorPosition() == len(self._pin) and not self.hasSelectedText()
        if event.matches(QKeySequence.StandardKey.Paste):
            clipboard = QGuiApplication.clipboard().text().strip()
            self._append(clipboard if at_end else None, clipboard)
        elif event.key() == Qt.Key.Key_Backspace and at_end:
            self.setText(self._pin[:-1])
        elif event.key() in (Qt.Key.Key_Backspace, Qt.Key.Key_Delete):
            self.clear()
        elif (
            typed
            and typed.isprintable()
            and not event.modifiers()
            & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)
        ):
            self._append(typed if at_end else None, typed)
        else:
            super().keyPressEvent(event)  # Enter, Tab, Esc and moves reach the dialog
            if self.cursorPosition() != len(self._pin) or self.hasSelectedText():
                self.setCursorPosition(len(self._pin))

    def _append(self, more: str | None, instead: str) -> None:
        """Add ``more`` at the end; ``None``: the field is replaced by ``instead``."""
        self.setText(self._pin + more if more is not None else instead)

    def _announce(self) -> None:
        announce(self, length_words(len(self._pin)))


CHARACTER_KEYS = (QEvent.Type.KeyPress, QEvent.Type.KeyRelease)


class KeysStayHere(QObject):
    """An application event filter in front of Qt's AT-SPI bridge while a PIN field has
    the keys (installed last, so it runs first; installed again before each key, in case
    a screen reader started meanwhile). Gone when another widget takes the focus."""

    def guard(self) -> None:
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # again: moves it to the front

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        app = QApplication.instance()
        if kind == QEvent.Type.FocusIn and not isinstance(watched, PinField) and app:
            app.removeEventFilter(self)
        if kind not in CHARACTER_KEYS or not event.spontaneous():
            return False
        # From the X server a key goes to the window first, which passes it to its focus.
        to = QApplication.focusWidget() if isinstance(watched, QWindow) else watched
        if not isinstance(to, PinField) or not isinstance(event, QKeyEvent):
            return False
        typed = event.text()
        if not typed or not typed.isprintable():
            return False  # Enter, Tab, Backspace: the bridge names them, nothing typed
        copy = QKeyEvent(kind, event.key(), event.modifiers(), 0, 0, 0, typed,
                         event.isAutoRepeat(), event.count())  # fmt: skip
        QApplication.sendEvent(watched, copy)  # not spontaneous: the bridge lets it by
        return True


KEYS_STAY_HERE = KeysStayHere()
