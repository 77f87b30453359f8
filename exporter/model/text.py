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
    Paragraph,
    Table,
    plain_text,
)
from exporter.model.walk import iter_blocks, own_runs

_WORD = re.compile(r"\w+")


def shown_texts(block: Block, embeds: bool = True) -> Iterator[str]:
    """The text a block shows itself (not its nested blocks'), one string per piece."""
    if isinstance(block, Paragraph):
        yield plain_text(block.content)
    elif isinstance(block, Entry):
        yield block.title
    elif isinstance(block, CodeBlock):
        yield block.text
    elif isinstance(block, Table):
        yield from (plain_text(run) for run in own_runs(block))
    elif isinstance(block, Figure):
        yield block.alt
        yield plain_text(block.caption)
    elif isinstance(block, Embed) and embeds:
        yield block.title


def block_texts(blocks: tuple[Block, ...], embeds: bool = True) -> Iterator[str]:
    """The visible text of a run of blocks in reading order, one string per piece."""
    for block in iter_blocks(blocks):
        yield from shown_texts(block, embeds)


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
