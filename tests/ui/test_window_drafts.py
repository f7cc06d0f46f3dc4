"""Autosave, restoring a draft at start-up, and remembered preferences."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from core.drafts import load_draft, save_draft


def child(window, name: str) -> QWidget:
    found = window.findChild(QWidget, name)
    assert found is not None, f"no widget named {name}"
    return found


def new_window(qtbot):
    from main import build_window

    window = build_window()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.ensure_engine()
    return window


def test_the_form_is_autosaved_and_removed_when_recorded(qtbot, window, isolated) -> None:
    qtbot.keyClicks(child(window, "doseOrdered"), "12")
    qtbot.keyClicks(child(window, "patientName"), "Jane Example")
    window.autosave.flush(wait=True)
    draft = load_draft(isolated)
    assert draft is not None
    assert draft["dose_ordered"] == "12" and draft["patient_name"] == "Jane Example"
    window.mark_saved()
    assert load_draft(isolated) is None


def test_a_draft_is_offered_and_restored(qtbot, isolated) -> None:
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
    window = new_window(qtbot)
    banner = child(window, "draftBanner")
    assert banner.isVisible() and "Jane Example" in banner.message.text()
    qtbot.mouseClick(child(window, "restoreDraftButton"), Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    units = child(window, "unitsAdministered")
    assert isinstance(units, QLabel) and units.text() == "3"
    window.mark_saved()


def test_discarding_a_draft_removes_it(qtbot, isolated) -> None:
    isolated.mkdir(parents=True, exist_ok=True)
    save_draft(isolated, {"dose_ordered": "12"})
    window = new_window(qtbot)
    qtbot.mouseClick(child(window, "discardDraftButton"), Qt.MouseButton.LeftButton)
    assert load_draft(isolated) is None
    assert child(window, "doseOrdered").text() == ""


def test_payer_and_code_are_remembered(qtbot) -> None:
    window = new_window(qtbot)
    payer = child(window, "payer")
    assert isinstance(payer, QComboBox) and payer.currentData() == "medicare"
    payer.setCurrentIndex(payer.findData("commercial"))
    window.close()
    again = new_window(qtbot)
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
