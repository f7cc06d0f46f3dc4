"""The scan field of the vial area: a scanned package code fills the next empty vial row.

A keyboard-wedge scanner types the code and presses Enter; the GS separator it sends is
kept (shown as ␝). The rules are in core (``core.gs1``, ``core.vial_scan``): this widget
asks for the NDC when its 11-digit form is ambiguous and says what happened beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.fields import tie_error
from ui.style import set_role

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QKeyEvent

    from core.calculation_models import CalculationResult
    from core.cms.codes import AnsweredNdcs
    from core.documentation import Documentation, VialRecord
    from core.dose_input import ImportedCodes
    from core.gs1 import PackageScan
    from core.ndc import Ndc
    from core.site import Site
    from core.vial_scan import ScanReading
    from ui.dose_panel import DosePanel
    from ui.scan_crosswalk import CrosswalkAnswer, CrosswalkLookups

GS = "\x1d"
GS_SYMBOL = "\u241d"  # core.gs1.GS_SYMBOL, without importing biip at start-up
SHORTCUT = "Ctrl+B"  # B for barcode


class ScannedRow(Protocol):
    """A vial row a scan fills (``ui.vial_rows.VialRow``)."""

    serial: str
    ndc: str

    def is_empty(self) -> bool: ...

    def fill(self, vial: VialRecord) -> None: ...


class ScanRows(Protocol):
    """The vial rows the scan field sits in (``ui.vial_rows.VialRows``); a protocol, so
    the rows and the field need not import each other."""

    def visible_rows(self) -> Sequence[ScannedRow]: ...


class ScanHost(Protocol):
    """What the scan field needs from the window."""

    site: Site
    dose: DosePanel
    settings: QSettings

    def result(self) -> CalculationResult | None: ...

    def documentation(self) -> Documentation: ...


class ScanEdit(QLineEdit):
    """A line edit that keeps the GS character a scanner sends (a line edit drops control
    characters), shown as ␝."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if GS in event.text():
            self.insert(event.text().replace(GS, GS_SYMBOL))
            return
        super().keyPressEvent(event)


class ScanField(QWidget):
    def __init__(self, rows: ScanRows, ndc_edit: QLineEdit | None = None) -> None:
        super().__init__()
        self.rows = rows
        self.ndc_edit = ndc_edit
        self._host: ScanHost | None = None
        self._pending: PackageScan | None = None
        self._candidates: tuple[Ndc, ...] = ()
        self._crosswalk: CrosswalkLookups | None = None
        self._answered: AnsweredNdcs | None = None
        self.edit = ScanEdit()
        self.edit.setObjectName("vialScan")
        self.edit.setAccessibleName("Scan a vial's package code")
        self.edit.setPlaceholderText(f"scan a vial here ({SHORTCUT})")
        self.choice = QComboBox()
        self.choice.setObjectName("vialScanNdcChoice")
        self.choice.setAccessibleName("NDC of the scanned vial")
        self.choice.hide()
        self.status = QLabel()
        self.status.setObjectName("vialScanStatus")
        self.status.setWordWrap(True)
        self.status.hide()
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(2)
        for widget in (self.edit, self.choice, self.status):
            column.addWidget(widget)
        self.choice.activated.connect(self._ndc_chosen)

    def attach(self, host: ScanHost) -> None:
        """Start taking scans (after the first paint: the shortcut needs QtGui)."""
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence, QShortcut

        self.status.setTextFormat(Qt.TextFormat.PlainText)  # lots and serials are not HTML

        self._host = host
        shortcut = QShortcut(QKeySequence(SHORTCUT), self.window())
        shortcut.activated.connect(self._focus)
        # Installed last, so it sees Enter before the window's Enter-moves-on filter.
        self.edit.installEventFilter(self)

    def _focus(self) -> None:
        self.edit.setFocus()
        self.edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        from PySide6.QtCore import Qt

        if watched is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()  # type: ignore[attr-defined]
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.submit()
                return True
        return False

    # -- reading a code ---------------------------------------------------------------------

    def submit(self) -> None:
        host = self._host
        text = self.edit.text()
        if host is None or not text.strip():
            return
        from core.errors import InputError
        from core.scan_lookup import known_in_project
        from core.vial_scan import read_one_scan
        from ui import settings as prefs

        known = known_in_project(host.site)
        separator = prefs.text_value(host.settings, prefs.SCAN_SEPARATOR, "")
        try:
            reading = read_one_scan(text, host.documentation().vials, known, separator)
        except InputError as error:
            self._say(error.message, "error")
            self.edit.selectAll()  # the next scan replaces the bad one
            return
        self.edit.clear()
        self._take(reading)

    def _take(self, reading: ScanReading) -> None:
        from core.errors import InputError

        resolution = reading.resolution
        typed = self.ndc_edit.text().strip() if self.ndc_edit is not None else ""
        if resolution is not None and resolution.ndc is None and typed:
            try:  # the NDC field, read from the carton, settles it as --ndc does
                self._fill(reading.scan, resolution.settle(typed))
                return
            except InputError:
                pass  # another NDC: the user picks below
        if resolution is not None and resolution.ndc is None:
            self._pending, self._candidates = reading.scan, resolution.candidates
            self.choice.clear()
            self.choice.addItem("Pick the NDC printed on the carton…", None)
            for candidate in resolution.candidates:
                self.choice.addItem(f"{candidate.label}  ({candidate.billing})", candidate.billing)
            self.choice.show()
            self._say(f"NDC {resolution.describe()}.", "notice")
            return
        self._fill(reading.scan, resolution.ndc if resolution else None)

    def _ndc_chosen(self, index: int) -> None:
        billing = self.choice.itemData(index)
        chosen = next((c for c in self._candidates if c.billing == billing), None)
        if self._pending is None or chosen is None:
            return
        scan, self._pending = self._pending, None
        self.choice.hide()
        self._fill(scan, chosen)
        self.edit.setFocus()

    # -- filling the row --------------------------------------------------------------------

    def _next_empty_row(self) -> ScannedRow | None:
        return next((row for row in self.rows.visible_rows() if row.is_empty()), None)

    def _fill(self, scan: PackageScan, ndc: Ndc | None) -> None:
        """Without a product, the imported crosswalk fills the dose first (off the GUI
        thread, scans in order): issue 20."""
        host = self._host
        assert host is not None
        if ndc is None or host.dose.product.currentData() or not host.site.has_reference_data():
            self._fill_row(scan, ndc, "")
            return
        from ui.scan_crosswalk import fill_dose

        def answered(answer: CrosswalkAnswer) -> None:
            if host.dose.product.currentData():  # chosen meanwhile: the product decides
                self._fill_row(scan, ndc, "")
                return
            if self.ndc_edit is not None and not self.ndc_edit.text().strip():
                self.ndc_edit.setText(ndc.label)  # the sizes come with the NDC
            self._fill_row(scan, ndc, fill_dose(host.dose, answer, ndc.label))

        self.crosswalk(host).ask(ndc.billing, answered)

    def crosswalk(self, host: ScanHost) -> CrosswalkLookups:
        """The crosswalk read off the GUI thread, for the scans and the calculation."""
        if self._crosswalk is None:
            from ui.scan_crosswalk import CrosswalkLookups

            self._crosswalk = CrosswalkLookups(self, host.site)
        return self._crosswalk

    def answered_ndcs(self, codes: ImportedCodes) -> AnsweredNdcs:
        """``codes`` for the calculation, its NDCs answered from the crosswalk lookups."""
        from core.cms.codes import AnsweredNdcs

        assert self._host is not None  # attached
        lookups = self.crosswalk(self._host)
        answered = AnsweredNdcs(codes, lookups.ask_for_calculation)
        dose = self._host.dose

        def heard(ndc11: str, answer: CrosswalkAnswer) -> None:
            answered.give(ndc11, answer.error or answer.vials)
            dose.changed.emit()  # calculated again with it

        lookups.answered = heard
        self._answered = answered
        return answered

    def forget_crosswalk(self) -> None:
        """Files were imported: every NDC is looked up again, and the dose recalculated."""
        if self._crosswalk is not None:
            self._crosswalk.known.clear()
        if self._answered is not None:
            self._answered.forget()
        if self._host is not None:
            self._host.dose.changed.emit()

    def _fill_row(self, scan: PackageScan, ndc: Ndc | None, code_note: str) -> None:
        from core.vial_scan import scanned_vial

        host = self._host
        assert host is not None
        row = self._next_empty_row()
        if row is None:  # the vial count follows the scans: one more vial was opened
            count = str(len(self.rows.visible_rows()) + 1)
            host.dose.vial_count.setText(count)
            host.dose.vial_count.textEdited.emit(count)
            row = self._next_empty_row()
        if row is None:
            no_row = "No vial row to fill: enter the dose first."
            self._say(f"{code_note} {no_row}" if code_note else no_row, "error")
            return
        vial = scanned_vial(scan, ndc)
        row.fill(vial)
        if ndc is not None and self.ndc_edit is not None and not self.ndc_edit.text().strip():
            self.ndc_edit.setText(ndc.label)
        number = self.rows.visible_rows().index(row) + 1
        problems = self._warnings(host, number, vial, ndc)
        lot = vial.lot or "no lot"
        expiry = vial.expiry.isoformat() if vial.expiry else "no expiry"
        said = [code_note, f"Vial {number} filled from the scan: lot {lot}, expires {expiry}."]
        said += [self._count_note(host)]
        self._say(" ".join(s for s in said + problems if s), "notice" if problems else "hint")

    def _warnings(
        self, host: ScanHost, number: int, vial: VialRecord, ndc: Ndc | None
    ) -> list[str]:
        from datetime import datetime

        from core.scan_lookup import crosswalk_source, serial_lookup
        from core.vial_scan import ndc_warnings, serial_warnings

        doc = host.documentation()
        result = host.result()
        day = (doc.administered_at or datetime.now()).date()
        said: list[str] = []
        if vial.expired_on(day):
            said.append(f"EXPIRED on {vial.expiry}: this vial blocks printing.")
        lookup = serial_lookup(host.site, correcting=doc.replaces)
        multi_dose = result.multi_dose if result is not None else False
        said += [
            w[0].upper() + w[1:] + "." for w in serial_warnings([vial], multi_dose, lookup, number)
        ]
        if ndc is not None and result is not None:
            name = host.dose.product.currentData()
            product = next((p for p in host.site.catalog.products if p.name == name), None)
            crosswalk = crosswalk_source(host.site)
            warnings = ndc_warnings(ndc, result.code, product, day, crosswalk, self._entered_ndc())
            said += [w + "." for w in warnings]
        return said

    def _entered_ndc(self) -> Ndc | None:
        from core.errors import InputError
        from core.ndc import parse_ndc

        text = self.ndc_edit.text().strip() if self.ndc_edit is not None else ""
        try:
            return parse_ndc(text) if text else None
        except InputError:
            return None  # a half-typed NDC is named beside its own field

    def _count_note(self, host: ScanHost) -> str:
        result = host.result()
        scanned = sum(1 for row in self.rows.visible_rows() if row.serial or row.ndc)
        opened = result.vials_opened if result is not None else len(self.rows.visible_rows())
        if scanned == opened:
            return f"All {opened} vial(s) scanned."
        return f"{scanned} vial(s) scanned but {opened} opened."

    def clear(self) -> None:
        """A new dose: no code half-typed, no choice offered, no message of the last one."""
        self.edit.clear()
        self.choice.hide()
        self.status.clear()
        self.status.hide()
        tie_error(self.edit, None)

    def _say(self, text: str, role: str) -> None:
        self.status.setText(text)
        set_role(self.status, role)
        self.status.show()
        tie_error(self.edit, text if role == "error" else None)  # the scan field's own error
