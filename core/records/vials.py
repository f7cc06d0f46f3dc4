"""The vial rows of the records: one per vial of each worksheet, for recalls by lot or
serial and for serials used before.

The rows repeat what each record's documentation_json holds (which the chain hash
covers), derived by one SQL query, so the store, the migration that fills in earlier
records, and the tamper check all agree on what the rows must be.
"""

from __future__ import annotations

import sqlite3

# A text field of a vial, or "" when it is missing or not text.
_FIELD = (
    "CASE WHEN json_type(v.value, '$.{0}') = 'text' THEN json_extract(v.value, '$.{0}') ELSE '' END"
)

#: (worksheet_id, number, ndc, lot, serial) of every vial listed in documentation_json.
DERIVED_VIALS = f"""
    SELECT w.id AS worksheet_id, v.key + 1 AS number, {_FIELD.format("ndc")} AS ndc,
           {_FIELD.format("lot")} AS lot, {_FIELD.format("serial")} AS serial
    FROM worksheets w, json_each(w.documentation_json, '$.vials') v
    WHERE json_type(w.documentation_json, '$.vials') = 'array' AND v.type = 'object'
"""

INSERT_VIALS = (
    "INSERT INTO worksheet_vials (worksheet_id, number, ndc, lot, serial)" + DERIVED_VIALS
)


def insert_vials(conn: sqlite3.Connection, record_id: int) -> None:
    """The vial rows of one record just inserted (inside its transaction)."""
    conn.execute(INSERT_VIALS + " AND w.id = ?", (record_id,))


def first_vial_mismatch(conn: sqlite3.Connection) -> int | None:
    """The first worksheet whose vial rows differ from its documentation, or None."""
    stored = "SELECT worksheet_id, number, ndc, lot, serial FROM worksheet_vials"
    row = conn.execute(
        f"SELECT min(worksheet_id) FROM ("
        f" SELECT * FROM ({stored} EXCEPT {DERIVED_VIALS})"
        f" UNION ALL SELECT * FROM ({DERIVED_VIALS} EXCEPT {stored}))"
    ).fetchone()
    return row[0] if row is not None else None
