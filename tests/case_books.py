"""The golden cases written as EPUB files, for the validators (EPUBCheck, DAISY Ace)."""

from __future__ import annotations

from pathlib import Path

from exporter.errors import PostError
from exporter.run.load import load_book
from exporter.write.epub.package import write_epub

from .samples import png_1x1

CASES = Path(__file__).parent / "cases"
IMAGES = ("images/2010/05/orchid.png", "images/2012/08/cottage.jpg", "north.jpg")
WITH_IMAGES = ("images", "shortcodes-captions")


def write_case_books(folder: Path) -> list[Path]:
    """The book of every case that builds, then the cases with images built with their images."""
    books: list[Path] = []
    for post in sorted(CASES.glob("*.md")):
        try:
            book = load_book(post)
        except PostError:
            continue
        books.append(folder / f"{post.stem}.epub")
        write_epub(book, books[-1])
    images = folder / "images-dir"
    for name in IMAGES:
        (images / name).parent.mkdir(parents=True, exist_ok=True)
        (images / name).write_bytes(png_1x1())
    for post in WITH_IMAGES:
        book = load_book(CASES / f"{post}.md", images)
        assert book.resources, f"{post}: no image was embedded"
        books.append(folder / f"{post}-with-images.epub")
        write_epub(book, books[-1])
    return books
