"""The one walker over a Book (as pandoc's Walk): map or visit inlines and blocks in reading order.

Reading order is the order a reader meets things and the narrator says them: a chapter's lead
blocks, then each section's blocks, then its footnotes; inside a block, its own inline runs (a
table's caption before its cells, a figure's caption) and then its nested blocks (quotes, list
items, entries). Every transform and query that needs to reach inside blocks goes through here,
so a new block kind is taught to the walker once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator

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
    Paragraph,
    Quote,
    Section,
    Sentence,
    Styled,
    Table,
)

Run = tuple[Inline, ...]
Blocks = tuple[Block, ...]
InlineFn = Callable[[Inline], Inline]
RunFn = Callable[[Run], Run]
BlockFn = Callable[[Block], Block]
BlocksFn = Callable[[Blocks], Blocks]

# ---------------------------------------------------------------- mapping


def map_inlines(run: Run, fn: InlineFn) -> Run:
    """The same run with `fn` applied to every node, children before their parent."""
    out: list[Inline] = []
    for node in run:
        if isinstance(node, Styled | Link | Sentence):
            node = dataclasses.replace(node, children=map_inlines(node.children, fn))
        out.append(fn(node))
    return tuple(out)


def map_runs(blocks: Blocks, fn: RunFn) -> Blocks:
    """The same blocks with `fn` applied to every inline run they hold, in reading order."""
    return tuple(_map_runs_in(block, fn) for block in blocks)


def _map_runs_in(block: Block, fn: RunFn) -> Block:
    """One block with `fn` applied to its own runs first, then to its nested blocks' runs."""
    if isinstance(block, Paragraph):
        return Paragraph(fn(block.content))
    if isinstance(block, Table):
        caption = fn(block.caption)  # a table's caption is read before its cells
        rows = tuple(tuple(Cell(fn(c.content), c.header) for c in row) for row in block.rows)
        return Table(rows, caption)
    if isinstance(block, Figure):
        return Figure(block.src, block.alt, fn(block.caption))
    return _rebuild(block, lambda blocks: map_runs(blocks, fn))


def map_block_inlines(blocks: Blocks, fn: InlineFn) -> Blocks:
    """The same blocks with `fn` applied to every inline node inside them."""
    return map_runs(blocks, lambda run: map_inlines(run, fn))


def map_blocks(blocks: Blocks, fn: BlockFn) -> Blocks:
    """The same blocks with `fn` applied to every block, nested blocks before their container."""
    return tuple(fn(_map_children(block, fn)) for block in blocks)


def _map_children(block: Block, fn: BlockFn) -> Block:
    """A container block with `fn` mapped over the blocks it holds."""
    return _rebuild(block, lambda blocks: map_blocks(blocks, fn))


def _rebuild(block: Block, inner: BlocksFn) -> Block:
    """A container block (quote, list, entry) rebuilt with `inner` applied to each run of blocks
    it holds; any other block as it is."""
    if isinstance(block, Quote):
        return Quote(inner(block.blocks), block.cite)
    if isinstance(block, ListBlock):
        return ListBlock(block.ordered, tuple(inner(item) for item in block.items))
    if isinstance(block, Entry):
        return Entry(block.id, block.title, inner(block.blocks))
    return block


def map_chapter(chapter: Chapter, fn: BlocksFn) -> Chapter:
    """The chapter with `fn` applied to its lead blocks, each section's, then each footnote's."""
    blocks = fn(chapter.blocks)
    sections = tuple(Section(s.id, s.title, fn(s.blocks)) for s in chapter.sections)
    notes = tuple(Footnote(n.id, n.label, fn(n.blocks)) for n in chapter.footnotes)
    return Chapter(chapter.id, chapter.title, blocks, sections, notes)


# ---------------------------------------------------------------- querying


def iter_blocks(blocks: Iterable[Block]) -> Iterator[Block]:
    """Every block in reading order, each before the blocks nested in it."""
    for block in blocks:
        yield block
        if isinstance(block, Entry | Quote):
            yield from iter_blocks(block.blocks)
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from iter_blocks(item)


def body_blocks(chapter: Chapter) -> Blocks:
    """A chapter's top-level running blocks: its lead blocks, then its sections' (no footnotes)."""
    return chapter.blocks + tuple(b for s in chapter.sections for b in s.blocks)


def chapter_blocks(chapter: Chapter) -> Iterator[Block]:
    """Every block of a chapter at any depth: lead blocks, sections, then footnotes."""
    yield from iter_blocks(chapter.blocks)
    for section in chapter.sections:
        yield from iter_blocks(section.blocks)
    for note in chapter.footnotes:
        yield from iter_blocks(note.blocks)


def own_runs(block: Block) -> Iterator[Run]:
    """The inline runs a block holds itself (not those of nested blocks), in reading order."""
    if isinstance(block, Paragraph):
        yield block.content
    elif isinstance(block, Table):
        yield block.caption
        for row in block.rows:
            yield from (cell.content for cell in row)
    elif isinstance(block, Figure):
        yield block.caption


def iter_inlines(run: Iterable[Inline]) -> Iterator[Inline]:
    """Every inline node of a run in reading order, each before its children."""
    for node in run:
        yield node
        if isinstance(node, Styled | Link | Sentence):
            yield from iter_inlines(node.children)


def block_inlines(blocks: Iterable[Block]) -> Iterator[Inline]:
    """Every inline node inside the blocks, at any depth, in reading order."""
    for block in iter_blocks(blocks):
        for run in own_runs(block):
            yield from iter_inlines(run)
