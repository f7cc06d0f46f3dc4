"""What the engine's model library costs the first answer: msgspec (as built) vs pydantic.

    uv run python bench/bench_models.py [--repeat 9]

Each round runs two fresh processes (Qt's widgets imported first, not timed, as in the
window). "msgspec": importing msgspec and core.values. "pydantic": importing pydantic and
defining the same classes as pydantic models (frozen, unknown keys refused), mirrored
field by field from the engine's structs (``core.values.Value`` subclasses), nested
types and all. The medians and their difference are printed: what choosing pydantic for
the engine would add before the first answer (budget: 2.0x a bare form's first paint,
``bench/bench_startup.py``).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MSGSPEC = """
import time
import PySide6.QtWidgets, decimal, enum, typing, datetime
t0 = time.perf_counter()
import msgspec, core.values
print((time.perf_counter() - t0) * 1000)
"""

PYDANTIC = """
import time, types, typing
import PySide6.QtWidgets, decimal, enum, datetime
import msgspec  # to read the engine's classes; not timed
import core.calculation_models, core.dose_input
from core.values import Value

def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)

engine = list(dict.fromkeys(subclasses(Value)))
t0 = time.perf_counter()
import pydantic
t1 = time.perf_counter()
made = {}

def mirror(hint):
    if hint in made:
        return made[hint]
    if isinstance(hint, type) and issubclass(hint, Value):
        return define(hint)
    args = typing.get_args(hint)
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        return typing.Union[tuple(mirror(a) for a in args)]
    if origin is tuple:
        return tuple[mirror(args[0]), ...]
    return hint

def define(cls):
    fields = {}
    for field in msgspec.structs.fields(cls):
        default = ... if field.required else field.default
        fields[field.name] = (mirror(field.type), default)
    made[cls] = pydantic.create_model(
        cls.__name__,
        __config__=pydantic.ConfigDict(frozen=True, extra="forbid"),
        **fields,
    )
    return made[cls]

for cls in engine:
    mirror(cls)
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000, len(made))
"""


def run(code: str, env: dict[str, str]) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True
    )
    return [float(x) for x in done.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            PYTHONPATH=str(ROOT),
            PYTHONPYCACHEPREFIX=str(Path(scratch) / "pycache"),
        )
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        run(MSGSPEC, env), run(PYDANTIC, env)  # bytecode cached, disk warm; not measured
        light, imports, classes = [], [], []
        for _ in range(args.repeat):
            light.append(run(MSGSPEC, env)[0])
            imported, defined, count = run(PYDANTIC, env)
            imports.append(imported)
            classes.append(defined)
    msgspec_ms = statistics.median(light)
    pydantic_ms = statistics.median(imports) + statistics.median(classes)
    print(f"msgspec: import msgspec and core.values        {msgspec_ms:7.1f} ms")
    print(f"pydantic: import pydantic                       {statistics.median(imports):7.1f} ms")
    print(
        f"pydantic: define the engine's {int(count)} classes        "
        f"{statistics.median(classes):7.1f} ms"
    )
    print(f"pydantic would add {pydantic_ms - msgspec_ms:.0f} ms before the first answer")
    return 0


if __name__ == "__main__":
    sys.exit(main())
