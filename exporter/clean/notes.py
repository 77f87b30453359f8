"""Place footnotes in the chapters that cite them and give notes and references stable ids.

The cleaner leaves each `NoteRef` pointing at a source key and hands over the notes it took
out of the body. Each note goes to the end of the chapter holding its first reference, with
the id `chNN-nNN`; every reference to it is rewritten to that id. A note whose references
were all lost stays readable as a note of the last chapter.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from exporter.model.book import (
    Block,
    Chapter,
    Footnote,
    Inline,
    NoteRef,
)
from exporter.model.walk import (
    Blocks,
    block_inlines,
    body_blocks,
    map_block_inlines,
    map_chapter,
)

Notes = dict[str, tuple[str, tuple[Block, ...]]]


def _refs_in(blocks: tuple[Block, ...]) -> Iterator[str]:
    """The note keys referenced in a run of blocks, in reading order."""
    return (node.note_id for node in block_inlines(blocks) if isinstance(node, NoteRef))


def attach_notes(chapters: tuple[Chapter, ...], notes: Notes) -> tuple[Chapter, ...]:
    """Give each note to the chapter of its first reference and rewrite references to ids."""
    if not notes or not chapters:
        return chapters
    ids: dict[str, str] = {}
    placed: list[list[Footnote]] = [[] for _ in chapters]
    for index, chapter in enumerate(chapters):
        for key in _refs_in(body_blocks(chapter)):
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

    def renamed(blocks: Blocks) -> Blocks:
        return map_block_inlines(blocks, rename)

    return tuple(
        map_chapter(
            dataclasses.replace(chapter, footnotes=chapter.footnotes + tuple(found)), renamed
        )
        for chapter, found in zip(chapters, placed, strict=True)
    )
