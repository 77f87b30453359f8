"""Turn the cleaner's flat run of headings and blocks into chapters, sections and entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from titlecase import titlecase

from exporter.clean.inlines import collapse
from exporter.model.book import (
    Block,
    Chapter,
    Entry,
    Link,
    Paragraph,
    Quote,
    Section,
    Styled,
    plain_text,
)
from exporter.model.text import block_texts

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}s?\b")


@dataclass(frozen=True)
class HeadingItem:
    """A heading as found in the body: its text, HTML level, editor indentation, and kind."""

    title: str
    level: int
    indent: int = 0
    pseudo: bool = False


@dataclass(frozen=True)
class BlockItem:
    """A content block as found in the body, with its editor indentation."""

    block: Block
    indent: int = 0


Item = HeadingItem | BlockItem


@dataclass
class _Group:
    """A chapter, section or entry while it is being filled."""

    title: str
    depth: int
    indent: int
    closes_on_indent: bool = False
    blocks: list[Block | _Group] = field(default_factory=list)
    sections: list[_Group] = field(default_factory=list)


def heading_depths(items: list[Item]) -> tuple[dict[int, int], bool]:
    """Map each real heading's position to its outline depth (0 chapter, 1 section, 2+ entry).

    When the editor indented any heading, indentation alone ranks headings (heading levels in
    such posts are noise) and the second value is True; otherwise the HTML levels rank them.
    """
    headings = [
        (i, it) for i, it in enumerate(items) if isinstance(it, HeadingItem) and not it.pseudo
    ]
    indented = any(h.indent > 0 for _, h in headings)
    keys = sorted({h.indent if indented else h.level for _, h in headings})
    rank = {k: r for r, k in enumerate(keys)}
    return {i: rank[h.indent if indented else h.level] for i, h in headings}, indented


def build_chapters(items: list[Item], book_title: str) -> tuple[Chapter, ...]:
    """Nest headings and blocks into chapters → sections → entries with stable ids.

    Content before the first chapter heading opens a chapter named after the book.
    """
    depths, indented = heading_depths(items)
    chapters: list[_Group] = []
    entries: list[_Group] = []  # open entries, innermost last

    def current_blocks() -> list[Block | _Group]:
        if entries:
            return entries[-1].blocks
        if not chapters:
            chapters.append(_Group(book_title, 0, 0))
        chapter = chapters[-1]
        return chapter.sections[-1].blocks if chapter.sections else chapter.blocks

    def open_entry(title: str, depth: int, indent: int, closes_on_indent: bool) -> None:
        group = _Group(title, depth, indent, closes_on_indent)
        current_blocks().append(group)
        entries.append(group)

    for index, item in enumerate(items):
        if isinstance(item, BlockItem):
            while entries and entries[-1].closes_on_indent and item.indent <= entries[-1].indent:
                entries.pop()
            current_blocks().append(item.block)
        elif item.pseudo:
            while entries and entries[-1].indent >= item.indent:
                entries.pop()
            open_entry(item.title, 2 + len(entries), item.indent, True)
        elif depths[index] >= 2:
            while entries and entries[-1].depth >= depths[index]:
                entries.pop()
            open_entry(item.title, depths[index], item.indent, indented)
        else:
            entries.clear()
            if depths[index] == 0:
                chapters.append(_Group(item.title, 0, item.indent))
            else:
                if not chapters:
                    chapters.append(_Group(book_title, 0, 0))
                chapters[-1].sections.append(_Group(item.title, 1, item.indent))
    return tuple(_freeze_chapter(n, ch) for n, ch in enumerate(chapters, start=1))


def _freeze_blocks(
    blocks: list[Block | _Group], prefix: str, counter: list[int]
) -> tuple[Block, ...]:
    """Freeze a block list, numbering its entries (at any depth) in reading order."""
    frozen: list[Block] = []
    for block in blocks:
        if isinstance(block, _Group):
            counter[0] += 1
            entry_id = f"{prefix}-e{counter[0]:02d}"
            frozen.append(
                Entry(entry_id, block.title, _freeze_blocks(block.blocks, prefix, counter))
            )
        else:
            frozen.append(block)
    return tuple(frozen)


def _freeze_chapter(number: int, group: _Group) -> Chapter:
    """Freeze one chapter and its sections, giving ids `chNN`, `chNN-sNN`, `…-eNN`."""
    chapter_id = f"ch{number:02d}"
    sections = tuple(
        Section(
            f"{chapter_id}-s{n:02d}",
            s.title,
            _freeze_blocks(s.blocks, f"{chapter_id}-s{n:02d}", [0]),
        )
        for n, s in enumerate(group.sections, start=1)
    )
    return Chapter(chapter_id, group.title, _freeze_blocks(group.blocks, chapter_id, [0]), sections)


def mark_pseudo_headings(items: list[Item]) -> list[Item]:
    """A bold-only paragraph followed by more indented text titles that text (a study, say)."""
    out: list[Item] = []
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        if (
            isinstance(item, BlockItem)
            and isinstance(item.block, Paragraph)
            and len(item.block.content) == 1
            and isinstance(item.block.content[0], Styled)
            and item.block.content[0].style == "strong"
            and isinstance(following, BlockItem)
            and following.indent > item.indent
        ):
            out.append(HeadingItem(collapse(plain_text(item.block.content)), 7, item.indent, True))
        else:
            out.append(item)
    return out


def cite_quotes(items: list[Item]) -> list[Item]:
    """Give a quote with no `cite` the web link that ends the paragraph introducing it."""
    out: list[Item] = []
    for item in items:
        previous = out[-1] if out else None
        if (
            isinstance(item, BlockItem)
            and isinstance(item.block, Quote)
            and item.block.cite is None
            and isinstance(previous, BlockItem)
            and isinstance(previous.block, Paragraph)
            and previous.block.content
            and isinstance(previous.block.content[-1], Link)
            and re.match(r"https?://", previous.block.content[-1].href, re.IGNORECASE)
        ):
            item = BlockItem(Quote(item.block.blocks, previous.block.content[-1].href), item.indent)
        out.append(item)
    return out


def body_acronyms(items: list[Item]) -> set[str]:
    """All-capital words the body uses outside headings: acronyms to keep when title-casing."""
    blocks = tuple(item.block for item in items if isinstance(item, BlockItem))
    return {word for text in block_texts(blocks) for word in _ACRONYM.findall(text)}


def case_headings(items: list[Item], acronyms: set[str]) -> list[Item]:
    """Give headings typed in capitals title case, keeping acronyms the body uses."""

    def keep_acronyms(word: str, **_: object) -> str | None:
        bare = word.strip(".,:;!?()'\"")
        return word.upper() if bare.upper() in acronyms else None

    out: list[Item] = []
    for item in items:
        if isinstance(item, HeadingItem) and _shouting(item.title):
            title = titlecase(item.title.lower(), callback=keep_acronyms)
            out.append(HeadingItem(title, item.level, item.indent, item.pseudo))
        else:
            out.append(item)
    return out


def _shouting(title: str) -> bool:
    """True when most of a heading's words (three or more) are typed in capitals."""
    words = [w for w in re.findall(r"[^\W\d_][\w'\u2019]*", title) if len(w) > 1]
    capitals = [w for w in words if w.upper() == w]
    return len(words) >= 3 and len(capitals) >= 0.75 * len(words)


def outline(items: list[Item], book_title: str) -> tuple[Chapter, ...]:
    """The chapters for a cleaned body: pseudo-headings found, quotes cited, capitals tamed."""
    acronyms = body_acronyms(items)
    items = case_headings(cite_quotes(mark_pseudo_headings(items)), acronyms)
    return build_chapters(items, book_title)
