"""`export` and `charges` take every hostile value: exit 2, one plain line, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_run import run_main
from tests.core.charges_cases import record_example
from tests.test_hostile_input import VALUES


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("data")
    record_example(folder)
    return folder


def _commands(value: str, out: Path) -> list[tuple[str, ...]]:
    return [
        ("export", "hl7", value, "-o", str(out)),
        ("export", "fhir", value, "-o", str(out)),
        ("charges", "retry", value),
        ("charges", "send", "--to", value),
        ("charges", "send", "--to", "127.0.0.1:9", "--timeout", value),
        ("charges", "list", "--limit", value),
    ]


@pytest.mark.parametrize("kind", sorted(VALUES))
def test_every_hostile_value_is_refused_in_one_line(
    data_dir: Path, tmp_path: Path, kind: str
) -> None:
    for args in _commands(VALUES[kind], tmp_path / "out"):
        done = run_main(*args, "--data-dir", data_dir)
        if done.returncode == 0:  # a value that happens to be valid (a limit of 0)
            continue
        if done.returncode == 1 and args[:3] == ("charges", "send", "--to"):
            # A name that is HOST:PORT in form ("9999-12-31T23:59"): nobody answers there.
            assert "1 pending (cannot reach" in done.stdout and not done.stderr
            continue
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        lines = done.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("unitcalc: "), (args, lines)
        assert "unexpected error" not in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
