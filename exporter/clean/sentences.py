"""Split every paragraph into Sentence nodes with stable ids; the only module using pysbd."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from functools import lru_cache

import pysbd

from exporter.model.book import (
    Book,
    Chapter,
    Inline,
    LineBreak,
    Link,
    Sentence,
    Styled,
    Text,
    plain_text,
)
from exporter.model.walk import map_chapter, map_runs

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


def split_sentences(book: Book) -> Book:
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
    """Segment one chapter's runs in reading order, so ids follow what is read."""
    ids = _Ids(chapter.id)
    return map_chapter(
        chapter, lambda blocks: map_runs(blocks, lambda run: _inlines(run, ids, language))
    )


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
