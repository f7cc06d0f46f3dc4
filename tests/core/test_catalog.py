"""The shipped catalog and payer profiles, and clear errors for broken files."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from core.catalog import CATALOG_FILE, load_catalog, load_payers
from core.errors import CatalogError, InputError
from core.quantities import Unit

REAL_500_MG = ["J1459", "J1556", "J1557", "J1561", "J1566", "J1568", "J1569", "J1572", "J1599"]


def test_j1410_per_5_ml_is_the_default_and_marked_as_project_specified() -> None:
    catalog = load_catalog()
    j1410 = catalog.default_code
    assert j1410.hcpcs == "J1410"
    assert (j1410.dosage.amount, j1410.dosage.unit) == (Decimal(5), Unit.ML)
    assert not j1410.cms_verified
    assert "estrogen conjugated" in j1410.source


def test_a_catalog_written_with_the_old_containers_key_still_loads(tmp_path: Path) -> None:
    # "vial_sizes" was "containers" before "vial" became the one word for it.
    data = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    for product in data["products"]:
        product["containers"] = product.pop("vial_sizes")
    old = tmp_path / "catalog.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    assert load_catalog(old) == load_catalog()


def test_real_immune_globulin_codes_are_listed_with_their_units() -> None:
    catalog = load_catalog()
    for hcpcs in REAL_500_MG:
        assert catalog.code(hcpcs).dosage.mg == Decimal(500)
    assert catalog.code("J1559").dosage.mg == Decimal(100)
    assert catalog.code("j1460").dosage.unit is Unit.ML


def test_products_from_the_reference() -> None:
    catalog = load_catalog()
    privigen = catalog.product("privigen")
    assert privigen.concentration.mg_per_ml == Decimal(100)
    assert [c.ml for c in privigen.vial_sizes] == [Decimal(n) for n in (50, 100, 200, 400)]
    assert catalog.product("Octagam 5%").concentration.mg_per_ml == Decimal(50)
    assert catalog.product("Hizentra 20%").route == "SC"
    assert not any(p.multi_dose for p in catalog.products)
    with pytest.raises(InputError, match="matches several"):
        catalog.product("octagam")


def test_payer_profiles() -> None:
    payers = load_payers()
    assert payers.default.id == "medicare"
    assert payers.default.jz_required and payers.default.rounding == "up"
    commercial = payers.get("commercial")
    assert not commercial.jz_required and commercial.prior_authorization_required


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "catalog.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def _shipped() -> dict[str, object]:
    data: dict[str, object] = json.loads(CATALOG_FILE.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize(
    ("breakage", "words"),
    [
        (lambda d: "{not json", "not valid JSON"),
        (lambda d: {**d, "codes": []}, "codes"),
        (lambda d: {**d, "codes": d["codes"] + d["codes"][:1]}, "listed twice"),
        (lambda d: {**d, "products": [{**d["products"][0], "hcpcs": "J0000"}]}, "not in codes"),
        (
            lambda d: {**d, "products": [{**d["products"][0], "concentration": "ten"}]},
            "concentration",
        ),
        (lambda d: {**d, "codes": [{**d["codes"][0], "dosage": {"amount": "5"}}]}, "unit"),
    ],
)
def test_a_broken_catalog_is_one_clear_error(tmp_path: Path, breakage: object, words: str) -> None:
    path = _write(tmp_path, breakage(_shipped()))  # type: ignore[operator]
    with pytest.raises(CatalogError) as raised:
        load_catalog(path)
    message = str(raised.value)
    assert str(path) in message and words in message and "\n" not in message


def test_a_missing_catalog_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(tmp_path / "absent.json")
