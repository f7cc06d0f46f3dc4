"""Medical necessity, the authorization picker and the denial-risk check in the window."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QPlainTextEdit

from core.authorizations import Authorization, AuthorizationStore
from tests.sites import authorization_state, site_at

from .test_window_worksheet import fill as fill_without_ndc
from .window_parts import child, type_into


def fill(qtbot, window) -> None:
    type_into(qtbot, window, "ndc", "0002-7597-01")  # before the dose is verified
    fill_without_ndc(qtbot, window)


def checks_shown(window) -> list[str]:
    widget = child(window, "checks")
    assert isinstance(widget, QListWidget)
    return [widget.item(i).text() for i in range(widget.count())]


def write(window, name: str, text: str) -> None:
    box = child(window, name)
    assert isinstance(box, QPlainTextEdit)
    box.setPlainText(text)


def choose_payer(window, payer: str) -> None:
    box = child(window, "payer")
    assert isinstance(box, QComboBox)
    box.setCurrentIndex(box.findData(payer))


def record_authorization(data: Path, amount: int = 8) -> None:
    with AuthorizationStore.open(data) as store:
        store.add(
            Authorization(
                number="PA-9",
                payer="commercial",
                code="J1410",
                starts=date(2026, 1, 1),
                ends=date(2026, 12, 31),
                amount=Decimal(amount),
                measure="units",
            )
        )


def test_the_checks_list_shows_every_cause_and_passes_a_complete_worksheet(qtbot, window) -> None:
    fill(qtbot, window)
    shown = checks_shown(window)
    assert len(shown) == 8
    assert all(line.startswith("\N{CHECK MARK}") for line in shown), shown
    assert child(window, "printButton").isEnabled()
    assert child(window, "checksList").title() == "Denial-risk check: 8 pass"


def test_a_failed_check_blocks_printing_and_says_why(qtbot, window) -> None:
    fill(qtbot, window)
    child(window, "wasteReason").clear()
    assert any(
        line.startswith("\N{MULTIPLICATION X} Waste documented") for line in checks_shown(window)
    )
    assert not child(window, "printButton").isEnabled()


def test_commercial_payer_names_the_missing_necessity_items(qtbot, window) -> None:
    fill(qtbot, window)
    choose_payer(window, "commercial")
    problems = " ".join(window.print_problems())
    for name in ("indication", "supporting results", "prior treatments", "clinical rationale"):
        assert name in problems
    assert not child(window, "printButton").isEnabled()


def test_a_result_that_cannot_be_read_is_named_beside_the_field(qtbot, window) -> None:
    fill(qtbot, window)
    write(window, "labs", "IgG trough=450 on 2026-11-01")
    error = child(window, "labsError")
    assert error.isVisible() and "mg/dL" in error.text()
    assert any("supporting results" in p for p in window.print_problems())


def test_necessity_fields_reach_the_documentation(qtbot, window) -> None:
    fill(qtbot, window)
    type_into(qtbot, window, "indication", "CVID")
    write(window, "labs", "IgG trough=450 mg/dL on 2026-11-01\nPlatelets=normal on 2026-10-30")
    write(window, "priorTreatments", "Azithromycin\nSCIG")
    write(window, "rationale", "Recurrent pneumonia")
    type_into(qtbot, window, "weighedOn", "2026-11-20")
    doc = window.documentation()
    assert doc.indication == "CVID"
    assert [str(lab) for lab in doc.labs] == [
        "IgG trough 450 mg/dL on 2026-11-01",
        "Platelets normal on 2026-10-30",
    ]
    assert doc.prior_treatments == ("Azithromycin", "SCIG")
    assert (doc.rationale, doc.weighed_on) == ("Recurrent pneumonia", date(2026, 11, 20))


def test_the_picker_fills_the_authorization_and_printing_uses_it(
    qtbot, window, isolated: Path, tmp_path: Path
) -> None:
    record_authorization(isolated)
    picker = child(window, "authorizationPicker")
    assert isinstance(picker, QComboBox)
    picker.reload()
    assert "PA-9" in picker.itemText(1) and "0 units used of 8 units" in picker.itemText(1)
    picker.activated.emit(1)  # as if chosen from the list
    assert child(window, "priorAuthorization").text() == "PA-9"
    fill(qtbot, window)  # the authorization is part of the claim: verify after it
    told: list[str] = []
    window.worksheet.actions.tell = lambda title, body: told.append(body)
    window.worksheet.actions.ask_path = lambda suggested: str(tmp_path / "w.pdf")
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert told == []
    assert (tmp_path / "w.pdf").exists()
    assert authorization_state(site_at(isolated), "PA-9").used == 4


def test_an_exceeded_authorization_warns_and_prints_with_the_reason(
    qtbot, window, isolated: Path
) -> None:
    record_authorization(isolated, amount=2)
    type_into(qtbot, window, "priorAuthorization", "PA-9")
    fill(qtbot, window)
    warned = [line for line in checks_shown(window) if line.startswith("! Prior authorization")]
    assert warned and "allows 2 units" in warned[0]
    assert child(window, "printButton").isEnabled()  # a warning does not block
    type_into(qtbot, window, "checksReason", "extension requested")
    assert window.documentation().check_reasons == {"prior-authorization": "extension requested"}


def test_an_authorization_is_recorded_from_the_window(qtbot, window, isolated: Path) -> None:
    qtbot.mouseClick(child(window, "recordAuthorizationButton"), Qt.MouseButton.LeftButton)
    dialog = window.features.necessity.dialog
    type_into(qtbot, dialog, "authNumber", "PA-NEW")
    payer = child(dialog, "authPayer")
    assert isinstance(payer, QComboBox)
    payer.setCurrentIndex(payer.findData("commercial"))
    type_into(qtbot, dialog, "authFrom", "2026-01-01")
    type_into(qtbot, dialog, "authTo", "2025-12-31")
    type_into(qtbot, dialog, "authAmount", "60")
    dialog.record()
    assert dialog.isVisible()  # the dates run backwards: said beside, nothing recorded
    assert "before the start date" in child(dialog, "authorizationError").text()
    child(dialog, "authTo").clear()
    type_into(qtbot, dialog, "authTo", "2026-12-31")
    dialog.record()
    assert not dialog.isVisible()
    assert child(window, "priorAuthorization").text() == "PA-NEW"
    state = authorization_state(site_at(isolated), "PA-NEW")
    assert state.authorization is not None
    assert (state.authorization.payer, state.authorization.amount) == ("commercial", 60)


def test_necessity_fields_are_kept_in_the_draft_and_restored(qtbot, window) -> None:
    type_into(qtbot, window, "indication", "CVID")
    write(window, "labs", "IgG trough=450 mg/dL on 2026-11-01")
    fields = window.draft_fields()
    assert fields["indication"] == "CVID"
    assert fields["labs"] == "IgG trough=450 mg/dL on 2026-11-01"
    window.new_form()
    if child(window, "confirmClearButton").isVisible():
        qtbot.mouseClick(child(window, "confirmClearButton"), Qt.MouseButton.LeftButton)
    assert window.draft_fields()["indication"] == ""
    window.restore_fields(fields)
    assert window.documentation().indication == "CVID"
    assert [str(lab) for lab in window.documentation().labs] == [
        "IgG trough 450 mg/dL on 2026-11-01"
    ]
