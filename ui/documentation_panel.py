"""What the worksheet needs besides the arithmetic: patient, administration, vials, waste.

Text is kept exactly as typed; dates are read by ``ui.dates`` and a date that cannot be
read is named beside its field (and left out of the documentation until fixed).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from core.constants import DEFAULT_ROUTE, ROUTES
from core.dates import DATE_HINT, DATETIME_HINT, format_datetime, parse_date, parse_datetime
from ui.fields import ErrorLabel, combo, field_with_error, line_edit
from ui.vial_rows import VialRows


class DocumentationPanel(QWidget):
    edited = Signal()
    #: NDC and prior authorization also go into the calculation (claim lines, warnings).
    claim_edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.errors: dict[str, ErrorLabel] = {}
        self.patient_name = line_edit("patientName", "Patient name")
        self.mrn = line_edit("mrn", "Medical record number (MRN)")
        self.date_of_birth = line_edit("dateOfBirth", "Date of birth", DATE_HINT)
        self.administered_at = line_edit(
            "administeredAt", "Date and time of administration", DATETIME_HINT
        )
        self.now_button = QPushButton("Now")
        self.now_button.setObjectName("administeredNowButton")
        self.now_button.setAccessibleName("Set administration time to now")
        self.now_button.setAutoDefault(False)
        # A whole date and time beside Now at 1024x600 (the year was cut off): the button
        # as wide as its word, the field takes the rest (no minimum: on a narrower screen
        # the row still wraps under its label rather than scroll sideways).
        self.now_button.setMaximumWidth(self.now_button.fontMetrics().horizontalAdvance("Now") + 20)
        self.route = combo("route", "Route", [(r, r) for r in ROUTES])
        self.diagnosis = line_edit("diagnosis", "Diagnosis (ICD-10)", "e.g. D80.1")
        self.prior_authorization = line_edit("priorAuthorization", "Prior authorization number")
        self.ndc = line_edit("ndc", "NDC", "as on the label, e.g. 0944-2840-03")
        self.vials = VialRows()
        self.vials.tab_after = self.ndc
        self.vials.scan.ndc_edit = self.ndc  # a scan fills an empty NDC
        self.waste_reason = line_edit(
            "wasteReason", "Waste reason", "e.g. remainder of single-dose vial"
        )
        self.waste_witness = line_edit("wasteWitness", "Waste witnessed by")
        self.notes = line_edit("notes", "Notes (adverse events, patient notes)")
        self._build_layout()
        for edit in self.text_inputs():
            edit.textChanged.connect(self.edited)
        self.route.currentIndexChanged.connect(self.edited)
        for edit in (self.ndc, self.prior_authorization):
            edit.textChanged.connect(self.claim_edited)
        self.vials.edited.connect(self.edited)
        self.now_button.clicked.connect(self._fill_now)

    def _field(self, key: str, *widgets: QWidget) -> QWidget:
        return field_with_error(self.errors, key, widgets, fixed=(self.now_button,))

    def _build_layout(self) -> None:
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)

        group = QGroupBox("Patient and administration")
        form = QFormLayout(group)
        form.setVerticalSpacing(4)
        form.addRow("Patient name", self._field("patient_name", self.patient_name))
        form.addRow("MRN", self._field("mrn", self.mrn))
        form.addRow("Date of birth", self._field("date_of_birth", self.date_of_birth))
        form.addRow(
            "Given at", self._field("administered_at", self.administered_at, self.now_button)
        )
        form.addRow("Route", self._field("route", self.route))
        form.addRow("Diagnosis", self._field("diagnosis", self.diagnosis))
        form.addRow("Prior auth.", self._field("prior_authorization", self.prior_authorization))
        column.addWidget(group)

        group = QGroupBox("Vials and waste")
        form = QFormLayout(group)
        form.setVerticalSpacing(4)
        form.addRow("NDC", self._field("ndc", self.ndc))
        form.addRow(self.vials)
        form.addRow("Waste reason", self._field("waste_reason", self.waste_reason))
        form.addRow("Witness", self._field("waste_witness", self.waste_witness))
        form.addRow("Notes", self._field("notes", self.notes))
        column.addWidget(group)

    def text_inputs(self) -> list[QLineEdit]:
        return [
            self.patient_name,
            self.mrn,
            self.date_of_birth,
            self.administered_at,
            self.diagnosis,
            self.prior_authorization,
            self.ndc,
            self.waste_reason,
            self.waste_witness,
            self.notes,
        ]

    def _fill_now(self) -> None:
        self.administered_at.setText(format_datetime(datetime.now()))

    def set_route(self, route: str) -> None:
        """Follow the product's route until the user has picked one."""
        index = self.route.findData(route)
        if index >= 0:
            self.route.setCurrentIndex(index)

    def documentation_values(self) -> dict[str, Any]:
        """Keyword arguments for ``core.documentation.Documentation`` (vials excluded).

        Dates that cannot be read are named beside their field and left out (``None``).
        """
        values: dict[str, Any] = {
            "patient_name": self.patient_name.text(),
            "mrn": self.mrn.text(),
            "route": self.route.currentData() or "",
            "diagnosis": self.diagnosis.text(),
            "prior_authorization": self.prior_authorization.text(),
            "ndc": self.ndc.text(),
            "waste_reason": self.waste_reason.text(),
            "waste_witness": self.waste_witness.text(),
            "notes": self.notes.text(),
        }
        try:
            values["date_of_birth"] = parse_date(self.date_of_birth.text())
            self.errors["date_of_birth"].show_message(None)
        except ValueError as error:
            values["date_of_birth"] = None
            self.errors["date_of_birth"].show_message(str(error))
        try:
            values["administered_at"] = parse_datetime(self.administered_at.text())
            self.errors["administered_at"].show_message(None)
        except ValueError as error:
            values["administered_at"] = None
            self.errors["administered_at"].show_message(str(error))
        return values

    def vial_values(self) -> list[dict[str, Any]]:
        """Keyword arguments for one ``VialRecord`` per vial row shown."""
        records = []
        for row in self.vials.visible_rows():
            try:
                expiry = parse_date(row.expiry.text(), month_only=True)
                row.error.show_message(None)
            except ValueError as error:
                expiry = None
                row.error.show_message(str(error))
            records.append(
                {"size_ml": row.size_ml, "lot": row.lot.text(), "expiry": expiry}
                | {"serial": row.serial, "ndc": row.ndc}  # from a scanned package code
            )
        return records

    def text_fields(self) -> dict[str, QLineEdit]:
        """Each text input under its ``Documentation`` field name (drafts use these keys)."""
        return {
            "patient_name": self.patient_name,
            "mrn": self.mrn,
            "date_of_birth": self.date_of_birth,
            "administered_at": self.administered_at,
            "diagnosis": self.diagnosis,
            "prior_authorization": self.prior_authorization,
            "ndc": self.ndc,
            "waste_reason": self.waste_reason,
            "waste_witness": self.waste_witness,
            "notes": self.notes,
        }

    def draft_fields(self) -> dict[str, str]:
        fields = {key: edit.text() for key, edit in self.text_fields().items()}
        fields["route"] = self.route.currentData() or ""
        return fields | self.vials.draft_fields()

    def restore(self, fields: dict[str, str]) -> None:
        for key, edit in self.text_fields().items():
            edit.setText(fields.get(key, ""))
        self.set_route(fields.get("route", DEFAULT_ROUTE))
        self.vials.restore(fields)
