"""Charges out: a recorded worksheet's claim lines to the billing system, exactly once.

- ``facts``: what a charge message says, read from a worksheet record (the claim lines
  are the record's own; no billing rule is applied again here).
- ``hl7``: the HL7 v2.5.1 DFT^P03 message (hl7apy, strict 2.5.1 validation).
- ``fhir``: the FHIR R4B Bundle (fhir.resources' R4B models).
- ``mllp``: delivery over MLLP and what the receiver's ACK means.
- ``outbox``: the table of messages queued with each recorded worksheet.
"""
