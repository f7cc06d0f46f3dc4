"""The documentation worksheet: the PDF that goes into the patient's chart.

``build_worksheet`` takes the calculation result and the documentation fields and
returns PDF bytes. ReportLab is imported on the first call, not when this package is
imported, so the window starts without it.
"""

from __future__ import annotations

from datetime import datetime

from core.calculation_models import CalculationResult
from core.documentation import Documentation
from core.worksheet.content import DRAFT_MARK, Paper, WorksheetContent, worksheet_content

__all__ = ["DRAFT_MARK", "Paper", "WorksheetContent", "build_worksheet", "worksheet_content"]


def build_worksheet(
    result: CalculationResult,
    documentation: Documentation,
    *,
    worksheet_id: str,
    printed_at: datetime,
    replaces: int | None = None,
    draft: bool = False,
    paper: Paper = "letter",
) -> bytes:
    """The worksheet as PDF bytes. Same arguments, same bytes.

    ``worksheet_id`` is the records store's id (``W-000042``); ``replaces`` the id
    number of the worksheet this one corrects (``None``: ``documentation.replaces``).
    ``printed_at`` is printed as the print time (never the clock, for reproducible
    bytes). ``draft`` adds the diagonal 'DRAFT — not for the chart' watermark and lists
    what is still missing; callers must refuse a non-draft worksheet while
    ``core.documentation.missing_for_print`` is not empty.
    """
    from core.worksheet import fonts, render

    content = worksheet_content(
        result,
        documentation,
        worksheet_id=worksheet_id,
        printed_at=printed_at,
        replaces=replaces,
        draft=draft,
        notices=fonts.notices(documentation),
    )
    return render.build_pdf(content, paper)
