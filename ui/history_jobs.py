"""The history window's work off the GUI thread, as ``ui.background`` takes it: what each
job is given (frozen, so it can cross threads; the site is made to be shared) and the
plain function that does it with ``core.record_jobs`` (each opens its own store from the
site, on the worker thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.record_jobs import CancelToken, export_records, search_records, verify_records
from core.records import VerifyReport
from core.records.models import WorksheetRecordSummary
from ui.background import Shared
from ui.history_model import SearchFilters

if TYPE_CHECKING:
    from core.site import Site


@dataclass(frozen=True)
class Search:
    site: Shared[Site]
    filters: SearchFilters
    limit: int | None


@dataclass(frozen=True)
class Export:
    site: Shared[Site]
    filters: SearchFilters
    path: Path


@dataclass(frozen=True)
class Check:
    site: Shared[Site]
    full: bool  # every PDF rehashed too, in a process of its own


def search(asked: Search, token: CancelToken) -> list[WorksheetRecordSummary]:
    return search_records(
        asked.site.value, asked.filters.as_kwargs(), limit=asked.limit, token=token
    )


def export(asked: Export, token: CancelToken) -> int:
    return export_records(asked.site.value, asked.filters.as_kwargs(), asked.path, token=token)


def check(asked: Check, token: CancelToken) -> VerifyReport:
    return verify_records(asked.site.value, full=asked.full, token=token)
