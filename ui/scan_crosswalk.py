"""A scanned NDC without a catalog product: the imported crosswalk's code, product, vial
size and type fill the dose (issue 20). The crosswalk is read off the GUI thread
(``ui.background``); the scan field waits for the answer before it fills the vial row,
and scans that come meanwhile wait their turn, in order.

What the crosswalk says (the code, the vial's labeled amount, the labeler's other sizes,
the vial type) is core's: ``core.cms.ndc_vials``. This module only shows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from core.errors import InputError
from ui.background import BackgroundWork, Shared
from ui.code_picker import with_own_reference

if TYPE_CHECKING:
    from core.cms.codes import FileCodes
    from core.cms.ndc_vials import NdcVials
    from core.site import Site
    from core.work import CancelToken
    from ui.dose_panel import DosePanel


@dataclass(frozen=True)
class CrosswalkAnswer:
    """The crosswalk's reading of one NDC, the code's picker line, or what was wrong."""

    vials: NdcVials | None
    label: str | None = None
    error: InputError | None = None

    @property
    def problem(self) -> str:
        return f"{self.error}." if self.error is not None else ""


def look_up(given: tuple[Shared[Site], date, str], token: CancelToken) -> CrosswalkAnswer:
    """The crosswalk's reading of the 11-digit NDC (runs on a worker thread)."""
    site, day, ndc11 = given

    def ask(codes: FileCodes) -> CrosswalkAnswer:
        try:
            found = codes.ndc_vials(ndc11, "NDC")
        except InputError as error:
            return CrosswalkAnswer(None, error=error)
        return CrosswalkAnswer(found, codes.label(found.code) if found is not None else None)

    return with_own_reference(site.value, day, ask)


class CrosswalkLookups(QObject):
    """Asks the crosswalk about NDCs one at a time, remembering the answers; the
    calculation (``AnsweredNdcs``) hears each answer before the scan that asked."""

    def __init__(self, parent: QObject, site: Site) -> None:
        super().__init__(parent)
        self.site = site
        self.work = BackgroundWork(self)
        self.known: dict[str, CrosswalkAnswer] = {}
        self._waiting: list[tuple[str, Callable[[CrosswalkAnswer], None]]] = []
        self.answered: Callable[[str, CrosswalkAnswer], None] = lambda ndc11, answer: None

    def ask(self, ndc11: str, then: Callable[[CrosswalkAnswer], None]) -> None:
        """``then(answer)`` on the GUI thread, after the scans asked before it."""
        self._waiting.append((ndc11, then))
        self._next()

    def ask_for_calculation(self, ndc11: str) -> None:
        """An NDC typed or restored: looked up once, heard through ``answered``."""
        if ndc11 not in self.known and all(ndc11 != waiting for waiting, _ in self._waiting):
            self.ask(ndc11, lambda answer: None)

    def _next(self) -> None:
        while self._waiting and not self.work.busy:
            ndc11, then = self._waiting[0]
            known = self.known.get(ndc11)
            if known is None:
                given = (Shared(self.site), date.today(), ndc11)
                self.work.start(
                    "crosswalk", "Reading the crosswalk…", look_up, given, self._answer, self._fail
                )
                return
            self._waiting.pop(0)
            then(known)

    def _answer(self, answer: CrosswalkAnswer) -> None:
        ndc11, then = self._waiting.pop(0)
        self.known[ndc11] = answer
        self.answered(ndc11, answer)
        then(answer)
        self._next()

    def _fail(self, message: str) -> None:
        error = InputError("NDC", f"the crosswalk could not be read: {message}")
        self._answer(CrosswalkAnswer(None, error=error))


def fill_dose(dose: DosePanel, answer: CrosswalkAnswer, ndc_label: str) -> str:
    """Fill code, product, vial size and type from ``answer``; what was filled, said."""
    found = answer.vials
    if found is None:
        return answer.problem
    if not dose.choose_code(found.code, answer.label):
        return ""
    product = dose.product
    for index in range(product.count() - 1, 0, -1):
        if not product.itemData(index):  # the last scan's crosswalk product
            product.removeItem(index)
    product.addItem(f"{found.product}, NDC {ndc_label} (CMS crosswalk)", "")
    product.setCurrentIndex(product.count() - 1)
    sizes = [str(size) for size in found.sizes]
    box = dose.vial_size
    box.blockSignals(True)
    box.clear()
    if len(sizes) > 1:  # the least-waste plan chooses among the labeler's sizes
        from ui.dose_panel import AUTO_VIAL_SIZE

        box.addItems([AUTO_VIAL_SIZE, *sizes])
        box.setCurrentIndex(0)
    else:
        box.addItems(sizes)
        box.setEditText(str(found.labeled))
    box.blockSignals(False)
    vial_type = "multi" if found.multi_dose else "single"
    dose.vial_type.setCurrentIndex(max(0, dose.vial_type.findData(vial_type)))
    dose.changed.emit()
    kind = "multi-dose" if found.multi_dose else "single-dose"
    listed = ", ".join(sizes)
    return (
        f"NDC {ndc_label} bills {found.code} (CMS crosswalk): {found.product}, "
        f"{found.labeled} {kind} vial; vial sizes {listed}."
    )
