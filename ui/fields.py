"""Small building blocks shared by the panels: inputs with names, and their error lines.

Each input gets an accessible name (screen readers, automation) and an error label
directly under it, so a problem is shown in words beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.style import set_role


def line_edit(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


def combo(name: str, accessible: str, items: Sequence[tuple[str, object]]) -> QComboBox:
    box = QComboBox()
    box.setObjectName(name)
    box.setAccessibleName(accessible)
    for text, data in items:
        box.addItem(text, data)
    return box


class ErrorLabel(QLabel):
    """The words beside a field that say what is wrong with it; hidden when all is well."""

    def __init__(self, field_name: str, field: QWidget | None = None) -> None:
        super().__init__()
        self.setObjectName(f"{field_name}Error")
        set_role(self, "error")
        self.setWordWrap(True)
        self.hide()
        #: The input the words are about: its accessible description carries them.
        self.field = field
        self._description: str | None = None  # the field's own, while an error shows

    def show_message(self, message: str | None) -> None:
        if message:
            if message != self.text():
                self.setText(message)
                self._tie(message)
            if self.isHidden():
                self.show()
        elif not self.isHidden():
            self.clear()
            self.hide()
            self._tie(None)

    def _tie(self, message: str | None) -> None:
        """The error is the field's description while it shows, and is announced."""
        from ui.announce import announce

        if self.field is None:
            return
        if message is None:
            self.field.setAccessibleDescription(self._description or "")
            self._description = None
            return
        if self._description is None:
            self._description = self.field.accessibleDescription()
        self.field.setAccessibleDescription(message)
        announce(self.field, f"{self.field.accessibleName()}: {message}", assertive=True)


def hint(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    set_role(label, "hint")
    label.setWordWrap(True)
    if name:
        label.setObjectName(name)
    return label


def field_with_error(
    errors: dict[str, ErrorLabel],
    key: str,
    widgets: Collection[QWidget],
    fixed: Collection[QWidget] = (),
) -> QWidget:
    """The input(s) on one line, the error words for ``key`` underneath (registered in
    ``errors``; no key, no error line). Widgets in ``fixed`` keep their own width."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(1)
    line = QHBoxLayout()
    line.setSpacing(6)
    for widget in widgets:
        line.addWidget(widget, 0 if widget in fixed else 1)
    column.addLayout(line)
    if key:
        errors[key] = ErrorLabel(key, next(iter(widgets), None))
        column.addWidget(errors[key])
    return box
