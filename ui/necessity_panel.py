"""Medical necessity on the window: indication, supporting results, prior treatments,
clinical rationale, the day the dosing weight was taken, and a picker for recorded prior
authorizations.

Text is kept as typed. A result line that cannot be read (``core.necessity.parse_lab``)
is named beside the field and left out until fixed; which items are required is the
payer profile's, and the session's blockers (``core.blockers``) name them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from core.dates import DATE_HINT, parse_date
from ui.fields import ErrorLabel, field_with_error, line_edit

if TYPE_CHECKING:
    from core.site import Site

LAB_HINT = "one a line: IgG trough=450 mg/dL on 2026-11-01"
NO_PICK = "Recorded authorizations…"


def _lines(edit: QPlainTextEdit) -> list[str]:
    return [line.strip() for line in edit.toPlainText().splitlines() if line.strip()]


def _text_box(name: str, accessible: str, placeholder: str, rows: int = 2) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * rows + 12)
    return edit


class AuthorizationPicker(QComboBox):
    """The prior authorizations recorded in the data directory, read when opened."""

    picked = Signal(str)

    def __init__(self, site: Site) -> None:
        super().__init__()
        self.setObjectName("authorizationPicker")
        self.setAccessibleName("Pick a recorded prior authorization")
        self.site = site
        self.addItem(NO_PICK, "")
        self.activated.connect(self._chosen)

    def reload(self) -> None:
        from core.errors import InputError

        try:
            with self.site.open_authorizations() as store:
                found = [(auth, store.used(auth.number)) for auth in store.list()]
        except (InputError, OSError) as error:
            self.setToolTip(str(error))
            found = []
        self.clear()
        self.addItem(NO_PICK, "")
        for auth, used in found:
            self.addItem(
                f"{auth.number} \N{EM DASH} {auth.code}, {auth.payer}, "
                f"{auth.starts.isoformat()} to {auth.ends.isoformat()}, "
                f"{auth.amount_text(used)} used of {auth.amount_text()}",
                auth.number,
            )

    def showPopup(self) -> None:
        self.reload()
        super().showPopup()

    def _chosen(self, index: int) -> None:
        number = self.itemData(index)
        if number:
            self.picked.emit(number)
        self.setCurrentIndex(0)


class NecessityPanel(QGroupBox):
    edited = Signal()

    def __init__(self, site: Site) -> None:
        super().__init__("Medical necessity")
        self.setObjectName("necessityPanel")
        self.errors: dict[str, ErrorLabel] = {}
        self.indication = line_edit("indication", "Indication", "the condition treated")
        self.labs = _text_box("labs", "Supporting results", LAB_HINT)
        self.prior_treatments = _text_box(
            "priorTreatments", "Prior treatments", "one a line, e.g. SCIG, not tolerated"
        )
        self.rationale = _text_box("rationale", "Clinical rationale", "why this dose, now")
        self.weighed_on = line_edit("weighedOn", "Date the dosing weight was taken", DATE_HINT)
        self.authorizations = AuthorizationPicker(site)
        self.record_button = QPushButton("Record…")
        self.record_button.setObjectName("recordAuthorizationButton")
        self.record_button.setAccessibleName("Record a prior authorization")
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record_authorization)

        form = QFormLayout(self)
        form.setVerticalSpacing(4)
        form.addRow("Indication", self._field("indication", self.indication))
        form.addRow("Results", self._field("labs", self.labs))
        form.addRow("Prior treatments", self._field("prior_treatments", self.prior_treatments))
        form.addRow("Rationale", self._field("rationale", self.rationale))
        form.addRow("Weighed on", self._field("weighed_on", self.weighed_on))
        form.addRow(
            "Authorization",
            field_with_error(
                self.errors,
                "",
                (self.authorizations, self.record_button),
                fixed=(self.record_button,),
            ),
        )

        self.indication.textChanged.connect(self.edited)
        self.weighed_on.textChanged.connect(self.edited)
        for box in (self.labs, self.prior_treatments, self.rationale):
            box.textChanged.connect(self.edited)

    def record_authorization(self) -> None:
        """Open the dialog; a recorded authorization is picked for this worksheet."""
        from ui.authorization_dialog import AuthorizationDialog

        dialog = AuthorizationDialog(self.authorizations.site, self)
        self.dialog = dialog  # kept for tests and so it is not collected while open
        dialog.accepted.connect(lambda: self._recorded(dialog.recorded))
        dialog.open()

    def _recorded(self, number: str | None) -> None:
        if number:
            self.authorizations.reload()
            self.authorizations.picked.emit(number)

    def _field(self, key: str, widget: QWidget) -> QWidget:
        return field_with_error(self.errors, key, (widget,))

    def documentation_values(self) -> dict[str, Any]:
        """Keyword arguments for ``core.documentation.Documentation``; unreadable entries
        are named beside their field and left out."""
        from core.errors import InputError
        from core.necessity import parse_lab

        labs = []
        problems = []
        for line in _lines(self.labs):
            try:
                labs.append(parse_lab(line, "result"))
            except InputError as error:
                problems.append(error.message)
        self.errors["labs"].show_message("; ".join(problems) or None)
        try:
            weighed_on = parse_date(self.weighed_on.text())
            self.errors["weighed_on"].show_message(None)
        except ValueError as error:
            weighed_on = None
            self.errors["weighed_on"].show_message(str(error))
        return {
            "indication": self.indication.text(),
            "labs": tuple(labs),
            "prior_treatments": tuple(_lines(self.prior_treatments)),
            "rationale": self.rationale.toPlainText().strip(),
            "weighed_on": weighed_on,
        }

    def _inputs(self) -> dict[str, QLineEdit | QPlainTextEdit]:
        return {
            edit.objectName(): edit
            for edit in (
                self.indication,
                self.labs,
                self.prior_treatments,
                self.rationale,
                self.weighed_on,
            )
        }

    def draft_fields(self) -> dict[str, str]:
        """The text as typed, for the autosaved draft and a correction's reload."""
        return {
            name: edit.text() if isinstance(edit, QLineEdit) else edit.toPlainText()
            for name, edit in self._inputs().items()
        }

    def restore(self, fields: dict[str, str]) -> None:
        for name, edit in self._inputs().items():
            if isinstance(edit, QLineEdit):
                edit.setText(fields.get(name, ""))
            else:
                edit.setPlainText(fields.get(name, ""))

    def unreadable(self) -> dict[str, str]:
        """Entries that cannot be read, by field: they would silently be left out, so
        they block the chart (``core.blockers``)."""
        return {
            key: self.errors[key].text()
            for key in ("labs", "weighed_on")
            if not self.errors[key].isHidden()
        }
