"""A scanned package as a vial: the 11-digit NDC is settled by what is known, never guessed."""

from __future__ import annotations

from datetime import date

import pytest
from biip.checksums import gs1_standard_check_digit
from hypothesis import given
from hypothesis import strategies as st

from core.catalog import Catalog, Product, VialSize, default_catalog
from core.documentation import VialRecord
from core.errors import InputError
from core.gs1 import parse_scan
from core.ndc import parse_ndc
from core.vial_scan import (
    known_ndcs,
    ndc_forms,
    ndc_warnings,
    read_scans,
    resolve_ndc,
    serial_warnings,
)

NDC10 = "4415101234"
FORMS = ["04415101234", "44151001234", "44151012304"]  # 4-4-2, 5-3-2, 5-4-1 padded


def code(serial: str = "SN1", ndc10: str = NDC10, expiry: str = "270131") -> str:
    body = f"003{ndc10}"
    gtin = body + str(gs1_standard_check_digit(body))
    return f"]d201{gtin}17{expiry}10LOT7\x1d21{serial}"


class Crosswalk:
    def __init__(self, listed: dict[str, frozenset[str]]) -> None:
        self.listed = listed

    def codes_for_ndc(self, ndc11: str, service_date: date) -> frozenset[str] | None:
        return self.listed.get(ndc11)

    def has_ndc(self, ndc11: str) -> bool:
        return ndc11 in self.listed


def catalog_with(ndc: str) -> Catalog:
    base = default_catalog()
    product = base.products[0]
    sized = product.replace(vial_sizes=(VialSize(ml=product.vial_sizes[0].ml, ndc=parse_ndc(ndc)),))
    return base.replace(products=(sized, *base.products[1:]))


def test_a_10_digit_ndc_has_three_billing_forms() -> None:
    assert [f.billing for f in ndc_forms(NDC10)] == FORMS
    assert [f.label for f in ndc_forms(NDC10)] == ["4415-1012-34", "44151-012-34", "44151-0123-4"]


def test_unknown_ndc_stays_ambiguous_with_all_candidates() -> None:
    resolution = resolve_ndc(NDC10, known_ndcs())
    assert resolution.ndc is None
    assert [c.billing for c in resolution.candidates] == FORMS
    assert "none is known" in resolution.describe()
    assert "44151-0123-4 (44151012304)" in resolution.describe()


@pytest.mark.parametrize(
    ("known", "where"),
    [
        (known_ndcs(catalog=catalog_with("44151-012-34")), "the catalog"),
        (known_ndcs(crosswalk=Crosswalk({"44151001234": frozenset({"J1410"})})), "CMS"),
        (known_ndcs(recorded={"44151001234"}), "an earlier worksheet"),
    ],
)
def test_one_known_form_settles_the_ndc(known: object, where: str) -> None:
    resolution = resolve_ndc(NDC10, known)  # type: ignore[arg-type]
    assert resolution.ndc is not None
    assert resolution.ndc.billing == "44151001234"
    assert where in resolution.describe()


def test_two_known_forms_are_still_ambiguous_and_only_those_are_offered() -> None:
    resolution = resolve_ndc(NDC10, known_ndcs(recorded={"04415101234", "44151012304"}))
    assert resolution.ndc is None
    assert [c.billing for c in resolution.candidates] == ["04415101234", "44151012304"]
    assert "several are known" in resolution.describe()


def test_the_user_settles_an_ambiguous_ndc_with_one_of_the_candidates() -> None:
    resolution = resolve_ndc(NDC10, known_ndcs())
    assert resolution.settle("44151-0123-4").billing == "44151012304"
    assert resolution.settle("44151012304").billing == "44151012304"
    with pytest.raises(InputError, match=r"0002-7597-01 is not the scanned NDC 4415101234"):
        resolution.settle("0002-7597-01")


def test_read_scans_refuses_an_ambiguous_ndc_without_a_choice() -> None:
    with pytest.raises(InputError, match=r"^scan 1: NDC 4415101234 is ambiguous.*--ndc"):
        read_scans([code()], known_ndcs())
    vials = read_scans([code("A"), code("B")], known_ndcs(), chosen_ndc="44151-012-34")
    assert [(v.ndc, v.serial, v.lot, v.expiry) for v in vials] == [
        ("44151001234", "A", "LOT7", date(2027, 1, 31)),
        ("44151001234", "B", "LOT7", date(2027, 1, 31)),
    ]


def test_the_same_serial_twice_in_one_dose_is_refused() -> None:
    with pytest.raises(InputError, match=r"^scan 2: this vial was already scanned"):
        read_scans([code("A"), code("A")], known_ndcs(recorded={"44151001234"}))


def test_an_earlier_serial_warns_for_single_dose_only() -> None:
    vials = (VialRecord(serial="A"), VialRecord(serial="B"))

    def recorded_on(vial: VialRecord) -> list[str]:
        return ["W-000007"] if vial.serial == "B" else []

    assert serial_warnings(vials, False, recorded_on) == [
        "vial 2 (serial B) is already recorded on worksheet W-000007; "
        "a single-dose vial cannot be used twice"
    ]
    assert serial_warnings(vials, True, recorded_on) == []  # a multi-dose vial is reused


def test_an_ndc_of_another_product_or_code_warns() -> None:
    product = catalog_with("44151-012-34").products[0]
    assert isinstance(product, Product)
    day = date(2026, 11, 29)
    mine = parse_ndc("44151-012-34")
    other = parse_ndc("0002-7597-01")
    assert ndc_warnings(mine, product.hcpcs, product, day) == []
    assert ndc_warnings(other, product.hcpcs, product, day) == [
        f"NDC 0002-7597-01 is not an NDC of {product.name}"
    ]
    assert ndc_warnings(other, "J1410", None, day, entered=mine) == [
        "NDC 0002-7597-01 is not the NDC entered for the claim, 44151-012-34"
    ]
    assert ndc_warnings(mine, "J1410", None, day, entered=parse_ndc("44151001234")) == []
    crosswalk = Crosswalk({"00002759701": frozenset({"J1459"})})
    assert ndc_warnings(other, "J1410", None, day, crosswalk) == [
        "NDC 0002-7597-01 bills under J1459 in the CMS crosswalk, not J1410"
    ]


def test_a_scan_without_ndc_gtin_gives_a_vial_without_ndc() -> None:
    (vial,) = read_scans(["0104006381333931" + "10L1"], known_ndcs())
    assert vial.ndc == "" and vial.lot == "L1"
    assert parse_scan("0104006381333931").ndc10 is None


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_each_form_pads_its_short_segment_with_one_zero(ndc10: str) -> None:
    # 4-4-2 pads the labeler (position 0), 5-3-2 the product (5), 5-4-1 the package (9).
    for form, padded in zip(ndc_forms(ndc10), (0, 5, 9), strict=True):
        assert "".join(form.segments) == ndc10
        assert form.billing[padded] == "0"
        assert form.billing[:padded] + form.billing[padded + 1 :] == ndc10
