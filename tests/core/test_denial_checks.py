"""The denial-risk check: each cause, pass / warn / fail, for each payer profile."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from core.authorizations import Authorization, AuthorizationState
from core.blockers import dose_blockers
from core.calculation import apply_route_modifiers
from core.calculation_models import CalculationResult
from core.catalog import CoveredDiagnoses, PayerProfile, default_catalog, default_payers
from core.denial_checks import Check, denial_checks, fields_asked, review
from core.documentation import Documentation
from core.dose_input import DoseForm
from core.necessity import parse_lab
from core.worksheet.example import DOCUMENTATION
from tests.shipped import evaluate

DAY = date(2025, 3, 1)
MEDICARE = default_payers().get("medicare")
COMMERCIAL = default_payers().get("commercial")
J1410 = default_catalog().code("J1410")
COVERED_J1410 = J1410.replace(
    covered_diagnoses=CoveredDiagnoses(policy="Test LCD L00000", codes=("D80.0-D83.9",))
)
ROUTE_PAYER = COMMERCIAL.replace(id="route-test", route_modifiers=True)
COMMERCIAL_DOC = DOCUMENTATION.replace(
    labs=(parse_lab("IgG trough=450 mg/dL on 2025-02-15"),), weighed_on=date(2025, 2, 20)
)


def dose(**fields: str) -> CalculationResult:
    form = {"vial_size": "10", "dose_ordered": "12", "administered": "12", "ndc": "0002-7597-01"}
    return evaluate(DoseForm(**{**form, **fields}))


def checks(
    result: CalculationResult,
    doc: Documentation = DOCUMENTATION,
    *,
    payer: PayerProfile = MEDICARE,
    code: object = J1410,
    crosswalk: object = None,
    auth: AuthorizationState | None = None,
    route: str = "IV",
) -> dict[str, Check]:
    from core.reference import NO_REFERENCE

    reviewed = review(
        result,
        code=code,  # type: ignore[arg-type]
        payer=payer,
        diagnosis=doc.diagnosis,
        route=route,
        authorization=auth,
        service_date=DAY,
    )
    found = denial_checks(
        reviewed,
        doc,
        code=code,  # type: ignore[arg-type]
        payer=payer,
        service_date=DAY,
        crosswalk=crosswalk or NO_REFERENCE,  # type: ignore[arg-type]
        authorization_looked_up=auth is not None,
    )
    return {c.id: c for c in found}


def states(found: dict[str, Check]) -> dict[str, str]:
    return {key: check.state for key, check in found.items()}


def test_the_example_passes_every_check_for_medicare() -> None:
    found = checks(dose())
    assert list(found) == [
        "medical-necessity",
        "diagnosis",
        "modifiers",
        "billed-units",
        "ndc",
        "prior-authorization",
        "lots-expiries",
        "waste",
    ]
    assert set(states(found).values()) == {"pass"}


def test_commercial_profile_fails_necessity_until_everything_is_documented() -> None:
    result = dose(payer="commercial", weight="70")
    bare = DOCUMENTATION.replace(labs=(), prior_treatments=())
    found = checks(result, bare, payer=COMMERCIAL)
    assert found["medical-necessity"].state == "fail"
    assert "supporting results" in found["medical-necessity"].message
    assert "prior treatments" in found["medical-necessity"].message
    assert checks(result, COMMERCIAL_DOC, payer=COMMERCIAL)["medical-necessity"].state == "pass"


def test_diagnosis_missing_fails_and_names_the_warning() -> None:
    result = dose()
    doc = DOCUMENTATION.replace(diagnosis="")
    reviewed = review(result, code=J1410, payer=MEDICARE, diagnosis="", service_date=DAY)
    assert [w.id for w in reviewed.warnings] == ["diagnosis-missing"]
    assert checks(result, doc)["diagnosis"].state == "fail"


def test_diagnosis_outside_the_covered_list_warns_with_the_policy() -> None:
    doc = DOCUMENTATION.replace(diagnosis="G61.81")
    found = checks(dose(), doc, code=COVERED_J1410)
    assert found["diagnosis"].state == "warn"
    assert "Test LCD L00000" in found["diagnosis"].message
    reviewed = review(
        dose(), code=COVERED_J1410, payer=MEDICARE, diagnosis="G61.81", service_date=DAY
    )
    assert "diagnosis-not-covered" in [w.id for w in reviewed.warnings]


def test_diagnosis_inside_the_covered_list_passes() -> None:
    found = checks(dose(), code=COVERED_J1410)
    assert found["diagnosis"].state == "pass"
    assert "Test LCD L00000" in found["diagnosis"].message


def test_without_a_list_coverage_is_said_to_be_unchecked() -> None:
    assert "no list for J1410" in checks(dose())["diagnosis"].message


def test_missing_jw_line_fails_the_modifier_check() -> None:
    result = dose()
    tampered = result.replace(claim_lines=result.claim_lines[:1])
    found = checks(tampered)
    assert found["modifiers"].state == "fail"
    assert "JW" in found["modifiers"].message
    assert found["billed-units"].state == "fail"  # 3 units billed, 3 + 1 documented


def test_missing_jz_fails_for_medicare_but_not_for_commercial() -> None:
    result = dose(dose_ordered="10", administered="10")
    assert result.claim_lines[0].modifiers == ("JZ",)
    stripped = result.replace(claim_lines=(result.claim_lines[0].replace(modifiers=()),))
    assert checks(stripped)["modifiers"].state == "fail"
    assert checks(stripped, COMMERCIAL_DOC, payer=COMMERCIAL)["modifiers"].state == "pass"


def test_units_not_matching_the_dose_fail() -> None:
    result = dose()
    more = result.claim_lines[0].replace(units=4)
    tampered = result.replace(claim_lines=(more, *result.claim_lines[1:]))
    found = checks(tampered)
    assert found["billed-units"].state == "fail"
    assert "4 units" in found["billed-units"].message


def test_administered_more_than_ordered_warns() -> None:
    assert checks(dose(dose_ordered="11"))["billed-units"].state == "warn"


def test_no_ndc_warns() -> None:
    result = dose(ndc="")
    doc = DOCUMENTATION.replace(ndc="")
    assert checks(result, doc)["ndc"].state == "warn"


class FakeCrosswalk:
    def __init__(self, codes: frozenset[str] | None) -> None:
        self.codes = codes
        self.asked: list[tuple[str, date]] = []

    def codes_for_ndc(self, ndc11: str, service_date: date) -> frozenset[str] | None:
        self.asked.append((ndc11, service_date))
        return self.codes

    def has_ndc(self, ndc11: str) -> bool:
        return self.codes is not None


def test_ndc_billing_another_code_fails_against_the_crosswalk() -> None:
    crosswalk = FakeCrosswalk(frozenset({"J1459"}))
    found = checks(dose(), crosswalk=crosswalk)
    assert found["ndc"].state == "fail"
    assert "J1459" in found["ndc"].message
    assert crosswalk.asked == [("00002759701", DAY)]


def test_ndc_matching_the_code_passes_against_the_crosswalk() -> None:
    found = checks(dose(), crosswalk=FakeCrosswalk(frozenset({"J1410", "J1459"})))
    assert found["ndc"].state == "pass"
    assert "CMS crosswalk" in found["ndc"].message


def test_the_checks_ask_for_the_fields_that_settle_them() -> None:
    """Enter in the window goes to these (a missing NDC: the NDC field)."""
    no_ndc = checks(dose(ndc=""), DOCUMENTATION.replace(ndc=""))
    assert fields_asked(tuple(no_ndc.values())) == {"ndc"}
    commercial = checks(
        dose(payer="commercial"), COMMERCIAL_DOC.replace(prior_authorization=""), payer=COMMERCIAL
    )
    assert "prior_authorization" in fields_asked(tuple(commercial.values()))
    passing = checks(dose(), crosswalk=FakeCrosswalk(frozenset({"J1410"})))
    assert set(states(passing).values()) == {"pass"}
    assert fields_asked(tuple(passing.values())) == set()


def test_commercial_without_authorization_fails() -> None:
    result = dose(payer="commercial")
    doc = COMMERCIAL_DOC.replace(prior_authorization="")
    assert checks(result, doc, payer=COMMERCIAL)["prior-authorization"].state == "fail"
    assert "prior-authorization" in [w.id for w in result.warnings]


def authorization(**fields: object) -> Authorization:
    values: dict[str, object] = {
        "number": "PA-2025-77812",
        "payer": "commercial",
        "code": "J1410",
        "starts": date(2025, 1, 1),
        "ends": date(2025, 6, 30),
        "amount": Decimal(12),
        "measure": "units",
    }
    values.update(fields)
    return Authorization(**values)  # type: ignore[arg-type]


def test_authorization_outside_its_dates_fails_as_expired() -> None:
    state = AuthorizationState("PA-2025-77812", authorization(ends=date(2025, 2, 28)))
    found = checks(dose(payer="commercial"), COMMERCIAL_DOC, payer=COMMERCIAL, auth=state)
    assert found["prior-authorization"].state == "fail"
    assert "2025-02-28" in found["prior-authorization"].message


def test_authorization_exceeded_warns_with_the_numbers() -> None:
    state = AuthorizationState("PA-2025-77812", authorization(), used=Decimal(10))
    result = dose(payer="commercial")
    reviewed = review(
        result,
        code=J1410,
        payer=COMMERCIAL,
        diagnosis="D80.1",
        authorization=state,
        service_date=DAY,
    )
    exceeded = [w for w in reviewed.warnings if w.id == "prior-authorization-exceeded"]
    assert len(exceeded) == 1
    assert "allows 12 units; 10 units used before and 4 units now make 14 units" in str(exceeded[0])
    found = checks(result, COMMERCIAL_DOC, payer=COMMERCIAL, auth=state)
    assert found["prior-authorization"].state == "warn"


def test_authorization_exactly_used_up_passes() -> None:
    state = AuthorizationState("PA-2025-77812", authorization(), used=Decimal(8))
    found = checks(dose(payer="commercial"), COMMERCIAL_DOC, payer=COMMERCIAL, auth=state)
    assert found["prior-authorization"].state == "pass"


def test_authorization_in_grams_counts_the_grams_administered() -> None:
    result = dose(payer="commercial", concentration="10%")  # 12 mL of 10 % = 1.2 g
    state = AuthorizationState(
        "PA-2025-77812", authorization(amount=Decimal("1.5"), measure="grams"), Decimal("0.5")
    )
    found = checks(result, COMMERCIAL_DOC, payer=COMMERCIAL, auth=state)
    assert found["prior-authorization"].state == "warn"
    assert "0.5 g used before and 1.2 g now make 1.7 g" in found["prior-authorization"].message


def test_an_unknown_authorization_number_warns() -> None:
    state = AuthorizationState("PA-NOPE", None)
    found = checks(dose(payer="commercial"), COMMERCIAL_DOC, payer=COMMERCIAL, auth=state)
    assert found["prior-authorization"].state == "warn"
    assert "not recorded" in found["prior-authorization"].message


def test_missing_lot_fails_and_an_expired_vial_fails_naming_the_vial() -> None:
    vials = DOCUMENTATION.vials
    no_lot = DOCUMENTATION.replace(vials=(vials[0].replace(lot=""), vials[1]))
    assert checks(dose(), no_lot)["lots-expiries"].state == "fail"
    expired = DOCUMENTATION.replace(vials=(vials[0].replace(expiry=date(2025, 2, 1)), vials[1]))
    found = checks(dose(), expired)["lots-expiries"]
    assert found.state == "fail"
    (blocker,) = found.blockers
    assert blocker.id == "vial-expired" and blocker.step == "verify"
    assert "vial 1 (lot " in blocker.message


def test_undocumented_waste_fails() -> None:
    doc = DOCUMENTATION.replace(waste_reason="", waste_witness="")
    found = checks(dose(), doc)
    assert found["waste"].state == "fail"
    assert "the reason and the witness" in found["waste"].message


def test_failures_block_printing_once_each() -> None:
    result = dose(payer="commercial")
    doc = COMMERCIAL_DOC.replace(prior_authorization="")
    reviewed = review(result, code=J1410, payer=COMMERCIAL, diagnosis="D80.1", service_date=DAY)
    found = denial_checks(reviewed, doc, code=J1410, payer=COMMERCIAL, service_date=DAY)
    blockers = dose_blockers(reviewed, doc, checks=found, verified=True, now=datetime(2025, 3, 1))
    # The missing authorization number is named once, by the one rule, though the
    # calculation warns about it too.
    assert "prior-authorization" in [w.id for w in reviewed.warnings]
    about = [(b.id, b.field) for b in blockers if "authorization" in b.id]
    assert about == [("prior-authorization", "prior_authorization")]
    crosswalk = FakeCrosswalk(frozenset({"J1459"}))
    found = denial_checks(
        reviewed, doc, code=J1410, payer=COMMERCIAL, service_date=DAY, crosswalk=crosswalk
    )
    blockers = dose_blockers(reviewed, doc, checks=found, verified=True, now=datetime(2025, 3, 1))
    assert [b.id for b in blockers if b.id != "necessity"] == ["ndc", "prior-authorization"]


@pytest.mark.parametrize(("route", "modifier"), [("IV", "JA"), ("SC", "JB"), ("sc", "JB")])
def test_route_modifiers_are_appended_when_the_payer_asks(route: str, modifier: str) -> None:
    result = apply_route_modifiers(dose(), ROUTE_PAYER, route)
    assert [line.billed_code for line in result.claim_lines] == [
        f"J1410-{modifier}",
        f"J1410-JW-{modifier}",
    ]
    # Applying twice does not add it twice.
    again = apply_route_modifiers(result, ROUTE_PAYER, route)
    assert again.claim_lines == result.claim_lines


@pytest.mark.parametrize("payer", [MEDICARE, COMMERCIAL])
def test_shipped_profiles_add_no_route_modifier(payer: PayerProfile) -> None:
    result = apply_route_modifiers(dose(), payer, "IV")
    assert all(not {"JA", "JB"} & set(line.modifiers) for line in result.claim_lines)


def test_medicare_jz_line_keeps_jz_before_the_route_modifier() -> None:
    medicare_routes = MEDICARE.replace(route_modifiers=True)
    result = apply_route_modifiers(
        dose(dose_ordered="10", administered="10"), medicare_routes, "IV"
    )
    assert result.claim_lines[0].billed_code == "J1410-JZ-JA"


def test_missing_route_modifier_fails_and_an_im_route_warns() -> None:
    result = dose()
    assert checks(result, payer=ROUTE_PAYER, route="IV")["modifiers"].state != "fail"
    unmodified = result.replace(route="IV")
    found = denial_checks(
        unmodified, DOCUMENTATION, code=J1410, payer=ROUTE_PAYER, service_date=DAY
    )
    assert {c.id: c.state for c in found}["modifiers"] == "fail"
    im = checks(result, DOCUMENTATION.replace(route="IM"), payer=ROUTE_PAYER, route="IM")
    assert im["modifiers"].state == "warn"
