"""Words and values shared by the engine, the command line and the window: one source each.

Plain Python only (no pydantic, no Qt), so the window can import it before its first paint.
The models and enums in ``core.calculation_models`` and ``core.documentation`` take their
values from here; ``tests/core/test_constants.py`` checks that they agree.
"""

from __future__ import annotations

import re
from typing import Literal

#: Routes of administration a worksheet may name.
ROUTES = ("IV", "SC", "IM")
DEFAULT_ROUTE = "IV"

#: Claim settings (``core.calculation_models.ClaimSetting`` values) with the words shown for them.
CLAIM_SETTINGS: tuple[tuple[str, str], ...] = (
    ("outpatient", "Outpatient (office, hospital outpatient, 340B, CAH)"),
    ("inpatient", "Inpatient (IPPS)"),
    ("fqhc-rhc", "FQHC / RHC"),
    ("packaged", "Packaged (not separately payable)"),
)
DEFAULT_SETTING = "outpatient"

#: Units a dose ordered and an amount administered may be typed in.
DOSE_UNITS = (
    "mL",
    "g",
    "mg",
    "mcg",
    "units",
    "g/kg",
    "mg/kg",
    "mcg/kg",
    "units/kg",
    "mg/m2",
    "units/m2",
)
AMOUNT_UNITS = ("mL", "g", "mg", "mcg", "units")

#: Vial types offered: "as labeled" follows the product.
VIAL_TYPES: tuple[tuple[str, str], ...] = (
    ("auto", "As the product is labeled"),
    ("single", "Single-dose"),
    ("multi", "Multi-dose"),
)

#: The default code and payer before the catalog is read (the catalog's default wins).
DEFAULT_CODE = "J1410"
DEFAULT_PAYER = "medicare"

#: Worksheet IDs: ``W-000042``; typed as ``W-000042``, ``w-42``, ``W42`` or ``42``.
WORKSHEET_ID_PREFIX = "W-"
WORKSHEET_ID_PATTERN = re.compile(r"\s*(?:[Ww]-?)?(\d{1,18})\s*")
#: Printed instead of an ID on a draft (a preview that is never recorded).
DRAFT_ID = "DRAFT"

#: Paper sizes a worksheet can be laid out on.
Paper = Literal["a4", "letter"]
PAPER_SIZES: tuple[Paper, ...] = ("letter", "a4")
DEFAULT_PAPER: Paper = "letter"
#: Each paper in words, as the Settings dialog names it.
PAPER_WORDS: dict[Paper, str] = {"letter": "US Letter", "a4": "A4"}

#: Dates as typed: ISO or US; an expiry may give the month only.
DATE_HINT = "YYYY-MM-DD or MM/DD/YYYY"
DATETIME_HINT = "YYYY-MM-DD HH:MM"

#: Why a verification by the preparer is refused (said beside the Verified by field).
DIFFERENT_PEOPLE = "must be a different person from prepared by"
