"""The audit of one export file: stream, group, recompute, compare, total.

Lines of one administration are grouped while they are near each other: up to
``OPEN_WINDOW`` administrations are open at once, and the one untouched longest is
audited when a new one would exceed the window. Exports sorted by administration (or
by date, with an administration's lines together) are grouped exactly. A line whose
administration was already audited is skipped and reported (the lines would otherwise
be audited as two half-administrations); the most recent ``CLOSED_MEMORY`` audited IDs
are remembered for that check, so memory stays bounded on any file.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice
from pathlib import Path

from core.audit.expected import expected, ndc11
from core.audit.findings import Checker, Finding
from core.audit.lines import (
    BilledLine,
    FactsText,
    RowParser,
    RowProblem,
    differing_field,
    parse_facts,
)
from core.audit.reader import CsvSource, open_source
from core.audit.template import column_indexes
from core.reference import NO_REFERENCE, CrosswalkSource, PricingSource

OPEN_WINDOW = 1024
#: Claim lines one administration may have (a dose line and a JW line, a few more when
#: split); more is a bad export, and memory stays bounded.
MAX_LINES = 100
CLOSED_MEMORY = 100_000
#: Findings and skipped rows kept for the report; the counts and totals cover all.
KEEP_FINDINGS = 100_000
KEEP_SKIPPED = 10_000
_PROGRESS_EVERY = 8192


class AuditCancelled(Exception):
    """The user stopped the audit."""


@dataclass(frozen=True, slots=True)
class SkippedRow:
    row: int
    reason: str


@dataclass
class MonthTotals:
    findings: int = 0
    recoverable: Decimal = Decimal(0)
    at_risk: Decimal = Decimal(0)


@dataclass
class AuditReport:
    source: str
    rows: int = 0
    administrations: int = 0
    skipped: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    recoverable: Decimal = Decimal(0)
    at_risk: Decimal = Decimal(0)
    by_month: dict[str, MonthTotals] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    total_findings: int = 0
    unpriced_findings: int = 0
    priced: bool = False
    delimiter: str = ","

    @property
    def pricing_note(self) -> str:
        if not self.total_findings:
            return ""
        if not self.priced:
            return "no pricing imported: dollars are not known"
        if self.unpriced_findings:
            return f"{self.unpriced_findings:,} findings have no price for their code and quarter"
        return ""

    def add_finding(self, finding: Finding) -> None:
        self.total_findings += 1
        self.counts[finding.reason] = self.counts.get(finding.reason, 0) + 1
        month = self.by_month.setdefault(finding.month, MonthTotals())
        month.findings += 1
        if finding.dollars is None:
            self.unpriced_findings += 1
        else:
            self.priced = True
            if finding.kind == "recoverable":
                self.recoverable += finding.dollars
                month.recoverable += finding.dollars
            else:
                self.at_risk += finding.dollars
                month.at_risk += finding.dollars
        if len(self.findings) < KEEP_FINDINGS:
            self.findings.append(finding)

    def skip(self, row: int, reason: str) -> None:
        self.skipped += 1
        if len(self.skipped_rows) < KEEP_SKIPPED:
            self.skipped_rows.append(SkippedRow(row, reason))


@dataclass(slots=True)
class _Open:
    facts: FactsText
    lines: list[BilledLine]
    problem: str = ""


Progress = Callable[[int, int], None]
FindingSink = Callable[[Finding], None]


class Auditor:
    def __init__(
        self,
        source: CsvSource,
        mapping: dict[str, str],
        pricing: PricingSource = NO_REFERENCE,
        crosswalk: CrosswalkSource = NO_REFERENCE,
        *,
        on_finding: FindingSink | None = None,
        progress: Progress | None = None,
        cancelled: Callable[[], bool] | None = None,
    ) -> None:
        self.source = source
        self.parser = RowParser(column_indexes(source.header, mapping))
        self.checker = Checker(pricing, crosswalk)
        self.on_finding = on_finding
        self.progress = progress
        self.cancelled = cancelled
        self.report = AuditReport(source="", delimiter=source.delimiter)
        self._open: OrderedDict[str, _Open] = OrderedDict()
        self._closed: OrderedDict[str, int] = OrderedDict()

    def run(self) -> AuditReport:
        report = self.report
        parse = self.parser.parse
        open_ = self._open
        for count, (row, cells, unreadable) in enumerate(self.source.records(), start=1):
            if count % _PROGRESS_EVERY == 0:
                self._tick()
            report.rows += 1
            if unreadable:
                report.skip(row, unreadable)
                continue
            try:
                key, line, facts = parse(row, cells)
            except RowProblem as problem:
                report.skip(row, str(problem))
                continue
            group = open_.get(key)
            if group is None:
                first = self._closed.get(key)
                if first is not None:
                    report.skip(
                        row,
                        f"administration_id: '{key}' was audited already (its lines started at "
                        f"row {first}); its lines must be near each other: sort the export by "
                        "administration_id",
                    )
                    continue
                open_[key] = _Open(facts, [line])
                if len(open_) > OPEN_WINDOW:
                    self._close(*open_.popitem(last=False))
                continue
            open_.move_to_end(key)
            if len(group.lines) >= MAX_LINES:
                report.skip(row, f"administration_id: '{key}' has more than {MAX_LINES} lines")
                continue
            group.lines.append(line)
            if not group.problem and group.facts != facts:
                name = differing_field(group.facts, facts)
                group.problem = (
                    f"{name}: differs between the lines of administration '{key}' "
                    f"(rows {group.lines[0].row} and {row})"
                )
        while open_:
            self._close(*open_.popitem(last=False))
        self._tick()
        return report

    def _tick(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise AuditCancelled
        if self.progress is not None:
            self.progress(self.source.bytes_read, self.source.size)

    def _close(self, key: str, group: _Open) -> None:
        closed = self._closed
        closed[key] = group.lines[0].row
        if len(closed) > CLOSED_MEMORY:
            closed.popitem(last=False)
        report = self.report
        problem = group.problem
        if not problem:
            try:
                when, dose = parse_facts(group.facts)
            except RowProblem as error:
                problem = str(error)
        result = problem or expected(dose)
        if isinstance(result, str):
            for line in group.lines:
                report.skip(line.row, result)
            return
        report.administrations += 1
        ndc = ndc11(dose.ndc) if dose.ndc else None
        lines = group.lines
        if ndc is None and result.signature == tuple((ln.modifiers, ln.units) for ln in lines):
            return  # billed exactly as the engine bills it
        facts = dose.with_date(when)
        for finding in self.checker.check(key, facts, lines, result.result, ndc):
            report.add_finding(finding)
            if self.on_finding is not None:
                self.on_finding(finding)


def audit_file(
    path: Path,
    mapping: dict[str, str] | None = None,
    pricing: PricingSource = NO_REFERENCE,
    crosswalk: CrosswalkSource = NO_REFERENCE,
    *,
    on_finding: FindingSink | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> AuditReport:
    """Audit one export; ``InputError`` when the file or its header cannot be used."""
    file, source = open_source(path)
    with file:
        auditor = Auditor(
            source,
            mapping or {},
            pricing,
            crosswalk,
            on_finding=on_finding,
            progress=progress,
            cancelled=cancelled,
        )
        report = auditor.run()
    report.source = path.name
    return report


def preview(path: Path, rows: int = 8) -> tuple[list[str], list[list[str]]]:
    """The header and the first ``rows`` records, for the mapping step of the window."""
    file, source = open_source(path)
    with file:
        # The first records whatever they hold (an unreadable one shows empty): a file of
        # a million bad rows must not be read to the end for a preview.
        records = islice(source.records(), rows)
        first = [cells for _, cells, _ in records]
    return source.header, first
