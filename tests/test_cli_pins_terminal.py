"""PINs typed at a terminal with --pins-stdin are not echoed (issue 23, item 5)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

from tests.cli_run import ROOT

_CHILD = (
    "from core.cli.pins import PinReader\n"
    "reader = PinReader(from_stdin=True)\n"
    "pins = [reader.read('PIN of ana'), reader.read('PIN of ben')]\n"
    "print('read', *map(len, pins))\n"
)


def _read_until(fd: int, wanted: bytes, seen: bytearray) -> None:
    deadline = time.monotonic() + 30
    while wanted not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                return


def _at_a_terminal(typing: list[tuple[bytes, bytes]]) -> bytes:
    """Run the child on a pseudo-terminal; after each prompt seen, type its line. What
    the terminal showed, once the child has printed its answer and ended."""
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD], stdin=slave, stdout=slave, stderr=slave, cwd=ROOT
    )
    os.close(slave)
    seen = bytearray()
    try:
        for prompt, line in typing:
            _read_until(master, prompt, seen)
            os.write(master, line)
        _read_until(master, b"read 4 4", seen)
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        child.wait()
        os.close(master)
    return bytes(seen)


def test_pins_typed_at_a_terminal_are_not_echoed() -> None:
    """The attack: `worksheet ... --pins-stdin` at a terminal showed every PIN."""
    seen = _at_a_terminal([(b"PIN of ana: ", b"7391\n"), (b"PIN of ben: ", b"2846\n")])
    assert b"read 4 4" in seen, seen
    assert b"7391" not in seen and b"2846" not in seen, seen


def test_pins_from_a_pipe_are_still_read_line_by_line() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input="7391\n2846\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.stdout.strip() == "read 4 4", done.stderr
    assert "7391" not in done.stdout + done.stderr


def test_a_pin_typed_ahead_at_a_terminal_is_neither_lost_nor_shown() -> None:
    """Both PINs typed as soon as the first prompt shows: the second arrives while the
    first is read. Discarding input when echo is switched back (TCSAFLUSH) lost it and
    the command waited for ever."""
    seen = _at_a_terminal([(b"PIN of ana: ", b"7391\n2846\n")])
    assert b"read 4 4" in seen, seen
    assert b"7391" not in seen and b"2846" not in seen, seen
