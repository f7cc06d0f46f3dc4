"""Autosave, restoring a draft at start-up, and remembered preferences."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from core.drafts import load_draft, save_draft

from .window_parts import child


def test_the_form_is_autosaved_and_removed_when_recorded(qtbot, window, isolated) -> None:
    qtbot.keyClicks(child(window, "doseOrdered"), "12")
    qtbot.keyClicks(child(window, "patientName"), "Jane Example")
    window.autosave.flush(wait=True)
    draft = load_draft(isolated)
    assert draft is not None
    assert draft["dose_ordered"] == "12" and draft["patient_name"] == "Jane Example"
    window.mark_saved()
    assert load_draft(isolated) is None


def test_a_draft_is_offered_and_restored(qtbot, isolated, open_window) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    save_draft(
        isolated,
        {
            "vial_size": "10",
            "dose_ordered": "12",
            "administered": "12",
            "patient_name": "Jane Example",
        },
    )
    window = open_window()
    banner = child(window, "draftBanner")
    assert banner.isVisible() and "Jane Example" in banner.message.text()
    qtbot.mouseClick(child(window, "restoreDraftButton"), Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    units = child(window, "unitsAdministered")
    assert isinstance(units, QLabel) and units.text() == "3"
    window.mark_saved()


def test_discarding_a_draft_removes_it(qtbot, isolated, open_window) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    save_draft(isolated, {"dose_ordered": "12"})
    window = open_window()
    qtbot.mouseClick(child(window, "discardDraftButton"), Qt.MouseButton.LeftButton)
    assert load_draft(isolated) is None
    assert child(window, "doseOrdered").text() == ""


def test_payer_and_code_are_remembered(qtbot, open_window) -> None:
    window = open_window()
    payer = child(window, "payer")
    assert isinstance(payer, QComboBox) and payer.currentData() == "medicare"
    payer.setCurrentIndex(payer.findData("commercial"))
    window.close()
    again = open_window()
    assert child(again, "payer").currentData() == "commercial"
    assert child(again, "code").currentData() == "J1410"


def test_keystroke_recalculation(qtbot, window, benchmark) -> None:
    """pytest --benchmark-enable tests/ui -k keystroke: one key in, result and widgets updated."""
    for name, keys in (("vialSize", "10"), ("doseOrdered", "12"), ("amountAdministered", "12")):
        qtbot.keyClicks(child(window, name), keys)
    field = child(window, "amountAdministered")
    units = child(window, "unitsAdministered")

    def one_key_and_back() -> None:
        qtbot.keyClicks(field, "1")
        qtbot.keyClick(field, Qt.Key.Key_Backspace)

    benchmark(one_key_and_back)
    assert units.text() == "3"
