"""Lines of an administration far apart in the export: found first, then merged.

The audit groups an administration's lines while they are near each other (a window
of recent administrations), so memory stays bounded on any file. A line that turns up
after its administration left the window would make two half-administrations. So a
first, cheap pass runs the same window over the IDs alone and marks every ID seen again
after it left (``prescan``). In the audit's pass, lines of marked IDs go to spill files
on disk, bucketed by ID, and each bucket is grouped whole at the end: every line of an
administration is audited together, whatever the export's order.

Both ID sets are Bloom filters (fixed memory for tens of millions of IDs). A false
positive only sends an administration through the spill, where it is audited the same.
Why the window's own administrations never need the spill: with the marked IDs taken
out, each other ID's lines are at most as far apart as in the first pass, so a window
that held them then holds them now (LRU's inclusion property).
"""

from __future__ import annotations

import csv
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

from core.audit.reader import Record
from core.errors import InputError

#: Marked administrations per spill bucket: a bucket is grouped whole in memory.
PER_BUCKET = 20_000
MAX_BUCKETS = 256


class Bloom:
    """A set of strings in fixed memory that may answer "present" wrongly, never "absent"."""

    def __init__(self, bits_log2: int = 27, hashes: int = 3) -> None:
        self.mask = (1 << bits_log2) - 1
        self.hashes = hashes
        self.bits = bytearray(1 << (bits_log2 - 3))

    def add(self, key: str) -> None:
        bits, mask = self.bits, self.mask
        h = hash(key)
        step = (h >> 32) | 1
        for _ in range(self.hashes):
            position = h & mask
            bits[position >> 3] |= 1 << (position & 7)
            h += step

    def __contains__(self, key: object) -> bool:
        bits, mask = self.bits, self.mask
        h = hash(key)
        step = (h >> 32) | 1
        for _ in range(self.hashes):
            position = h & mask
            if not bits[position >> 3] & (1 << (position & 7)):
                return False
            h += step
        return True


def prescan(ids: Iterator[str], window: int) -> tuple[Bloom, int]:
    """IDs seen again after the window closed them, and how many."""
    open_: OrderedDict[str, None] = OrderedDict()
    closed = Bloom()
    late = Bloom(26)
    marked = 0
    move, close = open_.move_to_end, open_.popitem
    # The closed filter's test and insertion written out (a call each cost a third of
    # this loop); ``Bloom`` does the same for ``late``, which is seldom touched.
    bits, mask, hashes = closed.bits, closed.mask, closed.hashes
    for name in ids:
        if not name:
            continue
        if name in open_:
            move(name)
            continue
        if marked and name in late:
            continue
        h = hash(name)
        step = (h >> 32) | 1
        seen = True
        for _ in range(hashes):
            position = h & mask
            if not bits[position >> 3] & (1 << (position & 7)):
                seen = False
                break
            h += step
        if seen:
            late.add(name)
            marked += 1
            continue
        open_[name] = None
        if len(open_) > window:
            h = hash(close(last=False)[0])
            step = (h >> 32) | 1
            for _ in range(hashes):
                position = h & mask
                bits[position >> 3] |= 1 << (position & 7)
                h += step
    return late, marked


@contextmanager
def _plain_errors() -> Iterator[None]:
    """A spill file that cannot be written (a full disk) is one plain line, not a trace."""
    try:
        yield
    except OSError as error:
        raise InputError(
            "temporary files",
            f"cannot hold the lines far from their administration ({error.strerror}); free "
            "space in the temporary directory, or sort the export by administration_id",
        ) from None


class Spill:
    """Records of marked administrations, bucketed by ID in private temporary files."""

    def __init__(self, marked: int) -> None:
        self.count = min(MAX_BUCKETS, 1 + marked // PER_BUCKET)
        self._files: list[IO[str]] = []
        with _plain_errors():
            for _ in range(self.count):
                # Unnamed, private to this user, and gone when closed (or the process dies).
                file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
                self._files.append(file)
        self._writers = [csv.writer(file) for file in self._files]
        self.written = 0

    def add(self, name: str, row: int, cells: list[str]) -> None:
        with _plain_errors():
            self._writers[hash(name) % self.count].writerow([row, *cells])
        self.written += 1

    def buckets(self) -> Iterator[Iterator[Record]]:
        """Each bucket's records in file order (rows as numbered in the export)."""
        for file in self._files:
            with _plain_errors():
                file.flush()
                file.seek(0)
            yield ((int(cells[0]), cells[1:], "") for cells in csv.reader(file))

    def close(self) -> None:
        for file in self._files:
            file.close()
