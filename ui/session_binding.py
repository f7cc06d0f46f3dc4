"""The panels and the dose session: what is typed goes in, what the session holds comes out.

Data flows one way. Each edit is read from the panels into ``core.session.DoseSession``
(``push_dose``, ``push_documentation``), then every panel is redrawn from the session
(``redraw``), and ``changed`` tells anything else that shows the dose (features added
to the window) to redraw too. No rule lives here: readiness, verification, warnings and
catalog look-ups are the session's.

The dose goes in alone until the documentation is first pushed (by the window once its
engine is loaded, or by the first edit of the documentation): the documentation's model
and checks load pydantic, and the first answer is shown without it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QObject, Signal

from ui.layout_pass import one_layout_pass
from ui.style import set_role

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from core.documentation import Documentation
    from core.dose_input import DoseForm
    from core.session import DoseSession
    from ui.documentation_panel import DocumentationPanel
    from ui.dose_panel import DosePanel
    from ui.result_panel import ResultPanel
    from ui.verification_panel import VerificationPanel

CONCENTRATION_HINT = "e.g. 10%"


class DraftPart(Protocol):
    """A feature panel whose fields go into the autosaved draft (core field names)."""

    def draft_fields(self) -> dict[str, str]: ...

    def restore(self, fields: dict[str, str]) -> None: ...


class SessionBinding(QObject):
    #: The session changed (after every edit); redraw whatever shows it.
    changed = Signal()

    def __init__(
        self,
        session: DoseSession,
        dose: DosePanel,
        docs: DocumentationPanel,
        verification: VerificationPanel,
        result: ResultPanel,
    ) -> None:
        super().__init__()
        self.session = session
        self.dose = dose
        self.docs = docs
        self.verification = verification
        self.result_panel = result
        self._touched: set[str] = set()
        #: Features' own documentation fields (core names), e.g. the medical necessity.
        self.extra_documentation: list[Callable[[], dict[str, Any]]] = []
        #: Features' own fields in the autosaved draft.
        self.extra_drafts: list[DraftPart] = []
        #: Steps before verifying (signing with PINs); each says why not, or ``None``.
        self.before_verify: list[Callable[[], str | None]] = []
        #: The documentation is in the session (see the module's docstring).
        self.documentation_pushed = False

    # -- in ------------------------------------------------------------------------------

    def dose_form(self) -> DoseForm:
        """The calculation inputs exactly as typed."""
        from core.dose_input import DoseForm
        from core.values import read

        docs = self.docs
        typed = {"ndc": docs.ndc.text(), "prior_authorization": docs.prior_authorization.text()}
        return read(DoseForm, self.dose.form_values() | typed)

    def documentation_input(self) -> Documentation:
        """The documentation as typed (times and verification are the session's)."""
        from core.documentation import Documentation, VialRecord

        return Documentation(
            **self.docs.documentation_values(),
            vials=tuple(VialRecord(**values) for values in self.docs.vial_values()),
            difference_reason=self.dose.difference_reason.text(),
            prepared_by=self.verification.prepared_by.text(),
            verified_by=self.verification.verified_by.text(),
            **{k: v for extra in self.extra_documentation for k, v in extra().items()},
        )

    def push_dose(self) -> None:
        self.session.set_dose(self.dose_form())
        if self.documentation_pushed:
            self.push_documentation()
        else:
            self.redraw()

    def push_documentation(self) -> None:
        self.documentation_pushed = True
        self.session.set_documentation(self.documentation_input())
        self.redraw()

    def verify(self) -> str | None:
        """Verify the dose on screen; why not, in words, if the session refused."""
        from core.session import SessionError

        try:
            for step in self.before_verify:
                refused = step()
                if refused:
                    return refused
            self.session.verify()
        except SessionError as error:
            return str(error)
        finally:
            self.redraw()
        return None

    # -- out -----------------------------------------------------------------------------

    def redraw(self) -> None:
        # One layout pass for all the rows and labels this shows and hides, not one each.
        with one_layout_pass(self._page()):
            self._redraw()

    def _page(self) -> QWidget:
        """The widget holding every panel (the window's page), for the layout pass."""
        page: QWidget = self.dose
        while (parent := page.parentWidget()) is not None and not parent.isWindow():
            page = parent
        return page

    def _redraw(self) -> None:
        session = self.session
        self._show_field_errors(session.errors)
        if session.result is None:
            from core.session import field_sentence

            self.result_panel.show_missing(
                {key: field_sentence(key, text) for key, text in session.errors.items()}
            )
        else:
            self.result_panel.show_result(session.result)
        self.dose.show_derived_vials(session.result.vials_opened if session.result else None)
        measure = session.result.measure.value if session.result is not None else "mL"
        self.docs.vials.set_sizes(session.opened_vial_sizes(), measure)
        self.dose.show_difference_reason(session.needs_difference_reason)
        note = session.code_note()
        self.dose.code_source.setText(note.text)
        set_role(self.dose.code_source, "source" if note.warning else "hint")
        if self.documentation_pushed:
            self.verification.show_state(session)
            self.show_print_state()
        self.changed.emit()

    def follow_product(self) -> None:
        """A product brings its route and concentration (shown as the placeholder)."""
        defaults = self.session.product_defaults(self.dose.product.currentData() or "")
        if defaults is None:
            self.dose.concentration.setPlaceholderText(CONCENTRATION_HINT)
            return
        route, percent = defaults
        self.docs.set_route(route)
        self.dose.concentration.setPlaceholderText(f"{percent}% from the product")

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

    def show_print_state(self) -> None:
        problems = [b.message for b in self.session.blockers()]
        button, status = self.verification.print_button, self.verification.print_status
        button.setEnabled(not problems)
        if not problems:
            button.setToolTip("Print the worksheet for the chart.")
            from core.documentation import fact_warnings

            recorded = self.session.recorded_id
            ready = f"Recorded as worksheet {recorded}." if recorded else "Ready to print."
            facts = fact_warnings(self.session.worksheet_documentation(), datetime.now())
            status.setText(" ".join([ready, *facts]))
            return
        listed = "\n".join(f"• {p}" for p in problems)
        button.setToolTip(f"Printing needs:\n{listed}")
        more = f"; and {len(problems) - 3} more" if len(problems) > 3 else ""
        status.setText(f"To print: {'; '.join(problems[:3])}{more}.")

    # -- drafts --------------------------------------------------------------------------

    def draft_fields(self) -> dict[str, str]:
        """The form under core field names (``core.drafts``)."""
        return (
            self.dose.draft_fields()
            | self.docs.draft_fields()
            | {
                "prepared_by": self.verification.prepared_by.text(),
                "verified_by": self.verification.verified_by.text(),
            }
            | {k: v for part in self.extra_drafts for k, v in part.draft_fields().items()}
        )

    def has_input(self) -> bool:
        """Anything typed (choices alone are an empty form)."""
        from core.drafts import has_input

        return has_input(self.draft_fields())

    def restore(self, fields: dict[str, str]) -> None:
        """Put saved fields back (blank for missing keys) and recalculate."""
        self.dose.restore(fields)
        self.docs.restore(fields)
        self.verification.prepared_by.setText(fields.get("prepared_by", ""))
        self.verification.verified_by.setText(fields.get("verified_by", ""))
        for part in self.extra_drafts:
            part.restore(fields)
        self.push_dose()

    def new_dose(self, defaults: dict[str, str]) -> None:
        """A blank form with ``defaults`` (code, payer); the checks return once
        documentation is typed again."""
        self.session.clear()
        self.forget_touched()
        self.documentation_pushed = False
        self.restore(defaults)

    def forget_touched(self) -> None:
        self._touched.clear()
