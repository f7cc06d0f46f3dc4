"""The blockers of a documented calculation, as a session without a site finds them
(``core.claim_review.check_claim``, then ``core.blockers.dose_blockers``)."""

from __future__ import annotations

from datetime import datetime

from core.blockers import Blocker, dose_blockers
from core.calculation_models import CalculationResult
from core.catalog import default_catalog, default_payers
from core.claim_review import check_claim
from core.documentation import Documentation


def blockers_of(
    doc: Documentation,
    result: CalculationResult,
    now: datetime | None = None,
    *,
    expiring_today_blocks: bool = False,
) -> list[Blocker]:
    now = now or datetime.now()
    day = (doc.administered_at or now).date()
    reviewed, checks = check_claim(
        result,
        doc,
        route=doc.route,
        service_date=day,
        catalog=default_catalog(),
        payers=default_payers(),
        expiring_today_blocks=expiring_today_blocks,
    )
    return dose_blockers(
        reviewed, doc, checks=checks, verified=doc.verified_at is not None, now=now
    )


def blocker_messages(
    doc: Documentation, result: CalculationResult, now: datetime | None = None
) -> list[str]:
    return [b.message for b in blockers_of(doc, result, now)]
