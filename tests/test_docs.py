"""The docs match the tree: every module they name exists, and CONTRIBUTING names every module."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "exporter"
DOCS = (ROOT / "README.md", ROOT / "docs" / "CONTRIBUTING.md")
# `exporter/run/post.py`, `run/post.py`, `write/epub/` as the docs write them (or `make.py`)
_NAMED = re.compile(r"`(?:exporter/)?((?:[a-z0-9_]+/)*[a-z0-9_]+(?:\.py|/))`")


def _named(doc: Path) -> set[str]:
    """The module and package paths (relative to exporter/) a document names in backticks."""
    return {m.group(1) for m in _NAMED.finditer(doc.read_text(encoding="utf-8"))}


def _modules() -> set[str]:
    """Every module of the package, relative to exporter/ (package __init__ files left out)."""
    return {
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if p.name != "__init__.py" and "__pycache__" not in p.parts
    }


def test_every_module_the_docs_name_exists() -> None:
    for doc in DOCS:
        missing = sorted(
            n for n in _named(doc) if not (PACKAGE / n).exists() and not (ROOT / n).exists()
        )
        assert not missing, f"{doc.name} names modules that do not exist: {missing}"


def test_contributing_names_every_module() -> None:
    named = _named(ROOT / "docs" / "CONTRIBUTING.md")
    unnamed = sorted(_modules() - named - {"__main__.py"})
    assert not unnamed, f"docs/CONTRIBUTING.md does not name: {unnamed}"
