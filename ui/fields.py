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


#: A field's own accessible description, kept while an error stands in for it.
_OWN_DESCRIPTION = "ownAccessibleDescription"
#: Set on a field while an error is shown for it (``tie_error``).
INVALID = "invalid"


def tie_error(field: QWidget, message: str | None) -> None:
    """The one way an error reaches a screen reader with its field (every panel and
    dialog, through ``ErrorLabel``): while it shows, the message is the field's
    accessible description (the field's own kept aside and given back when the error
    clears), the field carries the ``invalid`` property, and the message is announced
    (assertive) with the field's name.

    Qt has ``QAccessible.State.invalid``, but a plain line edit's or combo box's
    interface never sets it and Qt's AT-SPI bridge does not pass it on (nor any
    "invalid entry" state); replacing the interface from Python would lose the line
    edit's text interface. So the description and the announcement carry the error.
    """
    from ui.announce import announce

    showing = field.property(INVALID) is True
    if not message:
        if showing:
            field.setAccessibleDescription(str(field.property(_OWN_DESCRIPTION) or ""))
            field.setProperty(INVALID, False)
        return
    if not showing:
        field.setProperty(_OWN_DESCRIPTION, field.accessibleDescription())
        field.setProperty(INVALID, True)
    elif field.accessibleDescription() == message:
        return  # said already
    field.setAccessibleDescription(message)
    announce(field, f"{field.accessibleName()}: {message}", assertive=True)


class ErrorLabel(QLabel):
    """The words beside a field that say what is wrong with it; hidden when all is well.
    Every error line has its field (``tie_error``); a line about several fields names
    the one at fault with each message."""

    def __init__(self, field_name: str, field: QWidget) -> None:
        super().__init__()
        self.setObjectName(f"{field_name}Error")
        set_role(self, "error")
        self.setWordWrap(True)
        self.hide()
        #: The input the words are about, unless a message names another.
        self.field = field
        self._tied: QWidget | None = None  # the field the shown message is tied to

    def show_message(self, message: str | None, field: QWidget | None = None) -> None:
        """Show ``message`` beside the field (``field``: about that one instead); ``None``
        or empty clears it."""
        if message:
            target = field if field is not None else self.field
            if self._tied is not None and self._tied is not target:
                tie_error(self._tied, None)
            self._tied = target
            if message != self.text():
                self.setText(message)
            tie_error(target, message)
            if self.isHidden():
                self.show()
        elif self._tied is not None or not self.isHidden():
            self.clear()
            self.hide()
            if self._tied is not None:
                tie_error(self._tied, None)
                self._tied = None


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
        errors[key] = ErrorLabel(key, next(iter(widgets)))
        column.addWidget(errors[key])
    return box
