"""The result, large enough to read at arm's length: claim lines, units, waste, warnings, steps.

Everything shown is text the engine produced (``str(claim_line)``, ``result.steps``,
``ismp`` formatting). When the inputs do not give a result, every output shows a dash
and the panel says what is missing, so an old number is never left on screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout

from ui.announce import announce
from ui.fields import hint
from ui.style import set_role
from ui.vial_bars import VialBars

if TYPE_CHECKING:
    from core.calculation_models import CalculationResult

DASH = "—"
NOT_YET = "Not calculated yet."
#: The answer is announced once typing pauses this long: over AT-SPI, typing "10" in
#: Vial size announced the answer for a 1 mL vial first (every key recalculates).
PAUSE_MS = 700


def _label(name: str, role: str, text: str = "") -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    set_role(label, role)
    label.setWordWrap(True)
    return label


WASTE_CAPTION = "Waste"
KEPT_CAPTION = "Left in vial (multi-dose)"


class ResultPanel(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("resultPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        palette = self.palette()
        palette.setColor(palette.ColorRole.Window, "#f6f8fb")
        self.setPalette(palette)
        self.claim_lines = _label("claimLines", "claim")
        self.units_administered = _label("unitsAdministered", "figure", DASH)
        self.units_wasted = _label("unitsWasted", "figure", DASH)
        self.waste_volume = _label("wasteVolume", "figure", DASH)
        self.ndc_segments = hint(name="ndcSegments")
        self.ndc_segments.setAccessibleName("Drug identification on the claim (N4, NDC, mL)")
        self.summary = hint(name="resultSummary")
        self.missing = _label("resultMissing", "missing")
        self.warnings = _label("warnings", "warning")
        self.steps = _label("steps", "steps")
        self.bars = VialBars()
        self._captions: dict[QLabel, QLabel] = {}
        self._heard = NOT_YET  # the answer last announced (none at the start)
        self._answer = NOT_YET  # the answer on screen
        self._pause = QTimer(self, singleShot=True, interval=PAUSE_MS)
        self._pause.timeout.connect(self._announce)
        self._build_layout()
        self.show_missing({})

    def _build_layout(self) -> None:
        column = QVBoxLayout(self)
        column.setSpacing(8)
        title = QLabel("To bill")
        set_role(title, "section")
        column.addWidget(title)
        column.addWidget(self.claim_lines)
        column.addWidget(self.ndc_segments)
        column.addWidget(self.missing)

        figures = QGridLayout()
        figures.setHorizontalSpacing(18)
        self.waste_caption = hint(WASTE_CAPTION, name="wasteCaption")
        for col, (caption, label) in enumerate(
            (
                (hint("Units administered"), self.units_administered),
                (hint("Units wasted (JW)"), self.units_wasted),
                (self.waste_caption, self.waste_volume),
            )
        ):
            self._captions[label] = caption
            label.setWordWrap(False)  # "8 mL" on one line, never "8" over "mL"
            figures.addWidget(caption, 0, col)
            figures.addWidget(label, 1, col)
        column.addLayout(figures)
        column.addWidget(self.bars)
        column.addWidget(self.summary)
        column.addWidget(self.warnings)
        heading = QLabel("How it was worked out")
        set_role(heading, "subsection")
        column.addWidget(heading)
        column.addWidget(self.steps)
        column.addStretch(1)

    def show_result(self, result: CalculationResult) -> None:

        self.claim_lines.setText("\n".join(str(line) for line in result.claim_lines))
        segments = [
            f"{line.billed_code}: {line.ndc_segment}"
            for line in result.claim_lines
            if line.ndc_segment
        ]
        self.ndc_segments.setText("NDC on the claim: " + " · ".join(segments) if segments else "")
        self.ndc_segments.setVisible(bool(segments))
        self.missing.hide()
        self.units_administered.setText(f"{result.units_administered:,}")
        self.units_wasted.setText(f"{result.units_wasted:,}")
        self.waste_volume.setText(result.amount(result.waste_ml))
        # A multi-dose remainder is not waste: it stays in the vial for later doses.
        caption = KEPT_CAPTION if result.multi_dose else WASTE_CAPTION
        self.waste_caption.setText(caption)
        vials = " + ".join(str(c) for c in result.vials_by_size)
        kind = "multi-dose" if result.multi_dose else "single-dose"
        self.summary.setText(
            f"Ordered {result.amount(result.ordered_ml)} · opened {vials} "
            f"({kind}) = {result.amount(result.opened_ml)} · administered "
            f"{result.amount(result.administered_ml)}"
        )
        self._show_warnings(result)
        self.bars.show_result(result)
        self.steps.setText("\n".join(f"{n}. {step}" for n, step in enumerate(result.steps, 1)))
        self._expose()

    def _expose(self) -> None:
        """Each figure heard with its caption ("Units administered: 3"), the claim lines
        as one sentence; a changed answer is announced when typing pauses."""
        claim = ", ".join(self.claim_lines.text().splitlines())
        self.claim_lines.setAccessibleName(f"Claim lines to bill: {claim}")
        figures = []
        for label, caption in self._captions.items():
            figures.append(f"{caption.text()}: {label.text()}")
            label.setAccessibleName(figures[-1])
        self._answer = f"{claim}. {'; '.join(figures)}." if claim != DASH else NOT_YET
        self._pause.start()  # again: from the last change

    def _announce(self) -> None:
        if self._answer != self._heard:
            self._heard = self._answer
            announce(self, self._answer)

    def _show_warnings(self, result: CalculationResult) -> None:
        from html import escape

        if not result.warnings:
            self.warnings.hide()
            return
        items = "".join(
            f"<p style='margin:0 0 6px 0'><b>⚠ {escape(w.message)}</b><br>"
            f"What to do: {escape(w.action)}</p>"
            for w in result.warnings
        )
        self.warnings.setText(items)
        self.warnings.show()

    def show_missing(self, problems: dict[str, str]) -> None:
        """No result: dashes everywhere and, in words, what to enter or fix."""
        self.claim_lines.setText(DASH)
        self.ndc_segments.hide()
        for label in (self.units_administered, self.units_wasted, self.waste_volume):
            label.setText(DASH)
        self.summary.clear()
        self.bars.show_result(None)
        self.warnings.hide()
        self.steps.clear()
        if problems:
            lines = "\n".join(f"• {text}" for text in problems.values())
            self.missing.setText(f"Not calculated yet:\n{lines}")
        else:
            self.missing.setText("Not calculated yet.")
        self.missing.show()
        self._expose()
