"""Turn a post file into a finished Book: reader → cleaner → transforms, no writer involved."""

from __future__ import annotations

from pathlib import Path

from .cleaner import clean_body
from .errors import EmptyPostError
from .model import Book
from .reader import Post, read_post
from .segment import segment_book


def book_from_post(post: Post) -> Book:
    """Clean a read post into a segmented Book; refuse a post with nothing readable in it."""
    chapters = clean_body(post.body, post.meta.title)
    if not chapters:
        reason = "empty body" if not post.body.strip() else "body has no readable text"
        raise EmptyPostError(post.path, reason, post.body_line)
    return segment_book(Book(post.meta, chapters))


def load_book(path: Path) -> Book:
    """Read and clean one post file into a Book."""
    return book_from_post(read_post(path))
