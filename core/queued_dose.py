"""A dose in the verification queue as a case and as a session: what the nurse opens,
what `queue show` prints and what `worksheet --from-queue` records.

The queue keeps the form as a case (``{"dose": ..., "documentation": ...}``) without the
names: who prepared and who verified are the queue's signatures. ``queued_blockers`` is
the session's one list of blockers (``core.blockers``) for that dose, as it stands in
the queue (pending: not verified yet).
"""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

from core.worksheet.case import Case, parse_case, shared_fields

if TYPE_CHECKING:
    from core.blockers import Blocker
    from core.calculation_models import CalculationResult
    from core.catalog import Catalog, PayerList
    from core.claim_review import ClaimReviewer
    from core.session import DoseSession
    from core.verification_queue import QueuedDose


def queued_case(dose: QueuedDose) -> Case:
    """The dose as submitted, named by its signatures (the verifier's once signed).
    Raises ``InputError`` naming the queued dose when its content is not a case."""
    case = parse_case(json.dumps(dose.content), f"queued dose {dose.id}")
    names = {
        "prepared_by": dose.prepared.full_name,
        "verified_by": dose.verified.full_name if dose.verified is not None else "",
    }
    form, doc = shared_fields(case.dose, case.documentation.replace(**names))
    return Case(dose=form, documentation=doc)


def queued_session(
    dose: QueuedDose,
    catalog: Catalog,
    payers: PayerList,
    reviewer: ClaimReviewer | None = None,
    *,
    expiring_today_blocks: bool = False,
) -> DoseSession:
    """The queued dose as a session by the site's ``catalog`` and ``payers``: verified at
    the verifier's signing time, if signed; its claim reviewed by ``reviewer`` (the
    site's), else from the catalog alone."""
    from core.session import DoseSession, SessionError

    case = queued_case(dose)
    session = DoseSession(catalog, payers)
    if reviewer is not None:
        session.reviewer = reviewer
    session.expiring_today_blocks = expiring_today_blocks
    session.set_dose(case.dose)
    session.set_documentation(case.documentation)
    if dose.verified is not None and session.result is not None:
        at = dose.verified.signed_at.astimezone().replace(tzinfo=None, second=0, microsecond=0)
        with contextlib.suppress(SessionError):  # the blockers then say why
            session.verify(at=at)
    return session


def queued_blockers(
    dose: QueuedDose,
    catalog: Catalog,
    payers: PayerList,
    reviewer: ClaimReviewer | None = None,
    *,
    expiring_today_blocks: bool = False,
) -> list[Blocker]:
    """What keeps the queued dose from the chart (``DoseSession.blockers``); content
    that is not a case blocks, named."""
    return queued_review(
        dose, catalog, payers, reviewer, expiring_today_blocks=expiring_today_blocks
    )[0]


def queued_review(
    dose: QueuedDose,
    catalog: Catalog,
    payers: PayerList,
    reviewer: ClaimReviewer | None = None,
    *,
    expiring_today_blocks: bool = False,
) -> tuple[list[Blocker], CalculationResult | None]:
    """The queued dose's blockers (``queued_blockers``) and its result (what the nurse
    verifies: claim lines, units, waste, vials), ``None`` when it does not calculate."""
    from core.blockers import unreadable_blockers
    from core.errors import InputError

    try:
        session = queued_session(
            dose, catalog, payers, reviewer, expiring_today_blocks=expiring_today_blocks
        )
    except InputError as error:
        return unreadable_blockers({"content": str(error)}), None
    return session.blockers(), session.result
