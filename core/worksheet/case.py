"""A worksheet case: the dose as typed and the documentation fields, from a JSON file.

``{"dose": {DoseForm fields}, "documentation": {Documentation fields}}``. Unknown keys
are refused (a misspelt ``"patient"`` must not silently print an empty name), and every
problem is one line naming the key, for the command line.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from pydantic import ValidationError

from core import formats
from core.calculation_models import CalculationResult
from core.documentation import Documentation
from core.dose_input import DoseForm
from core.errors import InputError
from core.model import Model
from core.terminal import printable
from core.text import check_json_nesting, read_text_file
from core.values import ValueProblem, located, read

FIELD = "case file"


class Case(Model):
    dose: DoseForm = DoseForm()
    documentation: Documentation = Documentation()


#: A case holds a few dozen short fields; no real one comes near these.
MAX_CASE_BYTES = 256 * 1024
MAX_CASE_DEPTH = 16


def parse_case(text: str, source: str = FIELD) -> Case:
    check_json_nesting(text, source, MAX_CASE_DEPTH)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, f"is not JSON ({error.msg} at line {error.lineno})") from None
    except (ValueError, RecursionError):  # e.g. an integer of 10,000 digits
        raise InputError(source, "holds a number too large for any field") from None
    if not isinstance(data, dict):
        raise InputError(source, 'must be an object: {"dose": {...}, "documentation": {...}}')
    try:  # the dose is a ``core.values`` struct: read by msgspec, named the same way
        dose = read(DoseForm, data.get("dose", {}))
    except ValueProblem as problem:
        where, what = located(problem, "dose")
        if what == "unknown key":
            raise InputError(source, f"unknown key {where}") from None
        raise InputError(source, f"{where}: {what}") from None
    try:
        return Case.model_validate({**data, "dose": dose})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        if first["type"] == "extra_forbidden":
            raise InputError(source, f"unknown key {where}") from None
        raise InputError(source, f"{where}: {first['msg']}") from None


def load_case(path: Path) -> Case:
    text = read_text_file(path, FIELD, MAX_CASE_BYTES)
    return parse_case(text, f"{FIELD} {printable(str(path))}")


def shared_fields(dose: DoseForm, doc: Documentation) -> tuple[DoseForm, Documentation]:
    """The NDC and prior authorization belong to both the claim and the record: a value
    given in only one place is used for both."""
    dose = dose.replace(
        ndc=dose.ndc or doc.ndc,
        prior_authorization=dose.prior_authorization or doc.prior_authorization,
    )
    doc = doc.replace(
        ndc=doc.ndc or dose.ndc,
        prior_authorization=doc.prior_authorization or dose.prior_authorization,
    )
    return dose, doc


def complete(doc: Documentation, result: CalculationResult, now: datetime) -> Documentation:
    """Fill what the command line implies: each vial's size from the vials opened,
    and the sign-off times (administration time, else now) where a name was given."""
    sizes = [formats.plain(use.size_ml) for use in result.vials_by_size for _ in range(use.count)]
    vials = doc.vials
    if len(vials) == len(sizes):
        vials = tuple(
            v if v.size_ml.strip() else v.replace(size_ml=size)
            for v, size in zip(vials, sizes, strict=True)
        )
    when = doc.administered_at or now
    return doc.replace(
        vials=vials,
        prepared_at=doc.prepared_at or (when if doc.prepared_by.strip() else None),
        verified_at=doc.verified_at or (when if doc.verified_by.strip() else None),
    )
