"""Golden tests: every post in tests/cases/ gives exactly the files beside it.

`<case>.book` is the Book's dump and `<case>.speech` what the narrator says, for every case;
for the cases in WRITER_CASES also `<case>.xhtml`, `<case>.vtt` and `<case>.smil`, what the
writers make of it. UPDATE_GOLDEN=1 rewrites them all (review the diff). Each built case must
also keep every visible word of its post, in order, in the Book, in the speech script and in
the text of the EPUB written from it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from exporter.check.fidelity import check_book, check_epub, check_speech
from exporter.errors import PostError
from exporter.model.book import Book
from exporter.model.dump import dump_book
from exporter.read.post import Post, read_post
from exporter.run.load import book_from_post
from exporter.write.epub.package import write_epub

from . import writers

CASES = Path(__file__).parent / "cases"
POSTS = sorted(p for p in CASES.iterdir() if p.suffix in (".md", ".html"))
WRITER_CASES = ("seed-memantine", "footnotes", "tables", "lists-nested", "shortcodes-embeds")
WRITERS: dict[str, Callable[[Book], str]] = {
    ".xhtml": writers.xhtml_dump,
    ".vtt": writers.vtt_dump,
    ".smil": writers.smil_dump,
}


def _render(post_path: Path) -> str:
    """The dump of a case: the Book, or the one-line refusal for a post that is refused."""
    try:
        post = read_post(post_path)
        book = book_from_post(post)
    except PostError as exc:
        assert "\n" not in str(exc)
        return f"refused: {exc.reason} (line {exc.line})\n"
    return dump_book(book)


def _built(post_path: Path) -> tuple[Post, Book]:
    """The post and its book; a refused post skips the test."""
    try:
        post = read_post(post_path)
        return post, book_from_post(post)
    except PostError:
        pytest.skip("refused post: nothing to compare")


def _compare(actual: str, expected_path: Path) -> None:
    """The text equals the golden file; UPDATE_GOLDEN=1 rewrites the file instead."""
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), (
        f"no golden file; run with UPDATE_GOLDEN=1 to create {expected_path}"
    )
    assert actual == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_matches_golden_dump(post_path: Path) -> None:
    """The Book's dump equals the .book file."""
    _compare(_render(post_path), post_path.with_suffix(".book"))


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_matches_golden_speech(post_path: Path) -> None:
    """What the narrator says (with pauses and announcements) equals the .speech file."""
    _, book = _built(post_path)
    _compare(writers.speech_dump(book), post_path.with_suffix(".speech"))


WRITER_PARAMS = [
    (post, suffix) for post in POSTS if post.stem in WRITER_CASES for suffix in WRITERS
]


@pytest.mark.parametrize(
    ("post_path", "suffix"), WRITER_PARAMS, ids=[f"{p.stem}{s}" for p, s in WRITER_PARAMS]
)
def test_case_matches_golden_writer_output(post_path: Path, suffix: str) -> None:
    """The chapter XHTML, the VTT and the SMIL of a case equal their golden files."""
    _, book = _built(post_path)
    _compare(WRITERS[suffix](book), post_path.with_suffix(suffix))


def test_every_writer_case_exists() -> None:
    assert {p.stem for p in POSTS} >= set(WRITER_CASES)


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_keeps_every_word(post_path: Path) -> None:
    """Every visible word of the post body appears in the Book once, in order."""
    post, book = _built(post_path)
    fidelity = check_book(post.body, book)
    assert fidelity.ok, fidelity.summary()


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_speaks_every_word(post_path: Path) -> None:
    """Every visible word outside code blocks is in the speech script, in order."""
    post, book = _built(post_path)
    fidelity = check_speech(post.body, book)
    assert fidelity.ok, fidelity.summary()


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_epub_shows_every_word(post_path: Path, tmp_path: Path) -> None:
    """Every visible word is in the text of the written EPUB, in order."""
    post, book = _built(post_path)
    epub_path = tmp_path / f"{book.meta.slug}.epub"
    write_epub(book, epub_path)
    fidelity = check_epub(post.body, epub_path, book)
    assert fidelity.ok, fidelity.summary()
