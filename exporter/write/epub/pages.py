"""The frame of every XHTML content document, the title page, and a chapter's whole document."""

from __future__ import annotations

from datetime import datetime

from exporter.model.book import Book, Chapter, Metadata, repeats_title
from exporter.model.language import long_date
from exporter.write.blocks import RenderContext, chapter_body, chapter_ids
from exporter.write.markup import (
    book_language,
    embedded_images,
    esc,
    labels_for,
    web_url,
    xml_text,
)

STYLESHEET_HREF = "style/epub.css"


def book_title(meta: Metadata) -> str:
    """The title to print and declare: the post's, else its slug, never empty."""
    return xml_text(meta.title) or xml_text(meta.slug) or labels_for(meta.language).untitled


def chapter_file_name(chapter_id: str) -> str:
    """The file name (relative to the package folder) of a chapter's content document."""
    return f"{chapter_id}.xhtml"


def xhtml_document(title: str, language: str, body: str, css_href: str = STYLESHEET_HREF) -> str:
    """A complete XHTML5 content document around a rendered body."""
    lang = esc(language)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' lang="{lang}" xml:lang="{lang}">\n'
        f'<head>\n<meta charset="utf-8"/>\n<title>{esc(title)}</title>\n'
        f'<link rel="stylesheet" type="text/css" href="{esc(css_href)}"/>\n</head>\n'
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _date_line(date: datetime, language: str) -> str:
    """The publication date written the way the book's language writes it, ISO for machines."""
    day = date.date()
    shown = esc(long_date(day, language))
    return f'<p class="date"><time datetime="{day.isoformat()}">{shown}</time></p>'


def title_page_body(meta: Metadata, title: str) -> str:
    """The body of the title page: title, author, date and a link to the original post."""
    parts = [
        '<section epub:type="titlepage" class="titlepage">',
        f'<h1 class="title">{esc(title)}</h1>',
    ]
    if meta.author.strip():
        parts.append(f'<p class="author">{esc(meta.author.strip())}</p>')
    if meta.date is not None:
        parts.append(_date_line(meta.date, meta.language))
    if meta.site.strip() and meta.site.strip() != meta.author.strip():  # named once
        parts.append(f'<p class="site">{esc(meta.site.strip())}</p>')
    source = web_url(meta.source_url or "")
    if source:
        shown = (meta.source_url or "").strip().split("://", 1)[1].rstrip("/")
        parts.append(f'<p class="source"><a href="{esc(source)}">{esc(shown)}</a></p>')
    parts.append("</section>")
    return "".join(parts)


def chapter_document(chapter: Chapter, book: Book) -> str:
    """The complete XHTML content document of one chapter of a book."""
    language = book_language(book.meta)
    ctx = RenderContext(
        labels=labels_for(language),
        local_images=embedded_images(book),
        base_url=web_url(book.meta.source_url or ""),
        fragment_ids=frozenset(chapter_ids(chapter)),
        note_ids=frozenset(note.id for note in chapter.footnotes),
    )
    title = xml_text(chapter.title) or ctx.labels.untitled
    body = chapter_body(chapter, ctx, show_title=not repeats_title(book, chapter))
    return xhtml_document(title, language, body)
