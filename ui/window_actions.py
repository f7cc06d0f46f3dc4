"""The window's menus and shortcuts, built right after the first paint (QtGui is slow).

File: New dose, Preview, Save PDF, Print, Quit. Records: History. Settings: the
facility, default payer, paper and printer (``ui.settings_dialog``), asked once at first
run in a banner. Features add theirs with ``MainWindow.add_tool``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QLineEdit

from ui import settings as prefs
from ui.enter_moves_on import EnterMovesOn

if TYPE_CHECKING:
    from ui.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    assert window.worksheet is not None
    enter = EnterMovesOn(window)  # owned by the window
    for widget in window.findChildren(QLineEdit) + window.findChildren(QComboBox):
        widget.installEventFilter(enter)
    worksheet = window.worksheet.actions
    new = QAction("&New dose", window, shortcut=QKeySequence("Ctrl+N"))
    new.triggered.connect(window.new_form)
    print_action = QAction("&Print worksheet…", window, shortcut=QKeySequence("Ctrl+P"))
    print_action.triggered.connect(window.request_print)
    close = QAction("&Quit", window, shortcut=QKeySequence("Ctrl+Q"))
    close.triggered.connect(window.close)
    file_menu = window.menu("&File")
    for action in (new, worksheet.preview_action, worksheet.save_action):
        file_menu.addAction(action)
    file_menu.addAction(print_action)
    file_menu.addSeparator()
    file_menu.addAction(close)

    history = QAction("&History of worksheets…", window, shortcut=QKeySequence("Ctrl+H"))
    history.triggered.connect(window.show_history)
    window.menu("&Records").addAction(history)

    settings = QAction("&Settings…", window, shortcut=QKeySequence("Ctrl+,"))
    settings.setObjectName("settingsAction")
    settings.triggered.connect(lambda: open_settings(window))
    window.menu("&Settings").addAction(settings)

    escape = QShortcut(QKeySequence("Esc"), window)
    escape.activated.connect(window.confirm_banner.escape)
    offer_first_run(window)


def open_settings(window: MainWindow) -> None:
    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(window.settings, window)
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


def offer_first_run(window: MainWindow) -> None:
    """First run: ask (in a banner, nothing modal) for the facility and printing choices."""
    if window.settings.value(prefs.SET_UP, False) in (True, "true"):
        return
    window.setup_banner.ask(
        'Welcome. Worksheets print "Facility not set" until you enter your facility; '
        "choose the default payer, paper and printer too.",
        [
            ("Set up…", "setupButton", lambda: open_settings(window)),
            ("Later", "setupLaterButton", lambda: None),
        ],
        safe=lambda: None,
    )
