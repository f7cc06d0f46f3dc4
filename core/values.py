"""Frozen value classes without pydantic: the dose engine's inputs, catalog and result.

The window's first answer (catalog, dose form, calculation, result) must come without
importing pydantic, which alone takes about 100 ms to load on a 2-core machine
(``bench/bench_startup.py``). So these types are frozen dataclasses on a ``Value`` base::

    class VialSize(Value):
        ml: Decimal = limits(gt=0, le=MAX_VOLUME_ML)
        ndc: Ndc | None = None

Keyword arguments only, immutable, compared and hashed by their fields. ``limits``
gives a field the few constraints the engine needs (checked whenever a value is made),
and a ``_check`` method the rules between fields. A ``Value`` answers the calls the
rest of the code makes on pydantic models, with the same results, so records, JSON
output and case files keep their shapes:

- ``model_copy(update={...})``: a changed copy (checked again);
- ``model_dump()`` / ``model_dump(mode="json")``: nested dicts; in JSON mode decimals
  are plain strings (``"20"``, not ``"2E+1"``), enums their values, tuples lists;
- ``model_dump_json()``: the same as compact JSON text;
- ``model_validate(data)``: read parsed JSON (or keyword values), converting text to
  decimals and enums the way pydantic does and refusing unknown keys; a problem is a
  ``ValueProblem`` naming where (``codes.0.hcpcs``) and what, in pydantic's words;
- ``model_fields``: the field names.

Pydantic stays at the other boundaries (documentation, records, drafts, case files).
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, Literal, Self, TypeVar, dataclass_transform

from core import formats

Loc = tuple[str | int, ...]
#: Field name -> reader of its JSON form, for ``Value.json_readers``.
JsonReaders = Mapping[str, Callable[[object], object]]


class ValueProblem(ValueError):
    """What is wrong with data read by ``model_validate``, and where (``loc``)."""

    def __init__(self, loc: Loc, msg: str) -> None:
        self.loc = loc
        self.msg = msg
        super().__init__(f"{'.'.join(str(part) for part in loc) or 'top level'}: {msg}")


class FieldError(ValueError):
    """A field's value is refused; ``msg`` says why, as pydantic would."""

    def __init__(self, field: str, msg: str) -> None:
        self.field = field
        self.msg = msg
        super().__init__(f"{field}: {msg}")


@contextmanager
def field_problem(field: str) -> Iterator[None]:
    """A rule about one field (in ``_check``): its ``ValueError`` names the field."""
    try:
        yield
    except FieldError:
        raise
    except ValueError as error:
        raise FieldError(field, f"Value error, {error}") from None


def limits(
    *,
    default: Any = dataclasses.MISSING,
    gt: Decimal | int | None = None,
    ge: Decimal | int | None = None,
    le: Decimal | int | None = None,
    min_length: int | None = None,
    max_length: int | None = None,
    pattern: str | None = None,
) -> Any:
    """A field with constraints, checked whenever a value is made (pydantic's words)."""
    rules = {
        "gt": gt,
        "ge": ge,
        "le": le,
        "min_length": min_length,
        "max_length": max_length,
        "pattern": pattern,
    }
    return dataclasses.field(
        default=default, metadata={"limits": {k: v for k, v in rules.items() if v is not None}}
    )


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _check_limits(field: str, value: object, rules: Mapping[str, Any]) -> None:
    if value is None:
        return
    if isinstance(value, Decimal) and not value.is_finite():
        raise FieldError(field, "Input should be a finite number")
    if isinstance(value, Decimal | int):
        if "gt" in rules and not value > rules["gt"]:
            raise FieldError(field, f"Input should be greater than {rules['gt']}")
        if "ge" in rules and not value >= rules["ge"]:
            raise FieldError(field, f"Input should be greater than or equal to {rules['ge']}")
        if "le" in rules and not value <= rules["le"]:
            raise FieldError(field, f"Input should be less than or equal to {rules['le']}")
    if isinstance(value, str):
        if "min_length" in rules and len(value) < rules["min_length"]:
            least = _count(rules["min_length"], "character")
            raise FieldError(field, f"String should have at least {least}")
        if "max_length" in rules and len(value) > rules["max_length"]:
            most = _count(rules["max_length"], "character")
            raise FieldError(field, f"String should have at most {most}")
        if "pattern" in rules and re.search(rules["pattern"], value) is None:
            raise FieldError(field, f"String should match pattern '{rules['pattern']}'")
    elif isinstance(value, tuple):
        if "min_length" in rules and len(value) < rules["min_length"]:
            least = _count(rules["min_length"], "item")
            raise FieldError(
                field, f"Tuple should have at least {least} after validation, not {len(value)}"
            )
        if "max_length" in rules and len(value) > rules["max_length"]:
            most = _count(rules["max_length"], "item")
            raise FieldError(
                field, f"Tuple should have at most {most} after validation, not {len(value)}"
            )


@dataclass_transform(
    kw_only_default=True, frozen_default=True, field_specifiers=(limits, dataclasses.field)
)
class Value:
    """Base of the frozen value classes; each subclass is made a dataclass.

    The dataclass machinery only collects the fields: ``__init__``, ``__repr__``,
    ``__eq__``, ``__hash__`` and the refusal to change a field are this class's own,
    the same for every subclass and with the same behaviour as a frozen, keyword-only
    dataclass's. Generating them for each class, as ``dataclass`` does, took about
    12 ms for the engine's classes, a third of the time to the first answer.
    """

    #: The field names (and their ``dataclasses.Field``), as pydantic's ``model_fields``.
    model_fields: ClassVar[dict[str, dataclasses.Field[Any]]]
    #: Readers of a field's JSON form other than its type's (``"10%"`` for a
    #: concentration): used by ``model_validate`` before the type is checked.
    json_readers: ClassVar[JsonReaders] = {}
    #: Keys older files used, read as today's field names (``{"old_key": "field"}``).
    json_aliases: ClassVar[Mapping[str, str]] = {}
    _defaults: ClassVar[tuple[tuple[str, Any, Any], ...]]
    _limited: ClassVar[tuple[tuple[str, Mapping[str, Any]], ...]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(init=False, repr=False, eq=False, kw_only=True)(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        cls.model_fields = {f.name: f for f in fields}
        cls._defaults = tuple((f.name, f.default, f.default_factory) for f in fields)
        cls._limited = tuple(
            (f.name, f.metadata["limits"]) for f in fields if "limits" in f.metadata
        )

    def __init__(self, **values: Any) -> None:
        for name, default, factory in self._defaults:
            if name in values:
                value = values.pop(name)
            elif default is not dataclasses.MISSING:
                value = default
            elif factory is not dataclasses.MISSING:
                value = factory()
            else:
                raise TypeError(f"{type(self).__name__}() missing keyword argument '{name}'")
            object.__setattr__(self, name, value)
        if values:
            unknown = next(iter(values))
            raise TypeError(
                f"{type(self).__name__}() got an unexpected keyword argument '{unknown}'"
            )
        self.__post_init__()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.model_fields)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.model_fields)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Value)
        return self._values() == other._values()

    def __hash__(self) -> int:
        return hash(self._values())

    def __setattr__(self, name: str, value: object) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")

    def __post_init__(self) -> None:
        for name, rules in self._limited:
            _check_limits(name, getattr(self, name), rules)
        self._check()

    def _check(self) -> None:
        """Rules between fields (and checks of one field beyond ``limits``); raise
        ``ValueError`` (or, for one field, use ``field_problem``)."""

    def model_copy(self, update: Mapping[str, Any] | None = None) -> Self:
        return dataclasses.replace(self, **(update or {}))  # type: ignore[type-var]

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)  # type: ignore[type-var]

    def model_dump(self, mode: Literal["python", "json"] = "python") -> dict[str, Any]:
        return {name: _dumped(getattr(self, name), mode == "json") for name in self.model_fields}

    def model_dump_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def model_validate(cls, data: object) -> Self:
        return _read_value(cls, data, ())


def _dumped(value: object, as_json: bool) -> object:
    if isinstance(value, Value):
        return value.model_dump("json" if as_json else "python")
    if isinstance(value, tuple):
        items = [_dumped(item, as_json) for item in value]
        return items if as_json else tuple(items)
    if not as_json:
        return value
    if isinstance(value, Decimal):
        return formats.plain(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


# -- reading parsed JSON ------------------------------------------------------------------

V = TypeVar("V", bound=Value)
_hints: dict[type, dict[str, Any]] = {}
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _read_value(cls: type[V], data: object, loc: Loc) -> V:
    if isinstance(data, cls):
        return data
    if not isinstance(data, Mapping):
        raise ValueProblem(loc, f"Input should be a valid dictionary or instance of {cls.__name__}")
    aliases = cls.json_aliases
    if aliases:  # an old key names today's field, unless today's key is given too
        data = {
            (aliases[key] if key in aliases and aliases[key] not in data else key): value
            for key, value in data.items()
        }
    if cls not in _hints:
        _hints[cls] = typing.get_type_hints(cls)
    hints = _hints[cls]
    values: dict[str, object] = {}
    for name, field in cls.model_fields.items():
        where = (*loc, name)
        if name not in data:
            if (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                raise ValueProblem(where, "Field required")
            continue
        raw = data[name]
        reader = cls.json_readers.get(name)
        if reader is not None:
            try:
                raw = reader(raw)
            except ValueError as error:
                raise ValueProblem(where, f"Value error, {error}") from None
        value = _read(hints[name], raw, where)
        try:
            _check_limits(name, value, field.metadata.get("limits", {}))
        except FieldError as error:
            raise ValueProblem(where, error.msg) from None
        values[name] = value
    for key in data:
        if key not in cls.model_fields:
            raise ValueProblem((*loc, key), "Extra inputs are not permitted")
    try:
        return cls(**values)
    except FieldError as error:
        raise ValueProblem((*loc, error.field), error.msg) from None
    except ValueProblem:
        raise
    except ValueError as error:
        raise ValueProblem(loc, f"Value error, {error}") from None


def _choices(values: list[object]) -> str:
    quoted = [repr(v) for v in values]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def _read(hint: Any, raw: object, loc: Loc) -> Any:
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        options = typing.get_args(hint)
        if raw is None and type(None) in options:
            return None
        options = tuple(o for o in options if o is not type(None))
        for option in options:
            if isinstance(option, type) and isinstance(raw, option):
                return raw
        problem: ValueProblem | None = None
        for option in options:
            try:
                return _read(option, raw, loc)
            except ValueProblem as error:
                problem = problem or error
        assert problem is not None
        raise problem
    if origin is tuple:
        if not isinstance(raw, list | tuple):
            raise ValueProblem(loc, "Input should be a valid tuple")
        (item,) = typing.get_args(hint)[:1]
        return tuple(_read(item, value, (*loc, i)) for i, value in enumerate(raw))
    if origin is Literal:
        allowed = list(typing.get_args(hint))
        if raw not in allowed:
            raise ValueProblem(loc, f"Input should be {_choices(allowed)}")
        return raw
    if isinstance(hint, type) and issubclass(hint, Value):
        return _read_value(hint, raw, loc)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint(raw)
        except ValueError:
            raise ValueProblem(
                loc, f"Input should be {_choices([m.value for m in hint])}"
            ) from None
    if hint is str:
        if not isinstance(raw, str):
            raise ValueProblem(loc, "Input should be a valid string")
        return raw
    if hint is bool:
        return _read_bool(raw, loc)
    if hint is int:
        return _read_int(raw, loc)
    if hint is Decimal:
        return _read_decimal(raw, loc)
    if isinstance(hint, type) and isinstance(raw, hint):
        return raw
    raise ValueProblem(loc, f"Input should be an instance of {getattr(hint, '__name__', hint)}")


def _read_bool(raw: object, loc: Loc) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, int | float) and raw in (0, 1):
        return bool(raw)
    if isinstance(raw, str) and raw.strip().lower() in _TRUE | _FALSE:
        return raw.strip().lower() in _TRUE
    raise ValueProblem(loc, "Input should be a valid boolean, unable to interpret input")


def _read_int(raw: object, loc: Loc) -> int:
    if isinstance(raw, int):
        return int(raw)
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise ValueProblem(
            loc, "Input should be a valid integer, got a number with a fractional part"
        )
    if isinstance(raw, str):
        try:
            return int(raw.strip())
        except ValueError:
            pass
    raise ValueProblem(loc, "Input should be a valid integer, unable to parse string as an integer")


def _read_decimal(raw: object, loc: Loc) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, Decimal | int | float | str):
        raise ValueProblem(
            loc, "Decimal input should be an integer, float, string or Decimal object"
        )
    try:
        value = Decimal(str(raw).strip()) if isinstance(raw, float | str) else Decimal(raw)
    except InvalidOperation:
        raise ValueProblem(loc, "Input should be a valid decimal") from None
    if not value.is_finite():
        raise ValueProblem(loc, "Input should be a finite number")
    return value
