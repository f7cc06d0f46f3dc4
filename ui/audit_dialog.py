"""Tools > Audit billed lines: pick an export, map its columns, run the audit off the GUI
thread with a progress bar and Cancel, filter the findings, save the PDF report.

All billing logic is ``core.audit``; this module only shows it. Wiring into the main
window is one call, ``add_audit_menu(window, site)``. The file dialogs it would open
are attributes (``ask_open``, ``ask_save``), so tests replace them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from core.audit import FIELDS, REASONS, AuditReport, preview
from core.audit.template import REQUIRED, column_indexes, match_columns
from core.errors import InputError
from core.reference import NO_REFERENCE, CrosswalkSource, PricingSource
from core.terminal import printable
from ui.audit_mapping import mapping_group
from ui.audit_model import FindingsModel
from ui.audit_worker import Audit, audit_summary, run_audit
from ui.background import BackgroundWork, Shared
from ui.fields import ErrorLabel, hint
from ui.style import set_role
from ui.window_layout import fit_dialog, scroll_area

if TYPE_CHECKING:
    from core.site import Site

NOT_IN_FILE = "(not in the file)"
MAPPING_KEY = "audit/mapping"
PREVIEW_ROWS = 8
_ALL = "All findings"


class AuditDialog(QDialog):
    def __init__(
        self,
        parent: QWidget | None = None,
        pricing: PricingSource = NO_REFERENCE,
        crosswalk: CrosswalkSource = NO_REFERENCE,
        settings: QSettings | None = None,
        *,
        site: Site,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Audit billed lines")
        #: Whose catalog and payers the audit bills by: the window's site.
        self.site = site
        #: Remembers the last mapping, so the same export maps itself next time.
        self.settings = settings
        self.setObjectName("auditDialog")
        fit_dialog(self, 1180, 760)
        self.pricing, self.crosswalk = pricing, crosswalk
        self.path: Path | None = None
        self.header: list[str] = []
        self.report: AuditReport | None = None
        self.work = BackgroundWork(self)
        self.work.idle.connect(self._finished)
        self._cancelling = False
        self.ask_open: Callable[[], str] = lambda: QFileDialog.getOpenFileName(
            self, "Billing export to audit", "", "CSV files (*.csv *.txt);;All files (*)"
        )[0]
        self.ask_save: Callable[[str], str] = lambda name: QFileDialog.getSaveFileName(
            self, "Save audit report", name, "PDF files (*.pdf)"
        )[0]
        self._build()
        app = QCoreApplication.instance()
        if app is not None:  # the main window may quit the application with this open
            app.aboutToQuit.connect(self.stop_worker)

    # -- layout ----------------------------------------------------------------------------

    def _build(self) -> None:
        page = QVBoxLayout(self)
        # The file and its mapping scroll inside the dialog, so the findings keep most of
        # a 1024x600 screen (they were two rows high under the mapping).
        setup = QWidget()
        head = QVBoxLayout(setup)
        head.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.choose = QPushButton("Choose export…")
        self.choose.setObjectName("chooseExport")
        self.choose.clicked.connect(self._choose)
        self.file_label = hint("No file chosen. One row per billed claim line, with a header.")
        top.addWidget(self.choose)
        top.addWidget(self.file_label, 1)
        head.addLayout(top)
        self.file_error = ErrorLabel("auditFile", self.choose)
        head.addWidget(self.file_error)
        mapping, self.combos, self.mapping_error = mapping_group(self._mapping_changed)
        head.addWidget(mapping)

        self.preview = QTableWidget(0, 0)
        self.preview.setObjectName("auditPreview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.setMaximumHeight(120)
        head.addWidget(hint("First rows of the file:"))
        head.addWidget(self.preview)
        scroll = scroll_area(setup)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # over AT-SPI: a Tab stop with no name
        page.addWidget(scroll, 1)

        run = QHBoxLayout()
        self.run_button = QPushButton("2. Run audit")
        self.run_button.setObjectName("runAudit")
        self.run_button.setEnabled(False)
        self.run_button.clicked.connect(self.start)
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelAudit")
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel)
        run.addWidget(self.run_button)
        run.addWidget(self.progress, 1)
        run.addWidget(self.cancel_button)
        page.addLayout(run)
        self.status = QLabel("")
        self.status.setObjectName("auditStatus")
        self.status.setWordWrap(True)
        set_role(self.status, "subsection")
        page.addWidget(self.status)
        self.skipped_label = hint(name="auditSkipped")
        page.addWidget(self.skipped_label)

        filters = QHBoxLayout()
        self.reason_filter = QComboBox()
        self.reason_filter.setObjectName("reasonFilter")
        self.reason_filter.addItem(_ALL, "")
        for reason, words in REASONS.items():
            self.reason_filter.addItem(f"{reason}: {words}", reason)
        self.text_filter = QLineEdit()
        self.text_filter.setObjectName("administrationFilter")
        self.text_filter.setPlaceholderText("Administration ID contains…")
        self.reason_filter.currentIndexChanged.connect(self._filter)
        self.text_filter.textChanged.connect(self._filter)
        self.save_button = QPushButton("Save report…")
        self.save_button.setObjectName("saveAuditReport")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self._save_clicked)
        filters.addWidget(QLabel("Show"))  # the filter's visible label (its buddy)
        filters.addWidget(self.reason_filter, 2)
        filters.addWidget(self.text_filter, 2)
        filters.addWidget(self.save_button)
        page.addLayout(filters)

        self.model = FindingsModel()
        self.table = QTableView()
        self.table.setObjectName("findingsTable")
        self.table.setAccessibleName("Findings")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate((120, 70, 90, 140, 150, 170, 80)):
            self.table.setColumnWidth(column, width)
        page.addWidget(self.table, 2)

    # -- step 1: the file and its mapping ---------------------------------------------------

    def _choose(self) -> None:
        chosen = self.ask_open()
        if chosen:
            self.load(Path(chosen))

    def load(self, path: Path) -> None:
        """Read the header and first rows of ``path`` and preselect the mapping."""
        try:
            header, rows = preview(path, PREVIEW_ROWS)
        except InputError as error:
            self.file_error.show_message(error.message)
            self.run_button.setEnabled(False)
            return
        self.file_error.show_message(None)
        self.path, self.header = path, header
        self.file_label.setText(printable(str(path)))
        choices = [NOT_IN_FILE, *header]
        remembered = {f: h for f, h in self._remembered().items() if h in header}
        guesses = match_columns(header, remembered)
        for field, box in self.combos.items():
            box.blockSignals(True)
            box.clear()
            box.addItems([printable(c) for c in choices])
            box.setCurrentIndex(guesses.get(field, -1) + 1)
            box.blockSignals(False)
        self.preview.clear()
        self.preview.setColumnCount(len(header))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels([printable(h) for h in header])
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells[: len(header)]):
                self.preview.setItem(r, c, QTableWidgetItem(printable(text)))
        self._mapping_changed()

    def _remembered(self) -> dict[str, str]:
        text = self.settings.value(MAPPING_KEY, "") if self.settings is not None else ""
        try:
            loaded = json.loads(text) if isinstance(text, str) and text else {}
        except ValueError:
            return {}
        if not isinstance(loaded, dict):
            return {}
        return {f: h for f, h in loaded.items() if f in FIELDS and isinstance(h, str)}

    def mapping(self) -> dict[str, str]:
        """Field -> header, as chosen (fields set to "not in the file" left out)."""
        return {
            field: self.header[box.currentIndex() - 1]
            for field, box in self.combos.items()
            if box.currentIndex() > 0
        }

    def _mapping_changed(self) -> None:
        if self.path is None:
            return
        try:
            column_indexes(self.header, self.mapping())
        except InputError as error:
            unmapped = [self.combos[f] for f in REQUIRED if self.combos[f].currentIndex() < 1]
            self.mapping_error.show_message(error.message.split(";")[0], next(iter(unmapped), None))
            self.run_button.setEnabled(False)
            return
        self.mapping_error.show_message(None)
        self.run_button.setEnabled(not self.work.busy)

    # -- step 2: the audit, off the GUI thread -----------------------------------------------

    def start(self) -> None:
        if self.path is None or self.work.busy:
            return
        mapping = self.mapping()
        if self.settings is not None:
            self.settings.setValue(MAPPING_KEY, json.dumps(mapping))
        asked = Audit(
            self.path,
            tuple(mapping.items()),
            Shared(self.pricing),
            Shared(self.crosswalk),
            Shared(self.site.catalog),
            Shared(self.site.payers),
        )
        self._cancelling = False
        self.work.start("audit", "Auditing…", run_audit, asked, self._done, self._failed,
                        progress=self._progressed)  # fmt: skip
        self.progress.setValue(0)
        self.status.setText("Auditing…")
        self.run_button.setEnabled(False)
        self.cancel_button.setEnabled(True)

    def _progressed(self, done: int, total: int) -> None:
        self.progress.setValue(min(100, done * 100 // max(total, 1)))

    def cancel(self) -> None:
        if self.work.busy:
            self._cancelling = True
            self.work.cancel()

    def _finished(self) -> None:
        if self._cancelling:
            self.status.setText("Audit cancelled; nothing was changed.")
        self._cancelling = False
        self.cancel_button.setEnabled(False)
        self._mapping_changed()

    def _failed(self, message: str) -> None:
        self.status.setText(printable(message))

    def _done(self, report: AuditReport) -> None:
        self.report = report
        self.progress.setValue(100)
        self.status.setText(printable(audit_summary(report)))
        self.model.set_findings(report.findings)
        self._filter()
        incomplete = [
            f"{i.administration_id} incomplete ({i.reason})"
            for i in report.incomplete_administrations[:3]
        ]
        shown = incomplete + [f"Row {s.row} skipped: {s.reason}" for s in report.skipped_rows[:3]]
        hidden = report.skipped + report.incomplete - len(shown)
        more = f" … and {hidden:,} more" if hidden > 0 else ""
        self.skipped_label.setText(printable("; ".join(shown) + more))
        self.save_button.setEnabled(True)

    def _filter(self) -> None:
        self.model.filter(self.reason_filter.currentData() or "", self.text_filter.text())

    # -- the report ------------------------------------------------------------------------

    def _save_clicked(self) -> None:
        if self.report is None:
            return
        chosen = self.ask_save("audit-report.pdf")
        if chosen:
            self.save_report(Path(chosen))

    def save_report(self, path: Path) -> bool:
        from core.atomic import write_atomic
        from core.audit.report import build_report

        assert self.report is not None
        try:
            write_atomic(path, build_report(self.report))
        except OSError as error:
            self.status.setText(printable(f"Cannot write {path}: {error.strerror}"))
            return False
        self.status.setText(printable(f"{audit_summary(self.report)}  Report saved to {path}."))
        return True

    def stop_worker(self) -> None:
        """Stop a running audit and wait for it (closing the dialog, quitting)."""
        self.cancel()
        self.work.wait()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_worker()
        super().closeEvent(event)
