"""The frame of every XHTML content document, the title page, and the words a book adds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import quote, urlsplit

from exporter.model.book import Book, Metadata
from exporter.model.language import long_date

STYLESHEET_HREF = "style/epub.css"
CORE_IMAGE_TYPES = frozenset(
    ("image/gif", "image/jpeg", "image/png", "image/svg+xml", "image/webp")
)
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")
_NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_URL_SAFE = ":/?#[]@!$&'()*+,;=%~"


def xml_text(text: str) -> str:
    """Text with characters XML cannot hold removed and whitespace runs collapsed."""
    return " ".join(_NOT_XML_CHARS.sub("", text).split())


def esc(text: str) -> str:
    """Escape text for XHTML content or double-quoted attributes, dropping what XML cannot hold."""
    return escape(_NOT_XML_CHARS.sub("", text), quote=False).replace('"', "&quot;")


def web_url(url: str) -> str | None:
    """An absolute http(s) address made safe to write as an href, or None if it is not one."""
    url = _NOT_XML_CHARS.sub("", url).strip()
    parts = urlsplit(url)
    if parts.scheme.lower() in ("http", "https") and parts.hostname:
        return quote(url, safe=_URL_SAFE)
    return None


def mailto_url(url: str) -> str | None:
    """A mailto: address made safe to write as an href, or None if it is not one."""
    url = _NOT_XML_CHARS.sub("", url).strip()
    if url[:7].lower() == "mailto:" and len(url) > 7:
        return quote(url, safe=_URL_SAFE)
    return None


def book_language(meta: Metadata) -> str:
    """The book's language as a well-formed BCP 47 tag; `und` when the model's is not one."""
    tag = meta.language.strip().replace("_", "-")
    return tag if _LANGUAGE_TAG.fullmatch(tag) else "und"


def book_title(meta: Metadata) -> str:
    """The title to print and declare: the post's, else its slug, never empty."""
    return xml_text(meta.title) or xml_text(meta.slug) or labels_for(meta.language).untitled


def embedded_images(book: Book) -> frozenset[str]:
    """The hrefs of the book's resources that content documents may show as images."""
    return frozenset(r.href for r in book.resources if r.media_type in CORE_IMAGE_TYPES)


def chapter_file_name(chapter_id: str) -> str:
    """The file name (relative to the package folder) of a chapter's content document."""
    return f"{chapter_id}.xhtml"


@dataclass(frozen=True)
class Labels:
    """Words the writers add to a book: link labels, navigation title, fallbacks."""

    source: str = "Source"
    image: str = "Image"
    video: str = "Video"
    audio: str = "Audio"
    media: str = "Media"
    code: str = "Code"
    widget: str = "Widget"
    contents: str = "Contents"
    untitled: str = "Untitled"
    guide: str = "Guide"

    def media_kind(self, kind: str) -> str:
        """The label for an embed of the given kind (video, audio, anything else)."""
        kinds = {"video": self.video, "audio": self.audio, "code": self.code, "widget": self.widget}
        return kinds.get(kind.strip().lower(), self.media)


_LABELS: dict[str, Labels] = {
    "en": Labels(),
    "es": Labels(
        source="Fuente",
        image="Imagen",
        video="Vídeo",
        audio="Audio",
        media="Contenido multimedia",
        code="Código",
        widget="Widget",
        contents="Índice",
        untitled="Sin título",
        guide="Guía",
    ),
    "nb": Labels(
        source="Kilde",
        image="Bilde",
        video="Video",
        audio="Lyd",
        media="Medieinnhold",
        code="Kode",
        widget="Widget",
        contents="Innhold",
        untitled="Uten tittel",
    ),
    "sv": Labels(
        source="Källa",
        image="Bild",
        video="Video",
        audio="Ljud",
        media="Mediainnehåll",
        code="Kod",
        widget="Widget",
        contents="Innehåll",
        untitled="Utan titel",
    ),
}
_LABELS["no"] = _LABELS["nn"] = _LABELS["nb"]


def labels_for(language: str) -> Labels:
    """The labels for a BCP 47 language tag, falling back to English."""
    primary = language.split("-")[0].strip().lower()
    return _LABELS.get(primary, _LABELS["en"])


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
