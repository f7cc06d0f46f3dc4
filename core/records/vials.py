"""The vial rows of the records: one per vial of each worksheet, for recalls by lot or
serial and for serials used before.

The rows repeat what each record's documentation_json holds (which the chain hash
covers), derived by one function (``derived_vials``), so the store, the migration that
fills in earlier records, and the tamper check all agree on what the rows must be.
"""

from __future__ import annotations

import json

from core.storage import Connection

#: (worksheet_id, number, ndc, lot, serial)
VialRow = tuple[int, int, str, str, str]

INSERT = (
    "INSERT INTO worksheet_vials (worksheet_id, number, ndc, lot, serial) VALUES (?, ?, ?, ?, ?)"
)


def derived_vials(record_id: int, documentation_json: object) -> list[VialRow]:
    """The vial rows of one record: every object in its documentation's ``vials`` list,
    numbered by its place in the list (from 1); a field that is missing or not text is
    ""."""
    try:
        documentation = (
            json.loads(documentation_json) if isinstance(documentation_json, str) else None
        )
    except ValueError:
        return []
    vials = documentation.get("vials") if isinstance(documentation, dict) else None
    if not isinstance(vials, list):
        return []

    def field(vial: dict[str, object], name: str) -> str:
        value = vial.get(name)
        return value if isinstance(value, str) else ""

    return [
        (record_id, number, field(vial, "ndc"), field(vial, "lot"), field(vial, "serial"))
        for number, vial in enumerate(vials, 1)
        if isinstance(vial, dict)
    ]


def insert_vials(conn: Connection, record_id: int, documentation_json: str) -> None:
    """The vial rows of one record being inserted (inside its transaction)."""
    conn.executemany(INSERT, derived_vials(record_id, documentation_json))


def fill_vials(conn: Connection) -> None:
    """The migration step adding the vial rows of every record already written."""
    rows = conn.execute("SELECT id, documentation_json FROM worksheets ORDER BY id").fetchall()
    for record_id, documentation_json in rows:
        insert_vials(conn, int(record_id), documentation_json)
