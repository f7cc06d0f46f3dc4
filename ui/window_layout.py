"""Where the window sits and how the keyboard moves through it.

- ``fit_to_screen``: open inside the screen's available area (a 1024x600 desk screen
  included), restoring the last size only where it still fits.
- ``build_page``: three columns, each in a scroll area.
- ``keyboard_order``: Tab follows what is seen, column by column, every control (Enter
  goes to the next field the dose needs: ``ui.needed_fields``); the scroll areas are no
  tab stops. Set right after the first paint: the ``Qt`` namespace its focus policies
  live in takes about 15 ms to import.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ui.documentation_panel import DocumentationPanel
    from ui.dose_panel import DosePanel
    from ui.verification_panel import VerificationPanel

#: The size the window opens at when the screen allows (and nothing was remembered).
PREFERRED_SIZE = (1360, 730)
#: Extra width goes to the columns in proportion to their needs, the result's weighted.
RESULT_WEIGHT = (1.0, 1.4, 1.0)
#: The smallest screen a dialog must fit on: a dialog opens no larger, whatever the screen.
DESK_SCREEN = (1024, 600)
#: Room for the window frame and title bar, in pixels (width, height).
FRAME = (16, 40)


def fit_to_screen(window: QWidget, saved: object) -> None:
    screen = window.screen().availableGeometry()
    restored = isinstance(saved, QByteArray) and window.restoreGeometry(saved)
    if restored and screen.contains(window.frameGeometry()):
        return
    # The frame is not known before the window is shown: leave room for a title bar.
    width = min(PREFERRED_SIZE[0], screen.width() - FRAME[0])
    height = min(PREFERRED_SIZE[1], screen.height() - FRAME[1])
    window.resize(max(width, 200), max(height, 200))
    window.move(screen.topLeft())


def build_page(
    dose: QWidget,
    result: QWidget,
    docs: QWidget,
    verification: QWidget,
    banners: tuple[QWidget, ...],
) -> tuple[QWidget, list[QScrollArea], QVBoxLayout]:
    """Banners across the top; dose | result (and feature sections) | documentation and
    verification. Each column scrolls on its own (a small screen keeps every control
    reachable; a change in one column lays out only that column). Returns the page, the
    column scroll areas, and the layout feature sections are added to."""
    sections = QVBoxLayout()
    middle = QVBoxLayout()
    middle.setContentsMargins(0, 0, 0, 0)
    middle.addWidget(result)
    middle.addLayout(sections)
    middle.addStretch(1)
    right = QVBoxLayout()
    right.setContentsMargins(0, 0, 0, 0)
    right.addWidget(docs)
    right.addWidget(verification)
    right.addStretch(1)
    left = QVBoxLayout()
    left.setContentsMargins(0, 0, 0, 0)
    left.addWidget(dose)
    scrolls = [scroll_area(_holder(column)) for column in (left, middle, right)]
    columns = QHBoxLayout()
    columns.setObjectName("columns")
    columns.setSpacing(6)
    for scroll, stretch in zip(scrolls, (10, 13, 11), strict=True):
        columns.addWidget(scroll, stretch)
    page = QVBoxLayout()
    page.setContentsMargins(6, 6, 6, 4)
    for banner in banners:
        page.addWidget(banner)
    page.addLayout(columns, 1)
    content = QWidget()
    content.setLayout(page)
    return content, scrolls, sections


def fit_columns(page: QWidget, scrolls: list[QScrollArea]) -> None:
    """No column narrower than its content where the screen has room for all three (a
    1024-pixel screen does), so none scrolls sideways; the extra width goes mostly to
    the result."""
    # Where a column is too narrow for label beside field (1024 pixels, 150 %), a field
    # too long for its row goes under its label, so no column scrolls sideways.
    for form in page.findChildren(QFormLayout):
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    needed = _needed_widths(scrolls)
    columns = page.findChild(QHBoxLayout, "columns")
    assert columns is not None
    for index, (width, weight) in enumerate(zip(needed, RESULT_WEIGHT, strict=True)):
        columns.setStretch(index, max(1, int(width * weight)))
    if sum(needed) + 40 <= page.screen().availableGeometry().width():
        for scroll, width in zip(scrolls, needed, strict=True):
            scroll.setMinimumWidth(width)


def _needed_widths(scrolls: list[QScrollArea]) -> list[int]:
    needed = []
    for scroll in scrolls:
        content = scroll.widget()
        bar = scroll.verticalScrollBar().sizeHint().width()
        needed.append((content.minimumSizeHint().width() if content else 0) + bar + 4)
    return needed


def _holder(layout: QVBoxLayout) -> QWidget:
    widget = QWidget()
    widget.setLayout(layout)
    return widget


def keep_in_view(scrolls: list[QScrollArea], widget: QWidget | None) -> None:
    """Scroll the focused field into view (Tab through a column on a small screen)."""
    for scroll in scrolls:
        column = scroll.widget()
        if widget is not None and column is not None and column.isAncestorOf(widget):
            scroll.ensureWidgetVisible(widget, 10, 10)


def scroll_area(content: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setObjectName("pageScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


def keyboard_order(
    dose: DosePanel,
    docs: DocumentationPanel,
    check: VerificationPanel,
    scrolls: list[QScrollArea],
) -> None:
    """Tab follows what is seen, column by column: the dose (code, product and payer,
    which decide what is billed, among it), the middle column's sections, then the
    documentation and the sign-off, Verify and Print."""
    from PySide6.QtCore import Qt

    for scroll in scrolls:
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    left: list[QWidget] = [
        dose.code,
        dose.product,
        dose.concentration,
        dose.dose_ordered,
        dose.dose_unit,
        dose.weight,
        dose.bsa,
        dose.patient_height,
        dose.vial_size,
        dose.vial_count,
        dose.vial_type,
        dose.payer,
        dose.setting,
        dose.administered,
        dose.administered_unit,
        dose.difference_reason,
    ]
    middle = scrolls[1].widget() or QWidget()
    sections = [
        widget
        for widget in middle.findChildren(QWidget)
        if widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not isinstance(widget.parentWidget(), QComboBox)
        and widget.window() is middle.window()  # not a combo's pop-up list
    ]
    right: list[QWidget] = [
        docs.patient_name,
        docs.mrn,
        docs.date_of_birth,
        docs.administered_at,
        docs.now_button,
        docs.route,
        docs.diagnosis,
        docs.prior_authorization,
        docs.ndc,
        docs.vials.scan.edit,
        *docs.vials.all_edits(),
        docs.waste_reason,
        docs.waste_witness,
        docs.notes,
        check.prepared_by,
        check.verified_by,
        check.verify_button,
        check.print_button,
    ]
    for first, second in itertools.pairwise(left + sections + right):
        QWidget.setTabOrder(first, second)
    # Vial rows are made as vials are opened; each new row follows the scan field's.
    docs.vials.tab_after = docs.vials.scan.edit if not docs.vials.rows else None
    if docs.vials.rows:
        docs.vials.tab_after = docs.vials.rows[-1].expiry


def fit_dialog(dialog: QWidget, width: int, height: int) -> None:
    """Open ``dialog`` at ``width`` x ``height`` where a 1024x600 desk screen (and this
    screen) has room, else as large as that less a frame: its buttons stay on screen,
    what does not fit scrolls inside it."""
    screen = dialog.screen().availableGeometry()
    room = (min(screen.width(), DESK_SCREEN[0]), min(screen.height(), DESK_SCREEN[1]))
    dialog.resize(min(width, room[0] - FRAME[0]), min(height, room[1] - FRAME[1]))
