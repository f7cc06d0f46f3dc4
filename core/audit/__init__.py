"""Audit billed claim lines against the engine: find the revenue lost or at risk.

``audit_file`` streams a billing export (see ``template``), groups its lines by
administration, recomputes each with ``core.calculation.calculate`` and reports the
differences as findings (``findings.REASONS``).
"""

from __future__ import annotations

from core.audit.findings import REASONS, Finding
from core.audit.run import AuditCancelled, AuditReport, SkippedRow, audit_file, preview
from core.audit.template import FIELDS, TEMPLATE

__all__ = [
    "FIELDS",
    "REASONS",
    "TEMPLATE",
    "AuditCancelled",
    "AuditReport",
    "Finding",
    "SkippedRow",
    "audit_file",
    "preview",
]
