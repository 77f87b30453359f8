"""Hand-built Books for the writer tests: one rich sample, one small read-along sample."""

from __future__ import annotations

import struct
import zlib
from datetime import datetime

from exporter.model.book import (
    Book,
    Cell,
    Chapter,
    CodeBlock,
    Embed,
    Entry,
    Figure,
    Footnote,
    LineBreak,
    Link,
    ListBlock,
    Metadata,
    NoteRef,
    Paragraph,
    Quote,
    Resource,
    Section,
    Sentence,
    Styled,
    Table,
    Text,
)
from exporter.write.epub.plan import MediaOverlayDoc

IDENTIFIER = "urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100"


def png_1x1() -> bytes:
    """A valid one-pixel grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        """One PNG chunk with its length and CRC."""
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def silent_mp3(seconds: float) -> bytes:
    """Silent MPEG-1 Layer III frames (128 kb/s, 44.1 kHz, mono) lasting about `seconds`."""
    frame = b"\xff\xfb\x90\xc0" + bytes(413)
    return frame * max(1, round(seconds * 44100 / 1152))


def metadata(**changes: object) -> Metadata:
    """The sample's metadata, with some fields changed."""
    fields: dict[str, object] = {
        "title": "Quiet Reading — What \u2018Slow\u2019 Means",
        "author": "Åse Ødegård",
        "language": "en",
        "slug": "quiet-reading",
        "identifier": IDENTIFIER,
        "date": datetime(2021, 3, 4, 5, 6, 7),
        "source_url": "https://example.org/2021/03/quiet-reading/",
        "description": "Notes on reading slowly — and why it helps.",
        "site": "Example Notes",
    }
    fields.update(changes)
    return Metadata(**fields)  # type: ignore[arg-type]


def t(text: str) -> Text:
    """Shorthand for a text run."""
    return Text(text)


def rich_book(**meta_changes: object) -> Book:
    """A book using every block and inline the model has."""
    lead = (
        Paragraph(
            (
                Sentence(
                    "ch01-x001",
                    (
                        t("Reading slowly isn\u2019t lazy — it\u2019s "),
                        Styled("em", (t("deliberate"),)),
                        t("."),
                    ),
                ),
                t(" "),
                Sentence(
                    "ch01-x002",
                    (
                        t("See "),
                        Link("https://example.org/a b?q=1&r=2", (t("this study"),)),
                        NoteRef("fn1", "1"),
                        t(" and "),
                        Link("javascript:alert(1)", (t("this trap"),)),
                        t("."),
                    ),
                ),
            )
        ),
        Quote(
            (Paragraph((t("Less, but better."),)),),
            cite="https://quotes.example.com/rams?id=7",
        ),
    )
    entry = Entry(
        "ch01-s01-e01",
        "Study A: 2 \u00d7 2 <design>",
        (
            Table(
                (
                    (Cell((t("Group"),), header=True), Cell((t("Pages/hour"),), header=True)),
                    (Cell((t("Slow"),), header=True), Cell((t("12"),))),
                    (Cell((t("Fast"),), header=True), Cell((Styled("strong", (t("40"),)),))),
                ),
                caption=(t("Reading speed & recall"),),
            ),
            Paragraph(
                (t("H"), Styled("sub", (t("2"),)), t("O and E = mc"), Styled("sup", (t("2"),)))
            ),
        ),
    )
    section_one = Section(
        "ch01-s01",
        "Why “slow”?",
        (
            ListBlock(
                False,
                (
                    (Paragraph((t("First"),)),),
                    (Paragraph((t("Second"),)), ListBlock(True, ((Paragraph((t("Nested"),)),),))),
                ),
            ),
            entry,
        ),
    )
    section_two = Section(
        "ch01-s02",
        "Code, pictures, video",
        (
            CodeBlock("\n  if a < b && c > d:\n      print('ok')\n", language="python"),
            Figure(
                "https://cdn.example.org/chart.png",
                "A bar chart of pages per hour",
                (t("Figure 1"),),
            ),
            Figure("/images/photo.jpg", "", ()),
            Embed("video", "https://www.youtube.com/watch?v=abc", "A talk on slow reading"),
            Embed("widget", "javascript:void(0)", ""),
        ),
    )
    chapter_one = Chapter(
        "ch01",
        "Introduction",
        lead,
        (section_one, section_two),
        (
            Footnote(
                "fn1",
                "1",
                (Paragraph((t("A footnote with "), Styled("del", (t("old"),)), t(" text."))),),
            ),
        ),
    )
    chapter_two = Chapter(
        "ch02",
        "Findings",
        (
            Figure("images/dot.png", "A single grey dot", (t("The whole picture"),)),
            Paragraph(
                (
                    t("Line one"),
                    LineBreak(),
                    t("line two; mail "),
                    Link("mailto:ann@example.org", (t("Ann"),)),
                    t(", jump to "),
                    Link("#ch02-e01", (t("the entry"),)),
                    t(", or "),
                    Link("#nowhere", (t("nowhere"),)),
                    t(", or "),
                    Link("/about/", (t("about"),)),
                    t(", "),
                    Styled("code", (t("x < y"),)),
                )
            ),
            Entry("ch02-e01", "An entry straight in the chapter", (Paragraph((t("Short."),)),)),
        ),
    )
    resources = (Resource("images/dot.png", "image/png", png_1x1()),)
    return Book(metadata(**meta_changes), (chapter_one, chapter_two), resources)


def read_along_book() -> tuple[Book, list[MediaOverlayDoc]]:
    """A two-chapter book whose first chapter has a media overlay."""
    chapter = Chapter(
        "ch01",
        "One",
        (
            Paragraph(
                (Sentence("ch01-x001", (t("Hello."),)), t(" "), Sentence("ch01-x002", (t("Bye."),)))
            ),
        ),
    )
    other = Chapter("ch02", "Two", (Paragraph((t("Unnarrated."),)),))
    smil = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' version="3.0"><body><seq id="seq-1" epub:textref="ch01.xhtml" epub:type="chapter">'
        '<par id="par-1"><text src="ch01.xhtml#ch01"/>'
        '<audio src="audio/ch01.mp3" clipBegin="0:00:00.000" clipEnd="0:00:00.500"/></par>'
        '<par id="par-2"><text src="ch01.xhtml#ch01-x001"/>'
        '<audio src="audio/ch01.mp3" clipBegin="0:00:00.500" clipEnd="0:00:01.250"/></par>'
        '<par id="par-3"><text src="ch01.xhtml#ch01-x002"/>'
        '<audio src="audio/ch01.mp3" clipBegin="0:00:01.250" clipEnd="0:00:02.000"/></par>'
        "</seq></body></smil>\n"
    )
    overlay = MediaOverlayDoc("ch01", smil, "audio/ch01.mp3", silent_mp3(2.0), 2.0)
    book = Book(metadata(title="Read along", language="nb-NO"), (chapter, other))
    return book, [overlay]
