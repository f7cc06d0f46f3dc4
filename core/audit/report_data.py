"""The audit's results: counts and dollars over every administration, and the first
findings and not-audited administrations kept for the window and the PDF (the CSV
streams every one as it is found)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from core.audit.findings import Finding

#: Findings and not-audited entries kept for the report; the counts and totals cover all.
KEEP_FINDINGS = 100_000
KEEP_SKIPPED = 10_000


@dataclass(frozen=True, slots=True)
class SkippedRow:
    row: int
    reason: str
    #: The export it comes from (its rows are that file's).
    source: str = ""


@dataclass(frozen=True, slots=True)
class Incomplete:
    """An administration with a line that cannot be read: reported whole, not audited."""

    administration_id: str
    rows: tuple[int, ...]
    #: Which line and why: ``row 3: billed_units: 'abc' is not a whole number of units``.
    reason: str
    source: str = ""


NotAudited = SkippedRow | Incomplete


@dataclass(slots=True)
class AuditWarning:
    """Something true of administrations that were audited (a service date past the
    newest CMS quarter held): one line, counted, with the first row it applies to."""

    message: str
    first_row: int
    source: str = ""
    administrations: int = 0

    def __str__(self) -> str:
        where = f"{self.source} " if self.source else ""
        return (
            f"{self.message}: {self.administrations:,} "
            f"{'administration' if self.administrations == 1 else 'administrations'}, "
            f"first at {where}row {self.first_row}"
        )


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
    #: Administrations with an unreadable line (no finding, no dollars).
    incomplete: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    recoverable: Decimal = Decimal(0)
    at_risk: Decimal = Decimal(0)
    by_month: dict[str, MonthTotals] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    skipped_rows: list[SkippedRow] = field(default_factory=list)
    incomplete_administrations: list[Incomplete] = field(default_factory=list)
    total_findings: int = 0
    unpriced_findings: int = 0
    priced: bool = False
    delimiter: str = ","
    #: Warning text -> the administrations it applies to (one entry per code and quarter).
    warnings: dict[str, AuditWarning] = field(default_factory=dict)

    @property
    def pricing_note(self) -> str:
        if not self.total_findings:
            return ""
        # A warning comes from an imported pricing file (a descriptor, a limit withheld).
        if not self.priced and not self.warnings:
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

    def warn(self, message: str, row: int, source: str = "") -> None:
        warning = self.warnings.get(message)
        if warning is None:
            warning = self.warnings[message] = AuditWarning(message, row, source)
        warning.administrations += 1

    def skip(self, skipped: SkippedRow) -> None:
        self.skipped += 1
        if len(self.skipped_rows) < KEEP_SKIPPED:
            self.skipped_rows.append(skipped)

    def add_incomplete(self, incomplete: Incomplete) -> None:
        self.incomplete += 1
        if len(self.incomplete_administrations) < KEEP_SKIPPED:
            self.incomplete_administrations.append(incomplete)
