"""NDC on the claim: 11 digits in 5-4-2 form after N4, with an ML quantity."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.errors import InputError
from core.ndc import ndc_claim_segment, parse_ndc


@pytest.mark.parametrize(
    ("label", "billing"),
    [
        ("0002-7597-01", "00002759701"),  # 4-4-2
        ("50242-040-62", "50242004062"),  # 5-3-2
        ("60575-4112-1", "60575411201"),  # 5-4-1
        ("00002-7597-01", "00002759701"),  # already 5-4-2
        ("00002759701", "00002759701"),  # 11 digits bare
    ],
)
def test_label_to_11_digits(label: str, billing: str) -> None:
    assert parse_ndc(label).billing == billing


def test_bare_ten_digits_are_ambiguous_and_refused() -> None:
    with pytest.raises(InputError, match="ambiguous"):
        parse_ndc("0002759701")


@pytest.mark.parametrize("text", ["", "abc", "12-34-56", "0002-7597", "0002_7597_01"])
def test_malformed_ndc_refused(text: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_ndc(text)
    assert raised.value.field == "NDC"


def test_claim_segment_with_ml_quantity_at_most_three_decimals() -> None:
    ndc = parse_ndc("0002-7597-01")
    assert ndc_claim_segment(ndc, Decimal("12")) == "N400002759701ML12"
    assert ndc_claim_segment(ndc, Decimal("12.50")) == "N400002759701ML12.5"
    assert ndc_claim_segment(ndc, Decimal("0.33333")) == "N400002759701ML0.333"


def test_twelve_digit_ndc_of_2033_is_accepted_unchanged() -> None:
    assert parse_ndc("123456-7890-12").billing == "123456789012"
