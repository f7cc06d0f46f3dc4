"""How a session on a site reviews its claim (``DoseSession.reviewer``), made without
loading the checks: they load when the first claim is reviewed, not when the window
starts."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.calculation_models import CalculationResult
    from core.catalog import Catalog, PayerList
    from core.claim_review import ClaimReviewer
    from core.denial_checks import Check
    from core.documentation import Documentation
    from core.reference import CrosswalkSource


def site_reviewer(
    data_dir: str | os.PathLike[str] | None,
    crosswalk: Callable[[], CrosswalkSource | None],
    *,
    catalog: Catalog | None = None,
    payers: PayerList | None = None,
) -> ClaimReviewer:
    """How a session on this site reviews its claim (``DoseSession.reviewer``): with the
    authorizations recorded in ``data_dir`` and the ``crosswalk`` open now, if any."""

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
            data_dir=data_dir,
            service_date=service_date,
            catalog=catalog,
            payers=payers,
            crosswalk=crosswalk(),
            expiring_today_blocks=expiring_today_blocks,
        )

    return reviewer
