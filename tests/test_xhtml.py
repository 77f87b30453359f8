"""XHTML rendering and the package's plain data, checked without writing an EPUB."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.model.book import (
    Book,
    Cell,
    Chapter,
    Entry,
    Figure,
    Footnote,
    Link,
    NoteRef,
    Paragraph,
    Resource,
    Section,
    Table,
    Text,
)
from exporter.write.blocks import RenderContext, render_blocks, safe_href
from exporter.write.epub.pages import chapter_document
from exporter.write.epub.plan import accessibility_metadata, clock_value, navigation
from exporter.write.markup import book_language, esc, labels_for

from .samples import metadata, png_1x1

CTX = RenderContext(labels_for("en"), fragment_ids=frozenset({"here"}), base_url="https://ex.org/a/")


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("javascript:alert(1)", None),
        (" JaVaScRiPt:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("vbscript:x", None),
        ("file:///etc/passwd", None),
        ("http://", None),
        ("mailto:", None),
        ("#missing", None),
        ("#here", "#here"),
        ("mailto:a@b.org", "mailto:a@b.org"),
        ("https://ex.org/x y", "https://ex.org/x%20y"),
        ("HTTPS://EX.ORG/", "HTTPS://EX.ORG/"),
        ("/about/", "https://ex.org/about/"),
        ("b.html", "https://ex.org/a/b.html"),
    ],
)
def test_safe_href(href: str, expected: str | None) -> None:
    """Only web, mail and in-document hrefs become links; relative ones are made absolute."""
    assert safe_href(href, CTX) == expected


def test_relative_href_without_base_is_text() -> None:
    """Without the post's address a relative link cannot work offline, so it is not kept."""
    assert safe_href("/about/", RenderContext(labels_for("en"))) is None


def test_links_never_nest_and_unknown_notes_do_not_link() -> None:
    """A link inside a link keeps only its text; a reference to a missing note is a label."""
    ctx = RenderContext(labels_for("en"), note_ids=frozenset({"fn1"}))
    inner = Link("https://b.org/", (Text("b"), NoteRef("fn1", "1")))
    html = render_blocks(
        [Paragraph((Link("https://a.org/", (Text("a "), inner)), NoteRef("fn9", "9")))], ctx, 1
    )
    assert html == (
        '<p><a href="https://a.org/">a b<sup class="noteref">1</sup></a>'
        '<sup class="noteref">9</sup></p>'
    )


def test_entry_levels_stop_at_h6_and_tables_without_head() -> None:
    """Nested entries go one level down each time, never past h6; plain rows stay in tbody."""
    deep: Entry = Entry("e6", "six", ())
    for n in range(5, 0, -1):
        deep = Entry(f"e{n}", "x", (deep,))
    html = render_blocks([deep, Table(((Cell((Text("a"),)), Cell((Text("b"),))),))], CTX, 2)
    assert '<h3 id="e1" class="entry-title">' in html and '<h6 id="e4" class="entry-title">' in html
    assert '<h6 id="e6" class="entry-title">' in html
    assert "<thead>" not in html and "<tbody><tr><td>a</td><td>b</td></tr></tbody>" in html


def test_esc_drops_characters_xml_cannot_hold() -> None:
    """Control characters vanish; markup characters are escaped."""
    assert esc('a\x00b\x0c<c & "d">') == "ab&lt;c &amp; &quot;d&quot;&gt;"


def test_language_and_labels() -> None:
    """A malformed language becomes `und`; known languages get their own labels."""
    assert book_language(metadata(language="en_GB")) == "en-GB"
    assert book_language(metadata(language="English (UK)")) == "und"
    assert labels_for("es-MX").contents == "Índice"
    assert labels_for("nb-NO").source == "Kilde"
    assert labels_for("xx").contents == "Contents"


def _features(book: Book) -> dict[str, list[str]]:
    """Accessibility properties of a book by name."""
    found: dict[str, list[str]] = {}
    for prop in accessibility_metadata(book):
        found.setdefault(prop.property, []).append(prop.value)
    return found


def test_accessibility_without_images_claims_no_alt_text() -> None:
    """A text-only book is textual only, and alternative text is not claimed."""
    book = Book(metadata(), (Chapter("ch01", "A", (Paragraph((Text("x"),)),)),))
    props = _features(book)
    assert props["schema:accessMode"] == ["textual"]
    assert "alternativeText" not in props["schema:accessibilityFeature"]
    assert props["schema:accessibilityHazard"] == ["none"]


def test_accessibility_with_an_image_lacking_alt() -> None:
    """An embedded image without alt text makes the visual mode necessary."""
    image = Resource("images/a.png", "image/png", png_1x1())
    blocks = (Figure("images/a.png", "", ()), Figure("images/a.png", "A dot", ()))
    props = _features(Book(metadata(), (Chapter("ch01", "A", blocks),), (image,)))
    assert props["schema:accessMode"] == ["textual", "visual"]
    assert props["schema:accessModeSufficient"] == ["textual,visual"]
    assert "alternativeText" not in props["schema:accessibilityFeature"]
    assert "1 image lacks alternative text." in props["schema:accessibilitySummary"][0]


def test_navigation_falls_back_for_empty_titles() -> None:
    """An empty title still gives a readable table-of-contents label."""
    chapter = Chapter("ch01", " ", (), (Section("ch01-s01", "", ()),))
    (point,) = navigation(Book(metadata(language="sv"), (chapter,)))
    assert (point.title, point.href) == ("Utan titel", "ch01.xhtml")
    assert [(c.title, c.href) for c in point.children] == [("Utan titel", "ch01.xhtml#ch01-s01")]


def test_clock_value() -> None:
    """Durations are SMIL full clock values with milliseconds."""
    assert clock_value(0) == "0:00:00.000"
    assert clock_value(3723.4567) == "1:02:03.457"


@given(st.text(), st.text())
def test_any_text_gives_well_formed_xhtml(title: str, text: str) -> None:
    """Whatever the text, the chapter document parses as XML and keeps the printable text."""
    note = Footnote("fn1", text, (Paragraph((Text(text),)),))
    chapter = Chapter("ch01", title, (Paragraph((Text(text), NoteRef("fn1", text))),), (), (note,))
    root = ET.fromstring(chapter_document(chapter, Book(metadata(), (chapter,))))
    printable = text.replace("\r\n", "\n").replace("\r", "\n")  # XML normalizes line ends
    assert esc(printable) in esc("".join(root.itertext()))
