"""What goes into an EPUB package, as plain data: metadata, accessibility, navigation, overlays."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exporter.errors import OutputError
from exporter.model.book import Book, Figure, Metadata
from exporter.model.walk import chapter_blocks
from exporter.write.blocks import chapter_ids, noteref_id
from exporter.write.epub.pages import STYLESHEET_HREF, book_title, chapter_file_name
from exporter.write.markup import book_language, embedded_images, labels_for, web_url, xml_text

FIXED_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
ACTIVE_CLASS = "-epub-media-overlay-active"
RESERVED_IDS = frozenset(("nav", "ncx", "style", "titlepage"))
RESERVED_FILES = frozenset(("nav.xhtml", "toc.ncx", "titlepage.xhtml", STYLESHEET_HREF))
AUDIO_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "audio/mp4",
    ".opus": "audio/ogg; codecs=opus",
    ".ogg": "audio/ogg; codecs=opus",
}
_ID = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_HREF = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*")


@dataclass(frozen=True)
class MediaOverlayDoc:
    """One chapter's read-along: its SMIL text and the audio (bytes, or a file to stream)."""

    chapter_id: str
    smil: str
    audio_href: str
    audio: bytes | Path
    duration_s: float


@dataclass(frozen=True)
class PackageMetadata:
    """The Dublin Core facts of the package document, ready to write."""

    identifier: str
    title: str
    language: str
    creator: str | None
    date: str | None
    source: str | None
    description: str | None
    modified: datetime
    subjects: tuple[str, ...] = ()  # the post's categories, then its tags


@dataclass(frozen=True)
class MetaProperty:
    """One `<meta property=…>` of the package document."""

    property: str
    value: str
    refines: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class NavPoint:
    """One table-of-contents entry: its label, target and children."""

    title: str
    href: str
    children: tuple[NavPoint, ...] = ()


def smil_file_name(chapter_id: str) -> str:
    """The SMIL file of a chapter, beside its XHTML so both resolve hrefs alike."""
    return f"{chapter_id}.smil"


def audio_media_type(href: str) -> str | None:
    """The EPUB core media type of an audio file, from its extension; None if not core."""
    return AUDIO_TYPES.get(href[href.rfind(".") :].lower()) if "." in href else None


def modified_time(meta: Metadata, environ: Mapping[str, str]) -> datetime:
    """The package's last-modified time: SOURCE_DATE_EPOCH, else the post date, else 1980."""
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise OutputError(f"SOURCE_DATE_EPOCH is not a Unix time: {epoch!r}") from exc
    if meta.date is None or meta.date.year < 1000:  # dcterms:modified needs a 4-digit year
        return FIXED_EPOCH
    if meta.date.tzinfo is None:
        return meta.date.replace(tzinfo=UTC)
    return meta.date.astimezone(UTC)


def _w3c_date(date: datetime) -> str:
    """A W3CDTF date: the day for naive (zone-less) times, full UTC time otherwise."""
    if date.tzinfo is None:
        return date.date().isoformat()
    return date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def package_metadata(book: Book, environ: Mapping[str, str]) -> PackageMetadata:
    """The package's Dublin Core metadata and modification time, taken from the book."""
    meta = book.meta
    return PackageMetadata(
        identifier=xml_text(meta.identifier),
        title=book_title(meta),
        language=book_language(meta),
        creator=xml_text(meta.author) or None,
        date=_w3c_date(meta.date) if meta.date else None,
        source=web_url(meta.source_url or ""),
        description=xml_text(meta.description) or None,
        modified=modified_time(meta, environ),
        subjects=tuple(
            dict.fromkeys(t for s in (*meta.categories, *meta.tags) if (t := xml_text(s)))
        ),
    )


def _figures(book: Book) -> list[Figure]:
    """Every figure of the book, in reading order."""
    return [
        block
        for chapter in book.chapters
        for block in chapter_blocks(chapter)
        if isinstance(block, Figure)
    ]


def _count(n: int, one: str, many: str) -> str:
    """A count with the right form of its noun phrase."""
    return f"{n} {one if n == 1 else many}"


def accessibility_metadata(book: Book, *, narrated: bool = False) -> list[MetaProperty]:
    """Schema.org accessibility properties derived from what the book actually contains."""
    local = embedded_images(book)
    figures = _figures(book)
    shown = [f for f in figures if f.src in local]
    linked = len(figures) - len(shown)
    all_alt = bool(shown) and all(f.alt.strip() for f in shown)
    modes = ["textual"] + (["visual"] if shown else []) + (["auditory"] if narrated else [])
    sufficient = "textual" if all(f.alt.strip() for f in shown) else "textual,visual"
    features = ["structuralNavigation", "tableOfContents", "readingOrder"]
    features += ["alternativeText"] if all_alt else []
    features += ["synchronizedAudioText"] if narrated else []
    summary = [
        "This publication has a table of contents, headings for every chapter and section,"
        " and one logical reading order."
    ]
    if shown:
        missing = sum(1 for f in shown if not f.alt.strip())
        summary.append(
            f"{_count(missing, 'image lacks', 'images lack')} alternative text."
            if missing
            else "Every image has alternative text."
        )
    if linked:
        summary.append(
            f"{_count(linked, 'image', 'images')} of the original post"
            f" {'is' if linked == 1 else 'are'} not included: a description and a link are"
            " shown instead."
        )
    if narrated:
        summary.append("Recorded narration is synchronized with the text.")
    summary.append("No accessibility hazards are known.")
    lang = None if book_language(book.meta).lower().startswith("en") else "en"
    props = [MetaProperty("schema:accessMode", mode) for mode in modes]
    props.append(MetaProperty("schema:accessModeSufficient", sufficient))
    props += [MetaProperty("schema:accessibilityFeature", feature) for feature in features]
    props.append(MetaProperty("schema:accessibilityHazard", "none"))
    props.append(MetaProperty("schema:accessibilitySummary", " ".join(summary), lang=lang))
    return props


def navigation(book: Book) -> tuple[NavPoint, ...]:
    """The nested table of contents: chapters with their sections, in reading order.

    A book made of parts (an anthology) nests them: group (a year) → part → its chapters.
    """
    untitled = labels_for(book.meta.language).untitled
    points: dict[str, NavPoint] = {}
    for chapter in book.chapters:
        href = chapter_file_name(chapter.id)
        sections = tuple(
            NavPoint(xml_text(s.title) or untitled, f"{href}#{s.id}") for s in chapter.sections
        )
        points[chapter.id] = NavPoint(xml_text(chapter.title) or untitled, href, sections)
    if not book.parts:
        return tuple(points.values())
    groups: dict[str, list[NavPoint]] = {}
    for part in book.parts:
        first, *rest = part.chapter_ids
        part_point = NavPoint(
            xml_text(part.title) or untitled,
            points[first].href,
            points[first].children + tuple(points[c] for c in rest),
        )
        groups.setdefault(part.group, []).append(part_point)
    return tuple(
        NavPoint(xml_text(group) or untitled, members[0].href, tuple(members))
        for group, members in groups.items()
    )


def clock_value(seconds: float) -> str:
    """A SMIL full clock value (h:mm:ss.fff) for a duration in seconds."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def media_metadata(overlays: Sequence[MediaOverlayDoc]) -> list[MetaProperty]:
    """The media overlay properties: each overlay's duration, the total, the active class."""
    if not overlays:
        return []
    props = [
        MetaProperty("media:duration", clock_value(o.duration_s), refines=f"#smil-{o.chapter_id}")
        for o in overlays
    ]
    props.append(MetaProperty("media:duration", clock_value(sum(o.duration_s for o in overlays))))
    props.append(MetaProperty("media:active-class", ACTIVE_CLASS))
    return props


def _fail(problem: str) -> None:
    """Stop the build: the book cannot be packaged as it is."""
    raise OutputError(f"cannot write EPUB: {problem}")


def check_book(book: Book, overlays: Sequence[MediaOverlayDoc] = ()) -> None:
    """Raise OutputError when ids, hrefs or overlays would make an invalid package."""
    if not book.chapters:
        _fail("the book has no chapters")
    if not book.meta.identifier.strip():
        _fail("the book has no identifier")
    chapters = [c.id for c in book.chapters]
    for chapter in book.chapters:
        ids = [*chapter_ids(chapter), *(noteref_id(n.id) for n in chapter.footnotes)]
        bad = [i for i in ids if not _ID.fullmatch(i)]
        twice = [i for i, n in Counter(ids).items() if n > 1]
        if bad or twice:
            _fail(f"chapter {chapter.id!r} has invalid or repeated ids {sorted(bad + twice)}")
    prefixed = [c for c in chapters if c.startswith(("smil-", "audio-", "res-"))]
    if set(chapters) & RESERVED_IDS or prefixed or len(set(chapters)) != len(chapters):
        _fail(f"chapter ids must be unique and not {sorted(RESERVED_IDS)} or prefixed: {chapters}")
    files = {chapter_file_name(c) for c in chapters} | RESERVED_FILES
    for href in [r.href for r in book.resources] + [o.audio_href for o in overlays]:
        if not _HREF.fullmatch(href) or ".." in href.split("/"):
            _fail(f"resource href {href!r} is not a plain relative ASCII path")
    hrefs = [r.href for r in book.resources]
    if len(set(hrefs)) != len(hrefs) or set(hrefs) & files:
        _fail(f"resource hrefs repeat or clash with the book's own files: {hrefs}")
    _check_overlays(book, overlays, files | set(hrefs))


def _check_overlays(book: Book, overlays: Sequence[MediaOverlayDoc], taken: set[str]) -> None:
    """Raise OutputError unless each overlay names a distinct chapter and a usable audio file."""
    narrated = [o.chapter_id for o in overlays]
    if len(set(narrated)) != len(narrated) or not set(narrated) <= {c.id for c in book.chapters}:
        _fail(f"media overlays must name distinct chapters of the book: {narrated}")
    audio: dict[str, bytes | Path] = {}
    for overlay in overlays:
        if audio.setdefault(overlay.audio_href, overlay.audio) != overlay.audio:
            _fail(f"audio {overlay.audio_href!r} is given twice with different content")
        if overlay.audio_href in taken or not overlay.smil.strip() or overlay.duration_s < 0:
            _fail(f"media overlay of {overlay.chapter_id!r} is empty or clashes with a file")
        if audio_media_type(overlay.audio_href) is None:
            _fail(f"audio {overlay.audio_href!r} is not MP3, MP4/AAC or Ogg Opus")
