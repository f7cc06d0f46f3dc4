"""A picture of the audit window with an example export audited, for the README.

    uv run python -m ui.audit_screenshot docs/audit.png

The export is generated (made-up administration IDs); no pricing is imported, so the
dollars column says so rather than showing invented prices.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from core.audit.template import FIELDS

_FACTS = "outpatient,J1410,{mods},{units},,,10%,10 mL,{vials},no,{ml} mL"
#: (ID, date, payer, lines as (modifiers, units), vials, mL): some right, some not.
_EXAMPLE = [
    ("ENC-20417", "2026-07-02", "medicare", [("", 3), ("JW", 1)], 2, 12),
    ("ENC-20418", "2026-07-02", "medicare", [("", 3)], 2, 12),
    ("ENC-20431", "2026-07-09", "medicare", [("", 2)], 1, 10),
    ("ENC-20455", "2026-07-21", "commercial", [("", 5), ("JW", 1)], 3, 24),
    ("ENC-20502", "2026-08-04", "medicare", [("", 4), ("JW", 1)], 2, 12),
    ("ENC-20519", "2026-08-11", "medicare", [("JZ", 2)], 1, 10),
    ("ENC-20533", "2026-08-18", "medicare", [("", 2), ("JW", 2)], 2, 12),
    ("ENC-20560", "2026-09-01", "medicare", [("JZ", 3), ("JW", 1)], 2, 12),
    ("ENC-20588", "2026-09-15", "medicare", [("", 5)], 3, 28),
    ("ENC-20590", "2026-09-15", "medicare", [("", 2), ("JW", 2)], 2, 8),
]


def write_example(path: Path) -> None:
    lines = [",".join(FIELDS)]
    for admin, when, payer, billed, vials, ml in _EXAMPLE:
        for mods, units in billed:
            facts = _FACTS.format(mods=mods, units=units, vials=vials, ml=ml)
            lines.append(f"{admin},{when},{payer},{facts}")
    lines.append("ENC-20601,2026-09-30,medicare,outpatient,J1410,,three,,,10%,10 mL,1,no,9 mL")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    from ui.audit_dialog import AuditDialog

    target = Path(argv[1] if len(argv) > 1 else "docs/audit.png")
    app = QApplication.instance() or QApplication(argv[:1])
    with tempfile.TemporaryDirectory() as scratch:
        export = Path(scratch) / "claims-q3-2026.csv"
        write_example(export)
        from core.site import Site

        # The shipped catalog and payers, as a site made in the scratch folder has them.
        dialog = AuditDialog(site=Site.from_environment({}, data_dir=scratch))
        dialog.resize(1280, 800)
        dialog.show()
        dialog.load(export)
        dialog.start()
        while dialog.work.busy:
            app.processEvents()
        app.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        if not dialog.grab().save(str(target)):
            raise SystemExit(f"could not write {target}")
        dialog.close()
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
