"""The calculator window: it shows one ``core.session.DoseSession`` and forwards edits to it.

``ui.session_binding`` moves the panels' text into the session and redraws from it;
``ui.worksheet_output`` previews, prints and saves. The engine loads after the first
paint (or on the first edit). Features plug in with ``add_tool`` (a menu entry) and
``add_section`` (a widget under the result), and redraw on ``session_changed``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

from ui import settings as prefs
from ui.accessible_names import name_controls, name_each_window
from ui.announce import announce
from ui.banner import Banner
from ui.correcting import show_correcting, take_correction, with_correction
from ui.documentation_panel import DocumentationPanel
from ui.dose_panel import DosePanel
from ui.drafts_banner import DraftsBanner
from ui.result_panel import ResultPanel
from ui.style import apply_base_font
from ui.verification_panel import VerificationPanel
from ui.window_layout import build_page, fit_columns, fit_to_screen, keep_in_view, keyboard_order

if TYPE_CHECKING:
    from PySide6.QtGui import QAction, QCloseEvent, QPaintEvent
    from PySide6.QtWidgets import QMenu

    from core.calculation_models import CalculationResult
    from core.documentation import Documentation
    from core.records import WorksheetRecord
    from core.session import DoseSession
    from core.site import Site
    from ui.autosave import Autosave
    from ui.features import Features
    from ui.session_binding import SessionBinding
    from ui.worksheet_output import WorksheetOutput

PrintHandler = Callable[["MainWindow"], object]


class MainWindow(QMainWindow):
    #: The catalog and engine are loaded (shortly after the first paint).
    engine_ready = Signal()
    #: The dose session changed (any edit, verification, recording): redraw from it.
    session_changed = Signal()

    def __init__(self, site: Site, settings: QSettings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("unitcalc: units and waste to bill")
        apply_base_font(self)
        self.settings = settings
        self.site = site  # every store, the catalog and the payers; closed after the widgets
        self.destroyed.connect(site.close)  # (their timers may still ask its stores)
        self.autosave: Autosave | None = None
        self.session: DoseSession | None = None
        self.binding: SessionBinding | None = None
        self.worksheet: WorksheetOutput | None = None
        self._engine_loaded = False
        self._catalog_failed = False
        self._painted = False
        self._print_handler: PrintHandler | None = None
        self._saved = True
        self._menus: dict[str, QMenu] = {}
        self.features: Features | None = None  # set by ui.features once the engine loads

        self.dose = DosePanel(
            prefs.text_value(settings, prefs.LAST_CODE, prefs.DEFAULT_CODE),
            prefs.text_value(settings, prefs.LAST_PAYER, prefs.DEFAULT_PAYER),
        )
        self.result_panel = ResultPanel()
        self.docs = DocumentationPanel()
        self.verification = VerificationPanel()
        self.draft_banner = DraftsBanner()
        self.confirm_banner = Banner("confirmBanner")
        self.setup_banner = Banner("setupBanner")
        banners = (self.setup_banner, self.draft_banner, self.confirm_banner)
        self.page, self.column_scrolls, self.sections = build_page(
            self.dose, self.result_panel, self.docs, self.verification, banners
        )
        self.setCentralWidget(self.page)
        # Present from the start, so a status message never moves the columns.
        self.statusBar().setSizeGripEnabled(False)
        fit_to_screen(self, settings.value(prefs.GEOMETRY))
        self._connect()
        self.dose.dose_ordered.setFocus()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self._start_up)
        super().paintEvent(event)

    def _start_up(self) -> None:
        """The first answer first (the session), then menus, printing and the draft."""
        self._load_session()
        QTimer.singleShot(0, self.ensure_engine)

    def _load_session(self) -> None:
        """The dose session and the catalog's choices (once): what the first answer needs."""
        if self.session is not None or self._catalog_failed:
            return
        from core.errors import CatalogError
        from core.session import DoseSession
        from ui.session_binding import SessionBinding

        try:
            self.session = DoseSession(self.site.catalog, self.site.payers)
            # Imported CMS codes and NDCs: read only when the catalog does not answer.
            imported = self.site.imported_codes(date.today())
            self.session.imported_codes = imported
        except CatalogError as error:
            self._catalog_failed = True
            self.result_panel.show_missing({"catalog": f"The catalog could not be read: {error}"})
            return
        panels = (self.dose, self.docs, self.verification, self.result_panel)
        self.binding = SessionBinding(self.session, *panels)
        self.binding.changed.connect(self.session_changed)
        self.dose.populate(self.session.catalog, self.session.payers)
        self.dose.offer_imported(self.site)
        self.binding.push_dose()

    def ensure_engine(self) -> None:
        """Finish start-up (once, after the first answer or when first needed): the session,
        then the documentation, data directory, printing, menus and the autosaved draft."""
        if self._engine_loaded:
            return
        self._engine_loaded = True
        self._load_session()
        if self.session is None or self.binding is None:
            return
        from ui.autosave import Autosave
        from ui.features import install_features
        from ui.window_actions import build_menus
        from ui.worksheet_output import WorksheetOutput

        self.data_dir = self.site.ensure_data_dir()
        self.worksheet = WorksheetOutput(
            self, self.session, self.site, self.settings, self.binding.draft_fields
        )
        self.worksheet.actions.printed.connect(
            lambda name, printer: self.statusBar().showMessage(f"Printed {name} on {printer}.")
        )
        self.worksheet.recorded.connect(self.worksheet_recorded)
        build_menus(self, self)
        self.features = install_features(self)  # scanning, CMS, necessity, checks, audit
        self.binding.push_documentation()  # with the features' fields; redraws all
        self.autosave = Autosave(self.data_dir, self.draft_fields, self.has_input)
        self.autosave.status.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.draft_banner.offer(self.autosave, self.restore_fields)
        keyboard_order(self.dose, self.docs, self.verification, self.column_scrolls)
        name_controls(self)  # each control named by its visible label; dialogs too:
        name_each_window(self._app())
        fit_columns(self.page, self.column_scrolls)
        self.engine_ready.emit()

    def _connect(self) -> None:
        """Edits reach the session (typing before the engine is loaded loads it)."""
        self.dose.changed.connect(self._dose_changed)
        self.dose.product.currentIndexChanged.connect(self._follow_product)
        self.docs.claim_edited.connect(self._dose_changed)
        self.docs.edited.connect(self.documentation_edited)
        self.dose.difference_reason.textChanged.connect(self.documentation_edited)
        self.verification.names_edited.connect(self.documentation_edited)
        self.verification.verify_button.clicked.connect(self.verify)
        self.verification.print_button.clicked.connect(self.request_print)
        self.statusBar().messageChanged.connect(lambda text: announce(self.statusBar(), text))
        self._app().focusChanged.connect(self._focus_changed)  # disconnected with the window

    @staticmethod
    def _app() -> QApplication:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        return app

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        keep_in_view(self.column_scrolls, new)

    def menu(self, title: str) -> QMenu:
        """The menu called ``title`` ("&File", "&Records", "&Tools", ...), made if new."""
        if title not in self._menus:
            self._menus[title] = self.menuBar().addMenu(title)
        return self._menus[title]

    def add_tool(self, action: QAction, menu: str = "&Tools") -> None:
        """A feature's command: in ``menu`` and, with a shortcut, from anywhere."""
        self.menu(menu).addAction(action)
        self.addAction(action)

    def add_section(self, widget: QWidget) -> None:
        """A feature's panel, under the result; redraw it on ``session_changed``."""
        self.sections.addWidget(widget)

    def result(self) -> CalculationResult | None:
        """The result on screen, or ``None`` while inputs are missing or invalid."""
        self.ensure_engine()
        return self.session.result if self.session is not None else None

    def documentation(self) -> Documentation:
        """The worksheet's documentation, with the verification as it stands."""
        self.ensure_engine()
        assert self.session is not None
        return self.session.worksheet_documentation()

    def print_problems(self) -> list[str]:
        """What stops printing, in words (the session's blockers); empty when it may."""
        self.ensure_engine()
        return [b.message for b in self.session.blockers()] if self.session else ["no catalog"]

    def set_print_handler(self, handler: PrintHandler | None) -> None:
        """Replace the print step: ``handler(window)`` runs for a ready worksheet."""
        self._print_handler = handler

    def request_print(self) -> None:
        """Print (button or Ctrl+P): refused with the reasons, else the print path."""
        problems = self.print_problems()
        if problems:
            self.statusBar().showMessage("Not ready to print: see the note under Print.", 6000)
            return
        if self._print_handler is not None:
            self._print_handler(self)
        elif self.worksheet is not None:
            self.worksheet.actions.print_worksheet()

    def worksheet_recorded(self, worksheet_id: str) -> None:
        """The worksheet went into the records (and to the printer or a file)."""
        self.mark_saved()
        if self.binding is not None:
            self.binding.redraw()
        self.statusBar().showMessage(f"Recorded worksheet {worksheet_id}.", 8000)

    def mark_saved(self) -> None:
        """Call after the worksheet is recorded: no unsaved input, draft removed."""
        self._saved = True
        if self.autosave is not None:
            self.autosave.discard()

    def _dose_changed(self) -> None:
        self._edited(lambda binding: binding.push_dose())

    def _follow_product(self) -> None:
        self._edited(lambda binding: binding.follow_product())

    def documentation_edited(self) -> None:
        self._edited(lambda binding: binding.push_documentation())

    def _edited(self, push: Callable[[SessionBinding], None]) -> None:
        self._load_session()  # typed before the engine loaded: load it now
        if self.binding is not None:
            push(self.binding)
        self._input_changed()

    def verify(self) -> None:
        """The nurse confirms the dose on screen (Verify button, or Enter on it)."""
        refused = self.binding.verify() if self.binding is not None else None
        if refused:
            self.statusBar().showMessage(refused, 6000)

    def _input_changed(self) -> None:
        self._saved = False
        if self.autosave is not None:
            self.autosave.mark_changed()

    def show_history(self) -> None:
        self.ensure_engine()
        from ui.window_actions import open_history

        open_history(self, self)

    def load_for_correction(self, record: WorksheetRecord) -> None:
        """Open a recorded worksheet's form again; what is printed next replaces it."""
        self.ensure_engine()
        assert self.session is not None
        self.restore_fields(self.session.start_correction(record))
        show_correcting(self, record.id)

    def draft_fields(self) -> dict[str, str]:
        fields = self.binding.draft_fields() if self.binding is not None else {}
        return with_correction(fields, self.session)

    def has_input(self) -> bool:
        return self.binding is not None and self.binding.has_input()

    def new_form(self) -> None:
        """Ctrl+N: a blank form; asks first (in a banner) if typed input would be lost."""
        if self.has_input() and not self._saved:
            self.confirm_banner.ask(
                "Clear the form for a new dose? What you entered here will be lost.",
                [
                    ("Clear form", "confirmClearButton", self.clear_form),
                    ("Keep my entries (Esc)", "confirmKeepButton", lambda: None),
                ],
                safe=lambda: None,
            )
            self.confirm_banner.button("confirmKeepButton").setFocus()
            return
        self.clear_form()

    def clear_form(self) -> None:
        self.ensure_engine()
        if self.session is None or self.binding is None:
            return
        # Nothing of the last patient stays; code and payer are the site's defaults
        # (the payer chosen in Settings, else the payer list's default).
        payers = self.session.payers
        defaults = {
            "code": self.session.catalog.default_code.hcpcs,
            "payer": prefs.text_value(self.settings, prefs.SITE_PAYER, payers.default.id),
        }
        self.docs.vials.scan.clear()
        if self.features is not None:
            self.features.checks.show_claim(None)
        self.binding.new_dose(defaults)
        self.mark_saved()
        self.dose.dose_ordered.setFocus()

    def restore_fields(self, fields: dict[str, str]) -> None:
        self.ensure_engine()
        fields, replaces = take_correction(fields)  # a draft of a correction goes on with it
        if self.binding is not None:
            self.binding.restore(fields)
        if replaces is not None and self.session is not None:
            self.session.replaces = replaces
            show_correcting(self, replaces)
        self._input_changed()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.autosave is not None:
            if not self._saved:
                self.autosave.mark_changed()
            self.autosave.flush(wait=True)
            self.autosave.stop()
        self.settings.setValue(prefs.GEOMETRY, self.saveGeometry())
        if self._engine_loaded:  # the next start opens with them (New dose: the defaults)
            self.settings.setValue(prefs.LAST_CODE, self.dose.code.currentData() or "")
            self.settings.setValue(prefs.LAST_PAYER, self.dose.payer.currentData() or "")
        self.settings.sync()
        super().closeEvent(event)
