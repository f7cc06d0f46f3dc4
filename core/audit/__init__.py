"""Audit billed claim lines against the engine: find the revenue lost or at risk.

``audit_file`` streams a billing export (see ``template``), groups its lines by
administration, recomputes each with the billing rules of ``core.calculation`` (through
the fast path in ``engine``) and reports the differences as findings
(``findings.REASONS``). ``audit_files`` makes one report of
several exports (a health system's months or facilities).
"""

from __future__ import annotations

from core.audit.findings import REASONS, Finding
from core.audit.report_data import AuditReport, Incomplete, SkippedRow
from core.audit.run import AuditCancelled, Sources, audit_file, audit_files, preview
from core.audit.template import FIELDS, TEMPLATE

__all__ = [
    "FIELDS",
    "REASONS",
    "TEMPLATE",
    "AuditCancelled",
    "AuditReport",
    "Finding",
    "Incomplete",
    "SkippedRow",
    "Sources",
    "audit_file",
    "audit_files",
    "preview",
]
