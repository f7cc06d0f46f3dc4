"""Enter/Return moves to the next field, as Tab does.

Installed right after the first paint: importing the ``Qt`` namespace costs more start-up
time than the whole bare window, and nobody presses Enter before the window is there.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

#: The next control the dose needs after a widget, if any.
NextNeeded = Callable[[QWidget], "QWidget | None"]


class EnterMovesOn(QObject):
    """Enter/Return in an input moves focus to the next field, like Tab.

    Technicians type a number and press Enter; without this, Enter does nothing in a
    line edit and they reach for the mouse.
    """

    def __init__(self, parent: QObject, next_needed: NextNeeded | None = None) -> None:
        super().__init__(parent)
        self.next_needed = next_needed

    def move_on(self, widget: QWidget) -> None:
        """To the next field the dose needs (a button there is pressed: Verify), else
        the next control."""
        needed = self.next_needed(widget) if self.next_needed is not None else None
        if isinstance(needed, QAbstractButton):
            needed.click()
        elif needed is not None:
            needed.setFocus(Qt.FocusReason.TabFocusReason)
        else:
            widget.window().focusNextChild()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress:
            plain = event.modifiers() in (  # type: ignore[attr-defined]
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            )
            if plain and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):  # type: ignore[attr-defined]
                widget = watched if isinstance(watched, QWidget) else None
                combo = widget.parentWidget() if widget is not None else None
                if isinstance(combo, QComboBox) and combo.lineEdit() is widget:
                    widget = combo  # an editable combo's line edit: move on from the combo
                if widget is not None:
                    self.move_on(widget)
                    return True
        return False
