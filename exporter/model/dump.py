"""Dump a Book as stable, readable text: the golden tests' expected files and `exporter dump`."""

from __future__ import annotations

from collections.abc import Iterator

from exporter.model.book import (
    Block,
    Book,
    CodeBlock,
    Embed,
    Entry,
    Figure,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    NoteRef,
    Paragraph,
    Quote,
    Sentence,
    Styled,
    Table,
    Text,
)

_MARKS = {"strong": "**", "em": "*", "code": "`", "sup": "^", "sub": "~", "del": "~~"}


def dump_book(book: Book) -> str:
    """The whole book, one node per line, indented by depth."""
    meta = book.meta
    lines = [
        f"title: {meta.title}",
        f"author: {meta.author}",
        f"language: {meta.language}",
        f"date: {meta.date.isoformat() if meta.date else '-'}",
        f"slug: {meta.slug}",
        f"source: {meta.source_url or '-'}",
        f"identifier: {meta.identifier}",
    ]
    if meta.description:
        lines.append(f"description: {meta.description}")
    for chapter in book.chapters:
        lines.append(f"Chapter {chapter.id}: {chapter.title}")
        lines.extend(_blocks(chapter.blocks, 1))
        for section in chapter.sections:
            lines.append(f"  Section {section.id}: {section.title}")
            lines.extend(_blocks(section.blocks, 2))
        for note in chapter.footnotes:
            lines.append(f"  Footnote {note.id} [{note.label}]")
            lines.extend(_blocks(note.blocks, 2))
    for resource in book.resources:
        lines.append(f"Resource {resource.href} {resource.media_type} {len(resource.data)} bytes")
    return "\n".join(lines) + "\n"


def _blocks(blocks: tuple[Block, ...], depth: int) -> Iterator[str]:
    """Lines for a run of blocks."""
    pad = "  " * depth
    for block in blocks:
        if isinstance(block, Paragraph):
            yield f"{pad}Paragraph"
            yield from _content(block.content, depth + 1)
        elif isinstance(block, Entry):
            yield f"{pad}Entry {block.id}: {block.title}"
            yield from _blocks(block.blocks, depth + 1)
        elif isinstance(block, Quote):
            yield f"{pad}Quote cite={block.cite or '-'}"
            yield from _blocks(block.blocks, depth + 1)
        elif isinstance(block, ListBlock):
            yield f"{pad}List {'ordered' if block.ordered else 'bulleted'}"
            for item in block.items:
                yield f"{pad}  Item"
                yield from _blocks(item, depth + 2)
        elif isinstance(block, CodeBlock):
            yield f"{pad}Code {block.language or '-'}: {block.text!r}"
        elif isinstance(block, Table):
            yield f"{pad}Table"
            if block.caption:
                yield f"{pad}  Caption: {inline_text(block.caption)}"
            for row in block.rows:
                cells = " | ".join(
                    ("th " if c.header else "") + inline_text(c.content) for c in row
                )
                yield f"{pad}  Row: {cells}"
        elif isinstance(block, Figure):
            yield f"{pad}Figure src={block.src} alt={block.alt!r}"
            if block.caption:
                yield from _content(block.caption, depth + 1)
        elif isinstance(block, Embed):
            yield f"{pad}Embed {block.kind} {block.url} {block.title!r}"


def _content(content: tuple[Inline, ...], depth: int) -> Iterator[str]:
    """Lines for a paragraph's content: one per sentence, plus text between sentences."""
    pad = "  " * depth
    loose: list[Inline] = []
    for node in content:
        if isinstance(node, Sentence):
            if inline_text(tuple(loose)).strip():
                yield f"{pad}| {inline_text(tuple(loose)).strip()}"
            loose = []
            yield f"{pad}{node.id}: {inline_text(node.children)}"
        else:
            loose.append(node)
    if inline_text(tuple(loose)).strip():
        yield f"{pad}| {inline_text(tuple(loose)).strip()}"


def inline_text(content: tuple[Inline, ...]) -> str:
    """Inline content written with light Markdown-like marks."""
    out: list[str] = []
    for node in content:
        if isinstance(node, Text):
            out.append(node.text)
        elif isinstance(node, Styled):
            mark = _MARKS[node.style]
            out.append(f"{mark}{inline_text(node.children)}{mark}")
        elif isinstance(node, Link):
            out.append(f"[{inline_text(node.children)}]({node.href})")
        elif isinstance(node, LineBreak):
            out.append("⏎")
        elif isinstance(node, NoteRef):
            out.append(f"[^{node.label}]")
        elif isinstance(node, Sentence):
            out.append(f"«{inline_text(node.children)}»")
    return "".join(out)
