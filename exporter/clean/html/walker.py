"""Walk the cleaned soup once, in document order, into headings and blocks with their inlines."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TypeGuard

from bs4 import BeautifulSoup, Tag
from bs4.element import NavigableString, PageElement, PreformattedString

from exporter.clean import elements as tags
from exporter.clean.elements import BLOCKS, CELL_BLOCKS, EMBEDS, HEADINGS, LISTS, STYLES, CellFacts
from exporter.clean.inlines import SPACE, collapse, linked, styled, text_pieces, trim, visible
from exporter.clean.outline import BlockItem, HeadingItem, Item
from exporter.model.book import (
    Block,
    Cell,
    CodeBlock,
    Embed,
    Figure,
    Inline,
    LineBreak,
    ListBlock,
    NoteRef,
    Paragraph,
    Quote,
    Styled,
    Table,
    Text,
)
from exporter.read.addresses import embed_for, safe_link

_MAX_DEPTH = 120
_MAX_NEST = 16
_MAX_HEADING_WORDS = 24
SCRIPT_KIND = "data-exporter-script"  # marks a player made from a <script src>


def gone(element: PageElement) -> bool:
    """Whether an element was decomposed, in constant time (bs4's `decomposed` property makes
    `Tag.__getattr__` search the whole subtree for a `<_decomposed>` tag when it was not)."""
    return bool(vars(element).get("_decomposed", False))


def _bold(heading: HeadingItem, indent: int) -> BlockItem:
    """A heading that cannot open a part of the book, kept as a bold paragraph."""
    return BlockItem(Paragraph((Styled("strong", (Text(heading.title),)),)), indent)


def _is_emoji(tag: Tag) -> bool:
    """True for a smiley or emoji image, which stands in a line of text."""
    return tags.is_emoji(" ".join(tag.get_attribute_list("class") or []), str(tag.get("src") or ""))


def _is_block(node: PageElement) -> TypeGuard[Tag]:
    """True for an element that starts its own block."""
    return (
        isinstance(node, Tag)
        and node.name in BLOCKS
        and not (node.name == "img" and _is_emoji(node))
    )


class Walker:
    """Walks the parsed tree once, yielding headings and blocks in document order."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.has_block: set[int] = set()
        self.refs: dict[int, NoteRef] = {}
        self.skip: set[int] = set()
        for tag in soup.find_all(list(BLOCKS)):
            if not _is_block(tag):
                continue
            parent = tag.parent
            while parent is not None and id(parent) not in self.has_block:
                self.has_block.add(id(parent))
                parent = parent.parent

    # ------------------------------------------------------------ walking

    def walk(
        self, nodes: Iterable[PageElement], indent: int, depth: int, nest: int
    ) -> Iterator[Item]:
        """Yield items for a run of sibling nodes: blocks, and paragraphs of inline runs."""
        run: list[Inline] = []
        for child in self._unwrap(nodes):
            if _is_block(child):
                yield from self._paragraph(run, indent)
                run = []
                if depth > _MAX_DEPTH:
                    yield from self._paragraph([Text(child.get_text(" "))], indent)
                else:
                    yield from self.block(
                        child,
                        indent + tags.indent_px(str(child.get("style") or "")),
                        depth + 1,
                        nest,
                    )
            else:
                run.extend(self.inlines(child, depth, 0))
        yield from self._paragraph(run, indent)

    def _unwrap(self, nodes: Iterable[PageElement]) -> Iterator[PageElement]:
        """The nodes, with inline elements that hold blocks (Google Docs' `<b>`) replaced by
        their children, so text around them stays in its paragraph."""
        stack = [iter(list(nodes))]
        while stack:
            child = next(stack[-1], None)
            if child is None:
                stack.pop()
            elif isinstance(child, Tag) and not _is_block(child) and id(child) in self.has_block:
                stack.append(iter(list(child.children)))
            else:
                yield child

    def block(self, tag: Tag, indent: int, depth: int, nest: int) -> Iterator[Item]:
        """Yield the items one block-level element stands for."""
        name = tag.name
        if name in HEADINGS:
            images = [i for i in tag.find_all("img") if not _is_emoji(i)]
            for image in images:  # a picture in a heading is shown after it, never its title
                self.skip.add(id(image))
            title = self.text(tag)
            if len(title.split()) > _MAX_HEADING_WORDS:  # a paragraph typed as a heading
                yield _bold(HeadingItem(title, HEADINGS[name]), indent)
            elif title:
                yield HeadingItem(title, HEADINGS[name], indent)
            for image in images:
                if (figure := self._figure(image)) is not None:
                    yield BlockItem(figure, indent)
        elif name in LISTS and nest < _MAX_NEST:
            yield from self._list(tag, indent, depth, nest)
        elif name == "blockquote" and nest < _MAX_NEST:
            blocks = self.blocks(tag.children, depth, nest + 1)
            if blocks:
                cite = safe_link(str(tag.get("cite") or ""))
                web = cite if cite and re.match(r"https?://", cite, re.I) else None
                yield BlockItem(Quote(blocks, web), indent)
        elif name == "pre":
            text = tag.get_text().strip("\n")
            if text.strip():
                classes = [
                    " ".join(t.get_attribute_list("class") or []) for t in (tag, tag.code) if t
                ]
                yield BlockItem(CodeBlock(text, tags.language(classes)), indent)
        elif name == "table":
            yield from self._table(tag, indent, depth, nest)
        elif name in EMBEDS:
            inner = [(c.name, c.attrs) for c in tag.find_all(["source", "embed", "param"])]
            src = tags.player_src(tag.attrs, inner)
            embed = embed_for(name, src, str(tag.get("title") or ""))
            if embed is not None and tag.get(SCRIPT_KIND) in ("code", "widget"):
                embed = Embed(str(tag.get(SCRIPT_KIND)), embed.url, str(tag.get("title")))
            if embed is not None:
                yield BlockItem(embed, indent)
        elif name == "img" or tags.is_image_figure(
            name,
            [str(c) for c in tag.get_attribute_list("class") or []],
            [t.name for t in tag.find_all([*CELL_BLOCKS, "p", "div"])],
        ):
            figure = self._figure(tag)
            if figure is not None:
                yield BlockItem(figure, indent)
        else:
            yield from self.walk(tag.children, indent, depth, nest)

    def blocks(self, nodes: Iterable[PageElement], depth: int, nest: int) -> tuple[Block, ...]:
        """The blocks of nested content; headings inside it become bold paragraphs."""
        out: list[Block] = []
        for item in self.walk(nodes, 0, depth, nest):
            out.append(item.block if isinstance(item, BlockItem) else _bold(item, 0).block)
        return tuple(out)

    def _paragraph(self, run: list[Inline], indent: int) -> Iterator[Item]:
        """Yield a paragraph for a run of inlines when it holds visible text or a note mark."""
        content = trim(run)
        if visible(content) or any(isinstance(node, NoteRef) for node in content):
            yield BlockItem(Paragraph(content), indent)

    def _list(self, tag: Tag, indent: int, depth: int, nest: int) -> Iterator[Item]:
        """A list; a list or text written straight inside it joins the items around it."""
        items: list[tuple[Block, ...]] = []
        loose: list[PageElement] = []
        for child in [*tag.children, None]:
            if child is None or (isinstance(child, Tag) and child.name == "li"):
                if loose and (blocks := self.blocks(loose, depth, nest + 1)):
                    items.append(blocks)
                loose = []
                if child is not None:
                    items.append(self.blocks(child.children, depth, nest + 1))
            elif isinstance(child, Tag) and child.name in LISTS and items:
                items[-1] = items[-1] + self.blocks([child], depth, nest + 1)
            else:
                loose.append(child)
        entries = tuple(item for item in items if item)
        if entries:
            yield BlockItem(ListBlock(tag.name == "ol", entries), indent)

    def _table(self, tag: Tag, indent: int, depth: int, nest: int) -> Iterator[Item]:
        """A data table, or a layout table's cells as ordinary blocks (see the module rule)."""
        rows, stray = _rows(tag)
        yield from self.walk(stray, indent, depth, nest)
        caption = tag.find("caption", recursive=False)
        cells = [cell for row in rows for cell in row]
        if not tags.is_data_table([[_facts(cell) for cell in row] for row in rows]):
            if isinstance(caption, Tag):
                yield from self.walk([caption], indent, depth, nest)
            keep = all(len(row) <= 1 for row in rows)  # side-by-side cells hold no chapters
            for cell in cells:
                for item in self.walk(cell.children, indent, depth, nest):
                    yield item if keep or isinstance(item, BlockItem) else _bold(item, indent)
            return
        table_rows: list[tuple[Cell, ...]] = []
        for row in rows:
            built = tuple(
                Cell(trim(self.inlines(c, depth, 0)), c.name == "th" or _in_head(c)) for c in row
            )
            if any(visible(cell.content) for cell in built):
                table_rows.append(built)
        title = trim(self.inlines(caption, depth, 0)) if isinstance(caption, Tag) else ()
        if table_rows:
            yield BlockItem(Table(tuple(table_rows), title), indent)

    def _figure(self, tag: Tag) -> Figure | None:
        """An image with its alternative text and caption; None when it shows nothing."""
        img = tag if tag.name == "img" else tag.find("img")
        if not isinstance(img, Tag):
            return None
        self.skip.add(id(img))
        caption = trim(self.inlines(tag, 0, 0)) if tag is not img else ()
        src, alt = tags.image_src(img.attrs), collapse(str(img.get("alt") or ""))
        if not (src or alt or visible(caption)):
            return None
        return Figure(src, alt, caption)

    # ------------------------------------------------------------ inlines

    def inlines(self, node: PageElement, depth: int, styles: int) -> list[Inline]:
        """Inline nodes for one HTML node; styles and safe links kept, other tags unwrapped."""
        if isinstance(node, NavigableString):
            text = "" if isinstance(node, PreformattedString) else str(node)
            return [Text(SPACE.sub(" ", text))] if text else []
        if not isinstance(node, Tag) or id(node) in self.skip:
            return []
        if id(node) in self.refs:
            return [self.refs[id(node)]]
        name = node.name
        if name == "br":
            return [LineBreak()]
        if name in EMBEDS:
            return []
        if name == "img":
            alt = collapse(str(node.get("alt") or ""))
            return [Text(f" {alt} ")] if alt else []
        if depth > _MAX_DEPTH:
            return [Text(SPACE.sub(" ", node.get_text(" ")))]
        inner = styles + (name in STYLES or name == "a")
        children = [i for c in node.children for i in self.inlines(c, depth + 1, inner)]
        if name in STYLES:
            return styled(STYLES[name], children, inner)
        if name == "a":
            href = safe_link(str(node.get("href") or ""))
            return linked(href, children, inner) if href else children
        if name == "q":
            return [Text("\u201c"), *children, Text("\u201d")]
        if name in BLOCKS:  # block content inside a cell or caption: keep lines apart
            return [Text(" "), *children, LineBreak()]
        return children

    def text(self, tag: Tag) -> str:
        """The plain text of an element (a heading), markup never parsed, note marks left out."""
        return collapse("".join(text_pieces(self.inlines(tag, 0, 0))))


def _rows(table: Tag) -> tuple[list[list[Tag]], list[PageElement]]:
    """A table's own rows of cells, and whatever stray content sits outside its rows."""
    rows: list[list[Tag]] = []
    stray: list[PageElement] = []
    groups: list[PageElement] = []
    for child in table.children:
        if isinstance(child, Tag) and child.name in ("thead", "tbody", "tfoot"):
            groups.extend(child.children)
        elif not (isinstance(child, Tag) and child.name in ("caption", "colgroup")):
            groups.append(child)
    for group in groups:
        if not (isinstance(group, Tag) and group.name == "tr"):
            stray.append(group)
            continue
        rows.append([])
        for cell in group.children:
            if isinstance(cell, Tag) and cell.name in ("td", "th"):
                rows[-1].append(cell)
            else:
                stray.append(cell)
    return [row for row in rows if row], stray


def _facts(cell: Tag) -> CellFacts:
    """What the table rule needs to know about a cell."""
    blocky = bool(cell.find(CELL_BLOCKS)) or len(cell.find_all(["p", "div"])) > 1
    header = cell.name == "th" or _in_head(cell)
    return CellFacts(
        header, tags.colspan(cell.get("colspan")), bool(collapse(cell.get_text())), blocky
    )


def _in_head(cell: Tag) -> bool:
    """True for a cell in the table's `<thead>`."""
    row = cell.parent
    return row is not None and row.parent is not None and row.parent.name == "thead"
