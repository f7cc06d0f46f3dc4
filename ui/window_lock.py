"""The idle lock in the window (``core.idle_lock``), on a site with accounts.

Whoever signs in this window (Tools > Sign in…, or the first person to sign with a PIN
here) is the signed-in person. After the idle time (Settings, or
``UNITCALC_IDLE_MINUTES``, which wins) without a key press or click, the form is put
aside, not cleared, and a lock screen asks that person's PIN; it hides the patient's
data while the workstation is unattended. Wrong PINs say so beside the field and count
toward the account's lock-out like any other attempt.

Another account may open the locked window with its own name and PIN (a shared
workstation): the first person's form is set aside as their draft
(``core.idle_lock.set_aside``), their open dialogs are closed, and the window opens
clean for the second person, who is offered only their own set-aside form. Another
account signing in (Tools > Sign in…) at an unlocked window sets the form aside the
same way. Whoever signs in is offered theirs when the form is empty.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui import settings as prefs
from ui.fields import ErrorLabel, line_edit
from ui.pin_field import PinField

if TYPE_CHECKING:
    from core.accounts import Account
    from core.idle_lock import Handover, Session
    from core.site import Site
    from ui.autosave import Autosave
    from ui.banner import Banner
    from ui.drafts_banner import DraftsBanner
    from ui.signing import WindowSigning

#: How often the lock looks at the idle time.
CHECK_MS = 1000
_INPUT_EVENTS = frozenset({QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.Wheel})


def idle_seconds(site: Site, settings_minutes: str) -> int:
    """The idle time: the variable read at start-up when set, else the setting, else the
    default."""
    return site.idle_minutes_or(settings_minutes) * 60


class Desk(Protocol):
    """What the lock needs of the window (``ui.main_window.MainWindow``) to hand it over."""

    autosave: Autosave | None
    draft_banner: DraftsBanner
    confirm_banner: Banner

    def draft_fields(self) -> dict[str, str]: ...

    def has_input(self) -> bool: ...

    def clear_form(self) -> None: ...

    def restore_fields(self, fields: dict[str, str]) -> None: ...


class LockScreen(QWidget):
    """What the window shows while locked: who may unlock it, and their PIN; another
    account may open it with its own."""

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.setObjectName("lockScreen")
        who = account.shown_name
        self.message = QLabel(
            f"Locked. {who} unlocks it with their PIN. Someone else may sign in with their "
            f"own account and PIN: {who}'s form is then set aside as their draft."
        )
        self.message.setObjectName("lockMessage")
        self.account = line_edit("unlockAccount", "Account")
        self.account.setText(account.name)
        self.pin = PinField("unlockPin", "PIN to unlock")
        self.error = ErrorLabel("unlockPin", self.pin)
        self.unlock_button = QPushButton("Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.message.setWordWrap(True)
        box = QWidget()
        box.setFixedWidth(360)  # one readable column; the error wraps inside it
        inner = QVBoxLayout(box)
        inner.addWidget(self.message)
        for caption, field in (("&Account", self.account), ("&PIN", self.pin)):
            label = QLabel(caption)
            label.setBuddy(field)
            inner.addWidget(label)
            inner.addWidget(field)
        inner.addWidget(self.error)
        inner.addWidget(self.unlock_button)
        column = QVBoxLayout(self)
        column.addStretch(1)
        column.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(1)
        self.pin.returnPressed.connect(self.unlock_button.click)
        self.account.returnPressed.connect(self.pin.setFocus)


class IdleLock(QObject):
    def __init__(self, window: QMainWindow, signing: WindowSigning, desk: Desk) -> None:
        super().__init__(window)
        self.window = window
        self.signing = signing
        self.desk = desk
        #: Seconds, monotonic; tests pass a fake clock before anyone signs in.
        self.clock: Callable[[], float] = time.monotonic
        self.session: Session | None = None
        self.screen: LockScreen | None = None
        self._form: QWidget | None = None
        self._disabled: list[QAction] = []
        self._hidden: list[QDialog] = []
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)
        signing.signed_in.connect(self._first_signer)
        self._watching = False

    def sign_in(self, account: Account) -> None:
        """``account`` is now the signed-in person of this window; the form of the one
        before, if another, is set aside as their draft (as when opening a locked window)."""
        from core.idle_lock import Handover, Session

        if self.session is not None and self.session.account.id != account.id:
            handover = Handover(self.session.account, account)
            try:
                self._hand_over(handover)
            except OSError as error:
                message = f"Not signed in: {_not_set_aside(handover, error)}."
                self.window.statusBar().showMessage(message, 10000)
                return
        minutes = prefs.text_value(self.signing.window.settings, prefs.IDLE_MINUTES, "")
        # The session's store is opened again for each unlock (``unlock``): no connection
        # is held open while the workstation sits idle.
        with self.signing.open_accounts() as accounts:
            self.session = Session(
                accounts,
                account,
                idle_seconds=idle_seconds(self.signing.window.site, minutes),
                clock=self.clock,
            )
        self._watch_input()
        self.timer.start()
        self.window.statusBar().showMessage(f"Signed in: {account.shown_name}.", 6000)
        self._drafts_for(account)
        self._offer_set_aside(account)

    def _drafts_for(self, account: Account) -> None:
        """The window's autosaved draft is the signed-in person's from now on (after a
        crash it waits for them, ``core.idle_lock.window_draft``)."""
        from core.drafts import draft_path

        autosave = self.desk.autosave
        if autosave is not None and autosave.account != account.id:
            autosave.account = account.id
            if draft_path(autosave.data_dir).exists():  # a form not yet recorded
                autosave.mark_changed()  # written again as theirs

    def _offer_set_aside(self, account: Account) -> None:
        """The form set aside for ``account``, offered to them alone, on an empty form
        (never over a dose being typed)."""
        from core.idle_lock import draft_for, forget_draft

        autosave = self.desk.autosave
        if autosave is None or self.desk.has_input():
            return
        data_dir = autosave.data_dir
        kept = draft_for(data_dir, account)
        if kept is None:
            return

        def forget() -> None:
            forget_draft(data_dir, account, kept.slot)
            self._offer_set_aside(account)  # another one, if any, on an empty form

        self.desk.draft_banner.offer_set_aside(
            autosave, kept.fields, self.desk.restore_fields, forget
        )

    def _watch_input(self) -> None:
        """From the first sign-in on, every key press and click anywhere counts as
        activity. Not before: the filter sees every event of every widget (hundreds a
        keystroke), which a window nobody signed in to need not pay for."""
        if not self._watching:
            app = QApplication.instance()
            assert app is not None
            app.installEventFilter(self)
            self._watching = True

    def _first_signer(self, account: Account) -> None:
        if self.session is None:
            self.sign_in(account)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self.session is not None and self.screen is None and event.type() in _INPUT_EVENTS:
            self.session.touch()
        return False

    def check(self) -> None:
        """Lock once the idle time has passed (the timer's slot)."""
        if self.session is not None and self.screen is None and self.session.locked:
            self.lock()

    def lock(self) -> None:
        """Put the form aside (kept as it is) and show the lock screen."""
        if self.session is None or self.screen is not None:
            return
        self.session.lock()
        self._form = self.window.takeCentralWidget()
        self.screen = LockScreen(self.session.account)
        self.screen.unlock_button.clicked.connect(self.unlock)
        self.window.setCentralWidget(self.screen)
        self.window.menuBar().setEnabled(False)
        # Shortcuts work without the menu: none may reach the form (or sign someone
        # else in) while locked.
        self._disabled = [a for a in self.window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)
        # Open dialogs (History, Audit, Pending) show patient data too: set aside as well.
        self._hidden = [d for d in self.window.findChildren(QDialog) if d.isVisible()]
        for dialog in self._hidden:
            dialog.hide()
        self.screen.pin.setFocus()

    def unlock(self) -> None:
        """The signed-in person's PIN gives the form back; another account's PIN opens
        the window clean for them; anything else says why."""
        from core.accounts import AccountError

        screen, session = self.screen, self.session
        if screen is None or session is None:
            return
        name = screen.account.text().strip() or session.account.name
        pin = screen.pin.text()
        screen.pin.clear()
        try:
            with self.signing.open_accounts() as accounts:
                session.accounts = accounts
                handover = session.open(name, pin)
        except (AccountError, ValueError) as error:
            screen.error.show_message(f"Still locked: {error}.")
            return
        if handover.changed_hands:
            try:
                self._hand_over(handover)
            except OSError as error:
                session.undo(handover)
                screen.error.show_message(f"Still locked: {_not_set_aside(handover, error)}.")
                return
        self._give_back()
        if handover.changed_hands:
            self._opened_for(handover)

    def _hand_over(self, handover: Handover) -> None:
        """Before the form shows again: the first person's form set aside as their
        draft, their dialogs closed, the form clean. ``OSError`` (nothing changed) when
        the form cannot be set aside: it is never cleared unsaved."""
        from core.idle_lock import set_aside

        desk = self.desk
        if desk.autosave is not None:
            desk.autosave.flush(wait=True)  # no write of their form lands after this
            set_aside(desk.autosave.data_dir, handover, desk.draft_fields())
        desk.draft_banner.withdraw()  # an offer made to the first person stays theirs
        desk.confirm_banner.hide()  # "Correcting worksheet …" was their correction
        for dialog in self._hidden:
            dialog.close()
        self._hidden = []
        desk.clear_form()

    def _opened_for(self, handover: Handover) -> None:
        first, second = handover.previous.shown_name, handover.account.shown_name
        self.window.statusBar().showMessage(
            f"Signed in: {second}. {first}'s form is set aside for {first}.", 8000
        )
        self._drafts_for(handover.account)
        self._offer_set_aside(handover.account)

    def _give_back(self) -> None:
        """The form (or the clean one) back in the window, with its menus and dialogs."""
        form, self.screen, self._form = self._form, None, None
        assert form is not None
        self.window.setCentralWidget(form)  # deletes the lock screen
        self.window.menuBar().setEnabled(True)
        for action in self._disabled:
            action.setEnabled(True)
        self._disabled = []
        for dialog in self._hidden:
            dialog.show()
        self._hidden = []


def _not_set_aside(handover: Handover, error: OSError) -> str:
    reason = error.strerror or str(error)
    return f"{handover.previous.shown_name}'s form could not be set aside ({reason})"


def install_idle_lock(window: QMainWindow, signing: WindowSigning, desk: Desk) -> IdleLock:
    """The idle lock and Tools > Sign in… / Lock now on ``window`` (``desk``: the same
    window, as the form it hands over)."""
    lock = IdleLock(window, signing, desk)
    sign_in = QAction("Sign &in…", window)
    sign_in.setObjectName("signInAction")
    sign_in.triggered.connect(lambda: _ask_sign_in(lock))
    lock_now = QAction("&Lock now", window)
    lock_now.setObjectName("lockNowAction")
    lock_now.setShortcut(QKeySequence("Ctrl+L"))
    lock_now.triggered.connect(lock.lock)
    for action in (sign_in, lock_now):
        signing.window.add_tool(action, "&Tools")
    return lock


def _ask_sign_in(lock: IdleLock) -> None:
    account = lock.signing.ask_sign_in()
    if account is not None:
        lock.sign_in(account)
