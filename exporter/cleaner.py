"""Clean a post's raw HTML into the Book's chapters; the only module that uses beautifulsoup4."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bs4 import BeautifulSoup, Tag
from bs4.element import Comment, NavigableString, PageElement
from titlecase import titlecase

from .autop import looks_autop, wpautop
from .model import (
    Block,
    Cell,
    Chapter,
    CodeBlock,
    Figure,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Style,
    Styled,
    Table,
    Text,
    plain_text,
)
from .outline import BlockItem, HeadingItem, Item, build_chapters

_DROP = {
    "script",
    "style",
    "noscript",
    "template",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "head",
    "title",
    "meta",
    "link",
    "svg",
    "math",
    "canvas",
}
_CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "header",
    "footer",
    "aside",
    "center",
    "body",
    "html",
    "span",
    "font",
    "nav",
    "details",
    "summary",
    "address",
    "dl",
    "dd",
    "dt",
    "fieldset",
    "hgroup",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_BLOCKS = {"p", "blockquote", "ul", "ol", "pre", "table", "hr", "figure", "img", "li"}
_BLOCKS |= set(_HEADINGS) | _CONTAINERS - {"span", "font"}
_STYLES: dict[str, Style] = {
    "strong": "strong",
    "b": "strong",
    "em": "em",
    "i": "em",
    "cite": "em",
    "code": "code",
    "tt": "code",
    "kbd": "code",
    "samp": "code",
    "sup": "sup",
    "sub": "sub",
    "del": "del",
    "s": "del",
    "strike": "del",
}
_INDENT = re.compile(r"(?:padding|margin)-left\s*:\s*(\d+(?:\.\d+)?)\s*(px|em|pt)?", re.I)
_SPACE = re.compile(r"[\s\u00a0]+")
_SAFE_HREF = re.compile(r"^(?:https?:|mailto:|#)", re.I)
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,6}s?\b")
_MAX_DEPTH = 200


def clean_body(body: str, book_title: str) -> tuple[Chapter, ...]:
    """Turn a post body (HTML as WordPress stores it) into chapters; may return no chapters."""
    html = wpautop(body) if looks_autop(body) else body
    soup = BeautifulSoup(html, "html.parser")
    for comment in soup.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for tag in soup.find_all(list(_DROP)):
        tag.decompose()
    items = list(_walk(soup, 0))
    items = _cite_quotes(_mark_pseudo_headings(items))
    items = _case_headings(items, _acronyms(soup))
    return build_chapters(items, book_title)


def _indent(tag: Tag) -> int:
    """The editor's indentation of a tag in pixels (`padding-left: 30px` and friends)."""
    match = _INDENT.search(str(tag.get("style") or ""))
    if not match:
        return 0
    value, unit = float(match.group(1)), (match.group(2) or "px").lower()
    return round(value * (16 if unit == "em" else 4 / 3 if unit == "pt" else 1))


def _walk(parent: Tag, inherited: int) -> Iterator[Item]:
    """Yield headings and blocks from a container's children in document order."""
    run: list[Inline] = []
    for child in list(parent.children):
        if isinstance(child, Tag) and child.name in _BLOCKS:
            yield from _paragraph(run, inherited)
            run = []
            yield from _block(child, inherited + _indent(child))
        elif isinstance(child, NavigableString | Tag):
            run.extend(_inlines(child, 0))
    yield from _paragraph(run, inherited)


def _block(tag: Tag, indent: int) -> Iterator[Item]:
    """Yield the items one block-level tag stands for."""
    name = tag.name
    if name in _HEADINGS:
        title = _collapse(tag.get_text(" "))
        if title:
            yield HeadingItem(title, _HEADINGS[name], indent)
    elif name in ("p", "li") or name in _CONTAINERS:
        yield from _walk(tag, indent)
    elif name == "blockquote":
        blocks = tuple(_blocks_only(_walk(tag, 0)))
        if blocks:
            cite = str(tag.get("cite") or "") or None
            yield BlockItem(
                Quote(blocks, cite if cite and _SAFE_HREF.match(cite) else None), indent
            )
    elif name in ("ul", "ol"):
        entries = tuple(
            tuple(_blocks_only(_walk(li, 0))) for li in tag.find_all("li", recursive=False)
        )
        entries = tuple(e for e in entries if e)
        if entries:
            yield BlockItem(ListBlock(name == "ol", entries), indent)
    elif name == "pre":
        text = tag.get_text().strip("\n")
        if text.strip():
            yield BlockItem(CodeBlock(text), indent)
    elif name == "table":
        table = _table(tag)
        if table is not None:
            yield BlockItem(table, indent)
    elif name in ("img", "figure"):
        img = tag if name == "img" else tag.find("img")
        if isinstance(img, Tag) and img.get("src"):
            caption = tag.find("figcaption") if name == "figure" else None
            caption_inlines = _trim(_inlines(caption, 0)) if isinstance(caption, Tag) else ()
            yield BlockItem(
                Figure(str(img["src"]), _collapse(str(img.get("alt") or "")), caption_inlines),
                indent,
            )


def _blocks_only(items: Iterator[Item]) -> Iterator[Block]:
    """Blocks of a nested container; headings inside it become bold paragraphs."""
    for item in items:
        if isinstance(item, BlockItem):
            yield item.block
        else:
            yield Paragraph((Styled("strong", (Text(item.title),)),))


def _table(tag: Tag) -> Table | None:
    """A data table with header cells marked; None when it holds no text."""
    rows: list[tuple[Cell, ...]] = []
    for tr in tag.find_all("tr"):
        cells = tuple(
            Cell(_trim(_inlines(cell, 0)), cell.name == "th")
            for cell in tr.find_all(["td", "th"], recursive=False)
        )
        if any(c.content for c in cells):
            rows.append(cells)
    return Table(tuple(rows)) if rows else None


def _paragraph(run: list[Inline], indent: int) -> Iterator[Item]:
    """Yield a paragraph for a run of inlines when it holds visible text."""
    content = _trim(run)
    if plain_text(content).strip():
        yield BlockItem(Paragraph(content), indent)


def _inlines(node: PageElement, depth: int) -> list[Inline]:
    """Inline nodes for one HTML node; styles kept, spans and fonts unwrapped."""
    if isinstance(node, NavigableString):
        return [Text(_SPACE.sub(" ", str(node)))] if str(node) else []
    if not isinstance(node, Tag):
        return []
    name = node.name
    if name == "br":
        return [LineBreak()]
    if depth > _MAX_DEPTH:
        return [Text(_SPACE.sub(" ", node.get_text()))]
    children = [i for child in node.children for i in _inlines(child, depth + 1)]
    if name in _STYLES:
        style = _STYLES[name]
        flat: list[Inline] = []
        for child in children:  # <b><b>x</b></b> is just bold
            if isinstance(child, Styled) and child.style == style:
                flat.extend(child.children)
            else:
                flat.append(child)
        return [Styled(style, tuple(flat))] if plain_text(tuple(flat)).strip() else flat
    if name == "a":
        href = str(node.get("href") or "")
        if href and _SAFE_HREF.match(href) and plain_text(tuple(children)).strip():
            return [Link(href, tuple(children))]
    return children


def _trim(run: list[Inline]) -> tuple[Inline, ...]:
    """Merge adjacent text, drop leading and trailing breaks and spaces."""
    merged: list[Inline] = []
    for node in run:
        if isinstance(node, Text) and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(_SPACE.sub(" ", merged[-1].text + node.text))
        else:
            merged.append(node)
    while merged and _blank(merged[0]):
        merged.pop(0)
    while merged and _blank(merged[-1]):
        merged.pop()
    if merged:
        merged[0] = _strip_edge(merged[0], left=True)
        merged[-1] = _strip_edge(merged[-1], left=False)
    return tuple(merged)


def _blank(node: Inline) -> bool:
    """True for a line break or text with nothing visible."""
    return isinstance(node, LineBreak) or not plain_text((node,)).strip()


def _strip_edge(node: Inline, left: bool) -> Inline:
    """Strip spaces at one edge of a node, descending into styles and links."""
    if isinstance(node, Text):
        return Text(node.text.lstrip() if left else node.text.rstrip())
    if isinstance(node, Styled | Link) and node.children:
        kids = list(node.children)
        kids = [k for k in kids if not isinstance(k, LineBreak)] if kids else kids
        index = 0 if left else -1
        kids[index] = _strip_edge(kids[index], left)
        if isinstance(node, Styled):
            return Styled(node.style, tuple(kids))
        return Link(node.href, tuple(kids))
    return node


def _collapse(text: str) -> str:
    """Collapse whitespace (including no-break spaces) and strip."""
    return _SPACE.sub(" ", text).strip()


def _mark_pseudo_headings(items: list[Item]) -> list[Item]:
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
            out.append(HeadingItem(_collapse(plain_text(item.block.content)), 7, item.indent, True))
        else:
            out.append(item)
    return out


def _cite_quotes(items: list[Item]) -> list[Item]:
    """Give a quote with no `cite` the link that ends the paragraph introducing it."""
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
        ):
            item = BlockItem(Quote(item.block.blocks, previous.block.content[-1].href), item.indent)
        out.append(item)
    return out


def _acronyms(soup: BeautifulSoup) -> set[str]:
    """All-capital words the body uses outside headings: acronyms to keep when title-casing."""
    found: set[str] = set()
    for string in soup.find_all(string=True):
        parent = string.parent
        if (
            parent is not None
            and parent.find_parent(list(_HEADINGS)) is None
            and parent.name not in _HEADINGS
        ):
            found.update(_ACRONYM.findall(str(string)))
    return found


def _case_headings(items: list[Item], acronyms: set[str]) -> list[Item]:
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
