"""The window at 1024x600 (issue 19): nothing scrolls sideways, the answer stays in view."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QAbstractScrollArea, QApplication, QWidget

from .window_parts import child, enter_dose, type_into


def sideways(window: QWidget, tables: bool = True) -> list[str]:
    """Areas that scroll sideways (``tables=False``: a wide table scrolling inside its
    dialog, its buttons on screen, is allowed)."""
    return [
        area.objectName() or type(area).__name__
        for area in window.findChildren(QAbstractScrollArea)
        if area.isVisible()
        and area.horizontalScrollBar().isVisible()
        and (tables or not isinstance(area, QAbstractItemView))
    ]


def test_nothing_scrolls_sideways_at_1024_by_600(qtbot, window) -> None:
    window.resize(1024, 600)
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "patientName", "Jane Roe")
    QApplication.processEvents()
    assert window.width() <= 1024
    assert sideways(window) == []


def test_the_answer_is_in_view_while_typing_at_1024_by_600(qtbot, window) -> None:
    window.resize(1024, 600)
    enter_dose(qtbot, window, "10", "12", "12")
    type_into(qtbot, window, "verifiedBy", "RP")  # the last field of the right column
    QApplication.processEvents()
    for name in ("claimLines", "unitsAdministered", "unitsWasted", "wasteVolume"):
        figure = child(window, name)
        visible = figure.visibleRegion().boundingRect()
        assert visible.height() >= figure.height() - 1, name  # not scrolled or cut off
        assert visible.width() >= figure.width() - 1, name


def a_pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen.canvas import Canvas

    out = BytesIO()
    page = Canvas(out)
    page.drawString(72, 720, "Worksheet")
    page.save()
    return out.getvalue()


def test_every_dialog_fits_1024_by_600_with_its_buttons(qtbot, window) -> None:
    from ui.audit_dialog import AuditDialog
    from ui.history_view import HistoryDialog
    from ui.pending_dialog import PendingDialog
    from ui.pin_dialog import PinDialog
    from ui.preview_dialog import PreviewDialog
    from ui.settings_dialog import SettingsDialog

    reference = window.site.open_reference()
    assert window.features is not None
    dialogs = {
        "history": HistoryDialog(window.site, window, on_correct=lambda _record: None),
        "audit": AuditDialog(window, reference, reference, window.settings, site=window.site),
        "preview": PreviewDialog(a_pdf(), window),
        "pending": PendingDialog(window, window.features.signing),
        "settings": SettingsDialog(window.settings, window.site, window),
        "pin": PinDialog(window, "Sign", "Sign the dose", "jkim", lambda *_: None),
    }
    try:
        for name, dialog in dialogs.items():
            qtbot.addWidget(dialog)
            dialog.show()
            QApplication.processEvents()
            # It opens within the screen (fit_dialog), and can be made as small as a
            # 1024x600 screen less the title bar (the test screen is 800x800).
            room = dialog.screen().availableGeometry()
            size, least = dialog.size(), dialog.minimumSizeHint()
            assert size.width() <= max(min(1024, room.width()), least.width()), (name, size)
            assert size.height() <= min(600, room.height()) - 40, (name, size)
            assert least.width() <= 1024 - 16 and least.height() <= 600 - 40, (name, least)
            assert sideways(dialog, tables=False) == [], name
            dialog.close()
    finally:
        reference.close()
