"""The code picker: every imported code, found by typing part of its number or name.

The catalog's codes are in the box from the start; the imported CMS codes (hundreds) are
read off the GUI thread (``ui.background``) the first time the picker is focused or
opened, so neither the first answer nor typing waits for the database. Typing filters
the list (any part of ``J9271 · Inj pembrolizumab · per 1 MG · 2025Q4``); choosing a
line, or typing a code exactly and pressing Enter (or moving on), selects that code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from ui.background import BackgroundWork, Shared

if TYPE_CHECKING:
    from core.cms.codes import FileCodes
    from core.site import Site
    from core.work import CancelToken

T = TypeVar("T")


def with_own_reference(site: Site, day: date, ask: Callable[[FileCodes], T]) -> T:
    """``ask`` the imported files through a reference connection of its own (on a
    worker thread: the site's held one belongs to the GUI thread), closed after."""
    from core.cms.codes import FileCodes

    if not site.has_reference_data():
        return ask(FileCodes(lambda: None, day))
    reference = site.open_reference()
    try:
        return ask(FileCodes(lambda: reference, day))
    finally:
        reference.close()


def read_listing(
    given: tuple[Shared[Site], date], token: CancelToken
) -> tuple[tuple[str, str], ...]:
    """Every imported code as (code, label) (runs on a worker thread)."""
    site, day = given
    return tuple(with_own_reference(site.value, day, lambda codes: codes.listing()))


class CodePicker(QObject):
    """Makes ``box`` searchable and fills it with the imported codes of ``site`` on first
    use, read in the background."""

    def __init__(self, box: QComboBox, site: Site) -> None:
        super().__init__(box)
        self.box = box
        self.site = site
        self.loaded = False
        self.work = BackgroundWork(self)
        #: A code typed exactly before the list was read: chosen when it arrives.
        self._wanted = ""
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
        # Enter with the completer's list open reaches the line edit past event filters.
        edit.returnPressed.connect(self.take_typed)
        edit.textChanged.connect(self.show_start)  # also when set with signals blocked
        self.show_start()

    def show_start(self) -> None:
        """A line longer than the box shows its start, the code, when not being typed in
        (at 1024x600 the box showed "(per 5 mL) - not CMS data", the code scrolled off)."""
        box, edit = self.box, self.box.lineEdit()
        if edit is None or box.hasFocus() or edit.hasFocus():  # the box has the focus,
            return  # its line edit the keys
        if edit.text() == box.itemText(box.currentIndex()):  # a choice, not typing
            edit.setCursorPosition(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusOut:
            self.show_start()
        if kind in (QEvent.Type.FocusIn, QEvent.Type.MouseButtonPress):
            self.load()
        elif kind == QEvent.Type.KeyPress and event.key() in (  # type: ignore[attr-defined]
            Qt.Key.Key_Return,
            Qt.Key.Key_Enter,
        ):
            self.take_typed()
        elif (
            kind == QEvent.Type.FocusOut and event.reason() != Qt.FocusReason.PopupFocusReason  # type: ignore[attr-defined]
        ):
            self.take_typed()  # Enter that moved on first (the window's Enter-moves-on)
        return False

    def take_typed(self) -> None:
        """A code typed exactly (``j9271``) selects it, now or once the list is read."""
        edit = self.box.lineEdit()
        typed = edit.text().strip().upper() if edit is not None else ""
        if not typed or typed == self.box.currentData():
            return
        if not self.choose(typed) and (self.work.busy or not self.loaded):
            self._wanted = typed
            self.load()

    def choose(self, code: str, label: str | None = None) -> bool:
        """Select ``code``; ``label`` adds it when the list has not been read yet."""
        index = self.box.findData(code)
        if index < 0 and label is not None:
            self.box.addItem(label, code)
            index = self.box.findData(code)
        if index < 0:
            return False
        self.box.setCurrentIndex(index)
        return True

    def load(self) -> None:
        """Read the imported codes off the GUI thread (once)."""
        if self.loaded:
            return
        self.loaded = True
        self.work.start(
            "codes",
            "Reading the imported codes…",
            read_listing,
            (Shared(self.site), date.today()),
            self._add,
            self._not_read,
        )

    def _add(self, listing: tuple[tuple[str, str], ...]) -> None:
        box = self.box
        current = box.currentIndex()
        edit = box.lineEdit()
        typed = edit.text() if edit is not None and edit.hasFocus() else None
        box.blockSignals(True)
        for code, label in listing:
            index = box.findData(code)
            if index < 0:
                box.addItem(label, code)
            elif box.itemText(index) == code:  # restored under its number: now its line
                box.setItemText(index, label)
        box.setCurrentIndex(current)
        if typed is not None and edit is not None:
            edit.setText(typed)  # still typing: the text stays as it was
        box.blockSignals(False)
        wanted, self._wanted = self._wanted, ""
        if wanted:
            self.choose(wanted)

    def _not_read(self, message: str) -> None:
        self.loaded = False  # asked again at the next focus
        self.box.setToolTip(f"The imported codes could not be read: {message}")
