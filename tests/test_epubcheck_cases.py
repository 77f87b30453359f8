"""EPUBCheck reports nothing for the book of any golden case (all checked in one Java run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.check.epubcheck import run_epubcheck_many


@pytest.mark.slow
def test_every_case_book_passes_epubcheck(case_books: list[Path]) -> None:
    """0 fatal errors, 0 errors and 0 warnings for each case that builds (and with images)."""
    results = run_epubcheck_many(case_books)
    problems = [
        f"{path.name}: {line}"
        for path, result in results.items()
        for line in result.fatals + result.errors + result.warnings
    ]
    assert not problems, "\n".join(problems)
