"""No unsafe markup reaches any output, and output file names never leave the output folder."""

from __future__ import annotations

import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from exporter.errors import PostError
from exporter.read.addresses import safe_link, safe_media
from exporter.read.post import post_slug, read_post
from exporter.run.load import load_book
from exporter.write.epub.package import write_epub

CASES = Path(__file__).parent / "cases"
_FORBIDDEN = {
    "script", "style", "iframe", "object", "embed", "form", "input", "button", "textarea",
    "select", "frame", "frameset", "applet", "base", "audio", "video", "svg", "math", "canvas",
}  # fmt: skip
_URL_ATTRS = {"href", "src", "cite", "data", "action", "formaction", "poster", "srcset"}
_SAFE_URL = re.compile(r"^(?:https?://|mailto:|#|[A-Za-z0-9_][A-Za-z0-9_./-]*(?:#[\w.-]+)?$)")


class _Audit(HTMLParser):
    """Collect every unsafe element, attribute and address of a document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Check one element and its attributes."""
        if tag in _FORBIDDEN:
            self.problems.append(f"element <{tag}>")
        if tag == "meta" and any(k == "http-equiv" for k, _ in attrs):
            self.problems.append("meta http-equiv")
        for key, value in attrs:
            if key.startswith("on"):
                self.problems.append(f"event handler {key}")
            if key == "style":
                self.problems.append("style attribute")
            if key in _URL_ATTRS and value is not None and not _SAFE_URL.match(value.strip()):
                self.problems.append(f"{key}={value!r}")
            if value and re.search(r"(?:java|vb)script:|data:text", value, re.IGNORECASE):
                self.problems.append(f"{key}={value!r}")


def _built_cases() -> list[Path]:
    """Every case post that builds."""
    out = []
    for post in sorted(CASES.glob("*.md")):
        try:
            load_book(post)
        except PostError:
            continue
        out.append(post)
    return out


@pytest.mark.parametrize("post", _built_cases(), ids=lambda p: p.stem)
def test_no_unsafe_markup_in_any_document(post: Path, tmp_path: Path) -> None:
    """No script, style, player, form, handler or unsafe address in any XHTML of the EPUB."""
    path = tmp_path / "book.epub"
    write_epub(load_book(post), path)
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.endswith((".xhtml", ".html", ".ncx", ".opf")):
                audit = _Audit()
                audit.feed(archive.read(name).decode("utf-8"))
                assert not audit.problems, f"{name}: {audit.problems}"


def test_hostile_case_keeps_text_but_no_markup() -> None:
    """The hostile fixture: markup in the title is text; handlers, scripts and forms are gone,
    but what a reader sees of a form, an SVG picture or a <noscript> stays (issue 12)."""
    book = load_book(CASES / "hostile-markup.md")
    assert book.meta.title == '<script>alert("title")</script> Safety Test'
    text = repr(book.chapters)
    for word in ("injected", "hidden words"):
        assert word not in text
    for word in ("Password", "svg text", "noscript note"):
        assert word in text
    assert "script:" not in text.lower() and "href='data:" not in text
    assert "this harmless-looking link" in text


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("mailto:me@example.org", "mailto:me@example.org"),
        ("/about/", "/about/"),
        ("#top", "#top"),
        ("javascript:alert(1)", None),
        (" jav\tascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("java\u00a0script:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("vbscript:msgbox", None),
        ("file:///etc/passwd", None),
        ("https://", None),
    ],
)
def test_safe_link(url: str, expected: str | None) -> None:
    """Only http(s), mailto, in-page and relative addresses survive, however disguised."""
    assert safe_link(url) == expected


def test_safe_media_makes_protocol_relative_https() -> None:
    """Players and images: `//host/x` becomes https; anchors and mail are not media."""
    assert safe_media("//cdn.example/x.png") == "https://cdn.example/x.png"
    assert safe_media("#x") is None and safe_media("mailto:a@b.c") is None


@pytest.mark.parametrize(
    "permalink",
    [
        "https://example.org/../../etc/passwd",
        "https://example.org/%2e%2e/%2e%2e/etc/passwd",
        "https://example.org/a/..",
        "javascript:alert(1)",
        "https://example.org/日本語のタイトル/",
        "https://example.org/😀🎉/",
        "https://example.org/con/",
        "https://example.org/" + "x" * 500 + "/",
        "https://example.org/a b/c\\d/",
        "",
    ],
)
def test_slugs_are_safe_ascii_names(permalink: str, tmp_path: Path) -> None:
    """Whatever the permalink, the slug is a short ASCII name that stays inside OUT."""
    slug = post_slug(Path("2020-01-01-héllo wörld.md"), permalink)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug), slug
    out = tmp_path / "out"
    assert (out / f"{slug}.epub").resolve().parent == out.resolve()


def test_hostile_file_and_title_give_a_safe_slug(tmp_path: Path) -> None:
    """A hostile title and file name still give a slug inside OUT."""
    post = tmp_path / "..%2F..%2Fevil ☃.md"
    post.write_text('---\npost_title: "../../../etc/passwd"\n---\n<p>Text.</p>\n', "utf-8")
    slug = read_post(post).meta.slug
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", slug), slug
