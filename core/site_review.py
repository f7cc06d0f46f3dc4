"""How a session on a site reviews its claim (``DoseSession.reviewer``), made without
loading the checks: they load at the first review, not when the window starts (the
authorizations' store brings the database driver)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.calculation_models import CalculationResult
    from core.claim_review import ClaimReviewer
    from core.denial_checks import Check
    from core.documentation import Documentation
    from core.reference import CrosswalkSource
    from core.site import Site


def site_reviewer(site: Site, crosswalk: Callable[[], CrosswalkSource | None]) -> ClaimReviewer:
    """With the site's catalog, payers and recorded authorizations, and the ``crosswalk``
    shown now (else the site's)."""

    def reviewer(
        result: CalculationResult,
        doc: Documentation,
        *,
        service_date: date,
        expiring_today_blocks: bool,
    ) -> tuple[CalculationResult, tuple[Check, ...]]:
        from core.claim_review import review_claim

        return review_claim(
            result,
            doc,
            route=doc.route,
            site=site,
            service_date=service_date,
            crosswalk=crosswalk(),
            expiring_today_blocks=expiring_today_blocks,
        )

    return reviewer
