"""Split every paragraph into Sentence nodes with stable ids; the only module using pysbd."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from functools import lru_cache

import pysbd

from exporter.model.book import (
    Block,
    Book,
    Cell,
    Chapter,
    Entry,
    Figure,
    Footnote,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Section,
    Sentence,
    Styled,
    Table,
    Text,
    plain_text,
)

_WORDLIKE = re.compile(r"\w")
_CHUNK = 2000
_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(\[]?[A-Z\u00c0-\u024f0-9])"
)


@lru_cache(maxsize=8)
def _segmenter(language: str) -> pysbd.Segmenter:
    """One pysbd segmenter per language (English when pysbd does not know the language)."""
    code = language.split("-")[0].lower()
    try:
        return pysbd.Segmenter(language=code, clean=False)
    except ValueError:
        return pysbd.Segmenter(language="en", clean=False)


def _chunks(text: str) -> list[tuple[int, str]]:
    """A long text cut into pieces of at most `_CHUNK` characters at sentence ends if possible.

    pysbd's time grows with the square of a paragraph's length; pieces keep it linear.
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    while len(text) - start > _CHUNK:
        window = text[start : start + _CHUNK]
        ends = [m.end() for m in _SENTENCE_END.finditer(window)]
        cut = ends[-1] if ends else window.rfind(" ") + 1 or _CHUNK
        pieces.append((start, text[start : start + cut]))
        start += cut
    pieces.append((start, text[start:]))
    return pieces


def sentence_spans(text: str, language: str = "en") -> list[tuple[int, int]]:
    """Character spans of the sentences in a text, without surrounding whitespace."""
    if len(text) > _CHUNK:
        return [
            (offset + a, offset + b)
            for offset, piece in _chunks(text)
            for a, b in sentence_spans(piece, language)
        ]
    spans: list[tuple[int, int]] = []
    position = 0
    for piece in _segmenter(language).segment(text) if text.strip() else []:
        stripped = piece.strip()
        if not stripped:
            continue
        start = text.find(stripped, position)
        if start < 0:  # pysbd changed the text; keep what is left as one sentence
            break
        if spans and start == spans[-1][1]:  # no space at the split: inside a URL or number
            spans[-1] = (spans[-1][0], start + len(stripped))
        else:
            spans.append((start, start + len(stripped)))
        position = start + len(stripped)
    rest = text[position:]
    if rest.strip():
        lead = len(rest) - len(rest.lstrip())
        spans.append((position + lead, position + len(rest.rstrip())))
    return spans


def segment_book(book: Book) -> Book:
    """Wrap each sentence of every paragraph, cell and caption in a Sentence with a stable id."""
    language = book.meta.language
    chapters = tuple(_segment_chapter(ch, language) for ch in book.chapters)
    return dataclasses.replace(book, chapters=chapters)


class _Ids:
    """Hands out sentence ids `chNN-tNNN` in reading order within one chapter."""

    def __init__(self, chapter_id: str) -> None:
        self.prefix = f"{chapter_id}-t"
        self.count = 0

    def next(self) -> str:
        """The next id."""
        self.count += 1
        return f"{self.prefix}{self.count:03d}"


def _segment_chapter(chapter: Chapter, language: str) -> Chapter:
    """Segment one chapter's lead blocks, sections and footnotes in reading order."""
    ids = _Ids(chapter.id)
    blocks = _blocks(chapter.blocks, ids, language)
    sections = tuple(
        Section(s.id, s.title, _blocks(s.blocks, ids, language)) for s in chapter.sections
    )
    notes = tuple(
        Footnote(n.id, n.label, _blocks(n.blocks, ids, language)) for n in chapter.footnotes
    )
    return Chapter(chapter.id, chapter.title, blocks, sections, notes)


def _blocks(blocks: tuple[Block, ...], ids: _Ids, language: str) -> tuple[Block, ...]:
    """Segment a run of blocks."""
    return tuple(_block(b, ids, language) for b in blocks)


def _block(block: Block, ids: _Ids, language: str) -> Block:
    """Segment one block (recursing into quotes, lists and entries)."""
    if isinstance(block, Paragraph):
        return Paragraph(_inlines(block.content, ids, language))
    if isinstance(block, Quote):
        return Quote(_blocks(block.blocks, ids, language), block.cite)
    if isinstance(block, ListBlock):
        items = tuple(_blocks(item, ids, language) for item in block.items)
        return ListBlock(block.ordered, items)
    if isinstance(block, Entry):
        return Entry(block.id, block.title, _blocks(block.blocks, ids, language))
    if isinstance(block, Table):
        caption = _inlines(block.caption, ids, language)  # the caption is read first
        rows = tuple(
            tuple(Cell(_inlines(c.content, ids, language), c.header) for c in row)
            for row in block.rows
        )
        return Table(rows, caption)
    if isinstance(block, Figure):
        return Figure(block.src, block.alt, _inlines(block.caption, ids, language))
    return block


def _inlines(content: tuple[Inline, ...], ids: _Ids, language: str) -> tuple[Inline, ...]:
    """Wrap each sentence of a run of inlines; text between sentences stays outside."""
    if not content or any(isinstance(node, Sentence) for node in content):
        return content
    starts = _starts(content)
    text = plain_text(content)
    out: list[Inline] = []
    position = 0
    for start, end in sentence_spans(text, language):
        if not _WORDLIKE.search(text, start, end):
            continue  # nothing to say or highlight: stays plain text between sentences
        out.extend(_slice(content, position, start, starts))
        out.append(Sentence(ids.next(), _slice(content, start, end, starts)))
        position = end
    out.extend(_slice(content, position, len(text), starts))
    return tuple(out)


def _starts(content: tuple[Inline, ...]) -> list[int]:
    """Where each node of a run starts in its plain text, and where the run ends."""
    starts = [0]
    for node in content:
        starts.append(starts[-1] + len(plain_text((node,))))
    return starts


def _slice(
    content: tuple[Inline, ...], start: int, end: int, starts: list[int] | None = None
) -> tuple[Inline, ...]:
    """The part of an inline run that covers characters [start, end) of its plain text.

    `starts` (from `_starts`) lets a long run be sliced many times in linear total time.
    """
    if starts is None:
        starts = _starts(content)
    out: list[Inline] = []
    first = max(bisect_left(starts, start) - 1, 0)
    for index in range(first, len(content)):
        node, node_start, node_end = content[index], starts[index], starts[index + 1]
        if node_start > end:
            break
        if node_start == node_end:  # a zero-width node (a note mark) goes with the text before it
            if start < node_start <= end or node_start == start == 0 < end:
                out.append(node)
            continue
        if node_end <= start or node_start >= end:
            continue
        if isinstance(node, Text):
            piece = node.text[max(start - node_start, 0) : end - node_start]
            if piece:
                out.append(Text(piece))
        elif isinstance(node, Styled | Link | Sentence):
            inner = _slice(node.children, start - node_start, end - node_start)
            if inner:
                out.append(dataclasses.replace(node, children=inner))
        elif isinstance(node, LineBreak):
            out.append(node)
    return tuple(out)
