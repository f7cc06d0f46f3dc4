"""End to end: `main.py audit` on an export of codes from the imported CMS files (issue
20): what billing staff see for a Part B drug billed per unit, a service date past the
newest quarter, and a code whose descriptor is not an amount."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from tests import partb_samples
from tests.cli_run import run_main
from tests.cms_samples import Q4_2025, crosswalk_csv, pricing_csv, write
from tests.core.audit_fakes import line, write_csv

BOTOX = {
    "hcpcs": "J0585",
    "service_date": "2025-11-03",
    "ndc": "00023-1145-01",
    "concentration": "",
    "vial_size": "100 units",
    "vials_opened": "2",
    "administered": "155 units",
}
LATER = {**BOTOX, "service_date": "2026-02-10"}
KIT = {**BOTOX, "hcpcs": "A4222", "ndc": "", "vial_size": "1 units", "administered": "1 units"}


def test_audit_of_file_codes_as_the_user_sees_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    files = [
        write(tmp_path / "asp.csv", pricing_csv(Q4_2025, rows=partb_samples.PRICING_ROWS)),
        write(tmp_path / "xw.csv", crosswalk_csv(Q4_2025, rows=partb_samples.CROSSWALK_ROWS)),
    ]
    assert run_main("cms", "import", *map(str, files), "--data-dir", data).returncode == 0
    rows = [
        line("BOTOX-1", 155, **BOTOX),  # 155 + JW 45: right
        line("BOTOX-1", 45, "JW", **BOTOX),
        line("BOTOX-2", 200, **BOTOX),  # 200 without JW: wrong
        line("BOTOX-3", 155, **LATER),  # right, in 2026Q1: no file covers it
        line("BOTOX-3", 45, "JW", **LATER),
        line("KIT-1", 1, "JZ", **KIT),  # A4222 is billed per '1 KIT'
    ]
    export = write_csv(tmp_path / "export.csv", rows)
    findings = tmp_path / "findings.csv"
    done = run_main("audit", export, "--csv", findings, "--data-dir", data)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Audited export.csv: 6 rows, 3 administrations, 1 row skipped",
        "Findings: 2",
        "  missing-jw                   1  Billable waste not billed on a JW line",
        "  units-over-billed            1  More units billed than administered",
        "Recoverable (under-billed): $292.50",
        "At risk (over-billed or likely denied): $292.50",
        "Warning: J0585: no imported CMS pricing file covers the service date; billed per "
        "1 unit from 2025Q4, the newest quarter held (import the file for the quarter of "
        "the service date): 1 administration, first at export.csv row 5",
        "  skipped row 7: hcpcs: A4222 is billed per '1 KIT' in the CMS pricing file 2025Q4: "
        "not an amount in mg, g, mcg, mL or units, so its units cannot be calculated",
    ]
    written = list(csv.DictReader(io.StringIO(findings.read_text())))
    assert [
        (r["reason"], r["administration_id"], r["expected"], r["dollars"]) for r in written
    ] == [
        ("units-over-billed", "BOTOX-2", "J0585 x 155; J0585-JW x 45", "292.50"),
        ("missing-jw", "BOTOX-2", "J0585 x 155; J0585-JW x 45", "292.50"),
        ("skipped-row", "", "", ""),
    ]
    done = run_main("audit", export, "--json", "--data-dir", data)
    (warning,) = json.loads(done.stdout)["warnings"]
    assert (warning["administrations"], warning["first_row"]) == (1, 5)
