"""Golden tests: every post in tests/cases/ gives exactly the Book dumped beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from exporter.dump import dump_book
from exporter.errors import PostError
from exporter.fidelity import check_book
from exporter.load import book_from_post
from exporter.reader import read_post

CASES = Path(__file__).parent / "cases"
POSTS = sorted(p for p in CASES.iterdir() if p.suffix in (".md", ".html"))


def _render(post_path: Path) -> str:
    """The dump of a case: the Book, or the one-line refusal for a post that is refused."""
    try:
        post = read_post(post_path)
        book = book_from_post(post)
    except PostError as exc:
        return f"refused: {exc.reason} (line {exc.line})\n"
    return dump_book(book)


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_matches_golden_dump(post_path: Path) -> None:
    """The dump equals the .book file; UPDATE_GOLDEN=1 rewrites the expected files."""
    expected_path = post_path.with_suffix(".book")
    actual = _render(post_path)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        expected_path.write_text(actual, encoding="utf-8")
    assert expected_path.exists(), (
        f"no golden file; run with UPDATE_GOLDEN=1 to create {expected_path}"
    )
    assert actual == expected_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("post_path", POSTS, ids=[p.stem for p in POSTS])
def test_case_keeps_every_word(post_path: Path) -> None:
    """Every visible word of the post body appears in the Book once, in order."""
    try:
        post = read_post(post_path)
        book = book_from_post(post)
    except PostError:
        pytest.skip("refused post: nothing to compare")
    fidelity = check_book(post.body, book)
    assert fidelity.ok, fidelity.summary()
