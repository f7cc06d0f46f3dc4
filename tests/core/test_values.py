"""core.values: the engine's msgspec values, their JSON form and how data is read into them."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from core.calculation_models import ClaimLine
from core.catalog import CATALOG_FILE, Product, VialSize, load_catalog
from core.errors import CatalogError
from core.ndc import parse_ndc
from core.quantities import Quantity, Unit
from core.values import ValueProblem, read, to_data, where_and_what


def test_a_value_cannot_be_changed_and_a_changed_copy_is_checked_again() -> None:
    vial = VialSize(ml=D(10))
    with pytest.raises(AttributeError):
        vial.ml = D(20)  # type: ignore[misc]
    assert vial.replace(ml=D(20)).ml == D(20)
    with pytest.raises(ValueError, match="ml must be greater than 0"):
        vial.replace(ml=D(0))
    with pytest.raises(ValueError, match="ml must be a finite number"):
        vial.replace(ml=D("NaN"))
    with pytest.raises(TypeError, match="litres"):
        VialSize(ml=D(10), litres=D(1))  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="litres"):
        vial.replace(litres=D(1))


def test_values_are_equal_and_hash_alike_by_their_fields() -> None:
    five = Quantity(amount=D(5), unit=Unit.ML)
    assert five == Quantity(amount=D("5.0"), unit=Unit.ML)
    assert hash(five) == hash(Quantity(amount=D("5.0"), unit=Unit.ML))
    assert five != Quantity(amount=D(5), unit=Unit.MG)
    assert {five: "x"}[Quantity(amount=D(5), unit=Unit.ML)] == "x"
    assert repr(five) == "Quantity(amount=Decimal('5'), unit=<Unit.ML: 'mL'>)"


def test_json_data_keeps_the_shapes_records_hold() -> None:
    line = ClaimLine(
        hcpcs="J1459",
        modifiers=("JW",),
        units=4,
        ndc_quantity_ml=D("2E+1"),
        payment=D("12.50"),
    )
    assert to_data(line) == {
        "hcpcs": "J1459",
        "modifiers": ["JW"],
        "units": 4,
        "ndc": None,
        "ndc_quantity_ml": "20",  # plain notation, never 2E+1
        "ndc_segment": None,
        "payment_per_unit": None,
        "payment": "12.5",
    }
    text = json.dumps(
        to_data(VialSize(ml=D(10), ndc=parse_ndc("0944-2700-02"))), separators=(",", ":")
    )
    assert text == '{"ml":"10","ndc":{"segments":["0944","2700","02"]}}'
    assert to_data(Quantity(amount=D(5), unit=Unit.ML)) == {"amount": "5", "unit": "mL"}


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"ml": "ten"}, "ml: Invalid decimal string"),
        ({"ml": "NaN"}, "ml must be a finite number"),
        ({"ml": "0"}, "ml must be greater than 0"),
        ({}, "Object missing required field `ml`"),
        ({"ml": "10", "size": "10"}, "size: unknown key"),
        ({"ml": "10", "ndc": {"segments": "x"}}, "ndc.segments: Expected `array`, got `str`"),
        ([], "Expected `object`, got `array`"),
    ],
)
def test_reading_data_names_where_and_what(data: object, words: str) -> None:
    with pytest.raises(ValueProblem) as raised:
        read(VialSize, data)
    assert words in where_and_what(raised.value)


def test_reading_data_converts_text_and_numbers_to_decimals() -> None:
    assert read(VialSize, {"ml": 50.0}).ml == D("50.0")
    assert read(VialSize, {"ml": "50"}).ml == D(50)
    assert read(Quantity, {"amount": "5", "unit": "mg"}).unit is Unit.MG
    with pytest.raises(ValueProblem, match="Invalid enum value 'grams'"):
        read(Quantity, {"amount": "5", "unit": "grams"})


def _catalog_with(tmp_path: Path, product: dict[str, object]) -> Path:
    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    data["products"] = [product]
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_a_catalog_reads_labels_and_the_old_key_but_not_beside_todays(tmp_path: Path) -> None:
    product = {"name": "P", "hcpcs": "J1459", "concentration": "10%", "route": "IV"}
    sizes = [{"ml": "50", "ndc": "0944-2700-02"}]
    old = load_catalog(
        _catalog_with(tmp_path, {**product, "multi_dose": False, "containers": sizes})
    )
    (read_product,) = old.products
    assert isinstance(read_product, Product)
    assert [v.ml for v in read_product.vial_sizes] == [D(50)]
    assert read_product.vial_sizes[0].ndc == parse_ndc("0944-2700-02")
    assert read_product.concentration.mg_per_ml == D(100)
    both = {**product, "multi_dose": False, "containers": sizes, "vial_sizes": sizes}
    with pytest.raises(CatalogError, match=r"products\.0\.containers: unknown key"):
        load_catalog(_catalog_with(tmp_path, both))
    bad_ndc = {**product, "multi_dose": False, "vial_sizes": [{"ml": "50", "ndc": "12"}]}
    with pytest.raises(CatalogError, match=r"products\.0\.vial_sizes\.0\.ndc: catalog NDC"):
        load_catalog(_catalog_with(tmp_path, bad_ndc))
