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


class _Lines:
    """Decoded lines of a binary file; counts bytes read and flags over-long lines."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self.bytes_read = 0
        self.too_long = False

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
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield (start, [], f"cannot be read as CSV ({error})")
                start = reader.line_num + 2
                continue
            row, start = start, reader.line_num + 2
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
        for line in lines:
            if '"' in line:
                reader = csv.reader(itertools.chain([line], lines), delimiter=delimiter)
                while True:
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
