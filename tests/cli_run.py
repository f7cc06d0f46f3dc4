"""The one way tests run ``main.py`` commands: in-process (fast, the default: no new
interpreter, and PINs hashed with the tests' cheap parameters) or as a real subprocess
(what only a process shows: argv bytes, start-up imports, being killed; marked ``slow``
where many). Both give a ``CompletedProcess``: text by default, bytes with ``binary``.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal, overload

ROOT = Path(__file__).resolve().parents[1]

Arg = str | Path
Input = str | bytes


@contextlib.contextmanager
def _as_a_process(cwd: Path | None, env: Mapping[str, str] | None) -> Iterator[None]:
    """The working directory and environment a subprocess would get, given back after:
    nothing a command sets in ``os.environ`` leaks into the next test."""
    before_env, before_cwd = dict(os.environ), Path.cwd()
    try:
        os.environ.update(env or {})
        if cwd is not None:
            os.chdir(cwd)
        yield
    finally:
        os.chdir(before_cwd)
        os.environ.clear()
        os.environ.update(before_env)


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


@overload
def run_main(
    *args: Arg | bytes,
    cwd: Path | None = ...,
    stdin: Input = ...,
    env: Mapping[str, str] | None = ...,
    binary: Literal[False] = ...,
) -> subprocess.CompletedProcess[str]: ...
@overload
def run_main(
    *args: Arg | bytes,
    cwd: Path | None = ...,
    stdin: Input = ...,
    env: Mapping[str, str] | None = ...,
    binary: Literal[True],
) -> subprocess.CompletedProcess[bytes]: ...
def run_main(
    *args: Arg | bytes,
    cwd: Path | None = None,
    stdin: Input = b"",
    env: Mapping[str, str] | None = None,
    binary: bool = False,
) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
    """``main.main(["main.py", *args])`` with ``stdin`` as its standard input, its
    stdout and stderr captured (bytes written to ``sys.stdout.buffer`` included) and its
    exit status, as a subprocess would give."""
    from main import main

    # Bytes in argv are decoded as the interpreter decodes its own (surrogate escapes).
    argv = ["main.py", *(os.fsdecode(a) if isinstance(a, bytes) else str(a) for a in args)]
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    # Decoded as this interpreter decodes its own standard input (surrogate escapes under
    # the C locale's UTF-8 mode), as the subprocess would.
    errors = getattr(sys.__stdin__, "errors", None) or "strict"
    given = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors=errors)
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)
    real_stdin, handlers = sys.stdin, logging.root.handlers[:]
    threads_before = set(threading.enumerate())
    with _as_a_process(cwd, env), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        sys.stdin = given
        try:
            status = main(argv)
        except SystemExit as leaving:
            code = leaving.code
            status = code if isinstance(code, int) else (0 if code is None else 1)
        finally:
            sys.stdin = real_stdin
            logging.root.handlers[:] = handlers  # each run adds its NullHandler
            # A process ends only when its non-daemon threads do (a backup after a record).
            for thread in set(threading.enumerate()) - threads_before:
                if not thread.daemon:
                    thread.join()
    stdout: bytes = out.buffer.getvalue()  # type: ignore[attr-defined]
    stderr: bytes = err.buffer.getvalue()  # type: ignore[attr-defined]
    if binary:
        return subprocess.CompletedProcess(argv, status, stdout, stderr)
    return subprocess.CompletedProcess(argv, status, _text(stdout), _text(stderr))


@overload
def run_script(
    *args: Arg | bytes,
    cwd: Path = ...,
    stdin: Input = ...,
    env: Mapping[str, str] | None = ...,
    binary: Literal[False] = ...,
    timeout: float = ...,
) -> subprocess.CompletedProcess[str]: ...
@overload
def run_script(
    *args: Arg | bytes,
    cwd: Path = ...,
    stdin: Input = ...,
    env: Mapping[str, str] | None = ...,
    binary: Literal[True],
    timeout: float = ...,
) -> subprocess.CompletedProcess[bytes]: ...
def run_script(
    *args: Arg | bytes,
    cwd: Path = ROOT,
    stdin: Input = b"",
    env: Mapping[str, str] | None = None,
    binary: bool = False,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str] | subprocess.CompletedProcess[bytes]:
    """``python main.py *args`` in a fresh process (``args`` may be bytes: argv as the
    operating system passes it); ``env`` is added to this process's environment."""
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "main.py"),
            *(a if isinstance(a, bytes) else str(a) for a in args),
        ],
        input=stdin.encode("utf-8") if isinstance(stdin, str) else stdin,
        capture_output=True,
        cwd=cwd,
        env=None if env is None else {**os.environ, **env},
        timeout=timeout,
    )
    if binary:
        return done
    return subprocess.CompletedProcess(
        done.args, done.returncode, _text(done.stdout), _text(done.stderr)
    )


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The one line a refused command says (exit 2, nothing on standard output)."""
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def pdf_text(pdf: Path | bytes) -> str:
    """The words of a PDF (a file or its bytes), spaces between them made single."""
    from pypdf import PdfReader

    data = pdf.read_bytes() if isinstance(pdf, Path) else pdf
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())
