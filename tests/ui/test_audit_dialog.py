"""The audit window: map an export's columns, run off the GUI thread, cancel, filter,
save the report; and the Tools menu entry that opens it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox

from core.audit import run as run_module
from core.site import Site
from tests.core.audit_fakes import FakePricing, line, write_csv
from ui.audit_dialog import NOT_IN_FILE, AuditDialog

HEADERS = {"hcpcs": "Proc Code", "billed_units": "Units Billed", "administration_id": "Enc"}


@pytest.fixture
def export(tmp_path: Path) -> Path:
    rows = [
        line("A-1", 3),  # missing-jw
        line("A-2", 4),  # units-over-billed, missing-jw
        line("B-3", 2, administered="10 mL", vials_opened="1"),  # missing-jz
        line("B-4", 3, billed_units="lots"),
    ]
    return write_csv(tmp_path / "ehr.csv", rows, ";", "latin-1", header=HEADERS)


def _dialog(qtbot, **kw: object) -> AuditDialog:  # type: ignore[no-untyped-def]
    # The site start-up makes from the test's environment (its own data directory).
    kw.setdefault("site", Site.from_environment(os.environ))
    dialog = AuditDialog(None, **kw)  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _run(qtbot, dialog: AuditDialog) -> None:  # type: ignore[no-untyped-def]
    assert dialog.run_button.isEnabled()
    dialog.run_button.click()
    qtbot.waitUntil(lambda: not dialog.work.busy, timeout=20_000)


def _map(dialog: AuditDialog, field: str, header: str) -> None:
    box = dialog.combos[field]
    box.setCurrentIndex(box.findText(header))


def test_mapping_step_preview_run_filter_and_save(qtbot, export: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = _dialog(qtbot, pricing=FakePricing())
    dialog.load(export)
    assert dialog.preview.rowCount() == 4
    assert dialog.preview.horizontalHeaderItem(0).text() == "Enc"
    # Fields named as in the template are matched; the others wait for the user.
    assert dialog.combos["service_date"].currentText() == "service_date"
    assert dialog.combos["hcpcs"].currentText() == NOT_IN_FILE
    assert not dialog.run_button.isEnabled()
    assert "administration_id" in dialog.mapping_error.text()
    for field, header in HEADERS.items():
        _map(dialog, field, header)
    assert not dialog.mapping_error.isVisible()
    _run(qtbot, dialog)
    status = "4 rows, 3 administrations, 0 rows skipped, 1 incomplete; 4 findings"
    assert status in dialog.status.text()
    assert "B-4 incomplete (row 5: billed_units: 'lots'" in dialog.skipped_label.text()
    assert dialog.model.rowCount() == 4
    dialog.reason_filter.setCurrentIndex(dialog.reason_filter.findData("missing-jw"))
    assert [f.administration_id for f in dialog.model.shown] == ["A-1", "A-2"]
    dialog.text_filter.setText("a-2")
    assert [f.reason for f in dialog.model.shown] == ["missing-jw"]
    dialog.reason_filter.setCurrentIndex(0)
    assert [f.reason for f in dialog.model.shown] == ["units-over-billed", "missing-jw"]
    target = tmp_path / "report.pdf"
    dialog.ask_save = lambda name: str(target)
    dialog.save_button.click()
    assert target.read_bytes().startswith(b"%PDF")
    assert "Report saved" in dialog.status.text()


def test_a_file_without_a_header_is_named_beside_the_file(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    dialog = _dialog(qtbot)
    dialog.load(empty)
    assert "header row is required" in dialog.file_error.text()
    assert not dialog.run_button.isEnabled()


def test_cancel_stops_the_audit(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(run_module, "_PROGRESS_EVERY", 1)
    path = write_csv(tmp_path / "big.csv", [line(f"A-{n}", 3) for n in range(20_000)])
    dialog = _dialog(qtbot)
    dialog.load(path)
    dialog.run_button.click()
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: not dialog.work.busy, timeout=20_000)
    assert dialog.status.text() == "Audit cancelled; nothing was changed."
    assert dialog.report is None
    assert dialog.run_button.isEnabled()


def test_tools_menu_opens_the_audit(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    action = window.findChild(QAction, "auditAction")
    action.trigger()
    dialog = window.findChild(AuditDialog)
    assert dialog is not None and dialog.isVisible()
    assert isinstance(dialog.combos["hcpcs"], QComboBox)
    dialog.close()


def test_closing_during_an_audit_stops_its_thread(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_csv(tmp_path / "big.csv", [line(f"A-{n}", 3) for n in range(20_000)])
    dialog = _dialog(qtbot)
    dialog.load(path)
    dialog.run_button.click()
    assert dialog.work.busy
    dialog.close()
    assert not dialog.work.busy
    assert not [t for t in threading.enumerate() if t.name == "unitcalc-audit"]


def test_the_last_mapping_is_remembered(qtbot, export: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = _dialog(qtbot, settings=settings)
    first.load(export)
    for field, header in HEADERS.items():
        _map(first, field, header)
    _run(qtbot, first)
    again = _dialog(qtbot, settings=settings)
    again.load(export)
    assert {f: again.combos[f].currentText() for f in HEADERS} == HEADERS
    assert again.run_button.isEnabled()
