"""Settings: the facility printed on every worksheet, the default payer, paper, printer,
the vial rules of the facility and its barcode scanners, the shared database and the
idle lock's minutes.

Shown from the Settings menu and offered at first run. Printers come from
``core.printing.printers`` (CUPS queues), with the one used last chosen; a printer set to
other paper than the Paper chosen is said under them (``core.printing.paper_warning``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import constants
from ui import settings as prefs
from ui.announce import announce
from ui.fields import ErrorLabel, combo, hint, line_edit
from ui.placeholders import fit_placeholders

if TYPE_CHECKING:
    from core.site import Site


class SettingsDialog(QDialog):
    def __init__(self, settings: QSettings, site: Site, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.settings = settings
        self.site = site
        self.facility = line_edit(
            "settingsFacility", "Facility name", "printed in the header of every worksheet"
        )
        self.facility.setText(prefs.text_value(settings, prefs.FACILITY, ""))
        self.payer = combo("settingsPayer", "Default payer", self._payers(site))
        self._select(self.payer, prefs.text_value(settings, prefs.SITE_PAYER, ""))
        self.paper = combo("settingsPaper", "Paper size", [("US Letter", "letter"), ("A4", "a4")])
        self._select(self.paper, prefs.paper(settings))
        self.printer = combo("settingsPrinter", "Printer", self._printers())
        self._select(self.printer, prefs.text_value(settings, prefs.LAST_PRINTER, ""))
        self.paper_hint = hint(name="settingsPaperHint")
        self._paper_hint(say=False)
        for box in (self.paper, self.printer):
            box.currentIndexChanged.connect(lambda _index: self._paper_hint())
        self.expiring_today = QCheckBox(
            "A vial expiring on the day of administration blocks printing"
        )
        self.expiring_today.setObjectName("settingsExpiringToday")
        self.expiring_today.setChecked(prefs.flag(settings, prefs.EXPIRING_TODAY_BLOCKS))
        self.scan_separator = line_edit(
            "settingsScanSeparator",
            "Character the scanner sends instead of GS",
            "only if the scanner cannot send GS, e.g. |",
        )
        self.scan_separator.setMaxLength(1)
        self.scan_separator.setText(prefs.text_value(settings, prefs.SCAN_SEPARATOR, ""))
        self.database = line_edit(
            "settingsDatabase",
            "Shared database URL",
            "postgresql://server/unitcalc; empty: this computer's data directory",
        )
        self.database.setText(prefs.text_value(settings, prefs.DATABASE_URL, ""))
        self.database_error = ErrorLabel("settingsDatabase", self.database)
        self.charges = line_edit(
            "settingsCharges",
            "Charges receiver",
            "billing.example.org:2575 (HL7 over MLLP); empty: charges wait in the outbox",
        )
        self.charges.setText(prefs.text_value(settings, prefs.CHARGES, ""))
        self.charges_error = ErrorLabel("settingsCharges", self.charges)
        self.idle_minutes = QSpinBox()
        self.idle_minutes.setObjectName("settingsIdleMinutes")
        self.idle_minutes.setAccessibleName("Minutes idle before the window locks")
        self.idle_minutes.setRange(1, 240)
        self.idle_minutes.setSuffix(" min")
        self.idle_minutes.setValue(_idle_minutes(settings))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Facility", self.facility)
        form.addRow("Default payer", self.payer)
        form.addRow("Paper", self.paper)
        form.addRow("Printer", self.printer)
        form.addRow("", self.paper_hint)
        form.addRow("Expiry", self.expiring_today)
        form.addRow("Scanner separator", self.scan_separator)
        database = QVBoxLayout()
        database.setSpacing(1)
        database.addWidget(self.database)
        database.addWidget(self.database_error)
        form.addRow("Database", database)
        charges = QVBoxLayout()
        charges.setSpacing(1)
        charges.addWidget(self.charges)
        charges.addWidget(self.charges_error)
        form.addRow("Charges receiver", charges)
        form.addRow("Lock when idle", self.idle_minutes)
        form.addRow(buttons)
        fit_placeholders(self)

    @staticmethod
    def _payers(site: Site) -> list[tuple[str, object]]:
        return [(p.name, p.id) for p in site.payers.payers]

    def _printers(self) -> list[tuple[str, object]]:
        from core.printing import printers

        found = printers()
        self._queue_paper = {p.name: p.paper for p in found}
        choices: list[tuple[str, object]] = [("Ask each time", "")]
        return choices + [(f"{p.name} (default)" if p.default else p.name, p.name) for p in found]

    def _paper_hint(self, say: bool = True) -> None:
        from core.printing import paper_warning

        name, paper = self.printer.currentData(), self.paper.currentData()
        text = ""
        if name and paper in constants.PAPER_SIZES:
            text = paper_warning(paper, name, self._queue_paper.get(name))
        self.paper_hint.setText(text)
        self.paper_hint.setVisible(bool(text))
        self.printer.setAccessibleDescription(text)
        if say:
            announce(self.paper_hint, text)

    @staticmethod
    def _select(box: object, value: str) -> None:
        from PySide6.QtWidgets import QComboBox

        assert isinstance(box, QComboBox)
        index = box.findData(value)
        if index >= 0:
            box.setCurrentIndex(index)

    def accept(self) -> None:
        from core.database import DatabaseUrlError, database_url

        url = self.database.text().strip()
        try:
            database_url(url, environ={})
        except DatabaseUrlError as error:
            self.database_error.show_message(str(error)[:1].upper() + str(error)[1:] + ".")
            self.database.setFocus()
            return
        self.database_error.show_message(None)
        from core.charges.sending import parse_destination
        from core.errors import InputError

        receiver = self.charges.text().strip()
        try:
            if receiver:
                parse_destination(receiver)
        except InputError as error:
            self.charges_error.show_message(error.message[:1].upper() + error.message[1:] + ".")
            self.charges.setFocus()
            return
        self.charges_error.show_message(None)
        self.settings.setValue(prefs.CHARGES, receiver)
        self.settings.setValue(prefs.DATABASE_URL, url)
        self.settings.setValue(prefs.IDLE_MINUTES, str(self.idle_minutes.value()))
        self.settings.setValue(prefs.FACILITY, self.facility.text().strip())
        self.settings.setValue(prefs.SITE_PAYER, self.payer.currentData() or "")
        self.settings.setValue(prefs.LAST_PAYER, self.payer.currentData() or "")
        paper = self.paper.currentData()
        self.settings.setValue(prefs.PAPER, paper if paper in constants.PAPER_SIZES else "")
        self.settings.setValue(prefs.LAST_PRINTER, self.printer.currentData() or "")
        self.settings.setValue(prefs.EXPIRING_TODAY_BLOCKS, self.expiring_today.isChecked())
        self.settings.setValue(prefs.SCAN_SEPARATOR, self.scan_separator.text())
        self.settings.setValue(prefs.SET_UP, True)
        self.settings.sync()
        from ui.site_database import apply_database_setting

        apply_database_setting(self.site, self.settings)  # stores opened from now on use it
        super().accept()


def _idle_minutes(settings: QSettings) -> int:
    from core.idle_lock import DEFAULT_IDLE_MINUTES, ENV_VAR, idle_minutes

    chosen = prefs.text_value(settings, prefs.IDLE_MINUTES, str(DEFAULT_IDLE_MINUTES))
    return idle_minutes({ENV_VAR: chosen})
