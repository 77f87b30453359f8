"""Render Book model nodes as escaped, well-formed XHTML: the EPUB chapters and the web pages.

Shared by the EPUB writer and the site writer, so a sentence has the same id and markup in both.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from exporter.model.book import (
    Block,
    Chapter,
    CodeBlock,
    Embed,
    Entry,
    Figure,
    Footnote,
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
from exporter.model.walk import chapter_blocks
from exporter.write.markup import Labels, esc, mailto_url, web_url, xml_text


def noteref_id(note_id: str) -> str:
    """The id given to the first reference to a footnote, which its backlink targets."""
    return f"ref-{note_id}"


@dataclass
class RenderContext:
    """What rendering needs besides the nodes: labels, local images, link targets and state."""

    labels: Labels
    local_images: frozenset[str] = frozenset()
    base_url: str | None = None
    fragment_ids: frozenset[str] = frozenset()
    note_ids: frozenset[str] = frozenset()
    emitted_refs: set[str] = field(default_factory=set)
    epub_types: bool = True  # write epub:type attributes (EPUB only; HTML pages leave them out)

    def epub_type(self, value: str) -> str:
        """The epub:type attribute for an EPUB content document; nothing for a web page."""
        return f' epub:type="{value}"' if self.epub_types else ""


def safe_href(href: str, ctx: RenderContext) -> str | None:
    """The href to write for a link, or None when it must stay plain text (offline, no scripts)."""
    href = href.strip()
    if href.startswith("#"):
        return href if href[1:] in ctx.fragment_ids else None
    if ctx.base_url and href and not urlsplit(href).scheme:
        href = urljoin(ctx.base_url, href)
    return web_url(href) or mailto_url(href)


def _host(url: str) -> str:
    """The host name shown for an address, or the address itself when it has none."""
    return urlsplit(url).hostname or url


# ---------------------------------------------------------------- inlines


def render_inlines(inlines: Iterable[Inline], ctx: RenderContext, *, in_link: bool = False) -> str:
    """Render a run of inline nodes; links are never nested inside links."""
    return "".join(_inline(node, ctx, in_link) for node in inlines)


def _inline(node: Inline, ctx: RenderContext, in_link: bool) -> str:
    """Render one inline node."""
    if isinstance(node, Text):
        return esc(node.text)
    if isinstance(node, LineBreak):
        return "<br/>"
    if isinstance(node, Styled):
        inner = render_inlines(node.children, ctx, in_link=in_link)
        return f"<{node.style}>{inner}</{node.style}>"
    if isinstance(node, Sentence):
        inner = render_inlines(node.children, ctx, in_link=in_link)
        return f'<span id="{esc(node.id)}" class="s">{inner}</span>'
    if isinstance(node, Link):
        href = None if in_link else safe_href(node.href, ctx)
        inner = render_inlines(node.children, ctx, in_link=in_link or href is not None)
        return inner if href is None else f'<a href="{esc(href)}">{inner}</a>'
    return _noteref(node, ctx, in_link)


def _noteref(node: NoteRef, ctx: RenderContext, in_link: bool) -> str:
    """Render a footnote reference as a link, or as its bare label when it cannot link."""
    label = esc(node.label)
    if in_link or node.note_id not in ctx.note_ids:
        return f'<sup class="noteref">{label}</sup>'
    ref_id = ""
    if node.note_id not in ctx.emitted_refs:
        ctx.emitted_refs.add(node.note_id)
        ref_id = f' id="{esc(noteref_id(node.note_id))}"'
    return (
        f'<a{ctx.epub_type("noteref")} role="doc-noteref" class="noteref"{ref_id}'
        f' href="#{esc(node.note_id)}">{label}</a>'
    )


# ---------------------------------------------------------------- blocks


def render_blocks(blocks: Iterable[Block], ctx: RenderContext, level: int) -> str:
    """Render blocks; `level` is the heading level of the part that holds them."""
    return "\n".join(html for block in blocks if (html := _block(block, ctx, level)))


def _block(block: Block, ctx: RenderContext, level: int) -> str:
    """Render one block node."""
    if isinstance(block, Paragraph):
        return f"<p>{render_inlines(block.content, ctx)}</p>"
    if isinstance(block, Quote):
        return _quote(block, ctx, level)
    if isinstance(block, ListBlock):
        tag = "ol" if block.ordered else "ul"
        items = "".join(f"<li>{_list_item(item, ctx, level)}</li>" for item in block.items)
        return f"<{tag}>{items}</{tag}>"
    if isinstance(block, CodeBlock):
        lang = f' class="language-{esc(block.language)}"' if block.language else ""
        return f"<pre><code{lang}>{esc(block.text)}</code></pre>"
    if isinstance(block, Table):
        return _table(block, ctx)
    if isinstance(block, Figure):
        return _figure(block, ctx)
    if isinstance(block, Embed):
        return _embed(block, ctx)
    return render_entry(block, ctx, level + 1)


def _list_item(item: tuple[Block, ...], ctx: RenderContext, level: int) -> str:
    """Render a list item; a lone paragraph is written inline."""
    if len(item) == 1 and isinstance(item[0], Paragraph):
        return render_inlines(item[0].content, ctx)
    return render_blocks(item, ctx, level)


def _quote(quote_: Quote, ctx: RenderContext, level: int) -> str:
    """Render a block quotation followed by a visible line naming its source."""
    href = safe_href(quote_.cite, ctx) if quote_.cite else None
    web = href if href and not href.startswith(("#", "mailto:")) else None
    cite = f' cite="{esc(web)}"' if web else ""
    html = f"<blockquote{cite}>{render_blocks(quote_.blocks, ctx, level)}</blockquote>"
    if web:
        link = f'<a href="{esc(web)}">{esc(_host(web))}</a>'
        html += f'<p class="quote-source">— {esc(ctx.labels.source)}: {link}</p>'
    return html


def _table(table: Table, ctx: RenderContext) -> str:
    """Render a data table; a first row of header cells becomes the table head."""
    parts = ["<table>"]
    if table.caption:
        parts.append(f"<caption>{render_inlines(table.caption, ctx)}</caption>")
    rows = list(table.rows)
    if rows and rows[0] and all(cell.header for cell in rows[0]):
        head = "".join(f'<th scope="col">{render_inlines(c.content, ctx)}</th>' for c in rows[0])
        parts.append(f"<thead><tr>{head}</tr></thead>")
        rows = rows[1:]
    if rows:
        parts.append("<tbody>")
        for row in rows:
            cells = "".join(
                f'<th scope="row">{render_inlines(c.content, ctx)}</th>'
                if c.header
                else f"<td>{render_inlines(c.content, ctx)}</td>"
                for c in row
            )
            parts.append(f"<tr>{cells}</tr>")
        parts.append("</tbody>")
    parts.append("</table>")
    return "".join(parts)


def _figure(figure: Figure, ctx: RenderContext) -> str:
    """Render an image: embedded when the book carries it, else its text and a link to it."""
    caption = ""
    if figure.caption:
        caption = f"<figcaption>{render_inlines(figure.caption, ctx)}</figcaption>"
    if figure.src in ctx.local_images:
        img = f'<img src="{esc(figure.src)}" alt="{esc(figure.alt.strip())}"/>'
        return f"<figure>{img}{caption}</figure>"
    text = esc(ctx.labels.image + (f": {figure.alt.strip()}" if figure.alt.strip() else ""))
    href = safe_href(figure.src, ctx)
    if href and not href.startswith(("#", "mailto:")):
        text = f'<a href="{esc(href)}">{text}</a>'
    elif not figure.alt.strip() and not caption:
        return ""
    return f'<figure class="image-link"><p>{text}</p>{caption}</figure>'


def _embed(embed: Embed, ctx: RenderContext) -> str:
    """Render media a book cannot play as a labelled link to where it lives."""
    label = ctx.labels.media_kind(embed.kind)
    href = safe_href(embed.url, ctx)
    if href and not href.startswith("#"):
        text = esc(f"{label}: {embed.title.strip() or embed.url.strip()}")
        return f'<p class="embed"><a href="{esc(href)}">{text}</a></p>'
    if embed.title.strip():
        return f'<p class="embed">{esc(f"{label}: {embed.title.strip()}")}</p>'
    return ""


def _heading(level: int, node_id: str, title: str, ctx: RenderContext, css: str = "") -> str:
    """A heading of the given level (capped at 6) carrying the model's id (and a class)."""
    level = min(level, 6)
    text = esc(xml_text(title) or ctx.labels.untitled)
    klass = f' class="{esc(css)}"' if css else ""
    return f'<h{level} id="{esc(node_id)}"{klass}>{text}</h{level}>'


def render_entry(entry: Entry, ctx: RenderContext, level: int) -> str:
    """Render an entry (a study, say) as a section headed at `level`, styled as an entry at
    every depth so it never looks like the sections around it."""
    head = _heading(level, entry.id, entry.title, ctx, "entry-title")
    body = render_blocks(entry.blocks, ctx, level)
    return f'<section class="entry" aria-labelledby="{esc(entry.id)}">{head}{body}</section>'


def render_footnote(note: Footnote, ctx: RenderContext) -> str:
    """Render a footnote as an aside, with a backlink to its first reference."""
    label = esc(note.label)
    if note.id in ctx.emitted_refs:
        back = f"#{esc(noteref_id(note.id))}"
        label = f'<a href="{back}" role="doc-backlink">{label}</a>'
    body = render_blocks(note.blocks, ctx, 2)
    return (
        f'<aside{ctx.epub_type("footnote")} role="doc-footnote" id="{esc(note.id)}">'
        f'<p class="footnote-label">{label}</p>{body}</aside>'
    )


# ---------------------------------------------------------------- documents


def chapter_ids(chapter: Chapter) -> Iterator[str]:
    """Every id the model gives to nodes of a chapter's document (headings, notes, sentences)."""
    yield chapter.id
    yield from (section.id for section in chapter.sections)
    yield from (note.id for note in chapter.footnotes)
    for block in chapter_blocks(chapter):
        if isinstance(block, Entry):
            yield block.id
        elif isinstance(block, Paragraph):
            yield from _sentence_ids(block.content)
        elif isinstance(block, Table):
            yield from _sentence_ids(block.caption)
            for row in block.rows:
                for cell in row:
                    yield from _sentence_ids(cell.content)
        elif isinstance(block, Figure):
            yield from _sentence_ids(block.caption)


def _sentence_ids(inlines: Iterable[Inline]) -> Iterator[str]:
    """The sentence ids inside a run of inlines."""
    for node in inlines:
        if isinstance(node, Sentence):
            yield node.id
        if isinstance(node, Styled | Link | Sentence):
            yield from _sentence_ids(node.children)


def chapter_body(chapter: Chapter, ctx: RenderContext, show_title: bool = True) -> str:
    """The body of a chapter document: heading, lead blocks, sections, then footnotes.

    Without `show_title` (an intro named after the book) the chapter carries its name as a
    label and its id on the section, and shows no heading.
    """
    if show_title:
        opening = (
            f'<section{ctx.epub_type("chapter")} role="doc-chapter"'
            f' aria-labelledby="{esc(chapter.id)}">'
        )
        heading = _heading(1, chapter.id, chapter.title, ctx)
    else:
        label = esc(xml_text(chapter.title) or ctx.labels.untitled)
        opening = (
            f'<section{ctx.epub_type("chapter")} role="doc-chapter" id="{esc(chapter.id)}"'
            f' aria-label="{label}">'
        )
        heading = ""
    parts = [opening, heading, render_blocks(chapter.blocks, ctx, 1)]
    for section in chapter.sections:
        parts.append(f'<section aria-labelledby="{esc(section.id)}">')
        parts.append(_heading(2, section.id, section.title, ctx))
        parts.append(render_blocks(section.blocks, ctx, 2))
        parts.append("</section>")
    parts.extend(render_footnote(note, ctx) for note in chapter.footnotes)
    parts.append("</section>")
    return "\n".join(part for part in parts if part)
