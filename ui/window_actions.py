"""The window's menus and shortcuts, built right after the first paint (QtGui is slow).

File: New dose, Preview, Save PDF, Print, Quit. Records: History. Settings: the
facility, default payer, paper and printer (``ui.settings_dialog``), asked once at first
run in a banner. Features add theirs with ``MainWindow.add_tool``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from ui import settings as prefs
from ui.enter_moves_on import EnterMovesOn

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QMenu

    from core.records import WorksheetRecord
    from core.site import Site
    from ui.banner import Banner
    from ui.worksheet_output import WorksheetOutput


class MainWindow(Protocol):
    """What the menus need of the window (``ui.main_window.MainWindow``)."""

    settings: QSettings
    site: Site
    worksheet: WorksheetOutput | None
    confirm_banner: Banner
    setup_banner: Banner

    def menu(self, title: str) -> QMenu: ...
    def new_form(self) -> None: ...
    def verify(self) -> None: ...
    def request_print(self) -> None: ...
    def show_history(self) -> None: ...
    def close(self) -> bool: ...
    def load_for_correction(self, record: WorksheetRecord) -> None: ...


def build_menus(window: MainWindow, widget: QWidget) -> None:
    """The menus and shortcuts of ``window`` (``widget``: the same window, as a widget)."""
    assert window.worksheet is not None
    enter = EnterMovesOn(widget)  # owned by the window
    for child in widget.findChildren(QLineEdit) + widget.findChildren(QComboBox):
        child.installEventFilter(enter)
    worksheet = window.worksheet.actions
    new = QAction("&New dose", widget, shortcut=QKeySequence("Ctrl+N"))
    new.setToolTip("New dose (Ctrl+N)")
    new.triggered.connect(window.new_form)
    worksheet.request_print = window.request_print  # Ctrl+P, the menu and the button
    close = QAction("&Quit", widget, shortcut=QKeySequence("Ctrl+Q"))
    close.triggered.connect(window.close)
    file_menu = window.menu("&File")
    for action in (new, worksheet.preview_action, worksheet.save_action):
        file_menu.addAction(action)
    file_menu.addAction(worksheet.print_action)
    file_menu.addSeparator()
    add_dose_keys(window, widget)
    file_menu.addSeparator()
    file_menu.addAction(close)

    history = QAction("&History of worksheets…", widget, shortcut=QKeySequence("Ctrl+H"))
    history.triggered.connect(window.show_history)
    window.menu("&Records").addAction(history)

    settings = QAction("&Settings…", widget, shortcut=QKeySequence("Ctrl+,"))
    settings.setObjectName("settingsAction")
    settings.triggered.connect(lambda: open_settings(window, widget))
    window.menu("&Settings").addAction(settings)

    escape = QShortcut(QKeySequence("Esc"), widget)
    escape.activated.connect(window.confirm_banner.escape)
    offer_first_run(window, widget)


def add_dose_keys(window: MainWindow, widget: QWidget) -> None:
    """Dose menu: scan (its shortcut is the scan field's) and verify. (Verify's and
    Print's tooltips say why they are disabled; their keys show in the menus.)"""
    from PySide6.QtCore import Qt  # not at start-up: the Qt namespace is slow to import

    from ui.scan_field import SHORTCUT

    dose = window.menu("&Dose")
    # The key is the scan field's own (a window shortcut). On the action it shows in the
    # menu and, as its key binding, to a screen reader (over AT-SPI the item was named
    # "Scan a vial\tCtrl+B"); it works only while the menu is open: never ambiguous.
    scan = QAction("&Scan a vial", widget, shortcut=QKeySequence(SHORTCUT))
    scan.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    scan_edit = widget.findChild(QLineEdit, "vialScan")
    if scan_edit is not None:
        scan.triggered.connect(scan_edit.setFocus)
        scan_edit.setToolTip(f"Scan a vial's package code ({SHORTCUT})")
    verify = QAction("&Verify dose", widget, shortcut=QKeySequence("Ctrl+Return"))
    verify.setObjectName("verifyAction")
    verify.triggered.connect(window.verify)
    for action in (scan, verify):
        dose.addAction(action)
    widget.addAction(verify)


def open_history(window: MainWindow, widget: QWidget) -> None:
    from PySide6.QtCore import Qt  # not at start-up: the Qt namespace is slow to import

    from ui.history_view import HistoryDialog

    dialog = HistoryDialog(window.site, widget, on_correct=window.load_for_correction)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()


def open_settings(window: MainWindow, widget: QWidget) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window.site, widget)
    dialog.accepted.connect(lambda: applied(window))
    dialog.open()


def applied(window: MainWindow) -> None:
    """Settings saved: the worksheet follows the new paper and printer."""
    window.settings.setValue(prefs.SET_UP, True)
    if window.worksheet is not None:
        window.worksheet.actions.paper = prefs.paper(window.settings)
        window.worksheet.actions.last_printer = prefs.text_value(
            window.settings, prefs.LAST_PRINTER, ""
        )
    window.setup_banner.hide()


def offer_first_run(window: MainWindow, widget: QWidget) -> None:
    """First run: ask (in a banner, nothing modal) for the facility and printing choices."""
    if window.settings.value(prefs.SET_UP, False) in (True, "true"):
        return
    window.setup_banner.ask(
        'Welcome. Worksheets print "Facility not set" until you enter your facility; '
        "choose the default payer, paper and printer too.",
        [
            ("Set up…", "setupButton", lambda: open_settings(window, widget)),
            ("Later", "setupLaterButton", lambda: None),
        ],
        safe=lambda: None,
    )
