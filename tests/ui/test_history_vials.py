"""A recall: the history window finds worksheets by a vial's lot or serial."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLineEdit

from core.records import RecordStore
from tests.sites import site_at
from ui.history_view import HistoryDialog


def fake_pdf(worksheet_id: str, _replaces: int | None) -> bytes:
    return f"%PDF-1.7\n% {worksheet_id}\n%%EOF\n".encode()


def record(store: RecordStore, *vials: tuple[str, str]) -> None:
    store.add(
        code="J1410",
        mrn="00123456",
        patient_name="Doe, Jane",
        administered_at="2026-11-29T09:30",
        prepared_by="J. Kim",
        verified_by="M. Osei",
        inputs={},
        result={},
        documentation={"vials": [{"lot": lot, "serial": serial} for lot, serial in vials]},
        render=fake_pdf,
    )


def test_search_by_lot_or_serial(qtbot, isolated: Path) -> None:
    with RecordStore.open(isolated) as store:
        record(store, ("LX1", "SN1"), ("LX2", "SN2"))
        record(store, ("LX2", "SN3"))
        record(store, ("LX3", "SN4"))
    dialog = HistoryDialog(site_at(isolated))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    field = dialog.findChild(QLineEdit, "historyVial")
    assert field is not None
    for typed, expected in (
        ("lx2", ["W-000002", "W-000001"]),
        ("SN4", ["W-000003"]),
        ("SN9", []),
    ):
        field.clear()
        qtbot.keyClicks(field, typed)
        # The search runs in the background; the list follows when it answers.
        qtbot.waitUntil(lambda e=expected: [r.worksheet_id for r in dialog.model.rows] == e)
    dialog.close_store()
