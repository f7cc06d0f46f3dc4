"""The HL7 v2.5.1 DFT^P03 (post detail financial transaction) of a recorded worksheet.

Built and validated by hl7apy against 2.5.1 at its strict level: MSH, EVN, PID (MRN,
name, birth date), PV1 (the claim setting), one FT1 per claim line, then DG1 (the
diagnoses; DG1 follows the financial groups in the DFT_P03 structure). Each FT1 carries:

- FT1-2 transaction ID ``W-000042-1`` (the worksheet and the line, so a credit names the
  charge it takes back), FT1-4 the administration time, FT1-6 ``CG`` (charge) or ``CD``
  (credit), FT1-7 and FT1-25 the HCPCS code, FT1-26 its modifiers (JW/JZ, JA/JB as on the
  record), FT1-10 the billing units, FT1-19 the ICD-10 codes, FT1-29 the 11-digit NDC.
- FT1-20 performed by: the verifier (the account login as the ID when signed with a
  PIN); FT1-24 entered by: the preparer. FT1-21 (ordered by) stays empty: a worksheet
  records no ordering prescriber.

Escaping: every text a user typed goes through hl7apy's escaping (``| ^ ~ &`` become
``\\F\\ \\S\\ \\R\\ \\T\\``), with the escape character itself turned into ``\\E\\`` first
(hl7apy leaves a typed ``\\F\\`` as it is, which a receiver would read as ``|``), and
control characters (a line break in a name) as HL7's hexadecimal escape ``\\X0D\\``
after it (hl7apy passes them through, and a carriage return ends a segment).

The message is the same bytes however often it is built: MSH-7 and EVN-2 are the time
the worksheet (or its correction) was recorded, MSH-10 the control ID the outbox keeps.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from core.charges.facts import ChargeFacts, Kind
from core.formats import plain

VERSION = "2.5.1"
SENDING_APPLICATION = "unitcalc"
#: Longest text hl7apy takes in an ST component at its strict level.
MAX_TEXT = 199

#: HL7 table 0004 patient class for each claim setting (PV1-2); the setting itself goes
#: in PV1-18 (patient type, a site table).
PATIENT_CLASS = {"outpatient": "O", "inpatient": "I", "fqhc-rhc": "O", "packaged": "O"}

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_id(worksheet_id: str, kind: Kind) -> str:
    """MSH-10 of a worksheet's charge (``W-000042-CG``) or of the credit taking it back
    (``W-000042-CD``): each happens at most once per worksheet, so the ID is unique per
    message, and built again it is the same, so a resend keeps it."""
    return f"{worksheet_id}-{kind}"


def hl7_time(moment: datetime) -> str:
    """TS/DTM: ``YYYYMMDDHHMMSS``, with the UTC offset when the time has one."""
    text = moment.strftime("%Y%m%d%H%M%S")
    return text + moment.strftime("%z") if moment.utcoffset() is not None else text


def _hex(match: re.Match[str]) -> str:
    return f"\\X{ord(match.group()):02X}\\"


def _user(text: str) -> str:
    """A typed text, ready for hl7apy's escaping (see the module docstring)."""
    return text[:MAX_TEXT].replace("\\", "\\E\\")


def _set(component: Any, text: str) -> None:
    if text:
        component.value = _user(text)


def _xcn(field: Any, name: str, account: str) -> None:
    _set(field.xcn_1, account)
    _set(field.xcn_2.fn_1, name)


def _ce(field: Any, code: str, system: str, text: str = "") -> None:
    field.ce_1 = code
    _set(field.ce_2, text)
    field.ce_3 = system


def dft_p03(facts: ChargeFacts, kind: Kind = "CG") -> str:
    """The DFT^P03 of ``facts`` as ER7 text (segments ended by carriage returns), validated
    against 2.5.1. ``kind`` ``CD`` credits the lines (a corrected worksheet's)."""
    from hl7apy.consts import VALIDATION_LEVEL
    from hl7apy.core import Message

    message = Message("DFT_P03", version=VERSION, validation_level=VALIDATION_LEVEL.STRICT)
    msh = message.msh
    msh.msh_3.hd_1 = SENDING_APPLICATION
    msh.msh_7.ts_1 = hl7_time(facts.recorded_at)
    msh.msh_9 = "DFT^P03^DFT_P03"
    msh.msh_10 = control_id(facts.worksheet_id, kind)
    msh.msh_11 = "P"
    msh.msh_18 = "UNICODE UTF-8"
    message.evn.evn_1 = "P03"
    message.evn.evn_2.ts_1 = hl7_time(facts.recorded_at)
    pid = message.pid
    pid.pid_1 = "1"
    _set(pid.pid_3.cx_1, facts.mrn)
    pid.pid_3.cx_5 = "MR"
    _set(pid.pid_5.xpn_1.fn_1, facts.patient_name)
    if facts.birth_date is not None:
        pid.pid_7.ts_1 = facts.birth_date.strftime("%Y%m%d")
    message.pv1.pv1_1 = "1"
    message.pv1.pv1_2 = PATIENT_CLASS.get(facts.setting, "O")
    message.pv1.pv1_18 = facts.setting[:20]
    for number, line in enumerate(facts.lines, start=1):
        ft1 = message.add_group("DFT_P03_FINANCIAL").ft1
        ft1.ft1_1 = str(number)
        ft1.ft1_2 = f"{facts.worksheet_id}-{number}"
        ft1.ft1_4.dr_1 = hl7_time(facts.administered_at)
        ft1.ft1_6 = kind
        _ce(ft1.ft1_7, line.hcpcs, "HCPCS", facts.descriptor)
        _set(ft1.ft1_8, facts.descriptor)
        ft1.ft1_10 = plain(Decimal(line.units))
        for code in facts.diagnoses:
            _ce(ft1.add_field("FT1_19"), code, "I10")
        _xcn(ft1.ft1_20, facts.verified_by.name, facts.verified_by.account)
        _xcn(ft1.ft1_24, facts.prepared_by.name, facts.prepared_by.account)
        _ce(ft1.ft1_25, line.hcpcs, "HCPCS")
        for modifier in line.modifiers:
            _ce(ft1.add_field("FT1_26"), modifier, "HCPCS")
        if line.ndc:
            ft1.ft1_29.cne_1 = line.ndc
            ft1.ft1_29.cne_3 = "NDC"
    for number, code in enumerate(facts.diagnoses, start=1):
        dg1 = message.add_segment("DG1")
        dg1.dg1_1 = str(number)
        _ce(dg1.dg1_3, code, "I10")
        dg1.dg1_6 = "W"  # working diagnosis: the one the dose was given for
    message.validate()  # raises hl7apy's ValidationError naming the element
    # Segment by segment: a control character left in a segment is a typed one.
    return "\r".join(_CONTROL.sub(_hex, segment.to_er7()) for segment in _segments(message))


def _segments(element: Any) -> list[Any]:
    """The message's segments in order (groups opened)."""
    found = []
    for child in element.children:
        found.extend(_segments(child) if child.classname == "Group" else [child])
    return found
