"""Importing CMS files: read, validate, store; each file all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from core.cms.files import read_texts
from core.cms.parse import parse_file
from core.cms.quarters import Quarter
from core.cms.store import ImportOutcome, file_digest
from core.errors import InputError

if TYPE_CHECKING:
    from core.site import Site

#: ``progress(files done, files in all, name)``; called before each file and at the end.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportReport:
    imported: tuple[ImportOutcome, ...]
    #: One problem per file refused; nothing from that file was stored.
    refused: tuple[InputError, ...]


def import_files(
    paths: Sequence[Path],
    site: Site,
    quarter: Quarter | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import every file (each CSV of a ZIP counts as a file). A file refused leaves the
    others to import."""
    imported: list[ImportOutcome] = []
    refused: list[InputError] = []
    total = len(paths)
    with site.open_reference_store() as store:
        for done, path in enumerate(paths):
            if progress is not None:
                progress(done, total, path.name)
            try:
                for text in read_texts(path):
                    try:
                        parsed = parse_file(text, quarter)
                        imported.append(store.add_file(parsed, file_digest(text.text)))
                        del parsed
                    except InputError as error:
                        refused.append(_bare(error))
            except InputError as error:
                refused.append(_bare(error))
        if progress is not None:
            progress(total, total, "")
    return ImportReport(tuple(imported), tuple(refused))


def _bare(error: InputError) -> InputError:
    """The error alone: a raised error's traceback holds the frames that parsed the file
    (every row), which must not stay in memory for each refused file."""
    return InputError(error.field, error.message)


@dataclass(frozen=True)
class FeeImport:
    """What importing a payer's fee schedule did (``status``: imported, replaced, unchanged)."""

    name: str
    rates: int
    status: str


def import_fee_schedule(path: Path, site: Site, payer_id: str) -> FeeImport:
    """Read, validate and store one payer's fee schedule (one CSV, or a ZIP holding one),
    all or nothing; ``InputError`` (escaped for a terminal) says why not."""
    from itertools import islice

    from core.cms.fees import parse_fee_schedule
    from core.terminal import printable

    try:
        texts = list(islice(read_texts(path), 2))
        if len(texts) != 1:
            raise InputError(str(path), "holds more than one CSV; give the fee schedule alone")
        rows = parse_fee_schedule(texts[0])
    except InputError as error:
        # Names inside a ZIP come from the file: escaped like any file text.
        raise InputError(printable(error.field), printable(error.message)) from None
    with site.open_reference_store() as store:
        status = store.set_fee_schedule(payer_id, texts[0].name, file_digest(texts[0].text), rows)
    return FeeImport(texts[0].name, len(rows), status)
