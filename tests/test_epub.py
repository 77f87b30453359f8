"""The EPUB writer: valid per EPUBCheck, nested navigation, metadata, reproducible, atomic."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from exporter.check.epubcheck import EpubcheckResult
from exporter.errors import OutputError
from exporter.model.book import Book, Chapter, Paragraph, Resource, Text
from exporter.write.epub.package import write_epub

from .samples import IDENTIFIER, metadata, read_along_book, rich_book

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def rich_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rich sample written once for the module."""
    path = tmp_path_factory.mktemp("rich") / "quiet-reading.epub"
    write_epub(rich_book(), path)
    return path


@pytest.fixture(scope="module")
def read_along_epub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The read-along sample (media overlays) written once for the module."""
    path = tmp_path_factory.mktemp("read-along") / "read-along.epub"
    book, overlays = read_along_book()
    write_epub(book, path, media=overlays)
    return path


@pytest.fixture(scope="module")
def epubcheck_results(
    rich_epub: Path, read_along_epub: Path, epubcheck: Callable[[Path], EpubcheckResult]
) -> dict[str, EpubcheckResult]:
    """EPUBCheck's verdict on both samples, run once each and side by side."""
    with ThreadPoolExecutor(2) as pool:
        rich, read_along = pool.map(epubcheck, [rich_epub, read_along_epub])
    return {"rich": rich, "read_along": read_along}


def member(epub: Path, name: str) -> bytes:
    """One file of an EPUB."""
    with zipfile.ZipFile(epub) as archive:
        return archive.read(name)


def opf(epub: Path) -> ET.Element:
    """The parsed package document."""
    return ET.fromstring(member(epub, "EPUB/content.opf"))


def properties(epub: Path, name: str) -> list[str]:
    """The values of every `<meta property=name>` without `refines`."""
    metas = opf(epub).iterfind("opf:metadata/opf:meta", NS)
    return [m.text or "" for m in metas if m.get("property") == name and not m.get("refines")]


@pytest.mark.slow
@pytest.mark.parametrize("sample", ["rich", "read_along"])
def test_epubcheck_reports_nothing(
    epubcheck_results: dict[str, EpubcheckResult], sample: str
) -> None:
    """EPUBCheck 5.3 finds no fatal error, error or warning in either sample."""
    result = epubcheck_results[sample]
    assert result.fatals == [] and result.errors == [] and result.warnings == []


def test_nav_nests_sections_under_chapters_in_order(rich_epub: Path) -> None:
    """The EPUB 3 nav and the NCX list chapters, each with its sections, in reading order."""
    nav = ET.fromstring(member(rich_epub, "EPUB/nav.xhtml"))
    toc = next(n for n in nav.iter(f"{{{NS['x']}}}nav") if "toc" in n.attrib.values())
    top = toc.findall("x:ol/x:li", NS)
    assert [li.findtext("x:a", namespaces=NS) for li in top] == ["Introduction", "Findings"]
    assert [li.find("x:a", NS).get("href") for li in top] == ["ch01.xhtml", "ch02.xhtml"]  # type: ignore[union-attr]
    inner = [(a.text, a.get("href")) for a in top[0].iterfind("x:ol/x:li/x:a", NS)]
    assert inner == [
        ("Why \u201cslow\u201d?", "ch01.xhtml#ch01-s01"),
        ("Code, pictures, video", "ch01.xhtml#ch01-s02"),
    ]
    assert top[1].find("x:ol", NS) is None
    ncx = ET.fromstring(member(rich_epub, "EPUB/toc.ncx"))
    points = ncx.findall("ncx:navMap/ncx:navPoint", NS)
    assert [p.findtext("ncx:navLabel/ncx:text", namespaces=NS) for p in points] == [
        "Introduction",
        "Findings",
    ]
    nested = points[0].findall("ncx:navPoint/ncx:content", NS)
    assert [c.get("src") for c in nested] == ["ch01.xhtml#ch01-s01", "ch01.xhtml#ch01-s02"]


def test_package_metadata(rich_epub: Path) -> None:
    """Title, one creator, language, date, source, identifier and description are declared."""
    meta = opf(rich_epub).find("opf:metadata", NS)
    assert meta is not None

    def dc(name: str) -> list[str]:
        """Every value of one Dublin Core element."""
        return [e.text or "" for e in meta.iterfind(f"dc:{name}", NS)]

    assert dc("title") == ["Quiet Reading — What \u2018Slow\u2019 Means"]
    assert dc("creator") == ["Åse Ødegård"]
    assert dc("language") == ["en"]
    assert dc("identifier") == [IDENTIFIER]
    assert dc("date") == ["2021-03-04"]
    assert dc("source") == ["https://example.org/2021/03/quiet-reading/"]
    assert dc("description") == ["Notes on reading slowly — and why it helps."]
    assert properties(rich_epub, "dcterms:modified") == ["2021-03-04T05:06:07Z"]
    assert properties(rich_epub, "dcterms:conformsTo") == []


def test_package_declares_the_book_language(rich_epub: Path, read_along_epub: Path) -> None:
    """`<package xml:lang>` is the book's language, as DAISY Ace's `epub-lang` rule asks."""
    assert opf(rich_epub).get(XML_LANG) == "en"
    assert opf(read_along_epub).get(XML_LANG) == "nb-NO"
    assert opf(read_along_epub).findtext("opf:metadata/dc:language", namespaces=NS) == "nb-NO"


def test_accessibility_metadata_follows_content(rich_epub: Path) -> None:
    """The rich sample embeds one image with alt text; the claims say exactly that."""
    assert properties(rich_epub, "schema:accessMode") == ["textual", "visual"]
    assert properties(rich_epub, "schema:accessModeSufficient") == ["textual"]
    assert properties(rich_epub, "schema:accessibilityFeature") == [
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
    ]
    assert properties(rich_epub, "schema:accessibilityHazard") == ["none"]
    (summary,) = properties(rich_epub, "schema:accessibilitySummary")
    assert "Every image has alternative text." in summary
    assert "2 images of the original post are not included" in summary


def test_read_along_declares_overlays(read_along_epub: Path) -> None:
    """The chapter points at its SMIL; durations, total and active class are declared."""
    root = opf(read_along_epub)
    items = {i.get("id"): i for i in root.iterfind("opf:manifest/opf:item", NS)}
    assert items["ch01"].get("media-overlay") == "smil-ch01"
    assert items["ch02"].get("media-overlay") is None
    assert items["smil-ch01"].get("media-type") == "application/smil+xml"
    assert items["audio-1"].get("media-type") == "audio/mpeg"
    metas = list(root.iterfind("opf:metadata/opf:meta", NS))
    refined = [(m.get("refines"), m.text) for m in metas if m.get("property") == "media:duration"]
    assert refined == [("#smil-ch01", "0:00:02.000"), (None, "0:00:02.000")]
    active = properties(read_along_epub, "media:active-class")
    assert active == ["-epub-media-overlay-active"]
    assert "synchronizedAudioText" in properties(read_along_epub, "schema:accessibilityFeature")
    assert b".-epub-media-overlay-active" in member(read_along_epub, "EPUB/style/epub.css")


def test_documents_are_well_formed_with_language_and_no_scripts(rich_epub: Path) -> None:
    """Every XHTML parses as XML, carries the book language twice, and has no script/style."""
    with zipfile.ZipFile(rich_epub) as archive:
        names = [n for n in archive.namelist() if n.endswith(".xhtml")]
        assert sorted(names) == [
            "EPUB/ch01.xhtml",
            "EPUB/ch02.xhtml",
            "EPUB/nav.xhtml",
            "EPUB/titlepage.xhtml",
        ]
        for name in names:
            root = ET.fromstring(archive.read(name))
            assert root.get("lang") == "en" and root.get(XML_LANG) == "en", name
            tags = {element.tag.split("}")[-1] for element in root.iter()}
            assert not tags & {"script", "style"}, name


def test_chapter_keeps_model_ids_and_text(rich_epub: Path) -> None:
    """Headings carry the model's ids; sentences, notes and non-ASCII text survive."""
    root = ET.fromstring(member(rich_epub, "EPUB/ch01.xhtml"))
    ids = {e.get("id"): e.tag.split("}")[-1] for e in root.iter() if e.get("id")}
    assert ids["ch01"] == "h1" and ids["ch01-s01"] == "h2" and ids["ch01-s01-e01"] == "h3"
    assert ids["ch01-x001"] == "span" and ids["fn1"] == "aside" and ids["ref-fn1"] == "a"
    text = "".join(root.itertext())
    assert "Reading slowly isn\u2019t lazy — it\u2019s deliberate." in text
    assert "Study A: 2 \u00d7 2 <design>" in text


def test_javascript_links_are_plain_text(rich_epub: Path) -> None:
    """A `javascript:` href never becomes a link; its text stays readable."""
    for name in ("EPUB/ch01.xhtml", "EPUB/ch02.xhtml"):
        root = ET.fromstring(member(rich_epub, name))
        hrefs = [a.get("href") or "" for a in root.iter(f"{{{NS['x']}}}a")]
        assert not [h for h in hrefs if "javascript" in h.lower()]
    assert b"and this trap." in member(rich_epub, "EPUB/ch01.xhtml")


def test_same_book_gives_identical_bytes(tmp_path: Path, rich_epub: Path) -> None:
    """Writing the same book again gives the same file: fixed dates, order and compression."""
    again = tmp_path / "again.epub"
    write_epub(rich_book(), again)
    assert again.read_bytes() == rich_epub.read_bytes()
    with zipfile.ZipFile(again) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {info.date_time for info in infos} == {(2021, 3, 4, 5, 6, 6)}


def test_source_date_epoch_sets_modified(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SOURCE_DATE_EPOCH overrides the post date as the modification time."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1000000000")
    path = tmp_path / "b.epub"
    write_epub(rich_book(), path)
    assert properties(path, "dcterms:modified") == ["2001-09-09T01:46:40Z"]
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(OutputError, match="SOURCE_DATE_EPOCH"):
        write_epub(rich_book(), tmp_path / "c.epub")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    write_epub(rich_book(date=None), path)
    assert properties(path, "dcterms:modified") == ["1980-01-01T00:00:00Z"]


def test_failure_inside_ebooklib_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When assembling fails, OutputError is raised and nothing is written."""
    from ebooklib import epub

    def boom(self: object) -> None:
        """Fail the way a broken item would."""
        raise ValueError("broken item")

    monkeypatch.setattr(epub.EpubWriter, "_write_items", boom)
    with pytest.raises(OutputError, match="broken item"):
        write_epub(rich_book(), tmp_path / "book.epub")
    assert list(tmp_path.iterdir()) == []


def test_failure_while_saving_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failed save removes its temporary file and leaves the previous EPUB untouched."""
    path = tmp_path / "book.epub"
    path.write_bytes(b"old")

    def no_space(src: object, dst: object) -> None:
        """Fail like a full disk."""
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("exporter.write.epub.package.os.replace", no_space)
    with pytest.raises(OutputError, match="No space left"):
        write_epub(rich_book(), path)
    monkeypatch.undo()
    assert [p.name for p in tmp_path.iterdir()] == ["book.epub"]
    assert path.read_bytes() == b"old"
    with pytest.raises(OutputError):
        write_epub(rich_book(), tmp_path / "missing-dir" / "book.epub")


@pytest.mark.parametrize(
    "book",
    [
        Book(metadata(), ()),
        Book(metadata(), (Chapter("ch01", "A", ()), Chapter("ch01", "B", ()))),
        Book(metadata(), (Chapter("nav", "A", ()),)),
        Book(metadata(), (Chapter("1st", "A", ()),)),
        Book(
            metadata(), (Chapter("ch01", "A", (), footnotes=()),), (Resource("a b.png", "", b""),)
        ),
        Book(
            metadata(),
            (Chapter("ch01", "A", (Paragraph((Text("x"),)),)),),
            (Resource("../x.png", "", b""),),
        ),
    ],
)
def test_unpackageable_books_are_refused(tmp_path: Path, book: Book) -> None:
    """Books whose ids or hrefs would make an invalid package raise OutputError up front."""
    with pytest.raises(OutputError):
        write_epub(book, tmp_path / "x.epub")
    assert list(tmp_path.iterdir()) == []


def test_characters_xml_cannot_hold_are_dropped(tmp_path: Path) -> None:
    """Control characters in metadata and titles do not break the package."""
    chapter = Chapter("ch01", "A\x0bB", (Paragraph((Text("x\x00y"),)),))
    path = tmp_path / "c.epub"
    write_epub(Book(metadata(title="T\x1ft", author="\x07"), (chapter,)), path)
    meta = opf(path).find("opf:metadata", NS)
    assert meta is not None
    assert meta.findtext("dc:title", namespaces=NS) == "Tt"
    assert meta.find("dc:creator", NS) is None
    assert b'<h1 id="ch01">AB</h1>\n<p>xy</p>' in member(path, "EPUB/ch01.xhtml")
