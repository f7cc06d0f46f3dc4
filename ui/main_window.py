"""The calculator window: dose inputs, live result, documentation and two-person check.

The window only moves text: it builds a ``DoseForm`` from the inputs on every edit, asks
``core.dose_input.evaluate`` for the result, and shows what comes back. The billing engine
(pydantic models, catalog) is imported right after the first paint, so the window
appears as fast as a bare one; anything that needs it before then loads it on the spot.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ui import settings as prefs
from ui.banner import Banner
from ui.checks_list import ChecksList
from ui.documentation_panel import DocumentationPanel
from ui.dose_panel import DosePanel
from ui.drafts_banner import DraftsBanner
from ui.necessity_panel import NecessityPanel
from ui.result_panel import ResultPanel
from ui.style import apply_base_font, set_role
from ui.verification_panel import VerificationPanel

if TYPE_CHECKING:
    from os import PathLike

    from PySide6.QtGui import QCloseEvent, QPaintEvent

    from core.calculation_models import CalculationResult
    from core.documentation import Documentation
    from core.dose_input import DoseForm
    from core.records import WorksheetRecord
    from ui.autosave import Autosave
    from ui.cms_import import CmsSupport
    from ui.worksheet_wiring import WorksheetRecorder

PrintHandler = Callable[["MainWindow"], object]
CONCENTRATION_HINT = "e.g. 10%"
DIFFERENCE_WARNINGS = {"administered-more", "administered-less"}
# Draft keys that are choices, not typing: a form with only these is an empty form.
CHOICE_KEYS = {
    "code",
    "product",
    "dose_unit",
    "container_type",
    "payer",
    "setting",
    "administered_unit",
    "route",
}


class MainWindow(QMainWindow):
    #: Print was asked for and the worksheet may be printed (dose verified, fields complete).
    print_requested = Signal()
    #: The catalog and engine are loaded (shortly after the first paint).
    engine_ready = Signal()

    def __init__(self, data_dir: str | PathLike[str] | None, settings: QSettings) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("unitcalc: units and waste to bill")
        apply_base_font(self)
        self.settings = settings
        self._data_dir_choice = data_dir
        self.autosave: Autosave | None = None
        self._engine_loaded = False
        self._painted = False
        self._form: DoseForm | None = None
        self._result: CalculationResult | None = None
        self._verified_form: DoseForm | None = None
        self._prepared_at: datetime | None = None
        self._print_handler: PrintHandler | None = None
        self._saved = True
        self._touched: set[str] = set()
        #: Record id of the worksheet this form corrects, while a correction is open.
        self._replaces: int | None = None
        self.worksheet: WorksheetRecorder | None = None
        self.cms: CmsSupport | None = None  # CMS files: menu, status bar, pricing

        self.dose = DosePanel(
            prefs.text_value(settings, prefs.LAST_CODE, prefs.DEFAULT_CODE),
            prefs.text_value(settings, prefs.LAST_PAYER, prefs.DEFAULT_PAYER),
        )
        self.result_panel = ResultPanel()
        self.docs = DocumentationPanel()
        self.verification = VerificationPanel()
        self.necessity = NecessityPanel(data_dir)  # issue 12: necessity and denial checks
        self.checks = ChecksList(data_dir)
        self.draft_banner = DraftsBanner()
        self.confirm_banner = Banner("confirmBanner")
        self._build_layout()
        self._connect()
        self._restore_geometry()
        self.dose.dose_ordered.setFocus()

    # -- construction ------------------------------------------------------------------------

    def _build_layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.dose)
        left.addWidget(self.necessity)
        middle = QScrollArea()
        middle.setWidgetResizable(True)
        middle.setWidget(self.result_panel)
        docs_scroll = QScrollArea()
        docs_scroll.setWidgetResizable(True)
        docs_scroll.setWidget(self.docs)
        right = QVBoxLayout()
        right.addWidget(docs_scroll, 1)
        right.addWidget(self.checks)
        right.addWidget(self.verification)

        columns = QHBoxLayout()
        columns.setSpacing(12)
        columns.addLayout(left, 10)
        columns.addWidget(middle, 13)
        columns.addLayout(right, 11)
        page = QVBoxLayout()
        page.setContentsMargins(10, 6, 10, 4)
        page.addWidget(self.draft_banner)
        page.addWidget(self.confirm_banner)
        page.addLayout(columns, 1)
        central = QWidget()
        central.setLayout(page)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        """Menu, shortcuts and Enter-moves-on; built right after the first paint (QtGui)."""
        from PySide6.QtGui import QAction, QKeySequence, QShortcut

        from ui.enter_moves_on import EnterMovesOn

        self._enter = EnterMovesOn(self)
        for widget in self.findChildren(QLineEdit) + self.findChildren(QComboBox):
            widget.installEventFilter(self._enter)
        menu = self.menuBar().addMenu("&File")
        new = QAction("&New dose", self, shortcut=QKeySequence("Ctrl+N"))
        new.triggered.connect(self.new_form)
        self.print_action = QAction("&Print worksheet…", self, shortcut=QKeySequence("Ctrl+P"))
        self.print_action.triggered.connect(self.request_print)
        close = QAction("&Quit", self, shortcut=QKeySequence("Ctrl+Q"))
        close.triggered.connect(self.close)
        history = QAction("&History of worksheets…", self, shortcut=QKeySequence("Ctrl+H"))
        history.triggered.connect(self.show_history)
        facility = QAction("&Facility name on worksheets…", self)
        facility.triggered.connect(self.ask_facility)
        worksheet = self.worksheet.actions if self.worksheet is not None else None
        extra = (worksheet.preview_action, worksheet.save_action) if worksheet else ()
        for action in (new, *extra, self.print_action, history, facility, close):
            menu.addAction(action)
        escape = QShortcut(QKeySequence("Esc"), self)
        escape.activated.connect(self.confirm_banner.escape)
        from ui.audit_dialog import add_audit_menu

        add_audit_menu(self, self.data_dir)

    def _connect(self) -> None:
        self.dose.changed.connect(self._dose_changed)
        self.dose.product.currentIndexChanged.connect(self._follow_product)
        self.dose.product.activated.connect(self._bill_product_code)
        self.docs.claim_edited.connect(self._dose_changed)
        self.docs.edited.connect(self._documentation_changed)
        self.dose.difference_reason.textChanged.connect(self._documentation_changed)
        self.verification.names_edited.connect(self._documentation_changed)
        self.verification.verify_button.clicked.connect(self._verified)
        self.verification.print_button.clicked.connect(self.request_print)
        self.necessity.edited.connect(self._documentation_changed)
        self.necessity.authorizations.picked.connect(self.docs.prior_authorization.setText)
        self.checks.edited.connect(self._documentation_changed)

    # -- the engine, loaded after the first paint ------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.ensure_engine)
        super().paintEvent(event)

    def ensure_engine(self) -> None:
        """Finish start-up (once): shortcuts, data directory and draft, catalog, engine.

        Runs right after the first paint, or earlier if anything needs the engine first.
        """
        if self._engine_loaded:
            return
        self._engine_loaded = True
        from core.catalog import default_catalog, default_payers
        from core.data_dir import resolve_data_dir
        from core.errors import CatalogError
        from ui.autosave import Autosave
        from ui.cms_import import install as install_cms
        from ui.worksheet_wiring import WorksheetRecorder

        self.data_dir = resolve_data_dir(self._data_dir_choice)
        self.worksheet = WorksheetRecorder(self, self.data_dir)
        self._build_actions()
        self.docs.vials.scan.attach(self)  # scanned package codes fill the vial rows
        self.cms = install_cms(
            self, self.data_dir, self.docs.ndc, self.recalculate, self.dose.product
        )
        self.autosave = Autosave(self.data_dir, self.draft_fields, self.has_input)
        self.autosave.status.connect(lambda text: self.statusBar().showMessage(text, 4000))
        self.draft_banner.offer(self.autosave, self.restore_fields)

        try:
            self.dose.populate(default_catalog(), default_payers())
        except CatalogError as error:
            self.result_panel.show_missing({"catalog": f"The catalog could not be read: {error}"})
            return
        self.recalculate()
        self.engine_ready.emit()

    # -- what the printing work uses ------------------------------------------------------------

    def dose_form(self) -> DoseForm:
        """The calculation inputs exactly as typed."""
        from core.dose_input import DoseForm

        return DoseForm(
            **self.dose.form_values(),  # type: ignore[arg-type]
            ndc="" if self.ndc_problem() else self.docs.ndc.text(),
            prior_authorization=self.docs.prior_authorization.text(),
        )

    def ndc_problem(self) -> str | None:
        """Why the NDC typed so far cannot go on a claim, or ``None``. A half-typed NDC
        must not blank the result, so it is left out of the calculation until it reads."""
        from core.errors import InputError
        from core.ndc import parse_ndc

        text = self.docs.ndc.text()
        if not text.strip():
            return None
        try:
            parse_ndc(text)
        except InputError as error:
            return error.message
        return None

    def result(self) -> CalculationResult | None:
        """The result on screen, or ``None`` while inputs are missing or invalid."""
        self.ensure_engine()
        return self._result

    def documentation(self) -> Documentation:
        """The worksheet's documentation fields, with the verification as it stands."""
        from core.documentation import Documentation, VialRecord

        self.ensure_engine()
        return Documentation(
            **self.docs.documentation_values(),
            **self.necessity.documentation_values(),
            check_reasons=self.checks.check_reasons(),
            vials=tuple(VialRecord(**values) for values in self.docs.vial_values()),
            difference_reason=self.dose.difference_reason.text(),
            prepared_by=self.verification.prepared_by.text(),
            prepared_at=self._prepared_at,
            verified_by=self.verification.verified_by.text(),
            verified_at=self.verification.verified_at,
            replaces=self._replaces,
        )

    def set_print_handler(self, handler: PrintHandler | None) -> None:
        """``handler(window)`` runs when a ready worksheet is printed (button or Ctrl+P)."""
        self._print_handler = handler

    def print_problems(self) -> list[str]:
        """What stops printing, in words; empty when the worksheet may go into the chart."""
        from core.documentation import missing_for_print

        result = self.result()
        if result is None:
            return ["the dose is not calculated"]
        doc = self.documentation()
        strict = prefs.flag(self.settings, prefs.EXPIRING_TODAY_BLOCKS)  # facility setting
        problems = missing_for_print(doc, result, expiring_today_blocks=strict)
        problems += self.necessity.problems() + self.checks.refresh(result, doc)[1]
        ndc_problem = self.ndc_problem()
        if ndc_problem:
            problems.append(f"NDC: {ndc_problem}")
        if not self.verification.verified and "the dose has not been verified" not in problems:
            problems.append("the dose has not been verified")
        return problems

    def request_print(self) -> None:
        self._refresh_print_state()
        if not self.verification.print_button.isEnabled():
            self.statusBar().showMessage("Not ready to print: see the note under Print.", 6000)
            return
        self.print_requested.emit()
        if self._print_handler is not None:
            self._print_handler(self)
        elif not self.isSignalConnected(
            self.metaObject().method(self.metaObject().indexOfSignal("print_requested()"))
        ):
            self.statusBar().showMessage("Printing is not connected yet in this version.", 6000)

    def mark_saved(self) -> None:
        """Call after the worksheet is recorded: no unsaved input, draft removed."""
        self._saved = True
        if self.autosave is not None:
            self.autosave.discard()

    def worksheet_recorded(self, worksheet_id: str) -> None:
        """The worksheet went into the records (and to the printer or a file)."""
        self.mark_saved()
        self.verification.print_status.setText(f"Recorded as worksheet {worksheet_id}.")
        self.statusBar().showMessage(f"Recorded worksheet {worksheet_id}.", 8000)

    # -- history, corrections, facility ---------------------------------------------------------

    def show_history(self) -> None:
        from PySide6.QtCore import Qt  # not at start-up: the Qt namespace is slow to import

        from ui.history_view import HistoryDialog

        self.ensure_engine()
        dialog = HistoryDialog(self.data_dir, self, on_correct=self.load_for_correction)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def load_for_correction(self, record: WorksheetRecord) -> None:
        """Open a recorded worksheet's form again; what is printed next replaces it."""
        self.ensure_engine()
        form = record.inputs.get("form")
        if isinstance(form, dict):
            fields = {str(k): str(v) for k, v in form.items()}
        else:  # recorded by the command line: rebuild the form from the dose inputs
            fields = {
                str(k): str(v)
                for k, v in record.inputs.get("dose", {}).items()
                if isinstance(v, str)
            }
        self.restore_fields(fields)
        self._replaces = record.id
        self.confirm_banner.ask(
            f"Correcting worksheet {record.worksheet_id}: the worksheet you print next "
            "replaces it. Verify the dose again before printing.",
            [("Stop correcting", "stopCorrectionButton", self._stop_correction)],
            safe=lambda: None,
        )
        self._documentation_changed()

    def _stop_correction(self) -> None:
        self._replaces = None
        self._documentation_changed()

    def ask_facility(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        current = prefs.text_value(self.settings, prefs.FACILITY, "")
        text, accepted = QInputDialog.getText(
            self, "Facility name", "Printed in the header of every worksheet:", text=current
        )
        if accepted:
            self.settings.setValue(prefs.FACILITY, text.strip())

    # -- recalculation --------------------------------------------------------------------------

    def _dose_changed(self) -> None:
        self.recalculate()
        self._input_changed()

    def recalculate(self) -> None:
        self.ensure_engine()
        if not self._engine_loaded:
            return
        from core.dose_input import DoseInputError, evaluate

        form = self.dose_form()
        try:
            result: CalculationResult | None = evaluate(form)
            messages: dict[str, str] = {}
            if result is not None and self.cms is not None:
                given = self.docs.documentation_values()["administered_at"]
                result = self.cms.price(result, given)
        except DoseInputError as errors:
            result, messages = None, errors.messages
        ndc_problem = self.ndc_problem()
        if ndc_problem:
            messages["ndc"] = ndc_problem
        if form != self._form:
            self._prepared_at = datetime.now().replace(second=0, microsecond=0)
        self._form, self._result = form, result
        if self._verified_form is not None and form != self._verified_form:
            self._verified_form = None
            self.verification.clear("the dose changed")
        self._show_field_errors(messages)
        if result is None:
            self.result_panel.show_missing(
                {key: _sentence(key, text) for key, text in messages.items()}
            )
        else:
            self.result_panel.show_result(result)
        self._show_preparation(result)
        self._documentation_changed(input_changed=False)

    def _show_field_errors(self, messages: dict[str, str]) -> None:
        labels = self.dose.errors | {"ndc": self.docs.errors["ndc"]}
        texts = self.dose.form_values() | {"ndc": self.docs.ndc.text()}
        for key, value in texts.items():
            if isinstance(value, str) and value.strip():
                self._touched.add(key)
        for key, label in labels.items():
            # An empty field nobody has typed in yet is not an error to shout about;
            # the result area lists it calmly as missing.
            label.show_message(messages.get(key) if key in self._touched else None)

    def _show_preparation(self, result: CalculationResult | None) -> None:
        from core import formats
        from core.catalog import default_catalog

        self.dose.show_derived_vials(result.vials_opened if result else None)
        sizes = (
            [formats.number(c.size_ml) for c in result.containers for _ in range(c.count)]
            if result
            else []
        )
        self.docs.vials.set_sizes(sizes)
        self.dose.show_difference_reason(
            result is not None and any(w.id in DIFFERENCE_WARNINGS for w in result.warnings)
        )
        catalog = default_catalog()
        code = next((c for c in catalog.codes if c.hcpcs == self.dose.code.currentData()), None)
        note, role = "", "hint"
        if code is not None:
            source = result.code_source if result is not None else code.source
            if code.cms_verified:
                note = f"Definition: {source}"
            else:
                note, role = f"Definition not CMS-verified. Source: {source}", "source"
        product = next(
            (p for p in catalog.products if p.name == self.dose.product.currentData()), None
        )
        if product is not None and code is not None and product.hcpcs != code.hcpcs:
            note += f" {product.name} is listed under {product.hcpcs}."
        self.dose.code_source.setText(note)
        set_role(self.dose.code_source, role)

    def _follow_product(self) -> None:
        from core import formats
        from core.catalog import default_catalog

        name = self.dose.product.currentData()
        product = next((p for p in default_catalog().products if p.name == name), None)
        if product is not None:
            self.docs.set_route(product.route)
            percent = formats.number(product.concentration.percent)
            self.dose.concentration.setPlaceholderText(f"{percent}% from the product")
        else:
            self.dose.concentration.setPlaceholderText(CONCENTRATION_HINT)

    def _bill_product_code(self) -> None:
        """A product the user picks bills under its own code; choosing another code after
        that is deliberate, and the result warns about it (``product-code``)."""
        from core.catalog import default_catalog

        name = self.dose.product.currentData()
        product = next((p for p in default_catalog().products if p.name == name), None)
        index = self.dose.code.findData(product.hcpcs) if product is not None else -1
        if index >= 0:
            self.dose.code.setCurrentIndex(index)

    # -- documentation, verification, print readiness -------------------------------------------

    def _documentation_changed(self, input_changed: bool = True) -> None:
        if input_changed:
            self._input_changed()
        self.verification.refresh(self._result is not None)
        self._refresh_print_state()

    def _verified(self) -> None:
        if self.verification.verified:
            self._verified_form = self._form
        self._refresh_print_state()

    def _refresh_print_state(self) -> None:
        if not self._engine_loaded:
            return
        problems = self.print_problems()
        ready = not problems
        self.verification.print_button.setEnabled(ready)
        self.print_action.setEnabled(True)  # Ctrl+P always answers, if only with the reasons
        if ready:
            from core.documentation import fact_warnings

            self.verification.print_button.setToolTip("Print the worksheet for the chart.")
            checks = fact_warnings(self.documentation(), datetime.now())
            self.verification.print_status.setText(" ".join(["Ready to print.", *checks]))
            return
        listed = "\n".join(f"• {p}" for p in problems)
        self.verification.print_button.setToolTip(f"Printing needs:\n{listed}")
        shown = "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        )
        self.verification.print_status.setText(f"To print: {shown}.")

    # -- new form, drafts, closing -----------------------------------------------------------------

    def _input_changed(self) -> None:
        self._saved = False
        if self.autosave is not None:
            self.autosave.mark_changed()

    def draft_fields(self) -> dict[str, str]:
        return (
            self.dose.draft_fields()
            | self.docs.draft_fields()
            | self.necessity.draft_fields()
            | {
                "prepared_by": self.verification.prepared_by.text(),
                "verified_by": self.verification.verified_by.text(),
            }
        )

    def has_input(self) -> bool:
        return any(v.strip() for k, v in self.draft_fields().items() if k not in CHOICE_KEYS)

    def new_form(self) -> None:
        """Ctrl+N: a blank form; asks first (in a banner) if typed input would be lost."""
        if self.has_input() and not self._saved:
            self.confirm_banner.ask(
                "Clear the form for a new dose? What you entered here will be lost.",
                [
                    ("Clear form", "confirmClearButton", self._clear_form),
                    ("Keep my entries (Esc)", "confirmKeepButton", lambda: None),
                ],
                safe=lambda: None,
            )
            self.confirm_banner.button("confirmKeepButton").setFocus()
            return
        self._clear_form()

    def _clear_form(self) -> None:
        self.ensure_engine()
        keep = {
            "code": self.dose.code.currentData() or "",
            "payer": self.dose.payer.currentData() or "",
        }
        self.dose.restore(keep)
        self.docs.restore({})
        self.necessity.restore({})
        self.verification.prepared_by.clear()
        self.verification.verified_by.clear()
        self.verification.reset()
        self._verified_form = None
        self._replaces = None
        self._touched.clear()
        self.recalculate()
        self.mark_saved()
        self.dose.dose_ordered.setFocus()

    def restore_fields(self, fields: dict[str, str]) -> None:
        self.ensure_engine()
        self.dose.restore(fields)
        self.docs.restore(fields)
        self.necessity.restore(fields)
        self.verification.prepared_by.setText(fields.get("prepared_by", ""))
        self.verification.verified_by.setText(fields.get("verified_by", ""))
        self.verification.reset()
        self.recalculate()
        self._input_changed()

    def _restore_geometry(self) -> None:
        geometry = self.settings.value(prefs.GEOMETRY)
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1360, 730)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.autosave is not None:
            if not self._saved:
                self.autosave.mark_changed()
            self.autosave.flush(wait=True)
            self.autosave.stop()
        self.settings.setValue(prefs.GEOMETRY, self.saveGeometry())
        if self._engine_loaded:
            self.settings.setValue(prefs.LAST_CODE, self.dose.code.currentData() or "")
            self.settings.setValue(prefs.LAST_PAYER, self.dose.payer.currentData() or "")
        self.settings.sync()
        super().closeEvent(event)


def _sentence(key: str, message: str) -> str:
    """``dose_ordered`` + ``is empty; enter an amount`` -> ``Dose ordered is empty; ...``."""
    from core.dose_input import FIELD_NAMES

    name = FIELD_NAMES.get(key, key.replace("_", " "))
    name = name[:1].upper() + name[1:]
    joined = " " if message.split(" ", 1)[0] in {"is", "must", "has", "cannot"} else ": "
    return f"{name}{joined}{message}"


def build_main_window(
    data_dir: str | PathLike[str] | None = None, settings: QSettings | None = None
) -> MainWindow:
    """The window, built but not shown. ``data_dir`` overrides UNITCALC_DATA_DIR/platformdirs."""
    return MainWindow(data_dir, settings or prefs.open_settings())
