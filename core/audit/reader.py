"""Streaming the export: one record at a time, whatever its encoding and delimiter.

The file is read line by line with a cap on line length, so a 10 GB file without a
newline cannot fill memory. Each line is decoded as UTF-8, or as Latin-1 when it is not
valid UTF-8 (Latin-1 decodes any byte, so nothing stops the audit). The delimiter
(comma, semicolon or tab) is the one the header row uses most.
"""

from __future__ import annotations

import csv
import itertools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from core.errors import InputError

#: A line longer than this is a bad row, not a reason to read on without bound.
MAX_LINE_BYTES = 1_000_000
#: A record (quoted fields may span lines) longer than this is a bad row too: a quote
#: left open would otherwise gather the rest of the file into one record in memory.
MAX_RECORD_BYTES = 1_000_000
#: Fed to ``csv`` in place of the rest of a record that is too long: it closes the
#: quoted field (a record spans lines only inside quotes) and ends the record.
_END_RECORD = '"\n'
DELIMITERS = (",", ";", "\t")


#: One CSV record: the line it starts on (the header is row 1), its cells, and why it
#: cannot be read ("" when it can). A plain tuple: a million of these per run.
Record = tuple[int, list[str], str]


def decode(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def sniff_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: counts[d])


def _record_ends(line: bytes, delimiter: bytes) -> bool:
    """Whether a record ends with ``line``, which starts inside a quoted field: the
    ``csv`` module's own reading (quotes doubled inside a field, a quote opening a field
    only at its start), to read past a record that is too long without keeping it."""
    at, quoted = 0, True
    while True:
        if quoted:
            close = line.find(b'"', at)
            if close == -1:
                return False  # the field goes on to the next line
            if line[close + 1 : close + 2] == b'"':
                at = close + 2  # a doubled quote: part of the field
                continue
            quoted = False
            at = close + 1
        comma = line.find(delimiter, at)
        if comma == -1:
            return True  # the newline ends the record
        at = comma + 1
        quoted = line[at : at + 1] == b'"'
        at += quoted


class _Lines:
    """Decoded lines of a binary file; counts bytes read and flags over-long lines and
    records. The reader sets ``record_start`` (``bytes_read`` as a record begins)."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.bytes_read = 0
        self.too_long = False
        self.record_start = 0
        self.delimiter = b","
        #: Lines read past and never given to ``csv`` (row numbers stay the file's).
        self.lines_skipped = 0

    def __iter__(self) -> Iterator[str]:
        readline = self.file.readline
        while True:
            line = readline(MAX_LINE_BYTES)
            if not line:
                return
            self.bytes_read += len(line)
            if len(line) == MAX_LINE_BYTES and not line.endswith(b"\n"):
                self.too_long = True
                while True:  # skip the rest of the line
                    rest = readline(MAX_LINE_BYTES)
                    self.bytes_read += len(rest)
                    if not rest or rest.endswith(b"\n"):
                        break
                yield "\n"
                continue
            if self.bytes_read - self.record_start > MAX_RECORD_BYTES:
                self.too_long = True
                while not _record_ends(line, self.delimiter):
                    line = readline(MAX_LINE_BYTES)
                    if not line:
                        break
                    self.bytes_read += len(line)
                    self.lines_skipped += 1
                yield _END_RECORD
                continue
            yield decode(line)


class CsvSource:
    """The header and then the records of one export file."""

    def __init__(self, file: BinaryIO, size: int) -> None:
        self.size = size
        self._lines = _Lines(file)
        self._iter = iter(self._lines)
        first = next(self._iter, "")
        if first.startswith("\ufeff"):
            first = first[1:]
        if first.startswith(("\xff\xfe", "\xfe\xff")):  # a UTF-16 BOM, read as Latin-1
            raise InputError("file", "is UTF-16 text; save the export as CSV in UTF-8 or Latin-1")
        if self._lines.too_long:
            raise InputError(
                "header",
                "the first line is longer than 1 MB; is this a CSV file "
                "(one with CR-only line endings reads as one line)?",
            )
        if not first.strip():
            raise InputError("header", "the file is empty; a header row is required")
        if "\r" in first.rstrip("\r\n"):
            raise InputError(
                "file",
                "has CR-only line endings (old Mac style); save it with LF or CRLF line endings",
            )
        self.delimiter = sniff_delimiter(first)
        self._lines.delimiter = self.delimiter.encode()
        header = next(csv.reader([first], delimiter=self.delimiter), [])
        self.header = [name.strip() for name in header]

    @property
    def bytes_read(self) -> int:
        return self._lines.bytes_read

    def records(self) -> Iterator[Record]:
        reader = csv.reader(self._iter, delimiter=self.delimiter)
        lines = self._lines
        start = 2
        while True:
            lines.record_start = lines.bytes_read
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield (start, [], f"cannot be read as CSV ({error})")
                start = reader.line_num + 2 + lines.lines_skipped
                continue
            row, start = start, reader.line_num + 2 + lines.lines_skipped
            if lines.too_long:
                lines.too_long = False
                yield (row, [], "is longer than 1 MB")
            elif cells and any(cells):
                yield (row, cells, "")

    def ids(self, column: int) -> Iterator[str]:
        """The (stripped) cell ``column`` of each record, for the first pass: a line
        without a quote is split directly, three times faster than ``csv``; from the first
        quote on (a quoted field may hold the delimiter or a newline), ``csv`` reads on."""
        delimiter = self.delimiter
        lines = self._iter
        counted = self._lines
        counted.record_start = 1 << 62  # a line without a quote is a record of its own
        for line in lines:
            if '"' in line:
                reader = csv.reader(itertools.chain([line], lines), delimiter=delimiter)
                while True:
                    counted.record_start = counted.bytes_read
                    try:
                        cells = next(reader)
                    except StopIteration:
                        return
                    except csv.Error:
                        continue
                    if len(cells) > column:
                        yield cells[column].strip()
            cells = line.split(delimiter, column + 1)
            if len(cells) > column:
                yield cells[column].strip()


def _open_nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def open_source(path: Path) -> tuple[BinaryIO, CsvSource]:
    """Open ``path`` for the audit; the caller closes the returned file.

    Only a regular file: a FIFO would block the open and ``/dev/zero`` never ends.
    """
    try:
        file = open(path, "rb", opener=_open_nonblocking)  # noqa: SIM115 (closed by caller)
        info = os.fstat(file.fileno())
    except OSError as error:
        raise InputError("file", f"cannot read {path} ({error.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        file.close()
        raise InputError("file", f"{path} is not a regular file; save the export as a file")
    size = info.st_size
    try:
        return file, CsvSource(file, size)
    except BaseException:
        file.close()
        raise
