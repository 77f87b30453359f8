"""Place footnotes in the chapters that cite them and give notes and references stable ids.

The cleaner leaves each `NoteRef` pointing at a source key and hands over the notes it took
out of the body. Each note goes to the end of the chapter holding its first reference, with
the id `chNN-nNN`; every reference to it is rewritten to that id. A note whose references
were all lost stays readable as a note of the last chapter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from exporter.model.book import (
    Block,
    Cell,
    Chapter,
    Entry,
    Figure,
    Footnote,
    Inline,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Quote,
    Section,
    Sentence,
    Styled,
    Table,
)

Notes = dict[str, tuple[str, tuple[Block, ...]]]
InlineMap = Callable[[Inline], Inline]


def map_inlines(content: tuple[Inline, ...], fn: InlineMap) -> tuple[Inline, ...]:
    """The same inline run with `fn` applied to every node, children first."""
    out: list[Inline] = []
    for node in content:
        if isinstance(node, Styled | Link | Sentence):
            node = dataclasses.replace(node, children=map_inlines(node.children, fn))
        out.append(fn(node))
    return tuple(out)


def map_blocks(blocks: tuple[Block, ...], fn: InlineMap) -> tuple[Block, ...]:
    """The same blocks with `fn` applied to every inline node inside them."""
    return tuple(_map_block(block, fn) for block in blocks)


def _map_block(block: Block, fn: InlineMap) -> Block:
    """One block with `fn` applied to its inline nodes (recursing into nested blocks)."""
    if isinstance(block, Paragraph):
        return Paragraph(map_inlines(block.content, fn))
    if isinstance(block, Quote):
        return Quote(map_blocks(block.blocks, fn), block.cite)
    if isinstance(block, ListBlock):
        return ListBlock(block.ordered, tuple(map_blocks(item, fn) for item in block.items))
    if isinstance(block, Entry):
        return Entry(block.id, block.title, map_blocks(block.blocks, fn))
    if isinstance(block, Table):
        rows = tuple(
            tuple(Cell(map_inlines(c.content, fn), c.header) for c in row) for row in block.rows
        )
        return Table(rows, map_inlines(block.caption, fn))
    if isinstance(block, Figure):
        return Figure(block.src, block.alt, map_inlines(block.caption, fn))
    return block


def _refs_in(blocks: tuple[Block, ...]) -> Iterator[str]:
    """The note keys referenced in a run of blocks, in reading order."""
    found: list[str] = []

    def visit(node: Inline) -> Inline:
        if isinstance(node, NoteRef):
            found.append(node.note_id)
        return node

    map_blocks(blocks, visit)
    yield from found


def chapter_blocks(chapter: Chapter) -> tuple[Block, ...]:
    """A chapter's lead blocks followed by its sections' blocks."""
    return chapter.blocks + tuple(b for s in chapter.sections for b in s.blocks)


def attach_notes(chapters: tuple[Chapter, ...], notes: Notes) -> tuple[Chapter, ...]:
    """Give each note to the chapter of its first reference and rewrite references to ids."""
    if not notes or not chapters:
        return chapters
    ids: dict[str, str] = {}
    placed: list[list[Footnote]] = [[] for _ in chapters]
    for index, chapter in enumerate(chapters):
        for key in _refs_in(chapter_blocks(chapter)):
            if key in notes and key not in ids:
                ids[key] = f"{chapter.id}-n{len(placed[index]) + 1:02d}"
                label, blocks = notes[key]
                placed[index].append(Footnote(ids[key], label, blocks))
    for key, (label, blocks) in notes.items():
        if key not in ids:
            ids[key] = f"{chapters[-1].id}-n{len(placed[-1]) + 1:02d}"
            placed[-1].append(Footnote(ids[key], label, blocks))

    def rename(node: Inline) -> Inline:
        if isinstance(node, NoteRef) and node.note_id in ids:
            return NoteRef(ids[node.note_id], node.label)
        return node

    out: list[Chapter] = []
    for chapter, footnotes in zip(chapters, placed, strict=True):
        sections = tuple(
            Section(s.id, s.title, map_blocks(s.blocks, rename)) for s in chapter.sections
        )
        notes_here = tuple(Footnote(n.id, n.label, map_blocks(n.blocks, rename)) for n in footnotes)
        out.append(
            Chapter(
                chapter.id,
                chapter.title,
                map_blocks(chapter.blocks, rename),
                sections,
                chapter.footnotes + notes_here,
            )
        )
    return tuple(out)
