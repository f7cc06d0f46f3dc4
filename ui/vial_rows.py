"""One row per vial opened: its size (from the result), lot and expiry.

Rows follow ``result.vials_by_size``. Rows that disappear when fewer vials are opened are
hidden, not destroyed, so a lot number already typed comes back if the count goes up again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from core.dates import DATE_HINT
from ui.enter_moves_on import EnterMovesOn
from ui.fields import ErrorLabel, hint, line_edit
from ui.scan_field import ScanField

if TYPE_CHECKING:
    from core.documentation import VialRecord


class VialRow:
    def __init__(self, number: int) -> None:
        self.caption = QLabel(f"Vial {number}")
        self.lot = line_edit(f"vialLot{number}", f"Vial {number} lot number", "lot")
        self.expiry = line_edit(f"vialExpiry{number}", f"Vial {number} expiry", "expires")
        self.expiry.setToolTip(f"{DATE_HINT}, or month only (YYYY-MM)")
        self.error = ErrorLabel(f"vialExpiry{number}", self.expiry)
        self.size_ml = ""
        # From the package's scanned code (serial number, 11-digit NDC); "" when typed.
        self.serial = ""
        self.ndc = ""
        self.scanned = hint(name=f"vialScanned{number}")
        self.scanned.hide()
        for edit in (self.lot, self.expiry):
            edit.textEdited.connect(self._forget_scan_if_cleared)

    def _forget_scan_if_cleared(self) -> None:
        """Clearing a scanned row by hand (a wrong vial scanned) drops its serial too."""
        if self.serial and not (self.lot.text().strip() or self.expiry.text().strip()):
            self.serial = self.ndc = ""
            self.show_scanned()

    def fill(self, vial: VialRecord) -> None:
        self.serial, self.ndc = vial.serial, vial.ndc
        self.lot.setText(vial.lot)
        self.expiry.setText(vial.expiry.isoformat() if vial.expiry else "")
        self.show_scanned()

    def show_scanned(self) -> None:
        """The serial under the caption (the NDC shows in the NDC field and the claim)."""
        if self.serial:
            # Set here, not when the row is made with the first answer: the Qt namespace
            # is slow to import.
            from PySide6.QtCore import Qt

            self.scanned.setTextFormat(Qt.TextFormat.PlainText)  # a serial is not HTML
        self.scanned.setText(f"SN {self.serial}" if self.serial else "")
        self.scanned.setToolTip(f"Scanned: serial {self.serial}, NDC {self.ndc or 'none'}")
        self.scanned.setVisible(bool(self.serial) and not self.lot.isHidden())

    def is_empty(self) -> bool:
        return not (self.lot.text().strip() or self.expiry.text().strip() or self.serial)

    def widgets(self) -> tuple[QWidget, ...]:
        return (self.caption, self.lot, self.expiry, self.error)


class VialRows(QWidget):
    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[VialRow] = []
        #: The input just before the rows in keyboard order; new rows are chained after it.
        self.tab_after: QWidget | None = None
        self._shown: list[str] = []
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.scan = ScanField(self)
        column.addWidget(self.scan)
        self.grid = QGridLayout()
        column.addLayout(self.grid)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setVerticalSpacing(2)
        self.empty = hint("Rows appear once the vials are known.")
        self.grid.addWidget(self.empty, 0, 0, 1, 3)

    def set_sizes(self, sizes_ml: list[str], unit: str = "mL") -> None:
        """Show one row per vial; ``sizes_ml`` is each vial's size as displayed (``10``),
        in ``unit`` (the calculation's measure: mL, mg or units)."""
        if [*sizes_ml, unit] == self._shown:
            return  # called on every keystroke; re-showing rows would relayout the panel
        self._shown = [*sizes_ml, unit]
        while len(self.rows) < len(sizes_ml):
            self._add_row()
        for index, row in enumerate(self.rows):
            visible = index < len(sizes_ml)
            if visible:
                row.size_ml = sizes_ml[index]
                row.caption.setText(f"Vial {index + 1} ({sizes_ml[index]} {unit})")
            for widget in row.widgets()[:3]:
                widget.setVisible(visible)
            if not visible:
                row.error.hide()
            row.scanned.setVisible(visible and bool(row.serial))
        self.empty.setVisible(not sizes_ml)

    def _add_row(self) -> None:
        row = VialRow(len(self.rows) + 1)
        line = 2 * len(self.rows) + 1
        self.grid.addWidget(row.caption, line, 0)
        self.grid.addWidget(row.lot, line, 1)
        self.grid.addWidget(row.expiry, line, 2)
        self.grid.addWidget(row.error, line + 1, 1, 1, 2)
        self.grid.addWidget(row.scanned, line + 1, 0)
        for enter in self.window().findChildren(EnterMovesOn):
            for edit in (row.lot, row.expiry):
                edit.installEventFilter(enter)  # Enter moves on here too
        row.lot.textChanged.connect(self.edited)
        row.expiry.textChanged.connect(self.edited)
        self.rows.append(row)
        # Keep keyboard order: each new row's fields follow the previous row's.
        previous = self.rows[-2].expiry if len(self.rows) > 1 else self.tab_after
        if previous is not None:
            QWidget.setTabOrder(previous, row.lot)
        QWidget.setTabOrder(row.lot, row.expiry)

    def visible_rows(self) -> list[VialRow]:
        return [row for row in self.rows if row.lot.isVisibleTo(self)]

    def draft_fields(self) -> dict[str, str]:
        fields: dict[str, str] = {}
        for number, row in enumerate(self.rows, 1):
            if row.lot.text() or row.expiry.text() or row.serial:
                fields[f"vial_{number}_lot"] = row.lot.text()
                fields[f"vial_{number}_expiry"] = row.expiry.text()
            if row.serial or row.ndc:
                fields[f"vial_{number}_serial"] = row.serial
                fields[f"vial_{number}_ndc"] = row.ndc
        return fields

    def restore(self, fields: dict[str, str]) -> None:
        numbers = [
            int(k.split("_")[1])
            for k in fields
            if k.startswith("vial_") and k.endswith("_lot") and k.split("_")[1].isdigit()
        ]
        while len(self.rows) < max(numbers, default=0):
            self._add_row()
            for widget in self.rows[-1].widgets():
                widget.hide()
        for number, row in enumerate(self.rows, 1):
            row.lot.setText(fields.get(f"vial_{number}_lot", ""))
            row.expiry.setText(fields.get(f"vial_{number}_expiry", ""))
            row.serial = fields.get(f"vial_{number}_serial", "")
            row.ndc = fields.get(f"vial_{number}_ndc", "")
            row.show_scanned()

    def all_edits(self) -> list[QLineEdit]:
        return [edit for row in self.rows for edit in (row.lot, row.expiry)]
