"""What a screen reader hears of a window: each control's accessible name as Qt's
accessibility API reports it (``QAccessible.queryAccessibleInterface``), and which
controls have no usable name (none, their value instead of a name, or a name without
their visible label's words). Used by the tests and by ``python -m tests.ui.accessibility``."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

CONTROLS = (QLineEdit, QComboBox, QAbstractButton, QPlainTextEdit, QAbstractItemView)


def controls(window: QWidget) -> list[QWidget]:
    """The window's controls a person reaches (an editable combo's own line edit and a
    combo's popup list are parts of the combo)."""
    found = []
    for widget in window.findChildren(QWidget):
        if not isinstance(widget, CONTROLS) or not widget.isVisibleTo(window):
            continue
        if isinstance(widget.parentWidget(), QComboBox | QAbstractItemView):
            continue  # a combo's own parts, a table's headers
        if widget.window() is not window:
            continue
        found.append(widget)
    return found


def accessible_name(widget: QWidget) -> str:
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name) if interface is not None else ""


def labelled_by(widget: QWidget) -> list[str]:
    """The names of the labels Qt reports as labelling ``widget`` (a buddy: AT-SPI's
    labelled-by relation, which Orca reads for a combo box on Linux)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    if interface is None:
        return []
    return [
        other.text(QAccessible.Text.Name)
        for other, _ in interface.relations(QAccessible.RelationFlag.Label)
    ]


def visible_label(widget: QWidget) -> str:
    """The words shown as the control's label: a label buddied to it, or its form row's."""
    for label in widget.window().findChildren(QLabel):
        if label.buddy() is widget and label.text():
            return label.text()
    holder: QWidget | None = widget
    for _ in range(3):
        if holder is None or holder.parentWidget() is None:
            break
        layout = holder.parentWidget().layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(holder)
            if isinstance(label, QLabel) and label.text():
                return label.text()
        holder = holder.parentWidget()
    return ""


def plain(text: str) -> str:
    return text.replace("&", "").strip().rstrip(":").rstrip("…").strip().lower()


def unnamed(window: QWidget) -> list[str]:
    """Controls without a usable name, each as ``objectName: what is heard``."""
    bad = []
    for widget in controls(window):
        name = accessible_name(widget)
        heard = " ".join([name, *labelled_by(widget)]).lower()
        label = plain(visible_label(widget))
        if isinstance(widget, QAbstractButton) and widget.text():
            label = plain(widget.text())
        value = widget.currentText() if isinstance(widget, QComboBox) else ""
        value_only = value and name == value and not labelled_by(widget)
        if not heard.strip() or value_only or (label and label not in heard):
            bad.append(
                f"{widget.objectName() or type(widget).__name__}: {name!r} (label {label!r})"
            )
    return bad
