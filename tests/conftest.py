"""Shared pytest fixtures (append new ones below; keep each one small)."""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from exporter.check.ace import ace_missing
from exporter.check.epubcheck import EpubcheckResult, run_epubcheck
from exporter.cli import main
from exporter.model.book import Book, Sentence

from .case_books import write_case_books


@pytest.fixture(scope="session")
def epubcheck() -> Callable[[Path], EpubcheckResult]:
    """Run the real EPUBCheck on an EPUB file (about 5 to 8 s a run: use sparingly)."""
    return run_epubcheck


# Hypothesis keeps no example database: tests write nowhere but under tmp_path.
settings.register_profile("exporter", database=None)
settings.load_profile("exporter")
_HYPOTHESIS_HOME = tempfile.TemporaryDirectory(prefix="pytest-hypothesis-")


def pytest_configure(config: pytest.Config) -> None:
    """Keep hypothesis's own files (its constants cache) out of the working tree."""
    set_hypothesis_home_dir(_HYPOTHESIS_HOME.name)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Remove hypothesis's temporary home."""
    _HYPOTHESIS_HOME.cleanup()


@pytest.fixture(autouse=True, scope="session")
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Point the default audio cache and the user's voices folder into tmp: no test can touch
    the user's cache or hear the user's own Piper voices."""
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    os.environ["XDG_DATA_HOME"] = str(tmp_path_factory.mktemp("xdg-data"))


SEED = Path(__file__).parent / "cases" / "seed-memantine.md"
SLUG = "nmda-antagonist-memantines-effect-on-mood-2"


@dataclass(frozen=True)
class Built:
    """Where a post (the seed, unless another slug is given) was built, and with which cache."""

    out: Path
    cache: Path
    slug: str = SLUG

    def file(self, suffix: str) -> Path:
        """The output file with this suffix."""
        return self.out / f"{self.slug}{suffix}"


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder every pytest-xdist worker of this run sees (this run's own without
    xdist): what is built there once serves them all."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build the seed once with the real engine, two jobs, into tmp folders (once for all the
    xdist workers: the first builds under a lock, the others wait and read its outputs)."""
    root = shared_tmp(tmp_path_factory) / "seed-built"
    root.mkdir(exist_ok=True)
    result = Built(root / "out", root / "cache")
    with (root / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "done").exists():
            args = ["build", "--engine=espeak",
                str(SEED), "-o", str(result.out), "--cache", str(result.cache)]
            assert main([*args, "--jobs", "2"]) == 0
            (root / "done").touch()
    return result


def sentences_of(book: Book) -> list[Sentence]:
    """Every Sentence node of a book, in reading order (walking the dataclasses)."""
    found: list[Sentence] = []
    stack: list[object] = [book.chapters]
    while stack:
        node = stack.pop()
        if isinstance(node, Sentence):
            found.append(node)
        elif isinstance(node, tuple):
            stack.extend(reversed(node))
        elif hasattr(node, "__dataclass_fields__"):
            stack.extend(reversed([getattr(node, name) for name in node.__dataclass_fields__]))
    return found


@pytest.fixture(scope="session")
def case_books(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Every golden case that builds, written once as an EPUB (two also with their images)."""
    return write_case_books(tmp_path_factory.mktemp("case-books"))


@pytest.fixture(scope="session")
def ace_ready() -> None:
    """Skip, saying why, when DAISY Ace cannot run here; in CI (CI=true) fail instead."""
    missing = ace_missing()
    if missing and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the DAISY Ace tests: {missing}")
    if missing:
        pytest.skip(missing)
