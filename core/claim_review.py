"""One call for the command line and the window: a calculation reviewed as the claim
goes out, with its denial-risk checks.

It reads the prior authorization from the site (only when a number is given) and the
site's catalog and payer profiles, then applies ``core.denial_checks``.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from core.calculation_models import CalculationResult
from core.denial_checks import Check, denial_checks, review
from core.documentation import Documentation
from core.records.models import format_worksheet_id
from core.reference import CrosswalkSource

if TYPE_CHECKING:
    from core.site import Site


def review_claim(
    result: CalculationResult,
    doc: Documentation,
    *,
    route: str,
    site: Site,
    service_date: date,
    crosswalk: CrosswalkSource | None = None,
) -> tuple[CalculationResult, tuple[Check, ...]]:
    """``(reviewed result, checks)`` for one dose and its documentation, by the site's
    catalog and payers.

    Without a ``crosswalk``, the one imported into the site (if any) checks the NDC
    against the code.
    """
    from core.authorizations import state_for

    crosswalk = site.reference() if crosswalk is None else crosswalk
    code = site.catalog.code(result.code)
    payer = site.payers.get(result.payer)
    authorization = None
    number = doc.prior_authorization.strip()
    if number:
        replaces = format_worksheet_id(doc.replaces) if doc.replaces else None
        with site.open_authorizations() as store:
            authorization = state_for(store, number, replaces=replaces)
    reviewed = review(
        result,
        code=code,
        payer=payer,
        diagnosis=doc.diagnosis,
        route=route,
        authorization=authorization,
        service_date=service_date,
    )
    checks = denial_checks(
        reviewed,
        doc,
        code=code,
        payer=payer,
        service_date=service_date,
        crosswalk=crosswalk,
        authorization_looked_up=authorization is not None,
    )
    return reviewed, checks


def as_billed(
    result: CalculationResult,
    doc: Documentation,
    *,
    route: str,
    site: Site,
    service_date: date,
) -> tuple[CalculationResult, tuple[Check, ...]]:
    """The claim as it goes out, the one way the command line and the window make it:
    priced for the service date from the CMS files (or the payer's fee schedule) imported
    into the site, then reviewed (route modifiers, warnings) with its denial-risk checks.
    The site's reference data (held open) answers both."""
    from core.pricing import price_result

    reference = site.reference()
    priced = price_result(result, reference, service_date)
    return review_claim(
        priced, doc, route=route, site=site, service_date=service_date, crosswalk=reference
    )


def use_authorization(
    site: Site,
    doc: Documentation,
    result: CalculationResult,
    worksheet_id: str,
) -> None:
    """After ``worksheet_id`` is recorded: count it against its prior authorization, and
    stop counting the worksheet it corrects. Nothing to do without either."""
    from core.authorizations import record_worksheet_use

    replaces = format_worksheet_id(doc.replaces) if doc.replaces else None
    if not doc.prior_authorization.strip() and replaces is None:
        return
    with site.open_authorizations() as store:
        record_worksheet_use(
            store,
            result,
            number=doc.prior_authorization,
            worksheet_id=worksheet_id,
            replaces=replaces,
        )
