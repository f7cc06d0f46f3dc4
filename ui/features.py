"""The features of the dose window, each plugged in through the window's plug-in points
(``add_tool``, ``add_section``, ``session_changed``) and the session binding's extras:

- vial scanning (a GS1 scanner fills the vial rows; ``ui.scan_field``),
- the CMS files (File > Import, the quarter and dollars in the status bar; ``ui.cms_import``),
- medical necessity and the denial-risk check (``ui.necessity_panel``, ``ui.checks_list``),
- the billing audit (Tools > Audit billed lines; ``ui.audit_dialog``),
- charges out (the outbox in the status bar, Tools > Charges; ``ui.charges_view``),
- signing with PINs on a site with accounts (``ui.signing``), managing the accounts
  (Tools > Accounts; ``ui.accounts_dialog``), the idle lock
  (``ui.window_lock``) and the verification queue (``ui.queue_submit``,
  ``ui.pending_dialog``).

No rule lives here: each feature asks core, and what blocks the chart is the session's
(``DoseSession.blockers``, from ``core.blockers``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow

from ui import settings as prefs

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QMenu, QStatusBar, QWidget

    from core.session import DoseSession
    from core.site import Site
    from ui.charges_view import ChargesSupport
    from ui.checks_list import ChecksList
    from ui.cms_import import CmsSupport
    from ui.documentation_panel import DocumentationPanel
    from ui.necessity_panel import NecessityPanel
    from ui.pharmacist_actions import PharmacistActions
    from ui.queue_submit import QueueSubmission
    from ui.session_binding import SessionBinding
    from ui.signing import WindowSigning
    from ui.verification_panel import VerificationPanel
    from ui.window_lock import IdleLock
    from ui.worksheet_output import WorksheetOutput

from ui.scan_field import ScanHost
from ui.window_lock import Desk


class FeatureWindow(ScanHost, Desk, Protocol):
    """What the features need of the main window (``ui.main_window.MainWindow``): a
    protocol, so the window and its features need not import each other."""

    session: DoseSession | None
    binding: SessionBinding | None
    worksheet: WorksheetOutput | None
    docs: DocumentationPanel
    verification: VerificationPanel
    session_changed: SignalInstance

    def add_section(self, widget: QWidget) -> None: ...

    def add_tool(self, action: QAction, menu: str = "&Tools") -> None: ...

    def menu(self, title: str) -> QMenu: ...

    def documentation_edited(self) -> None: ...

    def statusBar(self) -> QStatusBar: ...


@dataclass(frozen=True)
class Features:
    """The feature panels a window holds (tests and screenshots reach them here)."""

    necessity: NecessityPanel
    checks: ChecksList
    cms: CmsSupport
    signing: WindowSigning
    idle_lock: IdleLock
    queue: QueueSubmission
    charges: ChargesSupport | None = None
    pharmacist: PharmacistActions | None = None


def install_features(window: FeatureWindow) -> Features:
    """Plug every feature into ``window`` (once its session and data directory exist)."""
    from core.site_review import site_reviewer
    from ui.accounts_menu import install_accounts
    from ui.backup_status import BackupStatus
    from ui.charges_view import install_charges
    from ui.checks_list import ChecksList
    from ui.cms_import import install as install_cms
    from ui.enter_moves_on import EnterMovesOn
    from ui.first_admin import install_first_admin
    from ui.necessity_panel import NecessityPanel
    from ui.needed_fields import NeededFields
    from ui.pending_dialog import install_pending
    from ui.pharmacist_actions import install_pharmacist_actions
    from ui.queue_submit import install_queue_submission
    from ui.signing import install_signing
    from ui.window_lock import install_idle_lock

    session, binding, output = window.session, window.binding, window.worksheet
    assert session is not None and binding is not None and output is not None
    settings = window.settings

    # The facility's setting, read when asked: a vial that expires on the day of
    # administration blocks too.
    session.expiring_today_setting = lambda: prefs.flag(settings, prefs.EXPIRING_TODAY_BLOCKS)
    window.docs.vials.scan.attach(window)
    if session.imported_codes is not None:  # NDCs read off the GUI thread (issue 20)
        session.imported_codes = window.docs.vials.scan.answered_ndcs(session.imported_codes)

    necessity = NecessityPanel(window.site)
    checks = ChecksList()
    window.add_section(necessity)
    window.add_section(checks)
    binding.extra_documentation.append(
        lambda: {**necessity.documentation_values(), "check_reasons": checks.check_reasons()}
    )
    binding.extra_drafts.append(necessity)

    session.unreadable_sources.append(necessity.unreadable)

    def show_checks() -> None:
        """The checks as the print state judged them: once documentation is typed (the
        dose alone loads neither the checks nor the data directory's stores)."""
        if binding.documentation_pushed:
            checks.show_claim(session.claim())

    window.session_changed.connect(show_checks)
    necessity.edited.connect(window.documentation_edited)
    necessity.authorizations.picked.connect(window.docs.prior_authorization.setText)
    checks.edited.connect(window.documentation_edited)
    window.dose.product.activated.connect(lambda _index: _bill_product_code(window))

    main = _main_window(window)
    product = window.dose.product
    cms = install_cms(main, window.site, window.docs.ndc, binding.push_dose, product)
    cms.imported.connect(lambda _text: forget_imported(window))
    # The claim reviewed with the site's records: the authorizations, and the CMS
    # crosswalk the window holds open (not one opened per keystroke).
    session.reviewer = site_reviewer(window.site, cms.crosswalk)

    def show_dollars() -> None:
        if session.result is not None:
            cms.price(session.result, session.documentation.administered_at)

    window.session_changed.connect(show_dollars)
    add_audit_menu(window, window.site)
    output.problem.connect(lambda text: window.statusBar().showMessage(text, 15000))
    backup_status = BackupStatus(main)  # records not backed up: in view until they are
    output.recorded.connect(backup_status.refresh)
    signing = install_signing(window)  # PINs on a site with accounts
    install_first_admin(signing)  # a site without accounts is offered its administrator
    install_accounts(signing)  # Tools > Accounts…, for an administrator
    # CMS files, fee schedules and restores: a pharmacist's or administrator's PIN.
    pharmacist = install_pharmacist_actions(signing, cms, window.menu)
    idle_lock = install_idle_lock(main, signing, window)
    queue = install_queue_submission(signing)  # the technician submits, the nurse signs
    install_pending(signing)
    charges = install_charges(main, window.site, settings, window.add_tool)
    output.recorded.connect(lambda _worksheet_id: charges.send())
    needed = NeededFields(
        session, window.dose, window.docs, window.verification, [necessity.errors]
    )
    for enter in main.findChildren(EnterMovesOn):
        enter.next_needed = needed.after  # Enter: the next field the dose needs
    return Features(necessity, checks, cms, signing, idle_lock, queue, charges, pharmacist)


def _bill_product_code(window: FeatureWindow) -> None:
    """A product the user picks bills under its own code; choosing another code after
    that is deliberate, and the result warns about it (``product-code``)."""
    session = window.session
    if session is None:
        return
    name = window.dose.product.currentData()
    product = next((p for p in session.catalog.products if p.name == name), None)
    index = window.dose.code.findData(product.hcpcs) if product is not None else -1
    if index >= 0:
        window.dose.code.setCurrentIndex(index)


def add_audit_menu(window: FeatureWindow, site: Site) -> None:
    """Tools > Audit billed lines... on ``window``."""
    action = QAction("&Audit billed lines…", window.menu("&Tools"))
    action.setObjectName("auditAction")

    def open_dialog() -> None:
        from ui.audit_dialog import AuditDialog

        reference = site.open_reference()  # read on the audit's thread: its own
        dialog = AuditDialog(_main_window(window), reference, reference, window.settings, site=site)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(lambda _=None: reference.close())
        dialog.show()

    action.triggered.connect(open_dialog)
    window.add_tool(action, "&Tools")


def _main_window(window: FeatureWindow) -> QMainWindow:
    """The window as Qt's widget (the parent of dialogs, the owner of the status bar)."""
    main = window.docs.window()
    assert isinstance(main, QMainWindow)
    return main


def forget_imported(window: FeatureWindow) -> None:
    """Files were imported: the crosswalk's answers and the code list are read again."""
    window.docs.vials.scan.forget_crosswalk()
    picker = getattr(window.dose, "code_picker", None)
    if picker is not None:
        picker.loaded = False  # read again at the next focus
