"""The code picker: every imported code, found by typing part of its number or name.

The catalog's codes are in the box from the start; the imported CMS codes (hundreds) are
added the first time the picker is focused or opened, so the first answer never waits for
them. Typing filters the list (any part of ``J9271 · Inj pembrolizumab · per 1 MG ·
2025Q4``); choosing a line selects that code.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QCompleter


class CodePicker(QObject):
    """Makes ``box`` searchable and fills it with ``listing()`` on first use."""

    def __init__(self, box: QComboBox, listing: Callable[[], list[tuple[str, str]]]) -> None:
        super().__init__(box)
        self.box = box
        self.listing = listing
        self.loaded = False
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(box.model(), box)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        box.setCompleter(completer)
        edit = box.lineEdit()
        assert edit is not None  # editable
        edit.setAccessibleName("Billing code: type part of a code or name")
        box.installEventFilter(self)
        edit.installEventFilter(self)
        edit.textChanged.connect(self.show_start)  # also when set with signals blocked
        self.show_start()

    def show_start(self) -> None:
        """A line longer than the box shows its start, the code, when not being typed in
        (at 1024x600 the box showed "(per 5 mL) - not CMS data", the code scrolled off)."""
        edit = self.box.lineEdit()
        if edit is not None and not edit.hasFocus():
            edit.setCursorPosition(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut:
            self.show_start()
        if not self.loaded and event.type() in (
            QEvent.Type.FocusIn,
            QEvent.Type.MouseButtonPress,
        ):
            self.load()
        return False

    def load(self) -> None:
        """Add the imported codes the box does not already hold (once)."""
        self.loaded = True
        box = self.box
        current = box.currentIndex()
        box.blockSignals(True)
        for code, label in self.listing():
            if box.findData(code) < 0:
                box.addItem(label, code)
        box.setCurrentIndex(current)
        box.blockSignals(False)
