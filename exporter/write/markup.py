"""What every HTML writer shares: escaping, safe addresses, the language tag, the words added."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from html import escape
from urllib.parse import quote, urlsplit

from exporter.model.book import Book, Metadata
from exporter.model.language import words_language, words_of

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


def embedded_images(book: Book) -> frozenset[str]:
    """The hrefs of the book's resources that content documents may show as images."""
    return frozenset(r.href for r in book.resources if r.media_type in CORE_IMAGE_TYPES)


@dataclass(frozen=True)
class Labels:
    """Words the writers add to a book: link labels, navigation title, fallbacks."""

    source: str
    image: str
    video: str
    audio: str
    media: str
    code: str
    widget: str
    contents: str
    untitled: str
    guide: str

    def media_kind(self, kind: str) -> str:
        """The label for an embed of the given kind (video, audio, anything else)."""
        kinds = {"video": self.video, "audio": self.audio, "code": self.code, "widget": self.widget}
        return kinds.get(kind.strip().lower(), self.media)


@cache
def _labels(language: str) -> Labels:
    """The book's words of a language that has words."""
    return Labels(**words_of(language, "book"))


def labels_for(language: str) -> Labels:
    """The labels for a BCP 47 language tag, falling back to English."""
    primary = language.split("-")[0].strip().lower()
    return _labels(words_language(primary) or "en")
