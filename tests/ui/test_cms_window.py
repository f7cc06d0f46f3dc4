"""The CMS files in the window: the File menu import, the status bar, pricing, NDCs."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QProgressDialog

from tests.cms_samples import crosswalk_csv, pricing_csv, write, write_zip
from tests.sites import site_at


def _status(window) -> str:
    label = window.findChild(QLabel, "cmsStatus")
    assert label is not None
    return label.text()


def _import(qtbot, window, tmp_path: Path) -> str:
    files = [
        write(tmp_path / "asp.csv", pricing_csv()),
        write_zip(tmp_path / "xw.zip", {"xw.csv": crosswalk_csv()}),
    ]
    with qtbot.waitSignal(window.features.cms.imported, timeout=20000) as signal:
        window.features.cms.import_files(files)
        assert window.findChild(QProgressDialog, "cmsImportProgress") is not None
    return str(signal.args[0])


def test_file_menu_offers_the_import(window) -> None:
    menu = next(a.menu() for a in window.menuBar().actions() if "File" in a.text())
    assert isinstance(menu, QMenu)
    assert "Import &CMS files…" in [a.text() for a in menu.actions()]
    assert _status(window) == "No CMS pricing file imported"


def test_import_prices_the_dose_on_screen_and_names_the_quarter(
    qtbot, window, tmp_path: Path
) -> None:
    window.dose.code.setCurrentIndex(window.dose.code.findData("J1459"))
    window.dose.product.setCurrentIndex(window.dose.product.findData("Privigen 10%"))
    qtbot.keyClicks(window.dose.dose_ordered, "28 g")
    qtbot.keyClicks(window.dose.administered, "280")
    window.docs.administered_at.setText("2026-02-10 09:30")
    report = _import(qtbot, window, tmp_path)
    assert "asp.csv: pricing 2026Q1, 5 rows imported, 1 not usable" in report
    calculated = window.result()
    assert calculated is not None
    # The session holds the unit arithmetic; the dollars are priced for its service date.
    result = window.features.cms.price(calculated, window.documentation().administered_at)
    assert result.pricing is not None
    assert [str(line.payment) for line in result.claim_lines] == ["2309.104", "164.936"]
    status = _status(window)
    assert "2026Q1" in status and "waste recovered $164.936" in status


def test_crosswalk_ndcs_are_offered_for_the_code(qtbot, window, tmp_path: Path) -> None:
    window.dose.code.setCurrentIndex(window.dose.code.findData("J1569"))
    qtbot.keyClicks(window.dose.vial_size, "10")
    qtbot.keyClicks(window.dose.dose_ordered, "1 g")
    qtbot.keyClicks(window.dose.administered, "10")
    qtbot.keyClicks(window.dose.concentration, "10%")
    _import(qtbot, window, tmp_path)
    completer = window.docs.ndc.completer()
    assert isinstance(window.docs.ndc, QLineEdit) and completer is not None
    model = completer.model()
    offered = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert offered[0] == "00944-2700-02 — Gammagard Liquid — Takeda — package 10 × 1"


def test_the_denial_check_reads_the_open_cms_store_not_one_opened_per_keystroke(
    qtbot, window, tmp_path: Path, monkeypatch
) -> None:
    from core.claim_review import review_claim
    from core.site import Site

    window.dose.code.setCurrentIndex(window.dose.code.findData("J1569"))
    qtbot.keyClicks(window.dose.vial_size, "10")
    qtbot.keyClicks(window.dose.dose_ordered, "1 g")
    qtbot.keyClicks(window.dose.concentration, "10%")
    qtbot.keyClicks(window.docs.ndc, "0944-2700-03")  # in the crosswalk, another package
    _import(qtbot, window, tmp_path)
    opened: list[object] = []
    real = Site.open_reference_store
    monkeypatch.setattr(Site, "open_reference_store", lambda s: opened.append(s) or real(s))
    qtbot.keyClicks(window.dose.administered, "10")
    shown = window.features.checks.checks
    assert shown and opened == []
    monkeypatch.undo()
    result, doc = window.session.result, window.session.worksheet_documentation()
    day = doc.administered_at.date() if doc.administered_at else date.today()
    with site_at(window.data_dir) as own_site:  # a store opened for the purpose
        _reviewed, own = review_claim(result, doc, route=doc.route, site=own_site, service_date=day)
    assert shown == own  # the same checks as with a store opened for the purpose


def test_products_show_their_crosswalk_ndcs(qtbot, window, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    _import(qtbot, window, tmp_path)
    picker = window.dose.product
    index = picker.findData("Privigen 10%")
    qtbot.waitUntil(lambda: bool(picker.itemData(index, Qt.ItemDataRole.ToolTipRole)))
    tip = picker.itemData(index, Qt.ItemDataRole.ToolTipRole)
    assert "44206-0436-90  Privigen® — CSL Behring, LLC — package 100 × 1" in tip


def test_a_damaged_reference_database_is_named_in_the_status_bar(qtbot, isolated: Path) -> None:
    from main import build_window

    isolated.mkdir(parents=True, exist_ok=True)
    (isolated / "cms-reference.sqlite3").write_bytes(b"not a database " * 100)
    win = build_window()
    qtbot.addWidget(win)
    win.show()
    win.ensure_engine()
    assert _status(win).startswith("CMS files unavailable: reference database:")
    win.mark_saved()
