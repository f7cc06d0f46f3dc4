"""CMS import, payer fees and restore in the window (issue 19): on a site with accounts
each asks the PIN of a pharmacist or an administrator (the same rule as `cms import`,
`payers import-fees` and `restore --by`: core.accounts.PERMISSIONS); a site without
accounts does them with no PIN, as before."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QAction

from tests.cms_samples import pricing_csv, write

from .test_window_signing import answer, site  # noqa: F401 (a fixture)

FEES = (
    'HCPCS Code,Rate per unit,Effective from,Effective to\nJ1459,"1,055.25",2026-01-01,2026-12-31\n'
)


def held_quarters(window) -> list[str]:
    with window.site.open_reference_store() as store:
        return [q.quarter for q in store.quarters()]


def fee_schedules(window) -> list[tuple[str, str, int]]:
    with window.site.open_reference_store() as store:
        return store.fee_schedules()


def test_a_cms_import_asks_a_pharmacists_pin(qtbot, window, site: Path, tmp_path: Path) -> None:  # noqa: F811
    asp = write(tmp_path / "asp.csv", pricing_csv())
    cms = window.features.cms
    answers = answer(window, ("jkim", "1111"), ("mosei", "2222"), ("pmorales", "0000"), None)
    cms.import_files([asp])
    assert answers.titles == ["Import CMS files"]
    assert answers.errors == [
        "Not signed: jkim (technician) may not import CMS files.",
        "Not signed: mosei (nurse) may not import CMS files.",
        "Not signed: wrong PIN for pmorales.",
    ]
    assert not cms.work.busy and held_quarters(window) == []  # nothing imported
    answer(window, ("pmorales", "5555"))
    with qtbot.waitSignal(cms.imported, timeout=20000):
        cms.import_files([asp])
    assert held_quarters(window) == ["2026Q1"]


def test_a_site_without_accounts_imports_with_no_pin(qtbot, window, tmp_path: Path) -> None:
    asked = answer(window)  # any PIN dialog would be recorded here
    with qtbot.waitSignal(window.features.cms.imported, timeout=20000):
        window.features.cms.import_files([write(tmp_path / "asp.csv", pricing_csv())])
    assert asked.titles == [] and held_quarters(window) == ["2026Q1"]


def fees_action(window, path: Path):  # type: ignore[no-untyped-def]
    actions = window.features.pharmacist
    actions.ask_payer = lambda payers: next(p for p in payers if p.endswith("(commercial)"))
    actions.ask_file = lambda *_: str(path)
    return actions


def test_a_payer_fee_schedule_asks_a_pharmacists_pin(
    qtbot,
    window,
    site: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    fees = tmp_path / "fees.csv"
    fees.write_text(FEES)
    actions = fees_action(window, fees)
    answers = answer(window, ("tlee", "4444"), None)
    window.findChild(QAction, "importFeesAction").trigger()
    assert answers.titles == ["Import payer fee schedules"]
    assert answers.errors == ["Not signed: tlee (technician) may not import payer fee schedules."]
    assert not actions.work.busy and fee_schedules(window) == []
    answer(window, ("admin", "9999"))
    window.findChild(QAction, "importFeesAction").trigger()
    actions.work.wait()
    assert fee_schedules(window) == [("commercial", "fees.csv", 1)]
    assert "fees.csv: Commercial" in window.statusBar().currentMessage()


def test_a_restore_asks_a_pharmacists_pin(qtbot, window, site: Path) -> None:  # noqa: F811
    with window.site.open_records() as store:
        backup = store.backup()
    actions = window.features.pharmacist
    actions.ask_file = lambda *_: str(backup)
    actions.confirm = lambda *_: True
    answers = answer(window, ("mosei", "2222"), None)
    window.findChild(QAction, "restoreAction").trigger()
    assert answers.titles == ["Restore the records from a backup"]
    assert answers.errors == [
        "Not signed: mosei (nurse) may not restore the records from a backup."
    ]
    assert not actions.work.busy
    answer(window, ("pmorales", "5555"))
    window.findChild(QAction, "restoreAction").trigger()
    actions.work.wait()
    assert (
        window.statusBar()
        .currentMessage()
        .startswith(f"Restored 0 worksheet records from {backup.name}")
    )


def test_a_restore_over_newer_records_asks_before_keeping_them_aside(
    qtbot,
    window,
    site: Path,  # noqa: F811
) -> None:
    from tests.core.test_records_backup import add

    with window.site.open_records() as store:
        backup = store.backup()
        add(store, 2)  # records the backup lacks
    actions = window.features.pharmacist
    actions.ask_file = lambda *_: str(backup)
    asked: list[str] = []
    answers = iter([True, False])  # yes, restore; then no, not over the newer records
    actions.confirm = lambda _title, text: asked.append(text) or next(answers)
    answer(window, ("admin", "9999"))
    window.findChild(QAction, "restoreAction").trigger()
    actions.work.wait()
    assert "holds W-000001..W-000002 (2 records) that the backup lacks" in asked[-1]
    assert "--keep-newer" not in asked[-1]  # the command line's words, not the window's
    assert window.statusBar().currentMessage().startswith("Nothing was restored")
    with window.site.open_records() as store:
        assert len(store.list()) == 2  # nothing restored
    answers = iter([True, True])
    answer(window, ("admin", "9999"))
    window.findChild(QAction, "restoreAction").trigger()
    actions.work.wait()
    actions.work.wait()  # the second run, keeping them aside
    message = window.statusBar().currentMessage()
    assert message.startswith(f"Restored 0 worksheet records from {backup.name}"), message
    assert "the backup lacks" in message
