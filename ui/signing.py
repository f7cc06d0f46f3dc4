"""Signing in the window, on a site with accounts (``core.accounts``).

When the site has accounts, Verify dose asks the preparer's and then the verifier's
account and PIN (a nurse or pharmacist, another account than the preparer), and the
worksheet, when printed or saved, asks the waste witness's PIN when it has one. The
signed names (the accounts' full names) replace the typed ones, and the signatures go
into the recorded worksheet, which prints them as "signed". A site without accounts
works as before: typed names, printed "typed, not signed".

Signatures last as long as the verification: a change that undoes it (the dose, who
prepared or verified) forgets them, and the next Verify asks the PINs again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtWidgets import QDialog

from ui.pin_dialog import PinDialog, SigningRefusedError

if TYPE_CHECKING:
    from datetime import datetime

    from PySide6.QtCore import SignalInstance
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QStatusBar

    from core.accounts import Account, AccountStore, Action, Signature
    from core.session import DoseSession
    from core.site import Site
    from ui.documentation_panel import DocumentationPanel
    from ui.session_binding import SessionBinding
    from ui.verification_panel import VerificationPanel
    from ui.worksheet_output import WorksheetOutput

#: How a dialog is shown; tests answer it without a modal loop.
Ask = Callable[[PinDialog], bool]

PREPARED, VERIFIED, WITNESS = "prepared_by", "verified_by", "waste_witness"


def run_dialog(dialog: PinDialog) -> bool:
    return dialog.exec() == QDialog.DialogCode.Accepted


class SigningWindow(Protocol):
    """What signing needs of the window (``ui.features.FeatureWindow`` has it)."""

    session: DoseSession | None
    binding: SessionBinding | None
    worksheet: WorksheetOutput | None
    docs: DocumentationPanel
    verification: VerificationPanel
    session_changed: SignalInstance
    site: Site
    settings: QSettings

    def add_tool(self, action: QAction, menu: str = "&Tools") -> None: ...

    def statusBar(self) -> QStatusBar: ...


class WindowSigning(QObject):
    #: Someone signed with their PIN in this window (their account).
    signed_in = Signal(object)

    def __init__(self, window: SigningWindow) -> None:
        super().__init__(window.docs)
        self.window = window
        self.ask: Ask = run_dialog
        #: The signatures of the verification on screen (preparer and verifier).
        self.signatures: dict[str, Signature] = {}
        self.witness: Signature | None = None
        self._pending: dict[str, Signature] = {}
        self._naming = False
        window.session_changed.connect(self._forget_stale)

    # -- the site ------------------------------------------------------------------------

    def open_accounts(self) -> AccountStore:
        return self.window.site.open_accounts()

    def in_use(self) -> bool:
        """Does this site have accounts? (A data directory that never had one: no.)"""
        if not self.window.site.has_accounts_database():
            return False  # asked first: no accounts module (nor Argon2) loads at start-up
        from core.accounts.managing import in_use

        return in_use(self.window.site)

    # -- verifying -----------------------------------------------------------------------

    def before_verify(self) -> str | None:
        """Sign the preparer and the verifier (on a site with accounts); why not, if not."""
        from core.accounts import AccountError, Action

        try:
            if not self.in_use():
                return None
            with self.open_accounts() as accounts:
                panel = self.window.verification
                prepared = self._sign(
                    accounts, Action.PREPARE, "Sign as the preparer", panel.prepared_by.text()
                )
                verified = self._sign(
                    accounts,
                    Action.VERIFY,
                    "Verify the dose (a nurse or pharmacist)",
                    panel.verified_by.text(),
                    other_than=prepared,
                )
        except (SigningRefusedError, AccountError, ValueError) as error:
            return f"Not verified: {error}"
        self._naming = True  # the names change before the session verifies
        try:
            self._pending = {PREPARED: prepared, VERIFIED: verified}
            panel.prepared_by.setText(prepared.full_name)
            panel.verified_by.setText(verified.full_name)
        finally:
            self._naming = False
        return None

    def adopt(self, signatures: dict[str, Signature]) -> str | None:
        """Take a verification signed elsewhere (the verification queue): the signed
        names, verified at the verifier's signing time; why not, if the session refused."""
        from core.session import SessionError

        session, binding, panel = self.window.session, self.window.binding, self.window.verification
        assert session is not None and binding is not None
        verified = signatures[VERIFIED]
        self._naming = True
        try:
            self._pending = {PREPARED: signatures[PREPARED], VERIFIED: verified}
            panel.prepared_by.setText(signatures[PREPARED].full_name)
            panel.verified_by.setText(verified.full_name)
        finally:
            self._naming = False
        at = verified.signed_at.astimezone().replace(tzinfo=None, second=0, microsecond=0)
        try:
            session.verify(at=at)
        except SessionError as error:
            return str(error)
        finally:
            binding.redraw()
        return None

    def _sign(
        self,
        accounts: AccountStore,
        action: Action,
        title: str,
        typed: str,
        other_than: Signature | None = None,
    ) -> Signature:
        from core.accounts import AccountError, Signature
        from core.accounts.rules import check_two_people

        def sign(name: str, pin: str) -> Signature:
            signature = accounts.sign(name, pin, action)
            if other_than is not None:
                check_two_people(other_than, signature)
            return signature

        def locked_until(name: str) -> datetime | None:
            try:
                return accounts.get(name).locked_until
            except AccountError:
                return None

        prompt = f"{title}: your account and PIN ({action.value})."
        dialog = PinDialog(self.window.docs.window(), title, prompt, typed, sign, locked_until)
        try:
            signature = dialog.signature if self.ask(dialog) else None
        finally:
            dialog.deleteLater()
        if not isinstance(signature, Signature):
            raise SigningRefusedError(f"nobody signed to {action.value}")
        account = accounts.by_id(signature.account_id)
        if account is not None:
            self.signed_in.emit(account)
        return signature

    def ask_sign_in(self) -> Account | None:
        """Tools > Sign in…: the account whose PIN was given, or ``None``."""
        from core.accounts import Account, AccountError

        try:
            if not self.in_use():
                self.window.statusBar().showMessage(
                    "This site has no accounts: nobody signs in.", 6000
                )
                return None
            with self.open_accounts() as accounts:
                dialog = PinDialog(
                    self.window.docs.window(),
                    "Sign in",
                    "Sign in at this workstation: your account and PIN.",
                    "",
                    accounts.authenticate,
                )
                try:
                    signed = dialog.signature if self.ask(dialog) else None
                finally:
                    dialog.deleteLater()
        except (AccountError, ValueError) as error:
            self.window.statusBar().showMessage(f"Not signed in: {error}", 8000)
            return None
        return signed if isinstance(signed, Account) else None

    def _forget_stale(self) -> None:
        """Keep the signatures while the verification stands; forget them when undone."""
        session, panel = self.window.session, self.window.verification
        if session is None or self._naming:
            return
        if session.verified_at is not None:
            self.signatures.update(self._pending)
        else:
            self.signatures.clear()
        self._pending = {}
        names = {PREPARED: panel.prepared_by.text(), VERIFIED: panel.verified_by.text()}
        if any(
            self.signatures.get(k) and s.full_name != names[k] for k, s in self.signatures.items()
        ):
            self.signatures.clear()
        if (
            self.witness is not None
            and self.witness.full_name != self.window.docs.waste_witness.text()
        ):
            self.witness = None

    # -- recording -----------------------------------------------------------------------

    def for_record(self) -> dict[str, Signature]:
        """The signatures the worksheet records (none on a site without accounts); asks
        the waste witness's PIN when the worksheet has a witness. Raises
        ``SigningRefusedError`` when the worksheet must not be recorded."""
        from core.accounts import AccountError, Action

        try:
            if not self.in_use():
                return {}
            if PREPARED not in self.signatures or VERIFIED not in self.signatures:
                raise SigningRefusedError(
                    "verify the dose again with the preparer's and the verifier's PINs"
                )
            # Every name on the worksheet is signed (core.recording.require_signatures):
            # a witness named on it signs, whatever the waste.
            witness_field = self.window.docs.waste_witness
            if witness_field.text().strip() and self.witness is None:
                with self.open_accounts() as accounts:
                    signed = self._sign(
                        accounts, Action.WITNESS, "Sign as the waste witness", witness_field.text()
                    )
                witness_field.setText(signed.full_name)
                self.witness = signed
        except (AccountError, ValueError) as error:
            raise SigningRefusedError(str(error)) from None
        signatures = dict(self.signatures)
        session = self.window.session
        correcting = session is not None and session.replaces is not None
        if correcting:
            from core.accounts import SigningError
            from core.accounts.rules import check_correction_signed

            try:  # as on the command line: the rule is core's
                check_correction_signed(signatures.values())
            except SigningError as error:
                raise SigningRefusedError(str(error)) from None
        if self.witness is not None:
            signatures[WITNESS] = self.witness
        return signatures


def install_signing(window: SigningWindow) -> WindowSigning:
    """Signing on ``window``: before Verify, and before a worksheet is recorded."""
    signing = WindowSigning(window)
    binding, output = window.binding, window.worksheet
    assert binding is not None and output is not None
    binding.before_verify.append(signing.before_verify)
    output.signer = signing.for_record
    return signing
