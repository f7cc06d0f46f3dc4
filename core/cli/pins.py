"""Reading PINs for the command line: from the terminal without echo (``getpass``), or
one per line from standard input (``--pin-stdin``/``--pins-stdin``, for scripts and
tests). A PIN is never printed, logged or put in a message."""

from __future__ import annotations

import sys

from core.accounts.models import MAX_PIN_CHARS
from core.errors import InputError


class PinReader:
    """Hands out PINs in the order the command asks for them."""

    def __init__(self, from_stdin: bool) -> None:
        self.from_stdin = from_stdin

    def read(self, prompt: str, *, confirm: bool = False) -> str:
        """One PIN. From the terminal a new PIN (``confirm``) is typed twice."""
        pin = self._read(prompt, confirm)
        try:
            pin.encode("utf-8")
        except UnicodeEncodeError:  # undecodable bytes (surrogate escapes)
            raise InputError("PIN", f"{prompt}: not valid text (invalid UTF-8)") from None
        return pin

    def _read(self, prompt: str, confirm: bool) -> str:
        if self.from_stdin and _is_terminal(sys.stdin):
            # --pins-stdin typed at a terminal: the PINs must not show on the screen.
            return _terminal_line(prompt)
        if self.from_stdin:
            return _stdin_line(prompt)
        import getpass

        from core.accounts import AccountError
        from core.accounts.managing import check_new_pin

        try:
            pin = getpass.getpass(f"{prompt}: ")
            if confirm:
                check_new_pin(pin, getpass.getpass(f"{prompt} again: "))
        except AccountError as error:
            raise InputError("PIN", f"{error}; nothing was changed") from None
        except (EOFError, KeyboardInterrupt):
            raise InputError("PIN", "no PIN was typed; nothing was changed") from None
        return pin


def _stdin_line(prompt: str) -> str:
    try:
        line = sys.stdin.readline(MAX_PIN_CHARS + 3)
    except UnicodeDecodeError:
        raise InputError("PIN", f"{prompt}: standard input is not valid text") from None
    except (OSError, ValueError):
        raise InputError("PIN", f"{prompt}: standard input cannot be read") from None
    if not line:
        raise InputError("PIN", f"{prompt}: expected one more line on standard input")
    if not line.endswith("\n") and len(line) > MAX_PIN_CHARS:
        raise InputError("PIN", f"{prompt}: longer than {MAX_PIN_CHARS} characters")
    return line.removesuffix("\n").removesuffix("\r")


def _is_terminal(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False


def _terminal_line(prompt: str) -> str:
    """One line of standard input, a terminal, with echo off while it is typed."""
    import termios

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    quiet = list(saved)
    quiet[3] &= ~termios.ECHO
    # Echo goes off before the prompt shows, and without discarding input: a PIN typed
    # as soon as the prompt appears (or typed ahead) must be neither shown nor lost.
    termios.tcsetattr(fd, termios.TCSADRAIN, quiet)
    sys.stderr.write(f"{prompt}: ")
    sys.stderr.flush()
    try:
        return _stdin_line(prompt)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        sys.stderr.write("\n")
        sys.stderr.flush()
