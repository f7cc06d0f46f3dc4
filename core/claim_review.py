"""One call for the command line and the window: a calculation reviewed as the claim
goes out, with its denial-risk checks.

It reads the prior authorization from the site (only when a number is given) and the
site's catalog and payer profiles, then applies ``core.denial_checks``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

from core.calculation_models import CalculationResult
from core.catalog import BillingCode
from core.denial_checks import Check, denial_checks, review
from core.documentation import Documentation
from core.errors import InputError
from core.reference import NO_REFERENCE, CrosswalkSource

if TYPE_CHECKING:
    from core.authorizations import AuthorizationState
    from core.catalog import Catalog, PayerList
    from core.site import Site


class ClaimReviewer(Protocol):
    """Reviews a calculation as the claim goes out (``core.claim_review``): the result
    as billed and its denial-risk checks; raises ``InputError`` when it cannot."""

    def __call__(
        self,
        result: CalculationResult,
        doc: Documentation,
        *,
        service_date: date,
        expiring_today_blocks: bool,
    ) -> tuple[CalculationResult, tuple[Check, ...]]: ...


@dataclass(frozen=True)
class ClaimReview:
    """The claim for the dose on screen: ``result`` as billed, its ``checks``, or the
    ``error`` that kept the checks from running."""

    result: CalculationResult
    checks: tuple[Check, ...]
    error: InputError | None = None


def review_claim(
    result: CalculationResult,
    doc: Documentation,
    *,
    route: str,
    site: Site,
    service_date: date,
    crosswalk: CrosswalkSource | None = None,
    expiring_today_blocks: bool = False,
) -> tuple[CalculationResult, tuple[Check, ...]]:
    """``(reviewed result, checks)`` for one dose and its documentation, by the site's
    catalog, payers and recorded authorizations.

    Without a ``crosswalk``, the one imported into the site (if any) checks the NDC
    against the code.
    """
    from core.authorizations import state_for
    from core.records.models import format_worksheet_id

    authorization = None
    number = doc.prior_authorization.strip()
    if number:
        replaces = format_worksheet_id(doc.replaces) if doc.replaces else None
        with site.open_authorizations() as store:
            authorization = state_for(store, number, replaces=replaces)
    return check_claim(
        result,
        doc,
        route=route,
        service_date=service_date,
        catalog=site.catalog,
        payers=site.payers,
        crosswalk=site.reference() if crosswalk is None else crosswalk,
        authorization=authorization,
        expiring_today_blocks=expiring_today_blocks,
    )


def billed_code(result: CalculationResult, catalog: Catalog) -> BillingCode:
    """The catalog's entry for the result's code (with its covered diagnoses); a code
    from the imported CMS files (issue 20) is the one the result was calculated with."""
    for code in catalog.codes:
        if code.hcpcs == result.code:
            return code
    return BillingCode(
        hcpcs=result.code,
        descriptor=result.descriptor,
        dosage=result.dosage,
        source=result.code_source,
        cms_verified=result.code_cms_verified,
    )


def check_claim(
    result: CalculationResult,
    doc: Documentation,
    *,
    route: str,
    service_date: date,
    catalog: Catalog,
    payers: PayerList,
    crosswalk: CrosswalkSource = NO_REFERENCE,
    authorization: AuthorizationState | None = None,
    expiring_today_blocks: bool = False,
) -> tuple[CalculationResult, tuple[Check, ...]]:
    """``review_claim`` with what it reads from the site given: no store is opened (a
    session without a site reviews its dose this way, by its own catalog and payers)."""
    code = billed_code(result, catalog)
    payer = payers.get(result.payer)
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
        expiring_today_blocks=expiring_today_blocks,
    )
    return reviewed, checks


def as_billed(
    result: CalculationResult,
    doc: Documentation,
    *,
    route: str,
    site: Site,
    service_date: date,
    expiring_today_blocks: bool = False,
) -> tuple[CalculationResult, tuple[Check, ...]]:
    """The claim as it goes out, the one way the command line and the window make it:
    priced for the service date from the CMS files (or the payer's fee schedule) imported
    into the site, then reviewed (route modifiers, warnings) with its denial-risk checks.
    The site's reference data (held open) answers both."""
    from core.pricing import price_result

    reference = site.reference()
    priced = price_result(result, reference, service_date)
    return review_claim(
        priced,
        doc,
        route=route,
        site=site,
        service_date=service_date,
        crosswalk=reference,
        expiring_today_blocks=expiring_today_blocks,
    )
