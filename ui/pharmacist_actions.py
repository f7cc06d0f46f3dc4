"""What changes the site's prices or records wholesale, in the window: File > Import CMS
files… (``ui.cms_import``), File > Import payer fee schedule… and Records > Restore
records from a backup…. On a site with accounts each asks the PIN of someone whose role may do it
(``core.accounts.PERMISSIONS``: a pharmacist or an administrator, as the ``cms import``,
``payers import-fees`` and ``restore`` commands ask with ``--by``); a site without
accounts does them as before, with no PIN.

The dialogs are attributes (``ask_payer``, ``ask_file``, ``confirm``) so tests answer
them; the work runs off the GUI thread (``BackgroundWork``) and its outcome is said in
the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QMessageBox, QWidget

from ui.background import BackgroundWork, Shared
from ui.pin_dialog import PinDialog

if TYPE_CHECKING:
    from core.accounts import Account, Action
    from core.site import Site
    from core.work import CancelToken
    from ui.cms_import import CmsSupport
    from ui.signing import WindowSigning


def may_do(signing: WindowSigning, action: Action) -> bool:
    """On a site with accounts: did someone whose role may do ``action`` give their
    PIN? (The PIN dialog says why not while it stays open.) Without accounts: yes."""
    from core.accounts import AccountError
    from core.accounts.managing import in_use, who_may

    try:
        if not in_use(signing.window.site):
            return True
    except AccountError as error:
        signing.window.statusBar().showMessage(f"Not done: {error}", 8000)
        return False
    title = action.value[:1].upper() + action.value[1:]
    prompt = f"To {action.value}: the account and PIN of {who_may(action)}."
    return signed_for(signing, action, title, prompt, "Not done") is not None


def signed_for(
    signing: WindowSigning, action: Action, title: str, prompt: str, refused: str
) -> Account | None:
    """The account whose PIN was given for ``action`` in a PIN dialog (which says why not
    while it stays open), then the window's signed-in person, so the idle lock covers what
    they open; ``None`` when cancelled. A store that fails: ``refused: why`` in the
    status bar."""
    from core.accounts import Account, AccountError

    window = signing.window
    try:
        with signing.open_accounts() as accounts:
            dialog = PinDialog(
                window.docs.window(),
                title,
                prompt,
                "",
                lambda name, pin: accounts.authenticate(name, pin, action),
            )
            try:
                signed = dialog.signature if signing.ask(dialog) else None
            finally:
                dialog.deleteLater()
    except (AccountError, ValueError) as error:
        window.statusBar().showMessage(f"{refused}: {error}", 8000)
        return None
    if not isinstance(signed, Account):
        return None
    signing.signed_in.emit(signed)
    return signed


@dataclass(frozen=True)
class _Fees:
    site: Shared[Site]
    payer: str
    path: Path


def _import_fees(asked: _Fees, _token: CancelToken) -> str:  # on the worker thread
    from core.cms.importer import import_fee_schedule
    from core.terminal import printable

    site = asked.site.value
    payer = site.payers.get(asked.payer)
    done = import_fee_schedule(asked.path, site, payer.id)
    what = "already imported" if done.status == "unchanged" else "imported"
    return f"{printable(done.name)}: {payer.name} fee schedule, {done.rates:,} rates {what}."


@dataclass(frozen=True)
class _Restore:
    site: Shared[Site]
    path: Path
    keep_newer: bool = False


def _restore(asked: _Restore, _token: CancelToken) -> tuple[bool, str]:  # worker thread
    """(True, what was restored), or (False, the records the backup lacks, in words):
    nothing restored unless asked again with ``keep_newer``."""
    from core.records.models import NewerRecordsError
    from core.records.restore import named
    from core.terminal import printable

    try:
        with asked.site.value.open_records(allow_missing=True) as store:
            restored = store.restore(asked.path, keep_newer=asked.keep_newer)
    except NewerRecordsError as error:
        return False, f"The records database holds {named(error.lacking)} that the backup lacks."
    kept = f"; the database it replaced was kept as {restored.kept.name}" if restored.kept else ""
    if restored.set_aside:
        kept += f" (with {named(restored.set_aside)} the backup lacks)"
    name = asked.path.name
    return True, printable(f"Restored {restored.records} worksheet records from {name}{kept}.")


class PharmacistActions(QObject):
    def __init__(self, signing: WindowSigning, cms: CmsSupport) -> None:
        super().__init__(signing)
        self.signing, self.cms = signing, cms
        self.window = signing.window
        self.parent_widget: QWidget = signing.window.docs.window()
        self.work = BackgroundWork(self)
        self.ask_payer: Callable[[list[str]], str] = self._ask_payer
        self.ask_file: Callable[[str, str, str], str] = self._ask_file
        self.confirm: Callable[[str, str], bool] = self._confirm

    def _say(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15000)

    def import_fees(self) -> None:
        """Ask the payer and the file, then the PIN; import off the GUI thread."""
        from core.accounts import Action

        payers = self.window.site.payers.payers
        chosen = self.ask_payer([f"{p.name} ({p.id})" for p in payers])
        payer = next((p for p in payers if f"{p.name} ({p.id})" == chosen), None)
        if payer is None:
            return
        path = self.ask_file(
            f"Fee schedule of {payer.name}", "", "Fee schedules (*.csv *.zip *.CSV *.ZIP)"
        )
        if not path or not may_do(self.signing, Action.IMPORT_FEES):
            return

        def imported(text: str) -> None:
            self._say(text)
            self.cms.reload()

        asked = _Fees(Shared(self.window.site), payer.id, Path(path))
        self.work.start(
            "fees", "Importing the fee schedule…", _import_fees, asked, imported,
            lambda why: self._say(f"The fee schedule was not imported: {why}"),
        )  # fmt: skip

    def restore(self) -> None:
        """Ask the backup, confirm, then the PIN; restore off the GUI thread."""
        from core.accounts import Action

        folder = str(self.window.site.backup_plan.directory)
        path = self.ask_file("Restore records from a backup", folder, "Backups (*.sqlite3)")
        if not path or not self.confirm(
            "Restore records from a backup",
            f"Put {Path(path).name} back as the records database? The database it "
            "replaces is kept as a copy beside the backups.",
        ):
            return
        if not may_do(self.signing, Action.RESTORE):
            return
        self._restore(_Restore(Shared(self.window.site), Path(path)))

    def _restore(self, asked: _Restore) -> None:
        def answered(outcome: tuple[bool, str]) -> None:
            done, text = outcome
            if done:
                self._say(text)
            elif self.confirm(
                "Restore records from a backup",
                f"{text} Restore anyway? They are kept only in the copy of the database "
                "it replaces, beside the backups.",
            ):  # the same person, who signed for this restore a moment ago
                self._restore(_Restore(asked.site, asked.path, keep_newer=True))
            else:
                self._say(f"Nothing was restored: {text}")

        self.work.start(
            "restore", "Restoring…", _restore, asked, answered,
            lambda why: self._say(f"Nothing was restored: {why}"),
        )  # fmt: skip

    # -- the real dialogs ---------------------------------------------------------------

    def _ask_payer(self, payers: list[str]) -> str:
        chosen, ok = QInputDialog.getItem(
            self.parent_widget, "Import payer fee schedule", "Payer", payers, 0, False
        )
        return chosen if ok else ""

    def _ask_file(self, title: str, folder: str, file_filter: str) -> str:
        path, _ = QFileDialog.getOpenFileName(self.parent_widget, title, folder, file_filter)
        return path

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self.parent_widget, title, text)
        return answer == QMessageBox.StandardButton.Yes


def install_pharmacist_actions(
    signing: WindowSigning, cms: CmsSupport, menu: Callable[[str], QMenu]
) -> PharmacistActions:
    """File > Import payer fee schedule… (after Import CMS files…), Records > Restore
    records from a backup…, and the CMS import asking the same way."""
    actions = PharmacistActions(signing, cms)

    def authorize_import() -> bool:  # the accounts (and Argon2) load when first asked
        from core.accounts import Action

        return may_do(signing, Action.IMPORT_CMS)

    cms.authorize = authorize_import
    for where, text, name, slot in (
        ("&File", "Import payer &fee schedule…", "importFeesAction", actions.import_fees),
        ("&Records", "&Restore records from a backup…", "restoreAction", actions.restore),
    ):
        action = QAction(text, signing.window.docs)
        action.setObjectName(name)
        action.triggered.connect(slot)
        target = menu(where)
        existing = target.actions()
        # After Import CMS files… (its kin), else at the end of the menu.
        at = existing.index(cms.import_action) + 1 if cms.import_action in existing else 0
        if 0 < at < len(existing):
            target.insertAction(existing[at], action)
        else:
            target.addAction(action)
    return actions
