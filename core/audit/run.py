"""The audit of billing exports: stream, group, recompute, compare, total.

Lines of one administration are grouped while they are near each other: up to
``OPEN_WINDOW`` administrations are open at once, and the one untouched longest is
audited when a new one would exceed the window. Lines farther apart are found by a
first pass and merged through spill files (``late``), so no administration is audited
in halves. Memory stays bounded on any file; several files make one report (the IDs of
each file are its own).

Each administration ends one of three ways: audited (findings, or none); skipped, its
rows with the reason (its facts cannot be billed: an overfill, an unknown code, facts
that differ between its lines); or ``incomplete``, when one of its lines cannot be read
(billed units ``abc``): then nothing about it is counted, no finding and no dollars.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from itertools import islice
from pathlib import Path
from typing import TypeVar

from core.audit.engine import DoseFacts, Expectation, Refused, expect
from core.audit.facts import CACHE_SIZE, Imported, Resolver, ndc11, parse_date, vials
from core.audit.findings import Checker, Finding
from core.audit.late import Spill, prescan
from core.audit.lines import BilledLine, FactsText, LineProblem, RowParser, RowProblem
from core.audit.reader import CsvSource, Record, open_source
from core.audit.report_data import AuditReport, Incomplete, NotAudited, SkippedRow
from core.audit.template import column_indexes
from core.catalog import BillingCode, Catalog, PayerList
from core.errors import InputError
from core.reference import NO_REFERENCE, CrosswalkSource, DescriptorSource, PricingSource

T = TypeVar("T")
OPEN_WINDOW = 1024
#: Claim lines one administration may have (a dose line and a JW line, a few more when
#: split); more is a bad export, and memory stays bounded.
MAX_LINES = 100
_PROGRESS_EVERY = 8192

__all__ = [
    "AuditCancelled",
    "AuditReport",
    "Incomplete",
    "SkippedRow",
    "audit_file",
    "audit_files",
    "preview",
]


class AuditCancelled(Exception):
    """The user stopped the audit."""


@dataclass(slots=True)
class _Open:
    facts: FactsText
    lines: list[BilledLine]
    #: Other texts of the shared facts, when lines write them differently.
    other_facts: list[FactsText] = field(default_factory=list)
    #: (row, reason) of lines that cannot be read.
    unreadable: list[tuple[int, str]] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.lines) + len(self.unreadable)


Progress = Callable[[int, int], None]
FindingSink = Callable[[Finding], None]
NotAuditedSink = Callable[[NotAudited], None]


@dataclass
class Sources:
    """What the audit compares against, and where its results stream to.

    The catalog and payers are the site's (the caller's): the audit bills by the same
    codes and payer rules as the window, never by a default of its own."""

    catalog: Catalog
    payers: PayerList
    pricing: PricingSource = NO_REFERENCE
    crosswalk: CrosswalkSource = NO_REFERENCE
    on_finding: FindingSink | None = None
    on_not_audited: NotAuditedSink | None = None
    progress: Progress | None = None
    cancelled: Callable[[], bool] | None = None
    #: Descriptors of the codes the catalog does not hold (issue 20); ``None``: the
    #: pricing source's, when it has them (the imported CMS files do).
    descriptors: DescriptorSource | None = None

    def codes_from_files(self) -> DescriptorSource | None:
        if self.descriptors is not None:
            return self.descriptors
        return self.pricing if isinstance(self.pricing, DescriptorSource) else None


class Auditor:
    """Audits one export into ``report`` (shared when several files make one report)."""

    def __init__(
        self, path: Path, mapping: dict[str, str], sources: Sources, report: AuditReport
    ) -> None:
        self.path = path
        self.mapping = mapping
        self.sources = sources
        self.report = report
        descriptors = sources.codes_from_files()
        self.checker = Checker(sources.pricing, sources.crosswalk, descriptors)
        self.checker.source = path.name
        self.checker.warn = lambda message, row: report.warn(message, row, path.name)
        self.resolver = Resolver(sources.catalog, sources.payers, descriptors)
        self._expected = lru_cache(maxsize=CACHE_SIZE)(self._expectation)
        self._open: OrderedDict[str, _Open] = OrderedDict()
        self._done = 0
        self._size = 1

    def run(self) -> None:
        file, source = open_source(self.path)
        with file:
            self.report.delimiter = source.delimiter
            parser = RowParser(column_indexes(source.header, self.mapping))
            self._size = 2 * max(source.size, 1)
            late, marked = prescan(self._ticking(source.ids(parser.id_at), source), OPEN_WINDOW)
        self._done = self._size // 2
        file, source = open_source(self.path)
        try:
            spill = Spill(marked) if marked else None
        except InputError:
            file.close()
            raise
        try:
            with file:
                for record in self._ticking(source.records(), source):
                    if spill is not None and record[1] and not record[2]:
                        name = parser.key(record[1])
                        if name and name in late:
                            spill.add(name, record[0], record[1])
                            continue
                    self._add(parser, record)
            self._flush()
            if spill is not None:
                for bucket in spill.buckets():
                    self._tick(self._size)  # a chance to cancel between buckets
                    for record in bucket:
                        self._add(parser, record, window=False)
                    self._flush()
        finally:
            if spill is not None:
                spill.close()
        self._tick(self._size)

    def _expectation(
        self,
        dose_text: FactsText,
        imported: BillingCode | None,
        given: frozenset[tuple[str, str]],
    ) -> Expectation | str:
        """The engine's lines for a dose (cached: repeated doses cost a lookup), or why not;
        ``imported`` is the code from the CMS files for the date (None: the catalog's)."""
        try:
            dose = self.resolver.dose(dose_text, imported)
            return expect(dose, vials(set(given), dose.product is not None))
        except Refused as problem:
            return str(problem)

    def _ticking(self, records: Iterator[T], source: CsvSource) -> Iterator[T]:
        base = self._done
        for count, record in enumerate(records, start=1):
            if count % _PROGRESS_EVERY == 0:
                self._tick(base + source.bytes_read)
            yield record

    def _tick(self, done: int) -> None:
        if self.sources.cancelled is not None and self.sources.cancelled():
            raise AuditCancelled
        if self.sources.progress is not None:
            self.sources.progress(min(done, self._size), self._size)

    def _skip(self, row: int, reason: str) -> None:
        skipped = SkippedRow(row, reason, self.path.name)
        self.report.skip(skipped)
        if self.sources.on_not_audited is not None:
            self.sources.on_not_audited(skipped)

    def _add(self, parser: RowParser, record: Record, *, window: bool = True) -> None:
        row, cells, unreadable = record
        self.report.rows += 1
        if unreadable:
            self._skip(row, unreadable)
            return
        key, line, problem = "", None, ""
        facts: FactsText = ()
        try:
            key, line, facts = parser.parse(row, cells)
        except LineProblem as error:
            key, problem = error.key, str(error)
        except RowProblem as error:
            self._skip(row, str(error))
            return
        open_ = self._open
        group = open_.get(key)
        if group is None:
            group = open_[key] = _Open(facts, [])
            if window and len(open_) > OPEN_WINDOW:
                self._close(*open_.popitem(last=False))
        elif window:
            open_.move_to_end(key)
        if group.size >= MAX_LINES:
            self._skip(row, f"administration_id: '{key}' has more than {MAX_LINES} lines")
        elif line is None:
            group.unreadable.append((row, problem))
        else:
            group.lines.append(line)
            if facts != group.facts and facts not in group.other_facts:
                if not group.lines[:-1] and not group.other_facts:
                    group.facts = facts  # the first readable line sets the facts
                else:
                    group.other_facts.append(facts)

    def _flush(self) -> None:
        open_ = self._open
        while open_:
            self._close(*open_.popitem(last=False))

    def _close(self, key: str, group: _Open) -> None:
        report = self.report
        lines = group.lines
        if group.unreadable:
            rows = tuple(sorted([line.row for line in lines] + [r for r, _ in group.unreadable]))
            row, why = group.unreadable[0]
            incomplete = Incomplete(key, rows, f"row {row}: {why}", self.path.name)
            report.add_incomplete(incomplete)
            if self.sources.on_not_audited is not None:
                self.sources.on_not_audited(incomplete)
            return
        given = frozenset([(line.vial_size, line.vials_opened) for line in lines])
        try:
            when = parse_date(group.facts[0])
            imported = self.resolver.imported(group.facts[3], when)
            first = self.resolver.facts(group.facts) if group.other_facts else None
            for other in group.other_facts:
                if (name := _differing(first, self.resolver.facts(other))) is not None:
                    listed = ", ".join(str(line.row) for line in lines[:6])
                    raise Refused(
                        f"{name}: differs between the lines of administration '{key}' "
                        f"(rows {listed})"
                    )
            code = None if imported is None else imported.code
            result = self._expected(group.facts[1:], code, given)
            if isinstance(result, str):
                raise Refused(result)
        except Refused as problem:
            for line in lines:
                self._skip(line.row, str(problem))
            return
        report.administrations += 1
        if imported is not None and imported.out_of_date:
            report.warn(_newest_quarter_used(imported), lines[0].row, self.path.name)
        ndcs = [ndc11(line.ndc) if line.ndc else None for line in lines]
        if not any(ndcs) and result.lines == tuple((ln.modifiers, ln.units) for ln in lines):
            return  # billed exactly as the engine bills it
        for finding in self.checker.check(key, when, lines, result, ndcs):
            report.add_finding(finding)
            if self.sources.on_finding is not None:
                self.sources.on_finding(finding)


def _newest_quarter_used(imported: Imported) -> str:
    """The warning for a service date no imported quarter covers, as pricing gives it."""
    code = imported.code
    return (
        f"{code.hcpcs}: no imported CMS pricing file covers the service date; billed per "
        f"{code.dosage} from {imported.quarter}, the newest quarter held (import the file "
        "for the quarter of the service date)"
    )


#: DoseFacts field -> the template field it is read from.
_FIELD_OF = {"code": "hcpcs", "concentration": "concentration"}


def _differing(first: tuple[date, DoseFacts] | None, other: tuple[date, DoseFacts]) -> str | None:
    """The template field whose value differs between two lines' facts (None: same)."""
    assert first is not None
    if first[0] != other[0]:
        return "service_date"
    for name, a, b in zip(DoseFacts._fields, first[1], other[1], strict=True):
        if a != b:
            return _FIELD_OF.get(name, name)
    return None


def audit_files(
    paths: Sequence[Path],
    mapping: dict[str, str] | None,
    sources: Sources,
) -> AuditReport:
    """Audit several exports into one report; ``InputError`` names a file that cannot be used."""
    report = AuditReport(source=", ".join(path.name for path in paths))
    for path in paths:
        Auditor(path, mapping or {}, sources, report).run()
    return report


def audit_file(
    path: Path,
    mapping: dict[str, str] | None = None,
    pricing: PricingSource = NO_REFERENCE,
    crosswalk: CrosswalkSource = NO_REFERENCE,
    *,
    catalog: Catalog,
    payers: PayerList,
    on_finding: FindingSink | None = None,
    on_not_audited: NotAuditedSink | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AuditReport:
    """Audit one export; ``InputError`` when the file or its header cannot be used."""
    sources = Sources(
        catalog, payers, pricing, crosswalk, on_finding, on_not_audited, progress, cancelled
    )
    return audit_files([path], mapping, sources)


def preview(path: Path, rows: int = 8) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``rows`` records, for the mapping step of the window."""
    file, source = open_source(path)
    with file:
        # The first records whatever they hold (an unreadable one shows empty): a file of
        # a million bad rows must not be read to the end for a preview.
        records = islice(source.records(), rows)
        first = [cells for _, cells, _ in records]
    return source.header, first
