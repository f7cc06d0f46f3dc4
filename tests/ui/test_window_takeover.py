"""A locked window opened by another account (a shared workstation): the first person's
form is set aside as their draft, the window opens clean for the second person, who is
never offered the first person's draft, and the first person gets it back when they sign
in again. Driven through the real window's lock screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from core.accounts import AccountStore
from core.drafts import load_draft

from .accessibility import unnamed
from .test_window_signing import (  # noqa: F401
    PATIENT,
    answer,
    signed_in_with_fake_clock,
    site,
    trigger,
)
from .window_parts import child, text

pytestmark = pytest.mark.usefixtures("site")


def account_id(data_dir: Path, name: str) -> int:
    with AccountStore.open(data_dir) as accounts:
        return accounts.get(name).id


def open_as(qtbot, lock, name: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    screen = lock.screen
    assert screen is not None
    screen.account.setText(name)
    qtbot.keyClicks(screen.pin, pin)
    qtbot.keyClick(screen.pin, Qt.Key.Key_Return)
    qtbot.wait(1)  # the form, given back to the window, shows on the next event loop turn


def test_another_account_opens_the_window_and_the_form_waits_for_its_owner(
    qtbot, window, isolated: Path
) -> None:
    signed_in_with_fake_clock(qtbot, window)  # jkim's dose, filled and verified
    lock = window.features.idle_lock
    history = QDialog(window)  # an open dialog shows jkim's patient too
    history.show()
    lock.lock()

    open_as(qtbot, lock, "mosei", "1111")  # jkim's PIN does not open it as mosei
    assert window.centralWidget() is lock.screen
    assert lock.screen.error.text() == "Still locked: wrong PIN for mosei."
    open_as(qtbot, lock, "nobody", "2222")  # an unknown account: the same words
    assert lock.screen.error.text() == "Still locked: wrong PIN for nobody."

    open_as(qtbot, lock, "mosei", "2222")
    assert window.centralWidget() is window.page
    assert lock.session.account.name == "mosei"
    assert text(window, "patientName") == "" and text(window, "doseOrdered") == ""
    assert window.documentation().verified_at is None  # jkim's verification stays jkim's
    assert not history.isVisible()  # closed, not shown to the second person
    assert not child(window, "draftBanner").isVisible()  # nothing offered to mosei
    jkim = account_id(isolated, "jkim")
    assert load_draft(isolated, owner=jkim)["patient_name"] == PATIENT
    window.autosave.flush(wait=True)
    assert load_draft(isolated) is None  # the window's own draft no longer holds it

    lock.lock()  # mosei steps away; jkim comes back
    open_as(qtbot, lock, "jkim", "1111")
    banner = child(window, "draftBanner")
    assert banner.isVisible() and PATIENT in banner.message.text()
    qtbot.mouseClick(child(window, "restoreDraftButton"), Qt.MouseButton.LeftButton)
    assert text(window, "patientName") == PATIENT
    assert text(window, "unitsAdministered") == "3"
    assert load_draft(isolated, owner=jkim) is None  # taken back: one copy, the form's
    window.mark_saved()


def test_the_second_persons_own_set_aside_form_is_offered_not_the_firsts(
    qtbot, window, isolated: Path
) -> None:
    from core.drafts import save_draft

    signed_in_with_fake_clock(qtbot, window)
    lock = window.features.idle_lock
    mosei = account_id(isolated, "mosei")
    save_draft(isolated, {"patient_name": "Earlier Patient", "mrn": "777"}, owner=mosei)
    lock.lock()
    open_as(qtbot, lock, "mosei", "2222")
    banner = child(window, "draftBanner")
    assert banner.isVisible()
    assert "Earlier Patient" in banner.message.text() and PATIENT not in banner.message.text()
    qtbot.mouseClick(child(window, "discardDraftButton"), Qt.MouseButton.LeftButton)
    assert load_draft(isolated, owner=mosei) is None
    assert text(window, "patientName") == ""


def test_the_signed_in_person_unlocking_keeps_the_form(qtbot, window, isolated: Path) -> None:
    signed_in_with_fake_clock(qtbot, window)
    lock = window.features.idle_lock
    lock.lock()
    assert lock.screen.account.text() == "jkim"  # the signed-in person, ready for the PIN
    assert unnamed(window) == []  # Account and PIN named by their visible labels
    open_as(qtbot, lock, "jkim", "1111")
    assert text(window, "patientName") == PATIENT
    assert window.documentation().verified_at is not None
    jkim = account_id(isolated, "jkim")
    assert load_draft(isolated, owner=jkim) is None  # nothing set aside
    window.mark_saved()


def test_signing_in_offers_only_your_own_set_aside_form(qtbot, window, isolated: Path) -> None:
    from core.drafts import save_draft

    jkim = account_id(isolated, "jkim")
    save_draft(isolated, {"patient_name": "Earlier Patient", "mrn": "777"}, owner=jkim)
    answer(window, ("mosei", "2222"))
    trigger(window, "signInAction")  # Tools > Sign in…, another account
    assert window.features.idle_lock.session.account.name == "mosei"
    assert not child(window, "draftBanner").isVisible()
    answer(window, ("jkim", "1111"))
    trigger(window, "signInAction")  # on an empty form: offered to its owner
    banner = child(window, "draftBanner")
    assert banner.isVisible() and "Earlier Patient" in banner.message.text()


def test_after_a_crash_a_signed_in_persons_form_waits_for_them(
    qtbot, isolated: Path, open_window
) -> None:
    import json

    from core.drafts import draft_path, save_draft

    jkim = account_id(isolated, "jkim")
    save_draft(isolated, {"patient_name": "Crash Patient", "mrn": "9"}, signed_in=jkim)
    window = open_window()
    assert not child(window, "draftBanner").isVisible()  # not offered to whoever starts it
    answer(window, ("mosei", "2222"))
    trigger(window, "signInAction")
    assert not child(window, "draftBanner").isVisible()
    answer(window, ("jkim", "1111"))
    trigger(window, "signInAction")
    banner = child(window, "draftBanner")
    assert banner.isVisible() and "Crash Patient" in banner.message.text()
    qtbot.mouseClick(child(window, "restoreDraftButton"), Qt.MouseButton.LeftButton)
    window.autosave.flush(wait=True)
    saved = json.loads(draft_path(isolated).read_text(encoding="utf-8"))
    assert saved["signed_in"] == jkim  # the autosave keeps it jkim's
    window.mark_saved()


def test_another_account_signing_in_sets_the_form_aside_too(qtbot, window, isolated: Path) -> None:
    signed_in_with_fake_clock(qtbot, window)  # jkim's dose on screen, jkim signed in
    answer(window, ("mosei", "2222"))
    trigger(window, "signInAction")  # Tools > Sign in…, at the unlocked window
    assert window.features.idle_lock.session.account.name == "mosei"
    assert text(window, "patientName") == ""
    assert not child(window, "draftBanner").isVisible()
    assert load_draft(isolated, owner=account_id(isolated, "jkim"))["patient_name"] == PATIENT
    answer(window, ("jkim", "1111"))
    trigger(window, "signInAction")
    assert PATIENT in child(window, "draftBanner").message.text()


def test_a_form_that_cannot_be_set_aside_is_never_cleared(
    qtbot, window, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import drafts

    signed_in_with_fake_clock(qtbot, window)
    lock = window.features.idle_lock
    lock.lock()

    def full(*_args: object, **_kw: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(drafts, "save_draft", full)
    open_as(qtbot, lock, "mosei", "2222")
    assert window.centralWidget() is lock.screen  # still locked
    assert lock.screen.error.text() == (
        "Still locked: J. Kim, CPhT's form could not be set aside (No space left on device)."
    )
    assert lock.session.account.name == "jkim" and lock.session.locked
    monkeypatch.undo()
    open_as(qtbot, lock, "jkim", "1111")
    assert text(window, "patientName") == PATIENT  # the form as it was
    window.mark_saved()


def test_a_correction_set_aside_comes_back_still_correcting_its_worksheet(
    qtbot, window, isolated: Path
) -> None:
    """Restored without its correction, the form would print a second worksheet for the
    dose instead of one replacing the worksheet being corrected."""
    from ui.correcting import show_correcting

    signed_in_with_fake_clock(qtbot, window)
    window.session.replaces = 7  # jkim is correcting W-000007 (History > Correct)
    show_correcting(window, 7)
    lock = window.features.idle_lock
    lock.lock()
    open_as(qtbot, lock, "mosei", "2222")
    assert window.session.replaces is None  # mosei's clean form corrects nothing
    assert not child(window, "confirmBanner").isVisible()
    lock.lock()
    open_as(qtbot, lock, "jkim", "1111")
    qtbot.mouseClick(child(window, "restoreDraftButton"), Qt.MouseButton.LeftButton)
    assert text(window, "patientName") == PATIENT
    assert window.session.replaces == 7
    banner = child(window, "confirmBanner")
    assert banner.isVisible() and "Correcting worksheet W-000007" in banner.message.text()
    window.mark_saved()
