"""Every control named with its visible label, for screen readers (WCAG 2.5.3, label in
name).

Panels lay out rows as ``QFormLayout.addRow("Code", holder)``, where ``holder`` is a
widget around the control and its error line; Qt buddies the row's label to the holder,
so the control itself has no label relation and a combo box is read by its value ("IV",
not "Route"). ``name_controls`` runs once over a finished window or dialog: each row's
label is buddied to the control in its holder (its combo box, if it has one), and
a control whose accessible name lacks the label's words is named by the label (the old
name kept as the description). A button is named by its text the same way.
"""

from __future__ import annotations

from PySide6.QtGui import QWindow
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QBoxLayout,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

CONTROLS = (QLineEdit, QComboBox, QAbstractButton, QPlainTextEdit, QAbstractItemView)


def plain(text: str) -> str:
    """The words of a label as heard: no mnemonic ampersand, no trailing colon."""
    return text.replace("&", "").strip().rstrip(":").rstrip("…").strip()


def row_controls(holder: QWidget) -> list[QWidget]:
    if isinstance(holder, CONTROLS):
        return [holder]
    return [
        child
        for child in holder.findChildren(QWidget)
        if isinstance(child, CONTROLS) and not isinstance(child.parentWidget(), QComboBox)
    ]


def field_controls(item: QLayoutItem) -> list[QWidget]:
    """The controls of a form row's field: a widget, or a layout (a field with its error
    line under it, found over AT-SPI without its label: the PIN in the PIN dialog)."""
    widget, layout = item.widget(), item.layout()
    if widget is not None:
        return row_controls(widget)
    if layout is None:
        return []
    found: list[QWidget] = []
    for index in range(layout.count()):
        inner = layout.itemAt(index)
        if inner is not None:
            found += field_controls(inner)
    return found


def name_by(control: QWidget, words: str) -> None:
    """Name ``control`` with ``words`` unless its name already holds them."""
    name = control.accessibleName()
    if words and words.lower() not in name.lower():
        if name and not control.accessibleDescription():
            control.setAccessibleDescription(name)
        control.setAccessibleName(words)


def name_controls(root: QWidget) -> None:
    """Buddy each form row's label to its control and name the control by it; name
    each button by its text."""
    for form in root.findChildren(QFormLayout):
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            if not isinstance(label, QLabel) or field_item is None or not plain(label.text()):
                continue
            controls = field_controls(field_item)
            if not controls:
                continue
            # On Linux a combo box's name is its value; it is heard by its label relation
            # (the buddy). A row with an amount and its unit: the unit combo is the buddy,
            # the amount is named.
            combos = [c for c in controls if isinstance(c, QComboBox)]
            label.setBuddy(combos[0] if combos else controls[0])
            for control in controls:
                name_by(control, plain(label.text()))
    for grid in root.findChildren(QGridLayout):  # a label with its control to its right
        for row in range(grid.rowCount()):
            for column in range(grid.columnCount() - 1):
                _pair(
                    _widget(grid.itemAtPosition(row, column)),
                    _widget(grid.itemAtPosition(row, column + 1)),
                )
    for box in root.findChildren(QBoxLayout):  # a label, then its control
        for index in range(box.count() - 1):
            _pair(_widget(box.itemAt(index)), _widget(box.itemAt(index + 1)))
    for edit in root.findChildren(QLineEdit):  # no label at all: its placeholder words
        if not edit.accessibleName() and not isinstance(edit.parentWidget(), QComboBox):
            edit.setAccessibleName(plain(edit.placeholderText()))
    for button in root.findChildren(QAbstractButton):
        name_by(button, plain(button.text()))


def _widget(item: QLayoutItem | None) -> QWidget | None:
    return item.widget() if item is not None else None


def _pair(label: QWidget | None, control: QWidget | None) -> None:
    if isinstance(label, QLabel) and label.buddy() is None and isinstance(control, CONTROLS):
        words = plain(label.text()).rstrip(" *")
        if words and not isinstance(control, QAbstractButton):
            label.setBuddy(control)
            name_by(control, words)


def name_each_window(app: QApplication) -> None:
    """Name the controls of every window and dialog the first time it takes focus (one
    place for all dialogs, with no event filter on every event); connected once."""
    if app.property("namesEachWindow"):
        return
    app.setProperty("namesEachWindow", True)

    def focused(window: QWindow | None) -> None:
        for widget in app.topLevelWidgets():
            if widget.windowHandle() is window and not widget.property("namesSet"):
                widget.setProperty("namesSet", True)
                name_controls(widget)

    app.focusWindowChanged.connect(focused)
