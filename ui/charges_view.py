"""Charges out in the window: the outbox in the status bar (pending and rejected
messages), Tools > Charges… (each message, its ACK and the reason for a rejection; send
now, retry), and a sender that delivers what is due every minute and after each record.

Every database read and every delivery runs off the GUI thread (``BackgroundWork``); no
rule lives here (``core.charges`` queues, builds, sends and judges the ACKs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.terminal import printable
from ui import settings as prefs
from ui.background import BackgroundWork, Shared

if TYPE_CHECKING:
    from core.charges.outbox import Counts, OutboxMessage, SendReport
    from core.charges.sending import Destination
    from core.site import Site
    from core.work import CancelToken

#: How often the window sends what is due (the back-off decides what is due).
SEND_EVERY_MS = 60_000
#: The first look at the outbox after the window starts.
FIRST_SEND_MS = 5_000
#: Messages the dialog lists (newest first).
LISTED = 500
COLUMNS = ("Control ID", "Worksheet", "Type", "State", "Attempts", "ACK", "Reason or next try")


@dataclass(frozen=True)
class Outboxed:
    """The outbox as read off the GUI thread."""

    counts: Counts
    messages: tuple[OutboxMessage, ...]
    report: SendReport | None = None


@dataclass(frozen=True)
class _Send:
    site: Shared[Site]
    destination: Destination | None
    retry: str = ""


def _read_or_send(asked: _Send, token: CancelToken) -> Outboxed:  # on the worker thread
    from core.charges.sending import open_outbox, send_due

    with asked.site.value.open_records() as store:
        outbox = open_outbox(store)
        if asked.retry:
            outbox.retry(asked.retry)
        report = send_due(store, asked.destination) if asked.destination else None
        return Outboxed(outbox.counts(), tuple(outbox.messages(limit=LISTED)), report)


def destination(site: Site, settings: QSettings) -> Destination | None:
    """The receiver: ``UNITCALC_CHARGES`` when the operator set it (read at start-up, in
    ``site.settings``), else the site setting (Settings > Charges receiver); None when
    neither is, or it is not HOST:PORT."""
    from core.charges.sending import charges_destination
    from core.errors import InputError

    try:
        return charges_destination(site.settings, prefs.text_value(settings, prefs.CHARGES, ""))
    except InputError:
        return None


def status_text(counts: Counts) -> str:
    """``Charges: 2 pending, 1 rejected``; "" when there is nothing to say."""
    parts = [f"{counts.pending} pending"] if counts.pending else []
    parts += [f"{counts.rejected} rejected"] if counts.rejected else []
    if parts:
        return "Charges: " + ", ".join(parts)
    return "Charges: all sent" if counts.acknowledged else ""


class ChargesSupport(QObject):
    """The window's outbox: its status bar label, its sender and its dialog."""

    changed = Signal(object)  # Outboxed

    def __init__(self, window: QMainWindow, site: Site, settings: QSettings) -> None:
        super().__init__(window)
        self.window, self.site, self.settings = window, site, settings
        self.status = QLabel("")
        self.status.setObjectName("chargesStatus")
        self.status.setAccessibleName("Charges outbox")
        self.status.hide()
        window.statusBar().addPermanentWidget(self.status)
        self.work = BackgroundWork(self)
        self.last: Outboxed | None = None
        self._queued: _Send | None = None
        self.problem = ""
        self.timer = QTimer(self)
        self.timer.setInterval(SEND_EVERY_MS)
        self.timer.timeout.connect(self.send)
        self.timer.start()

    def refresh(self) -> None:
        """Read the outbox again (no sending)."""
        self._start(_Send(Shared(self.site), None))

    def send(self) -> None:
        """Deliver what is due, when a receiver is set; else just read the outbox."""
        self._start(_Send(Shared(self.site), destination(self.site, self.settings)))

    def retry(self, control_id: str) -> None:
        self._start(_Send(Shared(self.site), destination(self.site, self.settings), control_id))

    def _start(self, asked: _Send) -> None:
        if self.work.running("charges"):
            # One at a time: the newest request runs when this one is done.
            self._queued = asked
            return
        self._queued = None
        self.work.start(
            "charges", "Sending charges…", _read_or_send, asked, self._show, self._failed
        )

    def _show(self, outboxed: Outboxed) -> None:
        self.last, self.problem = outboxed, ""
        text = status_text(outboxed.counts)
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.changed.emit(outboxed)
        self._next()

    def _failed(self, message: str) -> None:
        self.problem = f"The outbox could not be read: {message}"
        self.status.setText("Charges: outbox unavailable")
        self.status.setVisible(True)
        self.changed.emit(None)
        self._next()

    def _next(self) -> None:
        if self._queued is not None:
            self._start(self._queued)


class ChargesDialog(QDialog):
    """Tools > Charges…: every message, its state, ACK and the reason for a rejection."""

    def __init__(self, support: ChargesSupport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("chargesDialog")
        self.setWindowTitle("Charges")
        self.support = support
        self.receiver = QLabel()
        self.receiver.setObjectName("chargesReceiver")
        self.receiver.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("chargesTable")
        self.table.setAccessibleName("Charge messages")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.send_button = QPushButton("&Send now")
        self.send_button.setObjectName("chargesSend")
        self.retry_button = QPushButton("&Retry selected")
        self.retry_button.setObjectName("chargesRetry")
        close = QPushButton("Close")
        self.send_button.clicked.connect(support.send)
        self.retry_button.clicked.connect(self._retry)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.send_button)
        buttons.addWidget(self.retry_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.receiver)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        # As wide as the table wants, within the screen (1024x600 at 1.5 times scale too).
        room = self.screen().availableGeometry()
        self.resize(min(900, room.width() - 40), min(420, room.height() - 80))
        support.changed.connect(self._fill)
        self._fill(support.last)
        support.refresh()

    def _fill(self, outboxed: Outboxed | None) -> None:
        where = destination(self.support.site, self.support.settings)
        self.receiver.setText(
            f"Receiver: {where}"
            if where
            else "No receiver set: Settings > Charges receiver, "
            "or UNITCALC_CHARGES. Charges wait in the outbox."
        )
        if self.support.problem:
            self.receiver.setText(self.support.problem)
        self.send_button.setEnabled(where is not None)
        from core.records.models import format_worksheet_id

        messages = outboxed.messages if outboxed is not None else ()
        self.table.setRowCount(len(messages))
        for row, message in enumerate(messages):
            detail = message.reason
            if message.state == "pending" and not message.attempts:
                detail = "not sent yet"
            elif message.state == "pending":
                when = message.next_attempt_at.astimezone().strftime("%Y-%m-%d %H:%M")
                detail = f"{detail}; next try {when}" if detail else f"next try {when}"
            cells = (
                message.control_id,
                format_worksheet_id(message.worksheet_id),
                "credit" if message.kind == "CD" else "charge",
                message.state,
                str(message.attempts),
                message.ack_code,
                detail,
            )
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(printable(text)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setStretchLastSection(True)

    def _retry(self) -> None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        if item is not None:
            self.support.retry(item.text())


def install_charges(
    window: QMainWindow,
    site: Site,
    settings: QSettings,
    add_tool: Callable[[QAction, str], None],
) -> ChargesSupport:
    """The status bar's outbox, Tools > Charges… (through ``add_tool``), and the sender,
    on ``window``."""
    support = ChargesSupport(window, site, settings)
    action = QAction("C&harges…", window)
    action.setObjectName("chargesAction")

    def open_dialog() -> None:
        dialog = ChargesDialog(support, window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    action.triggered.connect(open_dialog)
    add_tool(action, "&Tools")
    # A while after start-up, not at it: the records database is opened when first needed.
    QTimer.singleShot(FIRST_SEND_MS, support.send)
    return support
