"""The audit's column mapping: one combo box per field of the export, with its label
(required fields starred) and the error line for the mapping as a whole."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QGridLayout, QGroupBox, QLabel

from core.audit import FIELDS
from core.audit.template import REQUIRED
from ui.fields import ErrorLabel

ROWS = 7  # two columns of fields


def mapping_group(
    changed: Callable[[], None],
) -> tuple[QGroupBox, dict[str, QComboBox], ErrorLabel]:
    """The group box, the combo box of each field, and the mapping's error line."""
    mapping = QGroupBox("1. Which column holds each field")
    grid = QGridLayout(mapping)
    combos: dict[str, QComboBox] = {}
    for index, field in enumerate(FIELDS):
        row, column = index % ROWS, (index // ROWS) * 2
        label = QLabel(field + (" *" if field in REQUIRED else ""))
        box = QComboBox()
        box.setObjectName(f"map_{field}")
        box.setAccessibleName(f"column for {field}")
        box.currentIndexChanged.connect(changed)
        combos[field] = box
        grid.addWidget(label, row, column)
        grid.addWidget(box, row, column + 1)
    error = ErrorLabel("auditMapping", combos["vial_size"])
    grid.addWidget(error, ROWS, 0, 1, 4)
    return mapping, combos, error
