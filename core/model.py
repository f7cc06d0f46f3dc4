"""The base of the pydantic models at the document boundaries.

Documentation, records, drafts, case files, accounts and signatures, the verification
queue, authorizations, scans and checks are ``Model`` subclasses; the values the first
answer needs are msgspec structs (``core.values``). Both follow the same three rules,
held for every model by ``tests/core/test_model_rules.py``:

- unknown keys are refused (``extra="forbid"``): a misspelt key is an error, not lost;
- decimals are plain in JSON (``PlainDecimal``): ``"20"``, never ``"2E+1"``;
- a changed copy is validated: ``replace(**changes)``. Pydantic's ``model_copy`` does
  not validate, so it is not used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Self

from pydantic import BaseModel, ConfigDict, PlainSerializer

from core import formats

#: A decimal written to JSON in plain notation (``"20"``, ``"0.5"``).
PlainDecimal = Annotated[Decimal, PlainSerializer(formats.plain, return_type=str, when_used="json")]


class Model(BaseModel):
    """Immutable; unknown keys refused; ``replace`` makes a validated copy."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Self:
        """A copy with ``changes``, validated as a new model is (unknown names refused)."""
        return self.model_validate({**dict(self), **changes})
