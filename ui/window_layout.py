"""Where the window sits and how the keyboard moves through it.

- ``fit_to_screen``: open inside the screen's available area (a 1024x600 desk screen
  included), restoring the last size only where it still fits.
- ``scroll_area``: one page-wide scroll area that is never a tab stop.
- ``keyboard_order``: Tab goes through what a dose needs, in the order it is typed:
  amounts, then the documentation, then the sign-off, Verify and Print. Unit and choice
  drop-downs come after (a unit may also be typed with the number: "12 mg").
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from ui.documentation_panel import DocumentationPanel
    from ui.dose_panel import DosePanel
    from ui.verification_panel import VerificationPanel

#: The size the window opens at when the screen allows (and nothing was remembered).
PREFERRED_SIZE = (1360, 730)


def fit_to_screen(window: QWidget, saved: object) -> None:
    screen = window.screen().availableGeometry()
    restored = isinstance(saved, QByteArray) and window.restoreGeometry(saved)
    if restored and screen.contains(window.frameGeometry()):
        return
    width = min(PREFERRED_SIZE[0], screen.width())
    height = min(PREFERRED_SIZE[1], screen.height())
    frame = window.frameGeometry().size() - window.geometry().size()
    window.resize(max(width - frame.width(), 200), max(height - frame.height(), 200))
    window.move(screen.topLeft())


def build_page(
    dose: QWidget,
    result: QWidget,
    docs: QWidget,
    verification: QWidget,
    banners: tuple[QWidget, ...],
) -> tuple[QScrollArea, QVBoxLayout]:
    """Banners across the top; dose | result (and feature sections) | documentation and
    verification. Returns the page's scroll area and the layout sections are added to."""
    sections = QVBoxLayout()
    middle = QVBoxLayout()
    middle.addWidget(result)
    middle.addLayout(sections)
    middle.addStretch(1)
    right = QVBoxLayout()
    right.addWidget(docs)
    right.addWidget(verification)
    right.addStretch(1)
    columns = QHBoxLayout()
    columns.setSpacing(12)
    columns.addWidget(dose, 10)
    columns.addLayout(middle, 13)
    columns.addLayout(right, 11)
    page = QVBoxLayout()
    page.setContentsMargins(10, 6, 10, 4)
    for banner in banners:
        page.addWidget(banner)
    page.addLayout(columns, 1)
    content = QWidget()
    content.setLayout(page)
    # One scroll area for the whole page: at 1024x600 every control stays reachable,
    # and it takes no tab stop of its own.
    return scroll_area(content), sections


def scroll_area(content: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setObjectName("pageScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidget(content)
    return scroll


def keyboard_order(dose: DosePanel, docs: DocumentationPanel, check: VerificationPanel) -> None:
    docs.now_button.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
    path: list[QWidget] = [
        dose.dose_ordered,
        dose.weight,
        dose.vial_size,
        dose.vial_count,
        dose.administered,
        dose.difference_reason,
        docs.patient_name,
        docs.mrn,
        docs.date_of_birth,
        docs.administered_at,
        docs.diagnosis,
        docs.prior_authorization,
        docs.ndc,
        docs.waste_reason,
        docs.waste_witness,
        docs.notes,
        check.prepared_by,
        check.verified_by,
        check.verify_button,
        check.print_button,
        dose.code,
        dose.product,
        dose.concentration,
        dose.dose_unit,
        dose.container_type,
        dose.payer,
        dose.setting,
        dose.administered_unit,
        docs.route,
    ]
    for first, second in itertools.pairwise(path):
        QWidget.setTabOrder(first, second)
    # Vial rows are made as vials are opened; each new row is put after the NDC.
    docs.vials.tab_after = docs.ndc
    previous = docs.ndc
    for edit in docs.vials.all_edits():
        QWidget.setTabOrder(previous, edit)
        previous = edit
