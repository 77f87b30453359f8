"""The Book model: small, closed, frozen dataclasses that readers fill and writers read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

# ---------------------------------------------------------------- inlines


@dataclass(frozen=True)
class Text:
    """A run of plain text."""

    text: str


Style = Literal["strong", "em", "code", "sup", "sub", "del"]


@dataclass(frozen=True)
class Styled:
    """Inline content shown with one typographic style."""

    style: Style
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class Link:
    """A hyperlink around inline content."""

    href: str
    children: tuple[Inline, ...]


@dataclass(frozen=True)
class LineBreak:
    """A forced line break inside a block."""


@dataclass(frozen=True)
class NoteRef:
    """A reference to a footnote of the same chapter, shown as its label."""

    note_id: str
    label: str


@dataclass(frozen=True)
class Sentence:
    """One spoken sentence: the unit the narration times and the read-along highlights."""

    id: str
    children: tuple[Inline, ...]


Inline = Text | Styled | Link | LineBreak | NoteRef | Sentence

# ---------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline content."""

    content: tuple[Inline, ...]


@dataclass(frozen=True)
class Quote:
    """A block quotation; `cite` is the address of its source when the post names one."""

    blocks: tuple[Block, ...]
    cite: str | None = None


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is a tuple of blocks."""

    ordered: bool
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class CodeBlock:
    """Preformatted text shown as written and announced, not read, in speech."""

    text: str
    language: str | None = None


@dataclass(frozen=True)
class Cell:
    """One table cell."""

    content: tuple[Inline, ...]
    header: bool = False


@dataclass(frozen=True)
class Table:
    """A data table; rows of cells, header cells marked."""

    rows: tuple[tuple[Cell, ...], ...]
    caption: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Figure:
    """An image with alternative text and an optional caption; `src` is where it lives."""

    src: str
    alt: str
    caption: tuple[Inline, ...] = ()


@dataclass(frozen=True)
class Embed:
    """Media that cannot play inside a book (video, audio, widget): kept as a link."""

    kind: str
    url: str
    title: str = ""


@dataclass(frozen=True)
class Footnote:
    """A footnote's text, placed at the end of its chapter."""

    id: str
    label: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Entry:
    """A titled group of blocks below the table of contents, such as a study and its finding."""

    id: str
    title: str
    blocks: tuple[Block, ...]


Block = Paragraph | Quote | ListBlock | CodeBlock | Table | Figure | Embed | Entry

# ---------------------------------------------------------------- structure


@dataclass(frozen=True)
class Section:
    """A titled part of a chapter; it appears in the table of contents."""

    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Chapter:
    """A top-level outline entry: lead blocks, then its sections, then its footnotes."""

    id: str
    title: str
    blocks: tuple[Block, ...]
    sections: tuple[Section, ...] = ()
    footnotes: tuple[Footnote, ...] = ()


@dataclass(frozen=True)
class Metadata:
    """What a book says about itself."""

    title: str
    author: str
    language: str
    slug: str
    identifier: str
    date: datetime | None = None
    source_url: str | None = None
    description: str = ""
    site: str = ""
    featured_image: str = ""  # address of the post's featured image, as the front matter gives it
    categories: tuple[str, ...] = ()  # display names, in the order the source gives them
    tags: tuple[str, ...] = ()
    voice: str = ""  # the front matter's `voice:` for its narration ('' when it says none)
    engine: str = ""  # the front matter's `engine:` (espeak or piper; '' when it says none)


@dataclass(frozen=True)
class Resource:
    """A file the book carries besides its text, such as an embedded image."""

    href: str
    media_type: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Part:
    """A run of chapters that belong together, such as one post of an anthology, by group."""

    id: str
    title: str
    group: str
    chapter_ids: tuple[str, ...]


@dataclass(frozen=True)
class Book:
    """A whole book: metadata, chapters in reading order, their parts, and the files they need."""

    meta: Metadata
    chapters: tuple[Chapter, ...]
    resources: tuple[Resource, ...] = ()
    parts: tuple[Part, ...] = ()
    cover: Resource | None = None  # the cover image; the EPUB, m4b and mp3 all carry it


def repeats_title(book: Book, chapter: Chapter) -> bool:
    """True for a first chapter named only after the book (an untitled intro, or a heading
    copying the title): the title page already shows that name, so it is not shown again."""
    return (
        bool(book.chapters)
        and book.chapters[0] is chapter
        and (
            " ".join(chapter.title.split()).casefold()
            == " ".join(book.meta.title.split()).casefold()
        )
    )


def plain_text(inlines: tuple[Inline, ...]) -> str:
    """The text a reader sees in a run of inlines (line breaks as spaces, note labels dropped)."""
    parts: list[str] = []
    stack: list[Inline] = list(reversed(inlines))
    while stack:
        node = stack.pop()
        if isinstance(node, Text):
            parts.append(node.text)
        elif isinstance(node, LineBreak):
            parts.append(" ")
        elif isinstance(node, Styled | Link | Sentence):
            stack.extend(reversed(node.children))
    return "".join(parts)
