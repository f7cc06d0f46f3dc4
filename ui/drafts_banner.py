"""Start-up offer to bring back a form that was autosaved but never finished.

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

    def offer(self, autosave: Autosave, restore: Callable[[dict[str, str]], None]) -> None:
        """Ask about the saved draft, if there is one."""
        fields = autosave.load()
        if not fields:
            return
        autosave.paused = True
        patient = fields.get("patient_name", "").strip()
        whom = f" for {patient}" if patient else ""

        def answer(keep: bool) -> None:
            autosave.paused = False
            if keep:
                restore(fields)
            else:
                autosave.discard()
                autosave.mark_changed()  # anything typed meanwhile is saved from now on

        self.ask(
            f"A form{whom} was not finished when unitcalc last closed. Restore it?",
            [
                ("Restore", "restoreDraftButton", lambda: answer(True)),
                ("Discard", "discardDraftButton", lambda: answer(False)),
            ],
        )
