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


#: A ZIP's central directory may list no more entries than this (a CMS ZIP has a few).
MAX_MEMBERS = 50
#: The CSV members of one ZIP together may declare no more than this, before any is read.
MAX_TOTAL_BYTES = 128 * 1024 * 1024
#: A member bigger than ``_RATIO_FLOOR`` may expand at most this many times (CSV text
#: deflates about 10 times; a ZIP bomb about 1,000).
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024
_LOCAL_HEADER_BYTES = 30
_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xef][\x80-\xbf]{2}"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)


def decode(data: bytes, name: str = "file") -> str:
    """UTF-8 when the bytes are UTF-8 (with or without BOM), else cp1252 as CMS writes,
    else Latin-1 (which decodes any byte, for the five bytes cp1252 leaves undefined).

    One encoding per file: bytes that are UTF-8 in one place and not in another are
    refused naming the first bad byte, never read as cp1252 ("Privigen\u00c2\u00ae")."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if _UTF8_SEQUENCE.search(data) is not None:
            line = data.count(b"\n", 0, error.start) + 1
            raise InputError(
                name,
                f"byte {error.start + 1:,} (line {line}) is 0x{data[error.start]:02X}, which "
                "is not UTF-8 although the rest of the file is; save the file in one "
                "encoding",
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
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


def _stored_name_length(info: zipfile.ZipInfo) -> int:
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    return len(info.orig_filename.encode(encoding, errors="replace"))


def _check_directory(path: Path, archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The CSV members, after checking the whole central directory before any is read:
    how many entries, their declared sizes and ratios, and that no two share bytes."""
    field = str(path)
    entries = archive.infolist()
    if len(entries) > MAX_MEMBERS:
        raise InputError(
            field, f"lists {len(entries):,} members; a CMS ZIP has at most {MAX_MEMBERS}"
        )
    ordered = sorted(entries, key=lambda info: info.header_offset)
    directory_start = int(getattr(archive, "start_dir", 0)) or None
    for info, following in zip(ordered, [*ordered[1:], None], strict=True):
        end = (
            info.header_offset
            + _LOCAL_HEADER_BYTES
            + _stored_name_length(info)
            + info.compress_size
        )
        limit = following.header_offset if following is not None else directory_start
        if limit is not None and end > limit:
            raise InputError(
                f"{path.name}:{info.filename}",
                "overlaps another member of the ZIP; this is not a CMS file",
            )
    members = [
        info for info in entries if not info.is_dir() and info.filename.lower().endswith(".csv")
    ]
    if not members:
        raise InputError(field, "holds no CSV file")
    for info in members:
        name = f"{path.name}:{info.filename}"
        if info.file_size > MAX_FILE_BYTES:
            raise InputError(name, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * info.compress_size:
            raise InputError(name, f"expands more than {MAX_RATIO} times; this is not a CMS file")
    total = sum(info.file_size for info in members)
    if total > MAX_TOTAL_BYTES:
        raise InputError(
            field,
            f"holds more than {MAX_TOTAL_BYTES // 2**20} MB of CSV; import its files one by one",
        )
    return members


def _zip_members(path: Path, data: bytes) -> Iterator[TextFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InputError(str(path), "is not a valid ZIP file") from None
    members = _check_directory(path, archive)
    return _member_texts(path, archive, members)


def _member_texts(
    path: Path, archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]
) -> Iterator[TextFile]:
    """Each member's text in turn: only one member is in memory at a time."""
    with archive:
        for info in members:
            name = f"{path.name}:{info.filename}"
            try:
                with archive.open(info) as member:
                    # The declared size can lie: read at most one byte more than allowed.
                    content = member.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError) as error:
                raise InputError(name, f"cannot be extracted ({error})") from None
            if len(content) > MAX_FILE_BYTES:
                raise InputError(name, f"is larger than {MAX_FILE_BYTES // 2**20} MB")
            text = TextFile(name, decode(content, name))
            del content
            yield text


def read_texts(path: Path) -> Iterator[TextFile]:
    """The CSV text of ``path``: the file itself, or each CSV inside a ZIP, one at a
    time. A ZIP's directory is checked here, before any member is read."""
    data = _read_limited(path)
    if data.startswith(b"PK\x03\x04") or path.suffix.lower() == ".zip":
        return _zip_members(path, data)
    if b"\x00" in data[:4096]:
        raise InputError(str(path), "is not a CSV text file")
    return iter([TextFile(path.name, decode(data, path.name))])


#: One record (a row, with any quoted fields spanning lines) longer than this is not CMS
#: data: quoted multi-line fields are not read on without bound.
MAX_RECORD_CHARS = 64 * 1024


class _RecordLines:
    """The lines fed to ``csv``, counting the characters of the record being read."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.chars += len(line)
            if self.chars > MAX_RECORD_CHARS:
                raise csv.Error(
                    f"a record is longer than {MAX_RECORD_CHARS:,} characters "
                    "(a quoted field left open?)"
                )
            yield line


def csv_rows(text: TextFile) -> Iterator[list[str]]:
    """The file's rows; quoted fields may hold commas. Raise ``csv.Error`` on bad quoting
    or on a record (quoted fields spanning lines) longer than ``MAX_RECORD_CHARS``."""
    lines = _RecordLines(text.text)
    for row in csv.reader(lines, strict=True):
        lines.chars = 0
        yield row
