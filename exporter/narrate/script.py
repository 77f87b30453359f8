"""Build the speech script from a Book: what the narrator says, in order, with set pauses."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from exporter.model.book import (
    Block,
    Book,
    Chapter,
    CodeBlock,
    Embed,
    Entry,
    Figure,
    Inline,
    ListBlock,
    Paragraph,
    Quote,
    Sentence,
    Table,
    plain_text,
    repeats_title,
)
from exporter.model.language import long_date
from exporter.narrate.labels import SpokenLabels, spoken_labels

# Silence after an utterance, in milliseconds, by what comes next.
PAUSE_SENTENCE = 300
PAUSE_PARAGRAPH = 700
PAUSE_HEADING = 800
PAUSE_SECTION = 1200
PAUSE_CHAPTER = 2000

_SPOKEN = re.compile(r"\w")


@dataclass(frozen=True)
class Utterance:
    """One thing the narrator says: the spoken text, the element it voices, the pause after it.

    `ref` is the id of the sentence or heading element the utterance reads aloud, or None for
    what the narration adds (the opening, "Quote from …", "End of quote.").
    """

    text: str
    ref: str | None
    chapter: int
    pause_ms: int


@dataclass(frozen=True)
class Script:
    """The whole narration of a book, in order; `chapter_titles` as the table of contents."""

    utterances: tuple[Utterance, ...]
    chapter_titles: tuple[str, ...]


Speak = Callable[[str], str]


class _Builder:
    """Accumulates utterances while walking the book."""

    def __init__(self, speak: Speak, site_name: Speak, labels: SpokenLabels) -> None:
        self.speak = speak
        self.site_name = site_name
        self.labels = labels
        self.items: list[Utterance] = []
        self.chapter = 0

    def say(self, text: str, ref: str | None, pause_ms: int = PAUSE_SENTENCE) -> None:
        """Add one utterance (normalized for speech) unless nothing in it can be spoken."""
        spoken = self.speak(text).strip()
        if _SPOKEN.search(spoken):
            self.items.append(Utterance(spoken, ref, self.chapter, pause_ms))

    def pause(self, at_least: int) -> None:
        """Make the silence after the last utterance at least this long."""
        if self.items and self.items[-1].pause_ms < at_least:
            last = self.items[-1]
            self.items[-1] = Utterance(last.text, last.ref, last.chapter, at_least)

    def inlines(self, content: tuple[Inline, ...]) -> None:
        """Say each sentence of a run of inlines; text outside sentences is said unattached."""
        for node in content:
            if isinstance(node, Sentence):
                self.say(plain_text(node.children), node.id)
            elif plain_text((node,)).strip():
                self.say(plain_text((node,)), None)
        self.pause(PAUSE_PARAGRAPH)

    def blocks(self, blocks: tuple[Block, ...]) -> None:
        """Say a run of blocks in reading order."""
        for block in blocks:
            self.block(block)

    def block(self, block: Block) -> None:
        """Say one block; what cannot be read aloud is announced briefly instead."""
        if isinstance(block, Paragraph):
            self.inlines(block.content)
        elif isinstance(block, Entry):
            self.pause(PAUSE_PARAGRAPH)
            self.say(block.title, block.id, PAUSE_HEADING)
            self.blocks(block.blocks)
        elif isinstance(block, Quote):
            labels = self.labels
            opening = (
                labels.quote_from.format(source=self.site_name(block.cite))
                if block.cite
                else labels.quote
            )
            self.say(opening, None, PAUSE_PARAGRAPH)
            self.blocks(block.blocks)
            self.say(labels.end_of_quote, None, PAUSE_PARAGRAPH)
        elif isinstance(block, ListBlock):
            for item in block.items:
                self.blocks(item)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, CodeBlock):
            lines = len(block.text.splitlines())
            said = self.labels.code_one if lines == 1 else self.labels.code_many
            self.say(said.format(lines=lines), None, PAUSE_PARAGRAPH)
        elif isinstance(block, Figure):
            labels = self.labels
            self.say(labels.image.format(alt=block.alt) if block.alt else labels.an_image, None)
            self.inlines(block.caption)
        elif isinstance(block, Embed):
            kind = self.labels.kind(block.kind)
            what = f"{kind}: {block.title}" if block.title else kind
            self.say(self.labels.embed.format(what=what), None, PAUSE_PARAGRAPH)

    def table(self, table: Table) -> None:
        """Say a table row by row, each data cell after its column header."""
        self.inlines(table.caption)
        header: tuple[str, ...] = ()
        for row in table.rows:
            if all(cell.header for cell in row):
                header = tuple(plain_text(cell.content).strip() for cell in row)
                named = ", ".join(label for label in header if label)
                self.say(self.labels.table.format(columns=named), None, PAUSE_PARAGRAPH)
                continue
            for column, cell in enumerate(row):
                label = header[column] if column < len(header) and not cell.header else ""
                if label:
                    self.say(f"{label}:", None, 150)
                self.inlines(cell.content)
                self.pause(PAUSE_SENTENCE)
            self.pause(PAUSE_PARAGRAPH)

    def chapter_body(self, chapter: Chapter, say_title: bool = True) -> None:
        """Say a chapter: its title (unless the opening just said it), lead blocks, sections,
        then footnotes."""
        self.pause(PAUSE_CHAPTER)
        if say_title:
            self.say(chapter.title, chapter.id, PAUSE_HEADING)
        self.blocks(chapter.blocks)
        for section in chapter.sections:
            self.pause(PAUSE_SECTION)
            self.say(section.title, section.id, PAUSE_HEADING)
            self.blocks(section.blocks)
        for note in chapter.footnotes:
            self.say(self.labels.footnote.format(label=note.label), None, PAUSE_SENTENCE)
            self.blocks(note.blocks)


def opening_text(book: Book) -> str:
    """The announcement that opens the narration: title, author or site, and date."""
    meta = book.meta
    labels = spoken_labels(meta.language)
    parts = [meta.title.rstrip(".") + "."]
    if meta.author:
        parts.append(labels.by.format(author=meta.author))
    if meta.date:
        parts.append(labels.published.format(date=long_date(meta.date.date(), meta.language)))
    return " ".join(parts)


def speech_script(book: Book, speak: Speak, site_name: Speak) -> Script:
    """The narration of a book, in its language: the opening, then every chapter in order."""
    builder = _Builder(speak, site_name, spoken_labels(book.meta.language))
    builder.say(opening_text(book), None, PAUSE_CHAPTER)
    for index, chapter in enumerate(book.chapters):
        builder.chapter = index
        builder.chapter_body(chapter, say_title=not repeats_title(book, chapter))
    return Script(tuple(builder.items), tuple(c.title for c in book.chapters))
