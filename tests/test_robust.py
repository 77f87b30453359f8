"""Mangled input never crashes anything: always a Book or a clean one-line PostError.

Hypothesis feeds tag soup, shortcodes, Markdown marks and broken front matter through the
reader and the cleaner; deep nesting and a 1 MB post go through every later step as well.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.check.fidelity import check_book, check_speech
from exporter.errors import PostError
from exporter.model.book import Book
from exporter.model.dump import dump_book
from exporter.model.text import book_texts, word_count
from exporter.narrate.script import speech_script
from exporter.read.post import read_post
from exporter.run.load import book_from_post
from exporter.write.epub.package import render_epub

_TAGS = [
    "p", "div", "span", "b", "i", "a", "ul", "ol", "li", "table", "tr", "td", "th", "pre",
    "code", "blockquote", "h1", "h2", "h3", "h6", "img", "br", "figure", "figcaption", "sup",
    "iframe", "script", "style", "object", "embed", "video", "audio", "dl", "dt", "dd", "q",
    "strike", "form", "svg", "thead", "caption", "font", "center", "noscript", "template",
]  # fmt: skip
_ATTRS = [
    "", ' href="https://x.example/a"', ' href="javascript:alert(1)"', ' href="#n1"',
    ' id="n1"', ' src="/images/a.png"', ' src="data:image/png;base64,AAAA"', ' alt="Alt text"',
    ' onclick="x()"', ' style="padding-left: 30px"', ' class="wp-caption"', ' colspan="3"',
    ' title="[caption]"', ' rel="lightbox[x]"', ' src="https://www.youtube.com/embed/abcdefgh"',
]  # fmt: skip
_PIECES = [
    "[caption]", "[/caption]", '[caption id="1" caption="Cap"]', "[youtube]", "[/youtube]",
    "[vc_row]", "[/vc_row]", "[jbp-job-browse-btn]", "[footnote]", "[/footnote]", "[code]",
    "[/code]", "[string]", "[K in keyof T]", "[[x]]", "[text][1]", "[^1]", "[^1]: note",
    "\n## ", "\n# ", "\n> ", "\n- ", "\n1. ", "\n```\n", "`", "**", "_", "|", "\n|---|\n",
    "<!--", "-->", "<!--more-->", "<!-- wp:paragraph -->", "&nbsp;", "&amp;", "&#8217;",
    "&#0;", "\n", "\n\n", "\r\n", "\t", "    ", "<", ">", "\"", "'", "=", "\x00", "\u202e",
    "https://youtu.be/abcdefghij\n", "Word.", " Another sentence! ", "Dr. Who?",
]  # fmt: skip

_fragment = st.one_of(
    st.text(max_size=12),
    st.sampled_from(_PIECES),
    st.builds(lambda t, a: f"<{t}{a}>", st.sampled_from(_TAGS), st.sampled_from(_ATTRS)),
    st.builds(lambda t: f"</{t}>", st.sampled_from(_TAGS)),
)
_body = st.lists(_fragment, max_size=60).map("".join)
_front_line = st.one_of(
    st.sampled_from(
        [
            "post_title: A title",
            "post_title: >\n  folded\n  title",
            "post_title: 'Quote&#8217;s <b>bold</b>'",
            "post_title: ''",
            "post_title: <script>x</script>",
            "post_title: a: b: c",
            "post_date: 2012-04-15 13:50:10",
            "post_date: not a date",
            "ID: 12",
            "permalink: https://example.org/a/b/",
            "permalink: ../../etc/passwd",
            "published: false",
            "author: ''",
            "lang: es",
            "meta:\n  - 'a:1:{i:0;s:1:\"0\";}'\n  - dup\n  - dup",
            "!!python/object:os.system x",
            "[unclosed",
            "",
            "---",
        ]
    ),
    st.text(max_size=20),
)
_front = st.lists(_front_line, max_size=8).map("\n".join)


def test_an_impossible_calendar_date_is_a_clean_refusal(tmp_path: Path) -> None:
    """`post_date: 2012-13-45` is refused as a front-matter error, not a crash."""
    path = tmp_path / "bad-date.md"
    path.write_text("---\npost_title: T\npost_date: 2012-13-45\n---\n<p>x</p>\n", "utf-8")
    with pytest.raises(PostError):
        read_post(path)


def test_an_alias_bomb_title_is_not_expanded(tmp_path: Path) -> None:
    """Nested YAML aliases in the title are refused in one line, never expanded."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 6)]
    path = tmp_path / "bomb.md"
    path.write_text("---\n" + "\n".join(lines) + "\npost_title: *a5\n---\n<p>x</p>\n", "utf-8")
    with pytest.raises(PostError, match="aliases") as refused:
        read_post(path)
    assert "\n" not in str(refused.value) and len(str(refused.value)) < 1000


def _build(path: Path) -> Book | None:
    """Read and clean a post; None for a clean refusal (a one-line PostError)."""
    try:
        return book_from_post(read_post(path))
    except PostError as exc:
        assert "\n" not in str(exc) and str(exc).strip()
        return None


def _everything(book: Book) -> None:
    """Every later step that walks the book: dump, count, speech, EPUB rendering."""
    dump_book(book)
    word_count(book)
    speech_script(book, lambda text: text, lambda url: url)
    assert render_epub(book)[:2] == b"PK"


_SETTINGS = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_SETTINGS
@given(front=_front, body=_body)
def test_mangled_posts_give_a_book_or_a_clean_refusal(
    tmp_path: Path, front: str, body: str
) -> None:
    """Whatever the front matter and body, reading and cleaning never crash."""
    path = tmp_path / "2020-01-02-mangled.md"
    path.write_bytes(f"---\n{front}\n---\n{body}".encode("utf-8", "surrogatepass"))
    book = _build(path)
    if book is not None:
        dump_book(book)
        speech_script(book, lambda text: text, lambda url: url)


@_SETTINGS
@given(body=_body)
def test_mangled_bodies_survive_every_step(tmp_path: Path, body: str) -> None:
    """A mangled body's book can be dumped, counted, narrated and packaged."""
    path = tmp_path / "mangled.md"
    path.write_bytes(f"---\npost_title: Mangled\n---\n{body}".encode("utf-8", "surrogatepass"))
    book = _build(path)
    if book is not None:
        _everything(book)


def _deep(kind: str, n: int) -> str:
    """A body nested `n` levels deep in one of several ways."""
    return {
        "div": "<div>" * n + "deep text" + "</div>" * n,
        "quote": "<blockquote>" * n + "deep text" + "</blockquote>" * n,
        "list": "<ul><li>" * n + "deep text" + "</li></ul>" * n,
        "inline": "<b><i>" * n + "deep text" + "</i></b>" * n,
        "unclosed": "<span><em>" * n + "deep text",
        "table": "<table><tr><td>cell</td><td>" * n + "deep text" + "</td></tr></table>" * n,
        "markdown": "# T\n\n" + "> " * n + "deep text\n",
        "shortcodes": "[vc_row]" * n + "deep text" + "[/vc_row]" * n,
        "links": "<a href='https://x.example/'>" * n + "deep text",
    }[kind]


@pytest.mark.parametrize(
    "kind",
    ["div", "quote", "list", "inline", "unclosed", "table", "markdown", "shortcodes", "links"],
)
def test_thousands_of_levels_never_recurse_too_deep(tmp_path: Path, kind: str) -> None:
    """5000 levels of nesting: every step runs and every word survives."""
    path = tmp_path / "deep.md"
    path.write_text(f"---\npost_title: Deep\n---\n{_deep(kind, 5000)}", "utf-8")
    post = read_post(path)
    book = book_from_post(post)
    _everything(book)
    assert check_book(post.body, book).ok and check_speech(post.body, book).ok


@pytest.mark.slow
def test_a_one_megabyte_post_builds_in_linear_time(tmp_path: Path) -> None:
    """A 1 MB post is built and packaged; four times the text takes well under 16 times as long."""
    cases = Path(__file__).parent / "cases"
    unit = "".join(
        (cases / f"{name}.md").read_text("utf-8").split("---\n", 2)[2]
        for name in ("seed-memantine", "tables", "lists-nested", "code-blocks", "images")
    )
    seconds = []
    for size in (250_000, 1_000_000):
        path = tmp_path / f"big-{size}.md"
        body = (unit * (size // len(unit) + 1))[:size]
        path.write_text(f"---\npost_title: Big\n---\n{body}", "utf-8")
        start = time.perf_counter()
        post = read_post(path)
        book = book_from_post(post)
        render_epub(book)
        seconds.append(time.perf_counter() - start)
        assert check_book(post.body, book).ok
    assert seconds[1] < 60
    assert seconds[1] < 8 * max(seconds[0], 0.25)


@pytest.mark.parametrize("body", ["<![", "one <![ two", "<p>a <![<b>b</b></p>", "<![ 1 ]>text"])
def test_a_nameless_marked_section_is_kept_as_text(tmp_path: Path, body: str) -> None:
    """`<![` before a non-name (html.parser asserts on it) stays as its text, the rest survives."""
    path = tmp_path / "section.md"
    path.write_text(f"---\npost_title: Sections\n---\n{body} and the words after it")
    book = _build(path)
    assert book is not None
    _everything(book)
    assert "<![" in " ".join(book_texts(book)) and "words after it" in " ".join(book_texts(book))
