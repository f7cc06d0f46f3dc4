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
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

if TYPE_CHECKING:
    from ui.main_window import MainWindow

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


def scroll_area(content: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setObjectName("pageScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidget(content)
    return scroll


def keyboard_order(window: MainWindow) -> None:
    dose, docs, check = window.dose, window.docs, window.verification
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
