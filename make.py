#!/usr/bin/env python3
"""Set up a private virtual environment, then build output/ or run every check (stdlib only).

python3 make.py build   # installs what is needed into .venv, then builds output/ from source/
python3 make.py test    # adds the dev tools, then runs ruff, mypy, lint-imports and pytest
python3 make.py fuzz    # builds many generated folders (EXPORTER_FUZZ_EXAMPLES, default 300)
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")


def _run(*args: str | Path) -> None:
    """Run a command from the project root; stop with its exit code when it fails."""
    completed = subprocess.run([str(a) for a in args], cwd=ROOT)
    if completed.returncode != 0:
        sys.exit(completed.returncode)


def _ensure_venv(extra: str) -> None:
    """Create .venv and install the project (with an extra) unless pyproject.toml is unchanged."""
    if sys.version_info < (3, 11):  # noqa: UP036  (make.py runs on whatever python3 is)
        sys.exit("exporter needs Python 3.11 or newer")
    if not (BIN / "python").exists():
        print("make.py: creating .venv", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extra}]" if extra else "."
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + spec.encode()).hexdigest()
    stamp = VENV / f".installed-{extra or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print(f"make.py: installing {spec} into .venv", flush=True)
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    _run(BIN / "python", "-m", "pip", "install", "--quiet", "-e", spec)
    stamp.write_text(digest)


def build(args: list[str]) -> None:
    """Build every post in source/ into output/."""
    _ensure_venv("")
    _run(BIN / "exporter", "build", "source", "-o", "output", *args)


def test(args: list[str]) -> None:
    """Run ruff, mypy, the import-linter contracts and the whole pytest suite."""
    _ensure_venv("dev")
    _run(BIN / "ruff", "check", "exporter", "tests", "benchmarks", "make.py")
    _run(BIN / "mypy", "exporter")
    _run(BIN / "lint-imports", "--no-cache")
    _run(BIN / "python", "-m", "pytest", *args)


def fuzz(args: list[str]) -> None:
    """Build many more generated folders than the test command does (EXPORTER_FUZZ_EXAMPLES)."""
    _ensure_venv("dev")
    env = {**os.environ, "EXPORTER_FUZZ_EXAMPLES": os.environ.get("EXPORTER_FUZZ_EXAMPLES", "300")}
    command = [str(BIN / "python"), "-m", "pytest", "-n", "0", "tests/test_fuzz.py", *args]
    sys.exit(subprocess.run(command, cwd=ROOT, env=env).returncode)


def main() -> None:
    """Dispatch `build`, `test` or `fuzz`."""
    commands = {"build": build, "test": test, "fuzz": fuzz}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
