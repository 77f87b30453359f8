"""Shared pytest fixtures (append new ones below; keep each one small)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .epubcheck import EpubcheckResult, run_epubcheck


@pytest.fixture(scope="session")
def epubcheck() -> Callable[[Path], EpubcheckResult]:
    """Run the real EPUBCheck on an EPUB file (about 5 to 8 s a run: use sparingly)."""
    return run_epubcheck
