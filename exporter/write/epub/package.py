"""Write a Book as a valid, reproducible EPUB 3 file; the only module that imports ebooklib."""

from __future__ import annotations

import io
import os
import re
import shutil
import zipfile
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, BinaryIO

from ebooklib import epub

from exporter.atomic import atomic_path
from exporter.errors import OutputError
from exporter.model.book import Book
from exporter.write.epub.pages import (
    STYLESHEET_HREF,
    chapter_document,
    chapter_file_name,
    title_page_body,
    xhtml_document,
)
from exporter.write.epub.plan import (
    MediaOverlayDoc,
    MetaProperty,
    NavPoint,
    PackageMetadata,
    accessibility_metadata,
    audio_media_type,
    check_book,
    media_metadata,
    navigation,
    package_metadata,
    smil_file_name,
)
from exporter.write.markup import labels_for

__all__ = ["MediaOverlayDoc", "write_epub"]

XHTML = "application/xhtml+xml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_OPTIONS: dict[str, Any] = {"raise_exceptions": True, "epub3_pages": False}


class _Writer(epub.EpubWriter):  # type: ignore[misc]  # ebooklib has no type hints
    """ebooklib's writer, putting the book's language on the OPF `<package>` as `xml:lang`.

    ebooklib 0.20 writes only `dc:language`; DAISY Ace (rule `epub-lang`) and the EPUB
    Accessibility spec also want the package's own language. The attribute is set on the
    package tree just before ebooklib serialises it.
    """

    def _write_opf_file(self, root: Any) -> None:
        """Declare the language on `<package>`, then write the OPF as ebooklib does."""
        root.set(_XML_LANG, self.book.language)
        super()._write_opf_file(root)


def build_stylesheet() -> epub.EpubItem:
    """The book's one stylesheet, shipped with the package as `exporter/data/epub.css`."""
    css = files("exporter").joinpath("data/epub.css").read_bytes()
    return epub.EpubItem(uid="style", file_name=STYLESHEET_HREF, media_type="text/css", content=css)


def build_title_page(book: Book, meta: PackageMetadata) -> epub.EpubItem:
    """The title page: title, author, date and a link to the original post."""
    body = title_page_body(book.meta, meta.title)
    page = xhtml_document(meta.title, meta.language, body)
    return epub.EpubItem(
        uid="titlepage", file_name="titlepage.xhtml", media_type=XHTML, content=page.encode()
    )


def build_chapters(book: Book) -> list[epub.EpubItem]:
    """One XHTML content document per chapter, written exactly as `xhtml` renders it."""
    items = []
    for chapter in book.chapters:
        item = epub.EpubItem(
            uid=chapter.id,
            file_name=chapter_file_name(chapter.id),
            media_type=XHTML,
            content=chapter_document(chapter, book).encode(),
        )
        item.media_overlay = None
        items.append(item)
    return items


def build_resources(book: Book) -> list[epub.EpubItem]:
    """The files the book carries besides its text, such as embedded images."""
    return [
        epub.EpubItem(uid=f"res-{n}", file_name=r.href, media_type=r.media_type, content=r.data)
        for n, r in enumerate(book.resources, 1)
    ]


def build_overlays(
    chapters: Sequence[epub.EpubItem], overlays: Sequence[MediaOverlayDoc]
) -> list[epub.EpubItem]:
    """The SMIL and audio items of the read-along, linking each SMIL to its chapter."""
    by_id = {item.id: item for item in chapters}
    items: list[epub.EpubItem] = []
    audio_hrefs: set[str] = set()
    for overlay in overlays:
        smil_id = f"smil-{overlay.chapter_id}"
        by_id[overlay.chapter_id].media_overlay = smil_id
        smil = overlay.smil.encode()
        items.append(
            epub.EpubSMIL(uid=smil_id, file_name=smil_file_name(overlay.chapter_id), content=smil)
        )
        if overlay.audio_href not in audio_hrefs:
            audio_hrefs.add(overlay.audio_href)
            items.append(
                epub.EpubItem(
                    uid=f"audio-{len(audio_hrefs)}",
                    file_name=overlay.audio_href,
                    media_type=audio_media_type(overlay.audio_href),
                    content=overlay.audio if isinstance(overlay.audio, bytes) else b"",
                )
            )
    return items


def build_navigation(points: Sequence[NavPoint]) -> list[Any]:
    """The ebooklib table of contents: links, with a (section, children) pair per chapter."""
    toc: list[Any] = []
    for point in points:
        if point.children:
            toc.append((epub.Section(point.title, point.href), build_navigation(point.children)))
        else:
            uid = "np-" + re.sub(r"[^A-Za-z0-9_.-]", "-", point.href)
            toc.append(epub.Link(point.href, point.title, uid))
    return toc


def _add_metadata(ebook: epub.EpubBook, meta: PackageMetadata, props: list[MetaProperty]) -> None:
    """Declare the Dublin Core metadata and the `<meta property>` list on the package."""
    ebook.set_identifier(meta.identifier)
    ebook.set_title(meta.title)
    ebook.set_language(meta.language)
    if meta.creator:
        ebook.add_author(meta.creator)
    for name, value in (("date", meta.date), ("source", meta.source)):
        if value:
            ebook.add_metadata("DC", name, value)
    if meta.description:
        ebook.add_metadata("DC", "description", meta.description)
    for subject in meta.subjects:
        ebook.add_metadata("DC", "subject", subject)
    for prop in props:
        attrs = {"property": prop.property}
        if prop.refines:
            attrs["refines"] = prop.refines
        if prop.lang:
            attrs[_XML_LANG] = prop.lang
        ebook.add_metadata(None, "meta", prop.value, attrs)


def assemble(
    book: Book, meta: PackageMetadata, overlays: Sequence[MediaOverlayDoc] = ()
) -> epub.EpubBook:
    """The complete ebooklib book: metadata, manifest, spine, navigation and guide."""
    ebook = epub.EpubBook()
    props = accessibility_metadata(book, narrated=bool(overlays)) + media_metadata(overlays)
    _add_metadata(ebook, meta, props)
    css = build_stylesheet()
    title_page = build_title_page(book, meta)
    chapters = build_chapters(book)
    nav = epub.EpubNav(title=labels_for(meta.language).contents)
    nav.add_item(css)
    for item in [css, title_page, *chapters, *build_resources(book)]:
        ebook.add_item(item)
    if book.cover is not None:  # a manifest item with properties="cover-image"; no extra page
        ebook.set_cover(book.cover.href, book.cover.data, create_page=False)
    for item in build_overlays(chapters, overlays):
        ebook.add_item(item)
    ebook.add_item(epub.EpubNcx())
    ebook.add_item(nav)
    points = navigation(book)
    ebook.toc = build_navigation(points)
    ebook.spine = [title_page, "nav", *chapters]
    ebook.guide = [
        {"type": "toc", "href": nav.file_name, "title": nav.title},
        {"type": "text", "href": points[0].href, "title": points[0].title},
    ]
    return ebook


def _zip_time(moment: datetime) -> tuple[int, int, int, int, int, int]:
    """A ZIP timestamp for a moment, clamped to the years ZIP can store."""
    if moment.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if moment.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


_STORED_SUFFIXES = (".mp3", ".m4a", ".mp4", ".ogg", ".opus", ".png", ".jpg", ".jpeg", ".gif")


def normalize_zip_into(
    out: BinaryIO, raw: bytes, moment: datetime, external: Mapping[str, Path] | None = None
) -> None:
    """Rewrite an EPUB zip reproducibly into `out`: mimetype first and stored, fixed dates.

    Entries named in `external` are streamed from their files instead of `raw`, so a long
    narration never sits in memory; media that is already compressed is stored as it is.
    """
    external = external or {}
    when = _zip_time(moment)
    with zipfile.ZipFile(io.BytesIO(raw)) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        for name in ["mimetype", *(n for n in names if n != "mimetype")]:
            info = zipfile.ZipInfo(name, date_time=when)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            stored = name == "mimetype" or name.lower().endswith(_STORED_SUFFIXES)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if name in external:
                with (
                    external[name].open("rb") as source,
                    dst.open(info, "w", force_zip64=True) as sink,
                ):
                    shutil.copyfileobj(source, sink, 1 << 20)
            else:
                dst.writestr(info, src.read(name), compresslevel=None if stored else 9)


def _assemble_raw(
    book: Book, media: Sequence[MediaOverlayDoc], environ: Mapping[str, str]
) -> tuple[bytes, PackageMetadata]:
    """ebooklib's zip of the book (audio given as files left as empty placeholders)."""
    check_book(book, media)
    meta = package_metadata(book, environ)
    options = {
        **_OPTIONS,
        "mtime": meta.modified,
        "landmark_title": labels_for(meta.language).guide,
    }
    try:
        ebook = assemble(book, meta, media)
        raw = io.BytesIO()
        writer = _Writer(raw, ebook, options)
        writer.process()
        writer.write()
    except Exception as exc:  # ebooklib and lxml raise many kinds
        raise OutputError(f"cannot assemble the EPUB: {type(exc).__name__}: {exc}") from exc
    return raw.getvalue(), meta


def _external_audio(raw: bytes, media: Sequence[MediaOverlayDoc]) -> dict[str, Path]:
    """Zip entry names of overlay audio given as files, mapped to those files."""
    wanted = {o.audio_href: o.audio for o in media if isinstance(o.audio, Path)}
    if not wanted:
        return {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        names = archive.namelist()
    found: dict[str, Path] = {}
    for href, path in wanted.items():
        name = next((n for n in names if n == href or n.endswith("/" + href)), None)
        if name is None:
            raise OutputError(f"audio {href!r} is missing from the assembled EPUB")
        found[name] = path
    return found


def render_epub(
    book: Book, *, media: Sequence[MediaOverlayDoc] = (), environ: dict[str, str] | None = None
) -> bytes:
    """The bytes of the EPUB file for a book; the same inputs always give the same bytes."""
    raw, meta = _assemble_raw(book, media, os.environ if environ is None else environ)
    out = io.BytesIO()
    normalize_zip_into(out, raw, meta.modified, _external_audio(raw, media))
    return out.getvalue()


def write_epub(book: Book, path: Path, *, media: Sequence[MediaOverlayDoc] = ()) -> None:
    """Write a book as an EPUB 3 file at `path`, with optional per-chapter media overlays.

    Overlay audio given as a file is streamed into the zip, never held in memory whole.
    """
    path = Path(path)
    raw, meta = _assemble_raw(book, media, os.environ)
    external = _external_audio(raw, media)
    try:
        with atomic_path(path) as part, part.open("wb") as out:
            normalize_zip_into(out, raw, meta.modified, external)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from exc
