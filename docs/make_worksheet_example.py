"""Make docs/worksheet-example.pdf and docs/worksheet.png from the 12 mL example.

    uv run python docs/make_worksheet_example.py [--paper letter|a4] [--draft]

The PNG is the PDF rendered by poppler's pdftoppm at 80 dpi (``apt-get install
poppler-utils``), the picture used in the documentation. Names are invented.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # the repository root

from core.worksheet import build_worksheet  # noqa: E402
from core.worksheet.example import (  # noqa: E402
    DOCUMENTATION,
    PRINTED_AT,
    example_checks,
    example_result,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", choices=("letter", "a4"), default="letter")
    parser.add_argument("--draft", action="store_true")
    parser.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()

    pdf = build_worksheet(
        example_result(),
        DOCUMENTATION,
        worksheet_id="W-000042",
        printed_at=PRINTED_AT,
        paper=args.paper,
        draft=args.draft,
        checks=example_checks(),
    )
    pdf_path = DOCS / "worksheet-example.pdf"
    pdf_path.write_bytes(pdf)
    print(f"wrote {pdf_path}")
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        sys.exit("pdftoppm not found: apt-get install poppler-utils")
    with tempfile.TemporaryDirectory() as tmp:
        stem = Path(tmp) / "page"
        subprocess.run(
            [pdftoppm, "-png", "-r", str(args.dpi), "-f", "1", "-l", "1", "-singlefile",
             str(pdf_path), str(stem)],
            check=True,
        )  # fmt: skip
        png = DOCS / "worksheet.png"
        shutil.copyfile(stem.with_suffix(".png"), png)
    print(f"wrote {png}")


if __name__ == "__main__":
    main()
