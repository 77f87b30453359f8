"""Turn a post file into a finished Book: reader → cleaner → transforms, no writer involved."""

from __future__ import annotations

from pathlib import Path

from exporter.clean.html import clean_html
from exporter.clean.images import embed_images
from exporter.clean.sentences import segment_book
from exporter.errors import EmptyPostError
from exporter.model.book import Book, Chapter, Embed, Figure
from exporter.model.text import block_texts, words
from exporter.read.body import prepare_body
from exporter.read.post import Post, read_post


def book_from_post(post: Post, images_dir: Path | None = None) -> Book:
    """Clean a read post into a segmented Book; refuse a post with nothing readable in it.

    Site-relative images (and images on the post's own site) are embedded when `images_dir`
    holds them; remote images are never fetched.
    """
    prepared = prepare_body(post.body)
    chapters = clean_html(prepared.html, post.meta.title)
    if not _readable(chapters):
        shown = [b for chapter in chapters for b in chapter.blocks]
        players = [b for b in shown if isinstance(b, Embed)]
        if not post.body.strip():
            reason = "empty body"
        elif prepared.shortcodes:
            reason = "body holds only shortcodes"
        elif shown and len(players) == len(shown):
            reason = f"body is only an embedded player or form ({players[0].url})"
        elif shown and all(isinstance(b, Figure) for b in shown):
            reason = "body is only an image, with no text or alternative text"
        else:
            reason = "body has no readable text"
        raise EmptyPostError(post.path, reason, post.body_line)
    chapters, resources = embed_images(chapters, images_dir, post.meta.site)
    return segment_book(Book(post.meta, chapters, resources))


def load_book(path: Path, images_dir: Path | None = None) -> Book:
    """Read and clean one post file into a Book."""
    return book_from_post(read_post(path), images_dir)


def _readable(chapters: tuple[Chapter, ...]) -> bool:
    """True when the chapters show a word of the post: players alone do not count, headings do."""
    for chapter in chapters:
        blocks = chapter.blocks + tuple(b for s in chapter.sections for b in s.blocks)
        texts = block_texts(tuple(b for b in blocks if not isinstance(b, Embed)))
        if any(words(text) for text in texts) or chapter.sections or not blocks:
            return True
    return False
