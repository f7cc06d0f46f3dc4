"""The documentation worksheet: the PDF that goes into the patient's chart.

``build_worksheet`` takes the calculation result and the documentation fields and
returns PDF bytes. ReportLab is imported on the first call, not when this package is
imported, so the window starts without it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from core.calculation_models import CalculationResult
from core.documentation import Documentation, fact_warnings, printable_documentation
from core.worksheet.content import DRAFT_MARK, Paper, WorksheetContent, worksheet_content

if TYPE_CHECKING:
    from core.accounts.models import Signature
    from core.blockers import Blocker
    from core.denial_checks import Check

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
    checks: Sequence[Check] = (),
    signatures: Mapping[str, Signature] | None = None,
    blockers: Sequence[Blocker] = (),
) -> bytes:
    """The worksheet as PDF bytes. Same arguments, same bytes.

    ``worksheet_id`` is the records store's id (``W-000042``); ``replaces`` the id
    number of the worksheet this one corrects (``None``: ``documentation.replaces``).
    ``printed_at`` is printed as the print time (never the clock, for reproducible
    bytes). ``draft`` adds the diagonal 'DRAFT — not for the chart' watermark and lists
    the ``blockers`` still in the way; callers must refuse a non-draft worksheet while
    ``DoseSession.blockers`` is not empty. ``checks`` is the denial-risk check
    (``core.claim_review``, by the site's catalog and records): the worksheet prints the
    checks it is given.
    ``signatures`` (by field: ``prepared_by``...) print "signed" with the signing time;
    other names print "typed, not signed".
    """
    from core.worksheet import fonts, render

    documentation = printable_documentation(documentation)
    content = worksheet_content(
        result,
        documentation,
        worksheet_id=worksheet_id,
        printed_at=printed_at,
        replaces=replaces,
        draft=draft,
        notices=(*fonts.notices(documentation), *fact_warnings(documentation, printed_at)),
        checks=checks,
        signatures=signatures,
        blockers=blockers,
    )
    return render.build_pdf(content, paper)
