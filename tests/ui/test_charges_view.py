"""Charges in the window: the status bar's outbox counts, Tools > Charges listing each
message with its ACK and reason, Send now and Retry off the GUI thread, and the window's
own Tools menu entry."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from core.charges.outbox import Counts
from tests.core.charges_cases import record_example
from tests.core.mllp_listener import Listener
from tests.sites import site_at
from ui import settings as prefs
from ui.charges_view import ChargesDialog, ChargesSupport, destination, status_text


def _support(qtbot, data_dir: Path, receiver: str = "") -> ChargesSupport:  # type: ignore[no-untyped-def]
    window = QMainWindow()
    qtbot.addWidget(window)
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "t", "t")
    settings.setValue(prefs.CHARGES, receiver)
    return ChargesSupport(window, site_at(data_dir), settings)


def _settle(qtbot, support: ChargesSupport) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not support.work.busy, timeout=20_000)


def _row(dialog: ChargesDialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]


def test_status_words() -> None:
    assert status_text(Counts()) == ""
    assert status_text(Counts(acknowledged=3)) == "Charges: all sent"
    assert status_text(Counts(pending=2, rejected=1)) == "Charges: 2 pending, 1 rejected"


def test_the_status_bar_counts_the_outbox(qtbot, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    record_example(isolated)
    support = _support(qtbot, isolated)
    support.refresh()
    _settle(qtbot, support)
    assert support.status.text() == "Charges: 1 pending"
    assert support.status.isVisibleTo(support.window)


def test_the_dialog_lists_a_rejection_with_its_reason_and_retries(qtbot, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    record_example(isolated)
    with Listener("reject") as listener:
        support = _support(qtbot, isolated, f"127.0.0.1:{listener.port}")
        dialog = ChargesDialog(support)
        qtbot.addWidget(dialog)
        dialog.show()
        _settle(qtbot, support)
        assert "Receiver: 127.0.0.1:" in dialog.receiver.text()
        dialog.send_button.click()
        _settle(qtbot, support)
        cells = _row(dialog, 0)
        assert cells[:4] == ["W-000001-CG", "W-000001", "charge", "rejected"]
        assert cells[5:] == ["AE", "Unknown MRN 00123456"]
        assert support.status.text() == "Charges: 1 rejected"
        listener.mode = "accept"
        dialog.table.selectRow(0)
        dialog.retry_button.click()
        _settle(qtbot, support)
        assert _row(dialog, 0)[3] == "acknowledged"
        assert support.status.text() == "Charges: all sent"
    assert len(listener.received) == 2


def test_without_a_receiver_charges_wait(qtbot, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    record_example(isolated)
    support = _support(qtbot, isolated)
    dialog = ChargesDialog(support)
    qtbot.addWidget(dialog)
    _settle(qtbot, support)
    assert not dialog.send_button.isEnabled()
    assert "No receiver set" in dialog.receiver.text()
    assert _row(dialog, 0)[3] == "pending"


def test_the_variable_wins_over_the_setting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "t", "t")
    settings.setValue(prefs.CHARGES, "site.example:2575")
    assert str(destination(site_at(tmp_path), settings)) == "site.example:2575"
    monkeypatch.setenv("UNITCALC_CHARGES", "billing.example:7000")  # read at start-up
    assert str(destination(site_at(tmp_path), settings)) == "billing.example:7000"


def test_the_window_has_tools_charges(window) -> None:  # type: ignore[no-untyped-def]
    actions = window.findChildren(QAction, "chargesAction")
    assert actions and actions[0].text() == "C&harges…"  # Alt+T, H: A&ccounts… has C
    assert window.features.charges is not None


def test_a_send_asked_for_while_a_read_runs_is_not_dropped(qtbot, isolated: Path) -> None:  # type: ignore[no-untyped-def]
    record_example(isolated)
    with Listener("accept") as listener:
        support = _support(qtbot, isolated, f"127.0.0.1:{listener.port}")
        support.refresh()
        support.send()  # while the read runs: it runs next
        qtbot.waitUntil(lambda: support.status.text() == "Charges: all sent", timeout=20_000)
        _settle(qtbot, support)
    assert len(listener.received) == 1
