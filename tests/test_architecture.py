"""The architecture is a test: import-linter's contracts hold, and they break on a violation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(project: Path) -> subprocess.CompletedProcess[str]:
    """Run lint-imports on a project folder (its pyproject.toml holds the contracts)."""
    return subprocess.run(
        [str(LINT), str(project / "pyproject.toml"), "--no-cache"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(project), "PATH": "/usr/bin:/bin"},
        check=False,
    )


@pytest.fixture()
def copy(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, to break on purpose."""
    shutil.copytree(
        ROOT / "exporter", tmp_path / "exporter", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_contracts_hold_on_the_tree() -> None:
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("write/epub/smil.py", "from exporter.write.audio import common", "Writers never import"),
        ("write/epub/smil.py", "from exporter.run import post", "Pipeline layers"),
        ("run/report.py", "import bs4", "bs4 is imported only by"),
        ("model/text.py", "import yaml", "standard library only"),
    ],
)
def test_a_violation_breaks_its_contract(copy: Path, module: str, line: str, contract: str) -> None:
    path = copy / "exporter" / module
    path.write_text(path.read_text() + f"\n{line}  # noqa\n")
    result = _lint(copy)
    assert result.returncode != 0
    broken = [
        row for row in result.stdout.splitlines() if row.endswith("BROKEN") or "BROKEN (" in row
    ]
    assert any(contract in row for row in broken), result.stdout
