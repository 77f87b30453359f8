"""EPUBCheck reports nothing for the book of any golden case (all checked in one Java run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.check.epubcheck import run_epubcheck_many
from exporter.errors import PostError
from exporter.run.load import load_book
from exporter.write.epub.package import write_epub

from .samples import png_1x1

CASES = Path(__file__).parent / "cases"


@pytest.mark.slow
def test_every_case_book_passes_epubcheck(tmp_path: Path) -> None:
    """0 fatal errors, 0 errors and 0 warnings for each case that builds (and with images)."""
    books: list[Path] = []
    for post in sorted(CASES.glob("*.md")):
        try:
            book = load_book(post)
        except PostError:
            continue
        path = tmp_path / f"{post.stem}.epub"
        write_epub(book, path)
        books.append(path)
    images = tmp_path / "images-dir"
    for name in ("images/2010/05/orchid.png", "images/2012/08/cottage.jpg", "north.jpg"):
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        (images / name).write_bytes(png_1x1())
    for post in ("images", "shortcodes-captions"):
        book = load_book(CASES / f"{post}.md", images)
        assert book.resources
        books.append(tmp_path / f"{post}-with-images.epub")
        write_epub(book, books[-1])
    results = run_epubcheck_many(books)
    problems = [
        f"{path.name}: {line}"
        for path, result in results.items()
        for line in result.fatals + result.errors + result.warnings
    ]
    assert not problems, "\n".join(problems)
