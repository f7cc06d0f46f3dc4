"""Offers to bring back a form: one autosaved but never finished (at start-up), and one
set aside for the person who just signed in (another account had opened their locked
window, ``core.idle_lock``).

A banner, not a dialog: the user may look at the empty form first, and nothing modal
blocks a test. Until the user answers, autosave waits, so the old draft is not
overwritten by whatever is typed meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ui.banner import Banner

if TYPE_CHECKING:
    from ui.autosave import Autosave


class DraftsBanner(Banner):
    def __init__(self) -> None:
        super().__init__("draftBanner")
        self._autosave: Autosave | None = None

    def offer(self, autosave: Autosave, restore: Callable[[dict[str, str]], None]) -> None:
        """Ask about the saved draft, if there is one."""
        fields = autosave.load()
        if not fields:
            return

        def discard() -> None:
            autosave.discard()
            autosave.mark_changed()  # anything typed meanwhile is saved from now on

        self._ask(
            autosave,
            fields,
            "A form{whom} was not finished when unitcalc last closed. Restore it?",
            restore,
            discard,
        )

    def offer_set_aside(
        self,
        autosave: Autosave,
        fields: dict[str, str],
        restore: Callable[[dict[str, str]], None],
        forget: Callable[[], None],
    ) -> None:
        """Ask the person signed in about the form set aside for them (``forget``: the
        set-aside draft is no longer needed, taken back or discarded)."""

        def take_back(kept: dict[str, str]) -> None:
            restore(kept)
            forget()

        self._ask(
            autosave,
            fields,
            "Your form{whom} was set aside when another account opened this window. Restore it?",
            take_back,
            forget,
        )

    def withdraw(self) -> None:
        """Take the question back unanswered (the window changed hands): the draft stays
        where it is, for its owner."""
        if self._autosave is not None:
            self._autosave.paused = False
            self._autosave = None
        self.hide()

    def _ask(
        self,
        autosave: Autosave,
        fields: dict[str, str],
        message: str,
        restore: Callable[[dict[str, str]], None],
        discard: Callable[[], None],
    ) -> None:
        autosave.paused = True
        self._autosave = autosave
        patient = fields.get("patient_name", "").strip()
        whom = f" for {patient}" if patient else ""

        def answer(keep: bool) -> None:
            autosave.paused = False
            self._autosave = None
            if keep:
                restore(fields)
            else:
                discard()

        self.ask(
            message.format(whom=whom),
            [
                ("Restore", "restoreDraftButton", lambda: answer(True)),
                ("Discard", "discardDraftButton", lambda: answer(False)),
            ],
        )
