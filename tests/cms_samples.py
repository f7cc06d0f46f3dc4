"""Small CMS files in the published layouts, written the way CMS writes them: cp1252
text, a preamble of title and note rows, quoted fields holding commas."""

from __future__ import annotations

import zipfile
from pathlib import Path

Q1_2026 = "Effective January 1, 2026 through March 31, 2026"
Q4_2025 = "Effective October 1, 2025 through December 31, 2025"

PRICING_HEADER = (
    "HCPCS Code,Short Description,HCPCS Code Dosage,Payment Limit,"
    "Vaccine AWP%,Vaccine Limit,Blood AWP%,Blood Limit,Clotting Factor,Notes"
)
PRICING_ROWS = (
    'J1459,"Inj ivig privigen, 500 mg",500 MG,41.234,,,,,,',
    "J1569,Gammagard liquid injection,500 MG,40.5,,,,,,",
    "J1410,Inj estrogen conjugate 25 MG,25 MG,310.125,,,,,,",
    "J1460,Gamma globulin 1 CC inj,1 ML,48.6,,,,,,",
    "J9999,Not otherwise classified,1 MG,,,,,,,",
)


def preamble(effective: str | None) -> list[str]:
    rows = [
        '"ASP Drug Pricing Files \u2014 Medicare Part B\u00ae"',
        "",
        f'"{effective}"' if effective else '"Quarterly file"',
        '"Note: payment limits are 106% of ASP, see\u00a0the notes, "", quoted"""',
        "\u2122 trademarks belong to their owners",
        "",
        ",,,",
        "Source: CMS",
    ]
    return rows


def pricing_csv(
    effective: str | None = Q1_2026,
    rows: tuple[str, ...] = PRICING_ROWS,
    header: str = PRICING_HEADER,
) -> bytes:
    lines = [*preamble(effective), header, *rows, "", '"Footnote: limits subject to change"']
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


CROSSWALK_COLUMNS = (
    "Short Description,LABELER NAME,Drug Name,HCPCS Dosage,PKG SIZE,PKG QTY,BILLUNITS,BILLUNITSPKG"
)
CROSSWALK_ROWS = (
    # code, ndc, rest
    (
        "J1459",
        "44206-0436-90",
        '"Inj ivig privigen, 500 mg","CSL Behring, LLC",Privigen\u00ae,500 MG,100,1,0.2,20',
    ),
    (
        "J1459",
        "44206-0437-91",
        '"Inj ivig privigen, 500 mg","CSL Behring, LLC",Privigen,500 MG,200,1,0.2,40',
    ),
    ("J1569", "00944-2700-02", "Gammagard liquid,Takeda,Gammagard Liquid,500 MG,10,1,0.2,2"),
    ("J1569", "00944-2700-03", "Gammagard liquid,Takeda,Gammagard Liquid,500 MG,25,1,0.2,5"),
)


def crosswalk_csv(
    effective: str | None = Q1_2026,
    code_column: str = "_2026_CODE",
    ndc_column: str = "NDC2",
    rows: tuple[tuple[str, str, str], ...] = CROSSWALK_ROWS,
    extra: tuple[str, ...] = (),
) -> bytes:
    header = f"{code_column},{ndc_column},{CROSSWALK_COLUMNS}"
    lines = [*preamble(effective), header, *(f"{c},{n},{rest}" for c, n, rest in rows), *extra]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", "ASP files")
        for name, data in members.items():
            archive.writestr(name, data)
    return path
