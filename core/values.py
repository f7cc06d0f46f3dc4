"""The dose engine's values: msgspec structs, so the first answer comes without pydantic.

Quantities, NDCs, the catalog and payer profiles, the dose form and the calculation's
request and result are ``Value`` subclasses; the documents around them (documentation,
records, drafts, case files, accounts, the queue) are pydantic models (``core.model``).

Why msgspec here (measured on this shared 2-core machine, December 2026, fresh processes
with Qt's widgets imported first; ``bench/bench_models.py``): importing msgspec and this
module takes about 35 ms; importing pydantic 60 to 170 ms and defining the engine's 19
classes as pydantic models 40 to 250 ms more (runs differ with the machine's load), which
the first answer would wait for.
Against the hand-written look-alike this replaced, the engine's imports, catalog and
first calculation went from 44 to 62 ms (msgspec's own imports; the catalog now reads in
a few ms). The first answer must stay within 2.0x a bare form's first paint
(``bench/bench_startup.py``).

A ``Value`` is frozen and keyword-only and follows the same three rules as the pydantic
models, held for every class by ``tests/core/test_model_rules.py``:

- unknown keys are refused: ``read`` (``msgspec.convert``) with ``forbid_unknown_fields``,
  and making or copying a value with an unknown name is a ``TypeError``;
- decimals are plain in JSON: ``to_data`` writes ``"20"``, never ``"2E+1"``;
- a changed copy is validated: ``replace`` is ``msgspec.structs.replace``, which runs
  ``__post_init__`` as making a value does. So each class writes its rules (limits and
  rules between fields) in ``__post_init__``, calling the base's, which refuses a
  decimal that is not a finite number.

Field types are checked when data is read (``read``) and by mypy in code.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self, TypeVar

import msgspec

from core import formats

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler
    from pydantic_core import CoreSchema

V = TypeVar("V", bound="Value")
#: What ``read`` raises: a ``ValueError`` whose text says what is wrong and where.
ValueProblem = msgspec.ValidationError


class Value(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Base of the engine's values. Each subclass states ``frozen=True, kw_only=True``
    again: msgspec applies ``kw_only`` to the fields of the class that states it, and
    mypy wants a frozen base's subclasses declared frozen."""

    def __post_init__(self) -> None:
        for name in self.__struct_fields__:
            value = getattr(self, name)
            if isinstance(value, Decimal) and not value.is_finite():
                raise ValueError(f"{name} must be a finite number")

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, checked by ``__post_init__`` as a new value is."""
        return msgspec.structs.replace(self, **changes)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: type[Any], handler: GetCoreSchemaHandler
    ) -> CoreSchema:
        """A value inside a pydantic model (a case's dose, a scan's NDC): read with
        ``read`` and written with ``to_data``, as everywhere else."""
        from pydantic_core import core_schema

        def validate(data: object) -> Value:
            try:
                return read(cls, data)
            except ValueProblem as error:
                raise ValueError(where_and_what(error)) from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                to_data, when_used="json"
            ),
        )


def read(cls: type[V], data: object) -> V:
    """Parsed JSON (or a ``cls`` already made) as a ``cls``; ``ValueProblem`` if it is not one."""
    return msgspec.convert(data, cls)


def to_data(value: Value) -> dict[str, Any]:
    """The JSON form of a value: dicts and lists, enums as their values, decimals as
    plain strings (``"20"``); the shape records, files and ``--json`` output hold."""
    data = _plain(msgspec.to_builtins(value, builtin_types=(Decimal,)))
    assert isinstance(data, dict)
    # Fields added after records were written leave the JSON while empty, so those
    # records keep their bytes (``DoseForm.bsa``; ``test_model_rules``).
    for name in getattr(type(value), "OMITTED_WHEN_EMPTY", ()):
        if data.get(name) == "":
            del data[name]
    return data


def _plain(item: object) -> object:
    if isinstance(item, Decimal):
        return formats.plain(item)
    if isinstance(item, dict):
        return {key: _plain(value) for key, value in item.items()}
    if isinstance(item, list | tuple):  # msgspec leaves tuples as they are
        return [_plain(value) for value in item]
    return item


_WHERE = re.compile(r" - at `\$(?P<path>[^`]*)`$")


def located(error: ValueProblem, prefix: str = "") -> tuple[str, str]:
    """Where and what, from msgspec's ``Expected `str`, got `int` - at `$.codes[0].hcpcs```:
    ``("codes.0.hcpcs", "Expected `str`, got `int`")``; an unknown key is
    ``("its.path", "unknown key")``. ``prefix`` goes before the path."""
    what = str(error)
    path = ""
    match = _WHERE.search(what)
    if match is not None:
        what = what[: match.start()]
        path = re.sub(r"\[(\d+)\]", r".\1", match["path"]).lstrip(".")
    unknown = re.fullmatch(r"Object contains unknown field `(?P<key>[^`]*)`", what)
    if unknown is not None:
        path = ".".join(part for part in (path, unknown["key"]) if part)
        what = "unknown key"
    return ".".join(part for part in (prefix, path) if part), what


def where_and_what(error: ValueProblem, prefix: str = "") -> str:
    """``codes.0.hcpcs: Expected `str`, got `int``` (see ``located``)."""
    where, what = located(error, prefix)
    return f"{where}: {what}" if where else what
