"""The window takes doses per m², with the BSA or the height beside the weight, and
amounts in mcg and units (issue 20)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from .window_parts import child, text, type_into


def unit(window, name: str, choice: str) -> None:  # type: ignore[no-untyped-def]
    box = child(window, name)
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findText(choice))


def test_a_dose_per_m2_with_the_bsa(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    type_into(qtbot, window, "concentration", "10%")
    unit(window, "doseUnit", "mg/m2")
    type_into(qtbot, window, "doseOrdered", "375")
    type_into(qtbot, window, "bsa", "1.9")
    type_into(qtbot, window, "vialSize", "10")
    unit(window, "administeredUnit", "mg")
    type_into(qtbot, window, "amountAdministered", "712.5")
    assert text(window, "claimLines").splitlines() == ["J1410-JZ x 2 units"]
    assert "Dose ordered: 375 mg/m² × 1.9 m² = 712.5 mg" in window.result().steps


def test_the_height_asks_for_the_weight_beside_the_field(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    type_into(qtbot, window, "concentration", "10%")
    unit(window, "doseUnit", "mg/m2")
    type_into(qtbot, window, "doseOrdered", "375")
    type_into(qtbot, window, "height", "170")
    type_into(qtbot, window, "vialSize", "10")
    type_into(qtbot, window, "amountAdministered", "7")
    assert window.result() is None
    assert window.session.errors["weight"] == (
        "is needed with the height for the body surface area"
    )
    type_into(qtbot, window, "weight", "70")
    assert window.result() is not None
    assert window.result().steps[0].startswith("Body surface area (Mosteller): √(170 cm × 70 kg")
