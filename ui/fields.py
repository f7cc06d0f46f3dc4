"""Small building blocks shared by the panels: an input with its error line, Enter-to-advance.

Each input gets an accessible name (screen readers, automation) and an error label
directly under it, so a problem is shown in words beside the field it is about.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget


class EnterMovesOn(QObject):
    """Enter/Return in an input moves focus to the next field, like Tab.

    Technicians type a number and press Enter; without this, Enter does nothing in a
    line edit and they reach for the mouse.
    """

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            plain = event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                widget = watched if isinstance(watched, QWidget) else None
                combo = widget.parentWidget() if widget is not None else None
                if isinstance(combo, QComboBox) and combo.lineEdit() is widget:
                    widget = combo  # an editable combo's line edit: move on from the combo
                if widget is not None:
                    widget.window().focusNextChild()
                    return True
        return False


def line_edit(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(False)
    return edit


def combo(name: str, accessible: str, items: list[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    for text, data in items:
        box.addItem(text, data)
    return box


class ErrorLabel(QLabel):
    """The words beside a field that say what is wrong with it; hidden when all is well."""

    def __init__(self, field_name: str) -> None:
        super().__init__()
        self.setObjectName(f"{field_name}Error")
        self.setProperty("role", "error")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, message: str | None) -> None:
        if message:
            self.setText(message)
            self.show()
        else:
            self.clear()
            self.hide()


def hint(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label
