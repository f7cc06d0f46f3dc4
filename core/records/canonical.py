"""Canonical JSON for the hashed columns: equal data always gives the same stored text."""

from __future__ import annotations

import json
from collections.abc import Mapping

__all__ = ["canonical_json", "check_json_value"]


def canonical_json(value: Mapping[str, object], what: str) -> str:
    """Sorted-key, compact JSON: equal data always gives the same stored text."""
    check_json_value(value, what)
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def check_json_value(value: object, what: str) -> None:
    """Accept only what round-trips exactly through JSON: str, int, bool, None,
    lists and str-keyed dicts.

    Floats are refused: quantities are Decimal in the engine, a float means
    precision was already lost, and float text is the fragile part of
    "canonical" JSON. ``model_dump(mode="json")`` turns Decimals into strings.
    """
    if value is None or isinstance(value, str | int):  # bool is an int
        return
    if isinstance(value, float):
        raise TypeError(f"{what} contains a float; pass quantities as Decimal strings")
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{what} has a non-string key {key!r}")
            check_json_value(item, what)
    elif isinstance(value, list | tuple):
        for item in value:
            check_json_value(item, what)
    else:
        raise TypeError(
            f"{what} holds a {type(value).__name__}; pass JSON values "
            "(e.g. model_dump(mode='json'))"
        )
