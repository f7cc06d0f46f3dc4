"""Running ``main.py`` commands in tests: in-process (fast, the default) or as a real
subprocess (a few smoke tests, marked ``slow``). Both return a ``CompletedProcess``."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_main(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``main.main(["main.py", *args])`` with its stdout and stderr captured (bytes written
    to ``sys.stdout.buffer`` included) and its exit status, as a subprocess would give."""
    from main import main

    argv = ["main.py", *map(str, args)]
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    previous = Path.cwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                status = main(argv)
            except SystemExit as leaving:
                code = leaving.code
                status = code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        os.chdir(previous)
    stdout = out.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]
    stderr = err.buffer.getvalue().decode("utf-8", "replace")  # type: ignore[attr-defined]
    return subprocess.CompletedProcess(argv, status, stdout, stderr)


def run_script(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python main.py *args`` in a fresh process."""
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
