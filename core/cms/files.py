"""Reading a published CMS file: ZIP or CSV, Latin-1/cp1252 text, a preamble of title
and note rows, then a header row found by its column names (never by counting lines).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.errors import InputError

#: Bigger files are refused before reading: the real ones are under 20 MB.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: More data rows than this are refused (a crosswalk has about 60,000).
MAX_ROWS = 1_000_000
#: A field longer than this is not CMS data (descriptions are under 100 characters).
MAX_FIELD_CHARS = 2000
#: The header row is looked for among this many leading rows (the preamble is about 8).
MAX_PREAMBLE_ROWS = 60


@dataclass(frozen=True)
class TextFile:
    """One CSV's text, named as the user will see it (``f.zip:member.csv``)."""

    name: str
    text: str


def normalize_name(cell: str) -> str:
    """A column name reduced to letters and digits: ``HCPCS Code`` and ``HCPCS_CODE``
    are one name, whatever the spaces, underscores or case."""
    return re.sub(r"[^0-9a-z]", "", cell.casefold())


def clean_cell(cell: str) -> str:
    """A field as stored: non-breaking spaces as spaces, runs of spaces as one, trimmed."""
    return " ".join(cell.replace("\u00a0", " ").split())


def decode(data: bytes) -> str:
    """UTF-8 when the bytes are UTF-8 (with or without BOM), else cp1252 as CMS writes,
    else Latin-1 (which decodes any byte, for the five bytes cp1252 leaves undefined)."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _read_limited(path: Path) -> bytes:
    field = str(path)
    try:
        if not path.is_file():
            raise InputError(field, "is not a file")
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(field, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
        return path.read_bytes()
    except OSError as error:
        raise InputError(field, f"cannot be read ({error.strerror or error})") from None


def _zip_members(path: Path, data: bytes) -> list[TextFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(str(path), "is not a valid ZIP file") from None
    texts: list[TextFile] = []
    with archive:
        members = [
            info
            for info in archive.infolist()
            if not info.is_dir() and info.filename.lower().endswith(".csv")
        ]
        if not members:
            raise InputError(str(path), "holds no CSV file")
        for info in members:
            name = f"{path.name}:{info.filename}"
            if info.file_size > MAX_FILE_BYTES:
                raise InputError(name, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
            try:
                with archive.open(info) as member:
                    # The declared size can lie: read at most one byte more than allowed.
                    content = member.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
                raise InputError(name, f"cannot be extracted ({error})") from None
            if len(content) > MAX_FILE_BYTES:
                raise InputError(name, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
            texts.append(TextFile(name, decode(content)))
    return texts


def read_texts(path: Path) -> list[TextFile]:
    """The CSV text of ``path``: the file itself, or each CSV inside a ZIP."""
    data = _read_limited(path)
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".zip":
        return _zip_members(path, data)
    if b"\x00" in data[:4096]:
        raise InputError(str(path), "is not a CSV text file")
    return [TextFile(path.name, decode(data))]


def csv_rows(text: TextFile) -> Iterator[list[str]]:
    """The file's rows; quoted fields may hold commas. Raise ``csv.Error`` on bad quoting."""
    return csv.reader(io.StringIO(text.text, newline=""), strict=True)
