"""A dialog's fields wide enough for the words they show when empty.

Looking at the dialogs at 1024x600 (issue 19): the small dialogs opened as narrow as
their labels, so a field's hint was cut ("account name, e…", "at least 4 charact…",
"postgresql://server/unitcalc; empty: this computer's data di…"). Each field of a dialog
is made as wide as its placeholder text, up to ``WIDEST`` (still inside a 1024-pixel
screen beside its label).
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

#: No field grows wider than this for its hint (pixels, before any scaling).
WIDEST = 560
#: The line edit's frame and text margins, both sides.
FRAME = 16


def fit_placeholders(dialog: QWidget) -> None:
    for edit in dialog.findChildren(QLineEdit):
        words = edit.placeholderText()
        if words and not isinstance(edit.parentWidget(), QComboBox):
            needed = edit.fontMetrics().horizontalAdvance(words) + FRAME
            edit.setMinimumWidth(min(max(needed, edit.minimumWidth()), WIDEST))
