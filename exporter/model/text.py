"""The visible text of a Book in reading order: for word counts and fidelity checks."""

from __future__ import annotations

import re
from collections.abc import Iterator

from exporter.model.book import (
    Block,
    Book,
    CodeBlock,
    Embed,
    Entry,
    Figure,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    plain_text,
)

_WORD = re.compile(r"\w+")


def block_texts(blocks: tuple[Block, ...]) -> Iterator[str]:
    """The visible text of a run of blocks, one string per paragraph-like piece."""
    stack: list[Block] = list(reversed(blocks))
    while stack:
        block = stack.pop()
        if isinstance(block, Paragraph):
            yield plain_text(block.content)
        elif isinstance(block, Entry):
            yield block.title
            stack.extend(reversed(block.blocks))
        elif isinstance(block, Quote):
            stack.extend(reversed(block.blocks))
        elif isinstance(block, ListBlock):
            for item in reversed(block.items):
                stack.extend(reversed(item))
        elif isinstance(block, CodeBlock):
            yield block.text
        elif isinstance(block, Table):
            yield plain_text(block.caption)
            for row in block.rows:
                yield from (plain_text(cell.content) for cell in row)
        elif isinstance(block, Figure):
            yield block.alt
            yield plain_text(block.caption)
        elif isinstance(block, Embed):
            yield block.title


def book_texts(book: Book, *, titles: bool = True) -> Iterator[str]:
    """The visible text of a whole book in reading order (chapter and section titles included)."""
    for chapter in book.chapters:
        if titles:
            yield chapter.title
        yield from block_texts(chapter.blocks)
        for section in chapter.sections:
            if titles:
                yield section.title
            yield from block_texts(section.blocks)
        for note in chapter.footnotes:
            yield from block_texts(note.blocks)


def words(text: str) -> list[str]:
    """The words of a text, for counting and fidelity checks."""
    return _WORD.findall(text)


def word_count(book: Book) -> int:
    """How many words the book shows."""
    return sum(len(words(t)) for t in book_texts(book))
