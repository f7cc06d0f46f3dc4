"""The same three rules for every model in core, whichever library it is made with.

Every pydantic model and every engine value defined in a core module is found by walking
the package, so a new model is held to the rules without editing this file:

- unknown keys are refused (reading data, making one, copying one);
- decimals are plain in JSON (``"20"``, never ``"2E+1"``);
- a changed copy is validated: what making a model refuses, ``replace`` refuses too.

Each class needs an example instance: one found inside the real objects below (the
shipped catalog, a calculation, the worked example's documentation...), or one made from
its defaults. A model with neither fails ``test_every_model_has_an_example``.

Also here: no code calls pydantic's unvalidated ``model_copy``, and what records hold
(canonical JSON of the dose and result) is byte-identical to what was written before.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib
import json
import pkgutil
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import msgspec
import pytest
from pydantic import BaseModel, ValidationError

import core
from core import values
from core.accounts.models import Account, Role, Signature
from core.authorizations import Authorization
from core.calculation_models import CalculationRequest, CodeUnitConflict, Pricing
from core.catalog import CoveredDiagnoses, default_catalog, default_payers
from core.denial_checks import denial_checks
from core.dose_input import DoseForm
from core.drafts import FormInputs
from core.gs1 import parse_scan
from core.records.canonical import canonical_json
from core.records.models import VerifyReport, WorksheetRecord, WorksheetRecordSummary
from core.verification_queue import QueuedDose
from core.vial_scan import ScanReading, resolve_ndc
from core.worksheet.case import Case
from core.worksheet.example import DOCUMENTATION, DOSE, PRINTED_AT, example_result
from tests.shipped import build_request, evaluate

ROOT = Path(__file__).resolve().parents[2]


def model_classes() -> list[type]:
    """Every model class defined in a core module (private bases excluded)."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(core.__path__, "core."):
        module = importlib.import_module(info.name)
        for name, item in vars(module).items():
            if (
                isinstance(item, type)
                and issubclass(item, BaseModel | values.Value)
                and item.__module__ == module.__name__
                and not name.startswith("_")
                and item is not values.Value
                and not item.__module__.startswith("core.model")
            ):
                found[f"{item.__module__}.{item.__qualname__}"] = item
    return sorted(found.values(), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def fields(model: Any) -> dict[str, Any]:
    """A model's field values by name (nested models as they are)."""
    if isinstance(model, BaseModel):
        return dict(model)
    return msgspec.structs.asdict(model)


def dump(model: Any) -> Any:
    """The JSON form a model is written as (records, files, ``--json`` output)."""
    if isinstance(model, BaseModel):
        return model.model_dump(mode="json")
    return values.to_data(model)


def read(cls: Any, data: dict[str, Any]) -> Any:
    if issubclass(cls, BaseModel):
        return cls.model_validate(data)
    return values.read(cls, data)


#: A value whose fields msgspec cannot read from data (a union of two structs: the
#: dose ordered is an amount or an amount per kg); it is only made in code.
MADE_IN_CODE = {CalculationRequest}
REFUSED = (ValidationError, values.ValueProblem, ValueError, TypeError, AttributeError)


def _real_objects() -> Iterator[object]:
    result = example_result()
    catalog, payers = default_catalog(), default_payers()
    yield catalog
    yield payers
    yield result
    yield DOCUMENTATION
    yield build_request(DOSE)
    yield evaluate(DOSE.replace(vial_size="10", dose_ordered="12", administered="11"))
    yield build_request(
        DoseForm(product="Privigen", dose_ordered="0.4 g/kg", weight="70", administered="28 g")
    )
    yield build_request(  # a dose per m² (issue 20)
        DoseForm(vial_size="100 mg", dose_ordered="375 mg/m2", bsa="1.9", administered="700 mg")
    )
    code, payer = catalog.default_code, payers.default
    for doc in (DOCUMENTATION, DOCUMENTATION.replace(diagnosis="", waste_witness="")):
        yield from denial_checks(
            result, doc, code=code, payer=payer, service_date=PRINTED_AT.date()
        )
    yield Case(dose=DOSE, documentation=DOCUMENTATION)
    yield FormInputs(fields={"code": "J1410"})
    yield CoveredDiagnoses(policy="L1234", codes=("D80.1",))
    yield Pricing(quarter="2026Q1", source="CMS ASP", service_date="2026-02-01")
    yield CodeUnitConflict(
        code="J1459", catalog_unit="500 mg", cms_unit="1 g", quarter="2026Q1", message="m"
    )
    scan = parse_scan("010030002759701017270131107LX2231A")
    yield ScanReading(scan=scan, resolution=resolve_ndc("0002759701", lambda ndc11: None))
    signed = datetime(2025, 3, 1, 14, 5, tzinfo=UTC)
    account = Account(id=1, name="jkim", full_name="J. Kim", role=Role.PHARMACIST, active=True)
    signature = Signature(
        account_id=1, name="jkim", full_name="J. Kim", role=Role.PHARMACIST, signed_at=signed
    )
    yield account
    yield QueuedDose(
        id=1,
        state="pending",
        patient_name="Zoë",
        mrn="00123456",
        code="J1410",
        content={"dose": {}},
        content_sha256="0" * 64,
        prepared=signature,
        verified=None,
        revision=1,
    )
    record = WorksheetRecord(
        id=1,
        created_at=signed,
        code="J1410",
        mrn="00123456",
        patient_name="Zoë",
        administered_at=None,
        prepared_by="J. Kim",
        verified_by="M. Osei",
        replaces=None,
        replaced_by=None,
        pdf_sha256="0" * 64,
        inputs={},
        result={},
        documentation={},
        prev_hash="0" * 64,
        chain_hash="1" * 64,
    )
    yield record
    yield WorksheetRecordSummary(
        **{name: getattr(record, name) for name in WorksheetRecordSummary.model_fields}
    )
    yield VerifyReport(ok=True, checked=1, first_broken_id=None, message="ok")
    yield Authorization(
        number="PA-1",
        payer="commercial",
        code="J1459",
        starts=date(2026, 1, 1),
        ends=date(2026, 12, 31),
        amount=Decimal("2E+1"),
        measure="units",
    )


def _inside(item: object) -> Iterator[object]:
    """``item`` and every model held in it, however deep."""
    yield item
    if isinstance(item, BaseModel | values.Value):
        for value in fields(item).values():
            yield from _inside(value)
    elif isinstance(item, tuple | list):
        for value in item:
            yield from _inside(value)
    elif isinstance(item, dict):
        for value in item.values():
            yield from _inside(value)


def _examples() -> dict[type, object]:
    found: dict[type, object] = {}
    for real in _real_objects():
        for item in _inside(real):
            found.setdefault(type(item), item)
    for cls in model_classes():
        if cls not in found:
            with contextlib.suppress(REFUSED):
                found[cls] = cls()
    return found


EXAMPLES = _examples()
CLASSES = model_classes()
ids = [cls.__qualname__ for cls in CLASSES]


def test_the_walk_finds_both_kinds_of_model() -> None:
    names = {cls.__qualname__ for cls in CLASSES}
    assert {"Documentation", "Quantity", "CalculationResult", "Catalog", "Signature"} <= names
    assert len(CLASSES) >= 35


def test_every_model_has_an_example() -> None:
    missing = [cls.__qualname__ for cls in CLASSES if cls not in EXAMPLES]
    assert not missing, f"add an example of {missing} to _real_objects"


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_unknown_keys_are_refused(cls: Any) -> None:
    example = EXAMPLES[cls]
    with pytest.raises(REFUSED):
        cls(**fields(example), an_unknown_key="x")
    with pytest.raises(REFUSED):
        example.replace(an_unknown_key="x")
    if cls in MADE_IN_CODE:
        return
    data = dump(example)
    # A class may leave a default out of its JSON (``VialUse.unit``): it reads back the same.
    assert read(cls, {key: data[key] for key in fields(example) if key in data}) == example
    with pytest.raises(REFUSED, match=r"an_unknown_key|Extra inputs"):
        read(cls, {**data, "an_unknown_key": "x"})


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_decimals_are_plain_in_json(cls: Any) -> None:
    example = EXAMPLES[cls]
    assert "E+" not in json.dumps(dump(example)) and "E-" not in json.dumps(dump(example))
    for name, value in fields(example).items():
        if isinstance(value, Decimal):
            twenty = example.replace(**{name: Decimal("2E+1")})
            assert dump(twenty)[name] == "20", name
            small = example.replace(**{name: Decimal("5E-7")})
            assert dump(small)[name] == "0.0000005", name


#: Values a field may refuse: of the wrong type, empty, negative, not a number.
CANDIDATES: tuple[object, ...] = (object(), None, "", -1, Decimal("NaN"), Decimal(0), ())


@pytest.mark.parametrize("cls", CLASSES, ids=ids)
def test_a_copy_is_validated_as_a_new_model_is(cls: Any) -> None:
    example = EXAMPLES[cls]
    given = fields(example)
    for name in given:
        for bad in CANDIDATES:
            try:
                cls(**{**given, name: bad})
            except REFUSED:
                with pytest.raises(REFUSED):
                    example.replace(**{name: bad})
    unchanged = example.replace()
    assert unchanged == example


@pytest.mark.parametrize("cls", [c for c in CLASSES if issubclass(c, BaseModel)])
def test_a_document_copy_of_the_wrong_type_is_refused(cls: Any) -> None:
    example = EXAMPLES[cls]
    for name in fields(example):
        with pytest.raises(ValidationError):
            example.replace(**{name: object()})


def test_no_code_copies_a_model_without_validating_it() -> None:
    """pydantic's ``model_copy`` skips validation; ``replace`` is the one way to copy."""
    for path in [*Path(core.__path__[0]).rglob("*.py"), *(ROOT / "ui").rglob("*.py")]:
        assert ".model_copy(" not in path.read_text(encoding="utf-8"), path


#: SHA-256 of the canonical JSON (``core.records.canonical``) of the dose and result a
#: record holds, for the worked example and a weight-based Privigen dose with an NDC,
#: as written before the engine's values were msgspec structs: records keep their text.
RECORDED = {
    "e9751aab0274db2290d85d0f52aa345ef9abba55d845fc1e137621742d3f906f": DOSE,
    "6844baae7cda804328f25fec58d17d4811012c6c112df9f338b7e7e6ce8265be": DoseForm(
        product="Privigen",
        dose_ordered="0.4 g/kg",
        weight="70",
        administered="28 g",
        ndc="44206-0436-90",
    ),
}


@pytest.mark.parametrize(("digest", "form"), RECORDED.items())
def test_what_records_hold_is_byte_identical_to_before(digest: str, form: DoseForm) -> None:
    record = {"inputs": {"dose": values.to_data(form)}, "result": values.to_data(evaluate(form))}
    text = canonical_json(record, "record")
    assert hashlib.sha256(text.encode()).hexdigest() == digest
