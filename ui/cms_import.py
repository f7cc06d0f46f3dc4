"""The CMS files in the window: File > Import CMS files... (with a progress bar), the
status bar naming the quarter in use and the current dose's dollars, NDC suggestions
from the crosswalk (labeler, drug name, package size), and pricing of each result.

No billing rules here: ``core.cms`` imports, ``core.pricing`` prices. The main window
holds one ``CmsSupport`` (``install(window)``) and passes each result through ``price``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QProgressDialog,
    QWidget,
)

from ui.background import BackgroundWork, Shared

if TYPE_CHECKING:
    from core.calculation_models import CalculationResult
    from core.cms.importer import ImportReport
    from core.reference import ReferenceData
    from core.site import Site
    from core.work import CancelToken

NDC_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class _Import:
    """What the import off the GUI thread is given."""

    paths: tuple[Path, ...]
    site: Shared[Site]


def _import(asked: _Import, token: CancelToken) -> ImportReport:  # on the worker thread
    from core.cms.importer import ImportReport, import_files
    from core.errors import InputError

    try:
        return import_files(
            asked.paths,
            asked.site.value,
            None,
            lambda done, total, _name: token.report(done, total),
        )
    except InputError as error:  # the reference database itself cannot be used
        return ImportReport((), (error,))


def report_text(report: ImportReport) -> str:
    """What an import did, one line per file, as the status bar and dialog show it."""
    from core.terminal import printable

    lines = [
        f"{printable(o.name)}: {o.kind.value} {o.quarter}, {o.rows:,} rows "
        f"{'(already imported)' if o.status == 'unchanged' else 'imported'}, "
        f"{len(o.unusable)} not usable"
        for o in report.imported
    ]
    lines += [f"Not imported: {printable(str(error))}" for error in report.refused]
    return "\n".join(lines)


class CmsSupport(QObject):
    """Shows the reference data the window's site holds open, and imports into it."""

    imported = Signal(str)

    def __init__(
        self,
        window: QMainWindow,
        site: Site,
        ndc_field: QWidget | None,
        product_picker: QComboBox | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._site = site
        self._reference: ReferenceData | None = None
        self.work = BackgroundWork(self)
        app = QCoreApplication.instance()
        if app is not None:
            # Quitting mid-import waits for it: the file is then fully stored or not at all.
            app.aboutToQuit.connect(self._finish_import)
        self._ndc_model = QStandardItemModel(self)
        self._ndc_code = ""
        self._products = product_picker
        self.status = QLabel()
        self.status.setObjectName("cmsStatus")
        window.statusBar().addPermanentWidget(self.status)
        #: Whether this import may go ahead: on a site with accounts, a pharmacist's or an
        #: administrator's PIN (``ui.pharmacist_actions``); without, yes.
        self.authorize: Callable[[], bool] = lambda: True
        self.import_action = QAction("Import &CMS files…", window)
        self.import_action.triggered.connect(self.choose_files)
        if ndc_field is not None and hasattr(ndc_field, "setCompleter"):
            completer = QCompleter(self._ndc_model, self)
            completer.setCompletionRole(NDC_ROLE)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            ndc_field.setCompleter(completer)
        self._open()

    # -- reference data

    def _open(self) -> None:
        from core.errors import InputError
        from core.reference import NO_REFERENCE_DATA
        from core.terminal import printable

        self._reference = None
        self._ndc_code = ""
        try:  # the site closes the reference data it held before
            self._reference = self._site.refresh_reference()
        except InputError as error:
            self._reference = NO_REFERENCE_DATA
            self.status.setText(f"CMS files unavailable: {printable(str(error))}")
            return
        self.show_quarter(None)
        # The picker is filled after this is installed: describe its products once it is.
        QTimer.singleShot(0, self._describe_products)

    def _describe_products(self) -> None:
        """Each product in the picker tells, as its tooltip, the crosswalk's NDCs for it:
        labeler, drug name and package size."""
        from core.pricing import ndc_label

        if self._products is None or self._reference is None:
            return
        products = {p.name: p for p in self._site.catalog.products}
        today = date.today()
        for index in range(self._products.count()):
            product = products.get(self._products.itemData(index) or "")
            if product is None:
                continue
            entries = self._reference.ndcs_for_code(product.hcpcs, today)
            lines = [
                f"{ndc_label(e.ndc11)}  {e.drug_name} — {e.labeler} — "
                f"package {e.package_size} × {e.package_quantity}"
                for e in entries
            ]
            tip = "CMS crosswalk NDCs:\n" + "\n".join(lines) if lines else ""
            self._products.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)

    def crosswalk(self) -> ReferenceData | None:
        """The CMS store this window holds open, for the other checks of the dose on
        screen (the denial-risk check, on every keystroke); ``None`` when none is open,
        and they open the data directory's themselves, as without this window."""
        from core.reference import NO_REFERENCE_DATA

        reference = self._reference
        return None if reference is None or reference is NO_REFERENCE_DATA else reference

    def close(self) -> None:
        """Stop showing the reference data (the site closes it, with itself)."""
        self._reference = None

    def show_quarter(self, result: CalculationResult | None, day: date | None = None) -> None:
        from core.pricing import dollars

        quarter = self._reference.quarter_in_use(day or date.today()) if self._reference else None
        text = f"CMS pricing {quarter}" if quarter else "No CMS pricing file imported"
        if result is not None and result.cms_billing_unit is not None:
            # The pricing file's unit beside the catalog's (a conflict is also a warning).
            text += f" · {result.code} per {result.cms_billing_unit} (catalog: {result.dosage})"
        if result is not None and result.pricing is not None:
            if result.pricing.quarter is None:
                text = result.pricing.source
            for line in result.claim_lines:
                if line.payment is not None:
                    what = "waste recovered" if "JW" in line.modifiers else line.billed_code
                    text += f" · {what} {dollars(line.payment)}"
        self.status.setText(text)

    def price(
        self, result: CalculationResult, administered_at: datetime | None
    ) -> CalculationResult:
        """The result with dollars and crosswalk checks for its service date."""
        from core.pricing import price_result

        if self._reference is None:
            return result
        day = administered_at.date() if administered_at else date.today()
        priced = price_result(result, self._reference, day)
        self._offer_ndcs(priced.code, day)
        self.show_quarter(priced, day)
        return priced

    def _offer_ndcs(self, code: str, day: date) -> None:
        """NDC suggestions for the code: 'NDC — drug — labeler — package'."""
        from core.pricing import ndc_label

        if code == self._ndc_code or self._reference is None:
            return
        self._ndc_code = code
        self._ndc_model.clear()
        for entry in self._reference.ndcs_for_code(code, day):
            label = ndc_label(entry.ndc11)
            item = QStandardItem(
                f"{label} — {entry.drug_name} — {entry.labeler} — "
                f"package {entry.package_size} × {entry.package_quantity}"
            )
            item.setData(label, NDC_ROLE)
            self._ndc_model.appendRow(item)

    # -- importing

    def choose_files(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self._window,
            "Import CMS ASP pricing files and NDC-HCPCS crosswalks",
            "",
            "CMS files (*.zip *.csv *.ZIP *.CSV);;All files (*)",
        )
        if names:
            self.import_files([Path(name) for name in names])

    def import_files(self, paths: list[Path]) -> None:
        """Import off the GUI thread, with a progress bar; the result is announced by
        ``imported``."""
        if self.work.busy or not self.authorize():
            return
        progress = QProgressDialog("Importing CMS files…", "", 0, len(paths), self._window)
        progress.setObjectName("cmsImportProgress")
        progress.setCancelButton(None)
        progress.setMinimumDuration(0)
        progress.setWindowModality(Qt.WindowModality.WindowModal)

        def step(done: int, total: int) -> None:
            progress.setMaximum(total)
            progress.setValue(done)
            if done < len(paths):
                progress.setLabelText(f"Importing {paths[done].name}…")

        def finished(report: ImportReport) -> None:
            progress.setValue(progress.maximum())
            progress.close()
            self._open()
            text = report_text(report)
            self._window.statusBar().showMessage(text.replace("\n", " · "), 15000)
            self.imported.emit(text)

        def failed(message: str) -> None:
            progress.close()
            self._window.statusBar().showMessage(f"The import stopped: {message}", 15000)

        asked = _Import(tuple(paths), Shared(self._site))
        self.work.start("import", "Importing CMS files…", _import, asked, finished, failed,
                        progress=step)  # fmt: skip

    def reload(self) -> None:
        """Read the reference data again (a fee schedule was imported) and reprice."""
        self._open()
        self.imported.emit("")

    def _finish_import(self) -> None:
        self.work.wait(timeout_s=None)


def _file_menu(window: QMainWindow) -> QMenu | None:
    for action in window.menuBar().actions():
        menu = action.menu()
        if isinstance(menu, QMenu) and action.text().replace("&", "") == "File":
            return menu
    return None


def install(
    window: QMainWindow,
    site: Site,
    ndc_field: QWidget | None,
    recalculate: Callable[[], None],
    product_picker: QComboBox | None = None,
) -> CmsSupport:
    """Add the import action to the File menu (before Quit) and the status bar label;
    ``recalculate`` runs after each import so the dose on screen gets the new prices."""
    support = CmsSupport(window, site, ndc_field, product_picker)
    support.imported.connect(lambda _text: recalculate())
    menu = _file_menu(window)
    if menu is not None:
        actions = menu.actions()
        if actions:
            menu.insertAction(actions[-1], support.import_action)
        else:
            menu.addAction(support.import_action)
    return support
