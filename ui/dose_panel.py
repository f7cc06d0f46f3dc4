"""The dose inputs: code and product, order, preparation, administration.

The panel only collects text. ``form_values`` hands it to ``core.dose_input.DoseForm``
unchanged (apart from joining a number with the unit chosen beside it); all parsing
and arithmetic happen in core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QVBoxLayout,
    QWidget,
)

from core import constants
from ui.fields import ErrorLabel, combo, field_with_error, hint, line_edit
from ui.style import set_role

if TYPE_CHECKING:
    from core.catalog import Catalog, PayerList
    from core.site import Site

#: First choice of the vial size when a product is chosen: the engine plans the mix.
AUTO_VIAL_SIZE = "Least waste (auto)"
DOSE_UNITS = list(constants.DOSE_UNITS)
AMOUNT_UNITS = list(constants.AMOUNT_UNITS)
VIAL_TYPES = [(label, value) for value, label in constants.VIAL_TYPES]
CLAIM_SETTINGS = [(label, value) for value, label in constants.CLAIM_SETTINGS]


def with_unit(text: str, unit: str) -> str:
    """``12`` + ``mL`` -> ``12 mL``; text that already names a unit is kept as typed."""
    stripped = text.strip()
    if not stripped or any(c.isalpha() or c in "%/" for c in stripped):
        return stripped
    return f"{stripped} {unit}"


class DosePanel(QWidget):
    """Left column of the window. ``changed`` fires on any edit that affects the dose."""

    changed = Signal()

    def __init__(self, code: str, payer: str) -> None:
        super().__init__()
        self.errors: dict[str, ErrorLabel] = {}
        self.vials_by_hand = False
        self._products: dict[str, tuple[str, ...]] = {}  # product name -> vial sizes

        self.code = combo("code", "Billing code", [(code, code)])
        self.product = combo("product", "Product", [("No product (enter the vial size)", "")])
        self.code_source = hint(name="codeSource")
        self.concentration = line_edit("concentration", "Concentration", "e.g. 10%")
        self.dose_ordered = line_edit("doseOrdered", "Dose ordered", "amount")
        self.dose_unit = combo("doseUnit", "Unit of the dose ordered", [(u, u) for u in DOSE_UNITS])
        self.weight = line_edit("weight", "Patient weight in kg", "kg, for doses per kg")
        self.bsa = line_edit("bsa", "Body surface area in square meters", "m², for doses per m²")
        self.patient_height = line_edit("height", "Patient height in cm", "cm, BSA with the weight")
        self.vial_size = QComboBox()
        self.vial_size.setObjectName("vialSize")
        self.vial_size.setAccessibleName("Vial size")
        self.vial_size.setEditable(True)
        self.vial_size.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        # Inline completion would turn "1" into "10 mL".
        self.vial_size.setCompleter(None)  # type: ignore[arg-type]  # None is allowed
        size_edit = self.vial_size.lineEdit()
        assert size_edit is not None  # editable
        size_edit.setPlaceholderText("mL, e.g. 10")
        size_edit.setAccessibleName("Vial size")
        self.vial_count = line_edit("vialCount", "Vials opened", "auto")
        self.vial_count_note = hint(name="vialCountNote")
        self.vial_type = combo("vialType", "Vial type", VIAL_TYPES)
        self.payer = combo("payer", "Payer", [(payer, payer)])
        self.setting = combo("setting", "Claim setting", CLAIM_SETTINGS)
        self.administered = line_edit("amountAdministered", "Amount administered", "amount")
        self.administered_unit = combo(
            "administeredUnit", "Unit of the amount administered", [(u, u) for u in AMOUNT_UNITS]
        )
        self.difference_reason = line_edit(
            "differenceReason",
            "Reason the amount administered differs from the order",
            "why it differs from the order",
        )
        self.difference_row = QWidget()
        for box in (self.code, self.product, self.vial_type, self.payer, self.setting):
            # Long choices ("Outpatient (office, hospital outpatient, …)") must not make
            # the column too wide for a 1024-pixel screen; the list still shows them whole.
            box.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            box.setMinimumContentsLength(16)
        self._build_layout()
        self._connect()

    # -- layout ---------------------------------------------------------------------------

    def _field(self, key: str, *widgets: QWidget) -> QWidget:
        fixed = (self.dose_unit, self.administered_unit, self.vial_count)
        return field_with_error(self.errors, key, widgets, fixed)

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setVerticalSpacing(4)
        return group, form

    def _build_layout(self) -> None:
        self.vial_count.setMaximumWidth(self.vial_count.fontMetrics().horizontalAdvance("0") * 8)
        columns = QVBoxLayout(self)
        columns.setContentsMargins(0, 0, 0, 0)
        columns.setSpacing(6)

        group, form = self._group("Code and product")
        form.addRow("Code", self._field("code", self.code))
        form.addRow(self.code_source)
        form.addRow("Product", self._field("product", self.product))
        form.addRow("Concentration", self._field("concentration", self.concentration))
        columns.addWidget(group)

        group, form = self._group("Order")
        form.addRow("Dose ordered", self._field("dose_ordered", self.dose_ordered, self.dose_unit))
        form.addRow("Weight (kg)", self._field("weight", self.weight))
        form.addRow("BSA (m²)", self._field("bsa", self.bsa))
        form.addRow("Height (cm)", self._field("height", self.patient_height))
        columns.addWidget(group)

        group, form = self._group("Preparation")
        form.addRow("Vial size", self._field("vial_size", self.vial_size))
        form.addRow("Vials opened", self._field("vials", self.vial_count, self.vial_count_note))
        form.addRow("Vial type", self._field("", self.vial_type))
        form.addRow("Payer", self._field("payer", self.payer))
        form.addRow("Claim setting", self._field("setting", self.setting))
        columns.addWidget(group)

        group, form = self._group("Administration")
        form.addRow(
            "Administered", self._field("administered", self.administered, self.administered_unit)
        )
        reason = QFormLayout(self.difference_row)
        reason.setContentsMargins(0, 0, 0, 0)
        reason.addRow("Reason", self.difference_reason)
        form.addRow(self.difference_row)
        self.difference_row.hide()
        columns.addWidget(group)
        columns.addStretch(1)

    def _connect(self) -> None:
        for edit in (
            self.concentration,
            self.dose_ordered,
            self.weight,
            self.bsa,
            self.patient_height,
            self.administered,
        ):
            edit.textChanged.connect(self.changed)
        self.vial_size.currentTextChanged.connect(self.changed)
        self.vial_count.textEdited.connect(self._vials_edited)
        for box in (
            self.code,
            self.dose_unit,
            self.vial_type,
            self.payer,
            self.setting,
            self.administered_unit,
        ):
            box.currentIndexChanged.connect(self.changed)
        self.product.currentIndexChanged.connect(self._product_changed)

    # -- catalog ---------------------------------------------------------------------------

    def populate(self, catalog: Catalog, payers: PayerList) -> None:
        """Fill code, product and payer choices once the catalog is loaded (after first paint)."""
        code = self.code.currentData() or catalog.default_code.hcpcs
        payer = self.payer.currentData() or payers.default.id
        blockers = [self.code, self.product, self.payer]
        for box in blockers:
            box.blockSignals(True)
        self.code.clear()
        for c in catalog.codes:
            self.code.addItem(f"{c.label}{'' if c.cms_verified else ' - not CMS data'}", c.hcpcs)
        self._select_code(code)
        for product in catalog.products:
            self._products[product.name] = tuple(_plain(c.ml) for c in product.vial_sizes)
            self.product.addItem(f"{product.name} (bills {product.hcpcs})", product.name)
        self.payer.clear()
        for profile in payers.payers:
            self.payer.addItem(profile.name, profile.id)
        self._select(self.payer, payer, payers.default.id)
        for box in blockers:
            box.blockSignals(False)

    def offer_imported(self, site: Site) -> None:
        """Let the code picker search the site's imported CMS codes too (read on first
        use, off the GUI thread)."""
        from ui.code_picker import CodePicker

        self.code_picker = CodePicker(self.code, site)

    def choose_code(self, hcpcs: str, label: str | None = None) -> bool:
        """Select ``hcpcs`` in the code picker (added as ``label`` when not listed yet)."""
        picker = getattr(self, "code_picker", None)
        if picker is not None:
            return bool(picker.choose(hcpcs, label))
        index = self.code.findData(hcpcs)
        if index >= 0:
            self.code.setCurrentIndex(index)
        return index >= 0

    def _select_code(self, hcpcs: str) -> None:
        """Select ``hcpcs``; an imported code not listed yet is added under its number
        (the picker gives it its line), never replaced by the catalog's first code."""
        if hcpcs and self.code.findData(hcpcs) < 0:
            self.code.addItem(hcpcs, hcpcs)
        self._select(self.code, hcpcs, self.code.itemData(0))

    @staticmethod
    def _select(box: QComboBox, wanted: str, fallback: str) -> None:
        index = box.findData(wanted)
        box.setCurrentIndex(index if index >= 0 else max(0, box.findData(fallback)))

    def _product_changed(self) -> None:
        sizes = self._products.get(self.product.currentData() or "", ())
        self.vial_size.blockSignals(True)
        typed = self.vial_size.currentText()
        self.vial_size.clear()
        if sizes:
            self.vial_size.addItem(AUTO_VIAL_SIZE)
            self.vial_size.addItems([f"{size} mL" for size in sizes])
            self.vial_size.setCurrentIndex(0)
        else:
            self.vial_size.setEditText(
                "" if typed == AUTO_VIAL_SIZE or typed.endswith(" mL") else typed
            )
        self.vial_size.blockSignals(False)
        self.changed.emit()

    # -- vials opened: derived unless typed by hand ------------------------------------------

    def _vials_edited(self, text: str) -> None:
        self.vials_by_hand = bool(text.strip())
        self._show_vials_note()
        self.changed.emit()

    def show_derived_vials(self, count: int | None) -> None:
        """Show the engine's count in the field unless the user typed one."""
        if not self.vials_by_hand:
            self.vial_count.setText("" if count is None else str(count))
        self._show_vials_note()

    def _show_vials_note(self) -> None:
        if self.vials_by_hand:
            self.vial_count_note.setText("Changed by hand. Clear the field to use the order.")
            set_role(self.vial_count_note, "notice")
        else:
            derived = "Derived from the order." if self.vial_count.text() else ""
            self.vial_count_note.setText(derived)
            set_role(self.vial_count_note, "hint")

    # -- values -----------------------------------------------------------------------------

    def vial_size_text(self) -> str:
        text = self.vial_size.currentText().strip()
        return "" if text == AUTO_VIAL_SIZE else text

    def form_values(self) -> dict[str, object]:
        """Keyword arguments for ``core.dose_input.DoseForm`` (but NDC and prior authorization)."""
        vial = self.vial_type.currentData()
        return {
            "code": self.code.currentData() or "",
            "product": self.product.currentData() or "",
            "concentration": self.concentration.text(),
            "multi_dose": None if vial == "auto" else vial == "multi",
            "vial_size": self.vial_size_text(),
            "vials": self.vial_count.text() if self.vials_by_hand else "",
            "dose_ordered": with_unit(self.dose_ordered.text(), self.dose_unit.currentText()),
            "weight": self.weight.text(),
            "bsa": self.bsa.text(),
            "height": self.patient_height.text(),
            "administered": with_unit(
                self.administered.text(), self.administered_unit.currentText()
            ),
            "payer": self.payer.currentData() or "",
            "setting": self.setting.currentData() or "",
        }

    def show_difference_reason(self, needed: bool) -> None:
        """The reason field appears when administered differs from the order (never hides text)."""
        self.difference_row.setVisible(needed or bool(self.difference_reason.text().strip()))

    def draft_fields(self) -> dict[str, str]:
        return {
            "code": self.code.currentData() or "",
            "product": self.product.currentData() or "",
            "concentration": self.concentration.text(),
            "dose_ordered": self.dose_ordered.text(),
            "dose_unit": self.dose_unit.currentText(),
            "weight": self.weight.text(),
            "bsa": self.bsa.text(),
            "height": self.patient_height.text(),
            "vial_size": self.vial_size_text(),
            "vials": self.vial_count.text() if self.vials_by_hand else "",
            "vial_type": self.vial_type.currentData(),
            "payer": self.payer.currentData() or "",
            "setting": self.setting.currentData() or "",
            "administered": self.administered.text(),
            "administered_unit": self.administered_unit.currentText(),
            "difference_reason": self.difference_reason.text(),
        }

    def restore(self, fields: dict[str, str]) -> None:
        """Put draft or blank values back; missing keys become empty or the first choice."""
        get = fields.get
        self._select_code(get("code", ""))
        self._select(self.product, get("product", ""), "")
        self.concentration.setText(get("concentration", ""))
        self.dose_ordered.setText(get("dose_ordered", ""))
        self._select_text(self.dose_unit, get("dose_unit", "mL"))
        self.weight.setText(get("weight", ""))
        self.bsa.setText(get("bsa", ""))
        self.patient_height.setText(get("height", ""))
        size = get("vial_size", "")
        self.vial_size.setEditText(size or (AUTO_VIAL_SIZE if self.vial_size.count() else ""))
        self.vials_by_hand = bool(get("vials", "").strip())
        self.vial_count.setText(get("vials", ""))
        self._select(self.vial_type, get("vial_type", "auto"), "auto")
        self._select(self.payer, get("payer", ""), self.payer.itemData(0))
        self._select(self.setting, get("setting", "outpatient"), "outpatient")
        self.administered.setText(get("administered", ""))
        self._select_text(self.administered_unit, get("administered_unit", "mL"))
        self.difference_reason.setText(get("difference_reason", ""))
        self._show_vials_note()

    @staticmethod
    def _select_text(box: QComboBox, text: str) -> None:
        box.setCurrentIndex(max(0, box.findText(text)))


def _plain(value: object) -> str:
    from core import formats  # light module; keeps sizes as "10", never "10.0"

    return formats.number(value)  # type: ignore[arg-type]
