"""Signing in the window on a site with accounts: Verify asks the preparer's and the
verifier's PINs, printing asks the waste witness's, and the recorded worksheet prints the
accounts' names as "signed". Driven through the real window; the PIN dialogs are
answered by filling their fields and pressing OK, as a person would."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialog

from core.accounts import AccountStore
from core.records import RecordStore
from ui.pin_dialog import PinDialog

from .test_window_worksheet import PATIENT, pdf_text
from .window_parts import child, enter_dose, text, type_into

Reply = tuple[str, str] | None  # (account, PIN), or None: Cancel


@pytest.fixture
def site(isolated: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A data directory with accounts (the first one is the administrator); PINs hashed
    cheaply (tests/conftest.py).
    The window uses this directory's SQLite files even if a server is configured."""
    monkeypatch.setenv("UNITCALC_DATABASE", "")
    with AccountStore.open(isolated) as accounts:
        accounts.add("admin", "admin", "9999", full_name="Site Admin")
        accounts.add("jkim", "technician", "1111", full_name="J. Kim, CPhT")
        accounts.add("mosei", "nurse", "2222", full_name="M. Osei, RN")
        accounts.add("ralvarez", "nurse", "3333", full_name="R. Alvarez, RN")
        accounts.add("tlee", "technician", "4444", full_name="T. Lee, CPhT")
        accounts.add("pmorales", "pharmacist", "5555", full_name="P. Morales, PharmD")
    return isolated


class Answers:
    """Stands in for the person at each PIN dialog: one reply after another."""

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies)
        self.titles: list[str] = []
        self.errors: list[str] = []

    def __call__(self, dialog: PinDialog) -> bool:
        self.titles.append(dialog.windowTitle())
        while self.replies:
            reply = self.replies.pop(0)
            if reply is None:
                dialog.reject()
                return False
            dialog.account.setText(reply[0])
            dialog.pin.setText(reply[1])
            dialog.try_sign()
            if dialog.result() == QDialog.DialogCode.Accepted:
                return True
            self.errors.append("" if dialog.error.isHidden() else dialog.error.text())
            assert dialog.pin.text() == ""  # the PIN never stays in the field
        return False


def answer(window, *replies: Reply) -> Answers:
    answers = Answers(*replies)
    window.features.signing.ask = answers
    return answers


def fill(qtbot, window, preparer: str = "jkim", verifier: str = "mosei") -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    child(window, "patientName").insert(PATIENT)
    for name, value in {
        "mrn": "00123456",
        "dateOfBirth": "1961-04-02",
        "administeredAt": "2026-11-29 09:30",
        "diagnosis": "D80.1",
        "vialLot1": "LX2231A",
        "vialExpiry1": "2027-01",
        "vialLot2": "LX2231A",
        "vialExpiry2": "2027-01",
        "wasteReason": "single-dose vial remainder",
        "wasteWitness": "ralvarez",
        "preparedBy": preparer,
        "verifiedBy": verifier,
    }.items():
        type_into(qtbot, window, name, value)


def press_verify(qtbot, window) -> None:
    qtbot.mouseClick(child(window, "verifyButton"), Qt.MouseButton.LeftButton)


def save(window, path: Path) -> Path | None:
    window.worksheet.actions.ask_path = lambda suggested: str(path)
    return window.worksheet.actions.save_worksheet()


def no_modal_messages(window) -> list[str]:
    told: list[str] = []
    window.worksheet.actions.tell = lambda title, body: told.append(f"{title}: {body}")
    return told


def test_verify_and_print_sign_with_pins_and_the_worksheet_prints_signed_names(
    qtbot, window, site: Path, tmp_path: Path
) -> None:
    fill(qtbot, window)
    answers = answer(window, ("jkim", "1111"), ("mosei", "2222"))
    press_verify(qtbot, window)
    assert window.documentation().verified_at is not None
    assert text(window, "preparedBy") == "J. Kim, CPhT"  # the names from the accounts
    assert text(window, "verifiedBy") == "M. Osei, RN"
    assert "Verified by M. Osei, RN" in text(window, "verificationStatus")
    assert [t.split(" (")[0] for t in answers.titles] == [
        "Sign as the preparer",
        "Verify the dose",
    ]
    witness = answer(window, ("ralvarez", "3333"))
    assert save(window, tmp_path / "w.pdf") is not None
    assert witness.titles == ["Sign as the waste witness"]
    with RecordStore.open(site) as store:
        (row,) = store.list()
        record = store.get(row.id)
        pdf = store.pdf(row.id)
    signatures = record.documentation["signatures"]
    assert {f: s["name"] for f, s in signatures.items()} == {
        "prepared_by": "jkim",
        "verified_by": "mosei",
        "waste_witness": "ralvarez",
    }
    words = pdf_text(pdf)
    assert "J. Kim, CPhT" in words and "M. Osei, RN" in words and "R. Alvarez, RN" in words
    assert "signed" in words and "typed, not signed" not in words


def test_a_wrong_pin_says_so_beside_the_field_and_nothing_is_verified(
    qtbot, window, site: Path
) -> None:
    fill(qtbot, window)
    answers = answer(window, ("jkim", "1111"), ("mosei", "0000"), None)
    press_verify(qtbot, window)
    assert answers.errors == ["Not signed: wrong PIN for mosei."]
    assert window.documentation().verified_at is None
    assert text(window, "verifiedBy") == "mosei"  # nothing changed on the form
    assert "Not verified" in window.statusBar().currentMessage()
    assert window.features.signing.signatures == {}


def test_five_wrong_pins_lock_the_account_and_show_the_time_left(qtbot, window, site: Path) -> None:
    fill(qtbot, window)
    answers = answer(window, *[("jkim", "0000")] * 5, ("jkim", "1111"), None)
    press_verify(qtbot, window)
    assert answers.errors[:4] == ["Not signed: wrong PIN for jkim."] * 4
    assert "now locked for 5 minutes" in answers.errors[4]
    assert "Time left: 5 min" in answers.errors[4]
    assert "locked" in answers.errors[5] and "Time left: 5 min" in answers.errors[5]
    assert window.documentation().verified_at is None


def test_the_verifier_must_be_another_account_and_a_nurse_or_pharmacist(
    qtbot, window, site: Path
) -> None:
    fill(qtbot, window, "pmorales", "tlee")
    answers = answer(window, ("pmorales", "5555"), ("tlee", "4444"), ("pmorales", "5555"), None)
    press_verify(qtbot, window)
    assert answers.errors == [
        "Not signed: tlee (technician) may not verify.",
        "Not signed: the verifier must be another account than the preparer.",
    ]
    assert window.documentation().verified_at is None


def test_a_change_to_the_dose_forgets_the_signatures(qtbot, window, site: Path) -> None:
    fill(qtbot, window)
    answer(window, ("jkim", "1111"), ("mosei", "2222"))
    press_verify(qtbot, window)
    assert set(window.features.signing.signatures) == {"prepared_by", "verified_by"}
    type_into(qtbot, window, "amountAdministered", "0")
    assert window.documentation().verified_at is None
    assert window.features.signing.signatures == {}


def test_a_cancelled_witness_records_nothing(qtbot, window, site: Path, tmp_path: Path) -> None:
    fill(qtbot, window)
    answer(window, ("jkim", "1111"), ("mosei", "2222"))
    press_verify(qtbot, window)
    told = no_modal_messages(window)
    answer(window, None)
    assert save(window, tmp_path / "w.pdf") is None
    assert told and "nobody signed to witness waste" in told[0]
    with RecordStore.open(site) as store:
        assert store.list() == []


def test_without_accounts_names_are_typed_and_print_typed_not_signed(
    qtbot, window, isolated: Path, tmp_path: Path
) -> None:
    with AccountStore.open(isolated):
        pass  # a site database with no account in it: as before
    fill(qtbot, window, "TN", "RP")
    asked: Callable[[PinDialog], bool] = lambda dialog: pytest.fail("no PIN is asked")  # noqa: E731
    window.features.signing.ask = asked
    press_verify(qtbot, window)
    assert window.documentation().verified_at is not None
    assert save(window, tmp_path / "w.pdf") is not None
    with RecordStore.open(isolated) as store:
        (row,) = store.list()
        assert "typed, not signed" in pdf_text(store.pdf(row.id))


# -- the idle lock ---------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def signed_in_with_fake_clock(qtbot, window, settings_minutes: str = "") -> FakeClock:
    """The form filled and verified (the preparer, jkim, is the signed-in person)."""
    from ui import settings as prefs

    if settings_minutes:
        window.settings.setValue(prefs.IDLE_MINUTES, settings_minutes)
    clock = FakeClock()
    window.features.idle_lock.clock = clock
    fill(qtbot, window)
    answer(window, ("jkim", "1111"), ("mosei", "2222"))
    press_verify(qtbot, window)
    assert window.features.idle_lock.session.account.name == "jkim"
    return clock


def screen_of(lock):
    assert lock.screen is not None
    return lock.screen


def test_the_window_locks_when_idle_keeps_the_form_and_unlocks_with_the_pin(
    qtbot, window, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNITCALC_IDLE_MINUTES", raising=False)
    clock = signed_in_with_fake_clock(qtbot, window)
    lock = window.features.idle_lock
    from PySide6.QtWidgets import QDialog

    history = QDialog(window)  # an open dialog (History, Audit) shows patient data too
    history.show()
    clock.now += 4 * 60
    qtbot.keyClick(child(window, "diagnosis"), Qt.Key.Key_End)  # activity: starts again
    clock.now += 4 * 60
    lock.check()
    assert lock.screen is None
    clock.now += 60
    lock.check()
    assert window.centralWidget() is lock.screen  # the default: 5 minutes
    assert not history.isVisible()
    assert window.findChild(type(child(lock.screen, "unlockPin")), "patientName") is None
    assert not window.menuBar().isEnabled()
    printed: list[object] = []
    window.set_print_handler(printed.append)
    qtbot.keyClick(screen_of(lock), Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert printed == []  # no shortcut reaches the form while locked
    window.features.signing.ask = lambda dialog: pytest.fail("nobody signs in while locked")
    trigger(window, "signInAction")
    screen = lock.screen
    qtbot.keyClicks(screen.pin, "0000")
    qtbot.mouseClick(screen.unlock_button, Qt.MouseButton.LeftButton)
    assert not screen.error.isHidden()
    assert screen.error.text() == "Still locked: wrong PIN for jkim."
    assert screen.pin.text() == ""
    qtbot.keyClicks(screen.pin, "2222")  # the nurse's PIN does not unlock jkim's window
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert window.centralWidget() is screen
    qtbot.keyClicks(screen.pin, "1111")
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    assert window.centralWidget() is window.page
    assert window.menuBar().isEnabled()
    assert history.isVisible()  # back as it was
    history.close()
    window.request_print()
    assert printed == [window]  # the shortcuts and commands are back
    assert text(window, "patientName") == PATIENT  # the form as it was
    assert window.documentation().verified_at is not None


def test_only_a_window_someone_signed_in_to_watches_every_event(
    qtbot, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import QEvent
    from PySide6.QtWidgets import QApplication

    from main import build_window
    from ui.window_lock import IdleLock

    seen: list[QEvent.Type] = []
    watch = IdleLock.eventFilter

    def counted(lock: IdleLock, watched, event: QEvent) -> bool:  # type: ignore[no-untyped-def]
        seen.append(event.type())
        return watch(lock, watched, event)

    monkeypatch.setattr(IdleLock, "eventFilter", counted)
    window = build_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.ensure_engine()
    type_into(qtbot, window, "notes", "typed before anyone signed in")
    assert seen == []  # nobody to lock the window for: typing pays for no filter
    signed_in_with_fake_clock(qtbot, window)
    qtbot.keyClick(child(window, "diagnosis"), Qt.Key.Key_End)
    assert QEvent.Type.KeyPress in seen
    window.mark_saved()
    # Before the original filter method is put back: nothing may call this one after.
    QApplication.instance().removeEventFilter(window.features.idle_lock)


@pytest.fixture
def idle_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator's idle time, set before the window starts (it is read then)."""
    monkeypatch.setenv("UNITCALC_IDLE_MINUTES", "10")


def test_the_idle_time_is_a_setting_and_the_variable_wins(
    qtbot, idle_variable: None, window, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNITCALC_IDLE_MINUTES", "1")  # after start-up: not read again
    clock = signed_in_with_fake_clock(qtbot, window, settings_minutes="2")
    lock = window.features.idle_lock
    clock.now += 3 * 60
    lock.check()
    assert lock.screen is None  # the variable's 10 minutes, not the setting's 2
    clock.now += 7 * 60
    lock.check()
    assert lock.screen is not None


def test_the_idle_time_setting_locks_after_its_minutes(
    qtbot, window, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("UNITCALC_IDLE_MINUTES", raising=False)
    clock = signed_in_with_fake_clock(qtbot, window, settings_minutes="2")
    clock.now += 2 * 60
    window.features.idle_lock.check()
    assert window.features.idle_lock.screen is not None


def test_without_accounts_nobody_is_signed_in_and_nothing_locks(qtbot, window) -> None:
    window.features.idle_lock.clock = FakeClock()
    enter_dose(qtbot, window, "10", "12", "12")
    window.features.idle_lock.check()
    window.features.idle_lock.lock()  # Ctrl+L with nobody signed in: nothing to unlock it
    assert window.centralWidget() is window.page


# -- the database and idle settings ----------------------------------------------------------


def settings_dialog(window):
    from ui.settings_dialog import SettingsDialog

    return SettingsDialog(window.settings, window.site, window)


def test_the_database_url_is_a_setting_used_by_the_stores(
    qtbot, window, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from ui import settings as prefs

    before = dict(os.environ)
    dialog = settings_dialog(window)
    dialog.database.setText("mysql://db.example/unitcalc")
    dialog.accept()
    assert not dialog.database_error.isHidden()
    assert "postgresql://" in dialog.database_error.text()
    assert window.settings.value(prefs.DATABASE_URL) is None  # nothing saved
    dialog.database.setText("postgresql://db.example/unitcalc")
    dialog.idle_minutes.setValue(7)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert window.settings.value(prefs.IDLE_MINUTES) == "7"
    assert window.site.database_url == "postgresql://db.example/unitcalc"  # every store's
    assert dict(os.environ) == before  # the window's site, not the process's environment
    again = settings_dialog(window)
    assert again.database.text() == "postgresql://db.example/unitcalc"
    assert again.idle_minutes.value() == 7
    again.database.setText("")
    again.accept()
    assert window.site.database_url is None  # back to the SQLite files in the data directory


def test_the_database_variable_wins_over_the_setting(tmp_path: Path) -> None:
    """The operator's variable, read when the window's site is made, wins over the saved
    setting then and after the Settings dialog applies it."""
    from ui import settings as prefs
    from ui.site_database import apply_database_setting, window_site

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(prefs.DATABASE_URL, "postgresql://db.example/unitcalc")
    operator = {"UNITCALC_DATABASE": "postgresql://operator.example/site"}
    site = window_site(tmp_path / "data", settings, operator)
    assert site.database_url == "postgresql://operator.example/site"
    assert apply_database_setting(site, settings) == "postgresql://operator.example/site"
    assert site.database_url == "postgresql://operator.example/site"
    saved = window_site(tmp_path / "data", settings, {})
    assert saved.database_url == "postgresql://db.example/unitcalc"


# -- the verification queue: two windows on one data directory ---------------------------------


@pytest.fixture
def nurse_window(open_window, site: Path):  # type: ignore[no-untyped-def]
    """A second window on the same data directory: the nurse's workstation."""
    return open_window()


def trigger(window, name: str) -> None:
    from PySide6.QtGui import QAction

    action = window.findChild(QAction, name)
    assert action is not None, name
    action.trigger()


def open_pending(nurse_window):
    from ui.pending_dialog import PendingDialog

    trigger(nurse_window, "pendingVerificationAction")
    dialog = nurse_window.findChild(PendingDialog)
    assert dialog is not None and dialog.isVisible()
    assert dialog.timer.isActive() and dialog.timer.interval() <= 5000
    return dialog


def submit(window, pin: str = "1111") -> None:
    answer(window, ("jkim", pin))
    trigger(window, "submitForVerificationAction")


def test_the_nurse_verifies_a_submitted_dose_at_another_window_and_it_prints_signed(
    qtbot, window, nurse_window, site: Path, tmp_path: Path
) -> None:
    fill(qtbot, window)
    submit(window)
    queue = window.features.queue
    assert queue.dose_id is not None and "pending verification" in (
        window.statusBar().currentMessage()
    )
    assert queue.timer.isActive() and queue.timer.interval() <= 5000
    queue.timer.stop()  # the test polls by hand, at the moments it looks
    pending = open_pending(nurse_window)
    assert pending.doses.count() == 1
    assert "prepared by J. Kim, CPhT" in pending.doses.item(0).text()
    pending.doses.setCurrentRow(0)
    assert PATIENT in pending.detail.toPlainText() and pending.detail.isReadOnly()
    shown = pending.detail.toPlainText()  # what the nurse verifies, in words (issue 19)
    assert "To bill: J1410 x 3 units, J1410-JW x 1 unit" in shown
    assert "Units administered: 3; units wasted (JW): 1; waste: 8 mL" in shown
    assert "Vials opened: 2 × 10 mL" in shown
    assert "Waste reason: single-dose vial remainder" in shown
    assert "_" not in shown and "Administered at: " in shown  # field names, no raw keys
    nurse = answer(nurse_window, ("jkim", "1111"), ("mosei", "2222"))
    qtbot.mouseClick(pending.sign_button, Qt.MouseButton.LeftButton)
    assert nurse.errors == ["Not signed: jkim (technician) may not verify."]
    assert pending.doses.count() == 0
    assert window.documentation().verified_at is None  # until the technician's window polls
    queue.poll()
    assert window.documentation().verified_at is not None
    assert text(window, "preparedBy") == "J. Kim, CPhT"
    assert text(window, "verifiedBy") == "M. Osei, RN"
    assert window.print_problems() == []
    answer(window, ("ralvarez", "3333"))
    assert save(window, tmp_path / "w.pdf") is not None
    with RecordStore.open(site) as store:
        (row,) = store.list()
        signatures = store.get(row.id).documentation["signatures"]
    assert signatures["verified_by"]["name"] == "mosei"
    assert signatures["prepared_by"]["name"] == "jkim"
    pending.close()


def _verified_in_the_queue(qtbot, window, nurse_window) -> int:
    """A dose submitted from ``window``, signed by the nurse, adopted by ``window``."""
    fill(qtbot, window)
    submit(window)
    queue = window.features.queue
    queue.timer.stop()  # the test polls by hand
    pending = open_pending(nurse_window)
    pending.doses.setCurrentRow(0)
    answer(nurse_window, ("mosei", "2222"))
    qtbot.mouseClick(pending.sign_button, Qt.MouseButton.LeftButton)
    pending.close()
    queue.poll()
    assert window.documentation().verified_at is not None
    assert queue.dose_id is not None
    return queue.dose_id


def test_a_queued_dose_recorded_in_the_window_cannot_be_recorded_again(
    qtbot, window, nurse_window, site: Path, tmp_path: Path
) -> None:
    """The attack (issue 23, item 6), window side: the window recorded a verified queued
    dose without claiming it, so `worksheet --from-queue` recorded it a second time."""
    from core.recording import claimed_for_recording
    from core.site import Site
    from core.verification_queue import QueueError

    dose_id = _verified_in_the_queue(qtbot, window, nurse_window)
    answer(window, ("ralvarez", "3333"))
    assert save(window, tmp_path / "w.pdf") is not None
    assert save(window, tmp_path / "again.pdf") is not None  # a reprint is the same record
    with window.site.open_queue() as queue:
        assert queue.get(dose_id).state == "recorded"
    again = claimed_for_recording(Site(data_dir=site), dose_id)
    with pytest.raises(QueueError, match="already recorded"), again:
        raise AssertionError("recorded twice")
    with RecordStore.open(site) as store:
        assert len(store.list()) == 1


def test_a_queued_dose_recorded_elsewhere_is_not_recorded_by_the_window(
    qtbot, window, nurse_window, site: Path, tmp_path: Path
) -> None:
    from core.recording import claimed_for_recording

    dose_id = _verified_in_the_queue(qtbot, window, nurse_window)
    with claimed_for_recording(window.site, dose_id):
        pass  # `worksheet --from-queue` at another workstation recorded it first
    told = no_modal_messages(window)
    answer(window, ("ralvarez", "3333"))
    assert save(window, tmp_path / "w.pdf") is None
    assert told and "already recorded" in told[0]
    with RecordStore.open(site) as store:
        assert store.list() == []


def test_a_dose_changed_after_submission_goes_back_to_pending(
    qtbot, window, nurse_window, site: Path
) -> None:
    fill(qtbot, window)
    submit(window)
    window.features.queue.timer.stop()  # the test polls by hand
    pending = open_pending(nurse_window)
    pending.doses.setCurrentRow(0)
    answer(nurse_window, ("mosei", "2222"))
    qtbot.mouseClick(pending.sign_button, Qt.MouseButton.LeftButton)
    assert pending.doses.count() == 0
    type_into(qtbot, window, "diagnosis", "9")  # changed before the window saw it verified
    window.features.queue.poll()
    assert window.documentation().verified_at is None
    assert "changed after it was submitted" in window.statusBar().currentMessage()
    submit(window)
    pending.poll()
    assert pending.doses.count() == 1  # pending again for the nurse
    pending.doses.setCurrentRow(0)
    assert "D80.19" in pending.detail.toPlainText()
    pending.close()


def test_without_accounts_nothing_is_submitted(qtbot, window) -> None:
    enter_dose(qtbot, window, "10", "12", "12")
    trigger(window, "submitForVerificationAction")
    assert "no accounts" in window.statusBar().currentMessage()
    assert window.features.queue.dose_id is None


def test_a_new_form_forgets_the_submitted_dose(qtbot, window, site: Path) -> None:
    fill(qtbot, window)
    submit(window)
    queue = window.features.queue
    assert queue.dose_id is not None
    window.mark_saved()  # nothing typed is lost: Ctrl+N clears without asking
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    queue.poll()
    assert queue.dose_id is None and not queue.timer.isActive()


def test_a_correction_needs_a_pharmacist_among_the_signers(
    qtbot, window, site: Path, tmp_path: Path
) -> None:
    """As on the command line: a technician and a nurse may not correct a record."""
    fill(qtbot, window)
    answer(window, ("jkim", "1111"), ("mosei", "2222"))
    press_verify(qtbot, window)
    told = no_modal_messages(window)
    window.session.replaces = 1  # a correction of W-000001
    answer(window, ("ralvarez", "3333"))
    assert save(window, tmp_path / "c.pdf") is None
    assert any("signed by a pharmacist" in message for message in told)
    with RecordStore.open(site) as store:
        assert store.list() == []  # nothing recorded
