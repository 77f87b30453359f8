"""What the download page and the feed know of one book: a small card, kept in the run's state.

A post's build makes its card; an unchanged post's card comes back from the state file, so the
index and the feed list every book of the run without rebuilding any of them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from exporter.model.book import Book
from exporter.model.text import book_texts, words
from exporter.write.markup import book_language, xml_text
from exporter.write.outputs import Outputs

EXCERPT_WORDS = 55
MEDIA_TYPES = {
    "epub": "application/epub+zip",
    "read-along": "application/epub+zip",
    "m4b": "audio/mp4",
    "mp3": "audio/mpeg",
    "chapters": "application/zip",
}


@dataclass(frozen=True)
class Download:
    """A file a reader can download: its kind (epub, read-along, m4b, mp3, chapters), name, size."""

    kind: str
    name: str
    size: int

    @property
    def media_type(self) -> str:
        """The file's media type, as the feed's enclosure and the links declare it."""
        return MEDIA_TYPES[self.kind]


@dataclass(frozen=True)
class Card:
    """One book as the site lists it; file names are relative to the output folder."""

    slug: str
    title: str
    author: str
    language: str
    date: str | None  # ISO 8601, as in the post's post_date; None when the post has none
    excerpt: str
    words: int
    guid: str
    permalink: str | None
    page: str
    downloads: tuple[Download, ...]
    audio_seconds: float | None = None
    transcript: str | None = None
    chapters: str | None = None
    cover: str | None = None
    kind: str = "post"  # "post" or "page": pages are listed apart and are never episodes
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def is_page(self) -> bool:
        """True for a page (About, Contact): listed apart from the dated posts."""
        return self.kind == "page"

    def download(self, kind: str) -> Download | None:
        """The download of one kind, or None when the book has none."""
        return next((d for d in self.downloads if d.kind == kind), None)

    @property
    def enclosure(self) -> Download | None:
        """The audio a podcast app gets: the MP3 (plays everywhere), else the m4b."""
        return self.download("mp3") or self.download("m4b")

    def as_json(self) -> dict[str, Any]:
        """The card as plain JSON data (for the state file)."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Card:
        """A card read back from the state file; raises KeyError/TypeError when it is not one."""
        fields = dict(data)
        fields["downloads"] = tuple(Download(**d) for d in fields["downloads"])
        for name in ("categories", "tags"):
            fields[name] = tuple(fields.get(name, ()))
        return cls(**fields)


def excerpt(book: Book) -> str:
    """The post's excerpt, else the opening words of its text."""
    if text := xml_text(book.meta.description):
        return text
    opening: list[str] = []
    for piece in book_texts(book, titles=False):
        opening.extend(xml_text(piece).split())
        if len(words(" ".join(opening))) >= EXCERPT_WORDS:
            return " ".join(opening[:EXCERPT_WORDS]) + " …"
    return " ".join(opening)


def make_card(
    book: Book,
    outputs: Outputs,
    files: list[Path],
    *,
    words_shown: int,
    audio_seconds: float | None,
    cover: Path | None = None,
    kind: str = "post",
) -> Card:
    """The card of a book just built from the files it wrote (sizes measured now)."""
    kinds = {
        outputs.epub: "epub",
        outputs.read_along: "read-along",
        outputs.audiobook("m4b"): "m4b",
        outputs.audiobook("mp3"): "mp3",
        outputs.chapter_files: "chapters",
    }
    written = set(files)
    downloads = tuple(
        Download(kind, path.name, path.stat().st_size)
        for path, kind in kinds.items()
        if path in written
    )
    meta = book.meta
    return Card(
        slug=meta.slug,
        title=xml_text(meta.title) or meta.slug,
        author=xml_text(meta.author),
        language=book_language(meta),
        date=meta.date.isoformat() if meta.date else None,
        excerpt=excerpt(book),
        words=words_shown,
        guid=meta.identifier,
        permalink=meta.source_url,
        page=outputs.page.name,
        downloads=downloads,
        audio_seconds=audio_seconds,
        transcript=outputs.transcript.name if outputs.transcript in written else None,
        chapters=outputs.chapters.name if outputs.chapters in written else None,
        cover=cover.name if cover is not None else None,
        kind=kind,
        categories=meta.categories,
        tags=meta.tags,
    )
