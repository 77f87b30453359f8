"""The cleaner's rules one by one: paragraphs, Markdown, shortcodes, players, tables, notes."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.check.fidelity import check_post
from exporter.clean.elements import CellFacts, is_data_table
from exporter.clean.html import clean_body
from exporter.errors import EmptyPostError
from exporter.model.book import (
    Block,
    Chapter,
    CodeBlock,
    Embed,
    Figure,
    ListBlock,
    NoteRef,
    Paragraph,
    Table,
    plain_text,
)
from exporter.model.dump import inline_text
from exporter.read.body import wpautop
from exporter.read.markdown import looks_markdown
from exporter.read.shortcodes import expand
from exporter.run.load import load_book


def _blocks(body: str) -> list[Block]:
    """All top-level blocks of every chapter and section of a cleaned body."""
    chapters = clean_body(body, "Book")
    return [b for c in chapters for b in (*c.blocks, *(b for s in c.sections for b in s.blocks))]


def _texts(body: str) -> list[str]:
    """The text of each paragraph of a cleaned body."""
    return [plain_text(b.content) for b in _blocks(body) if isinstance(b, Paragraph)]


def test_wpautop_rules() -> None:
    """Blank line → paragraph, newline → break, and never inside <pre>."""
    html = wpautop("One\ntwo\n\nThree\n<pre>a\n\nb</pre>")
    assert "<p>One<br />\ntwo</p>" in html and "<p>Three</p>" in html
    assert "<pre>a\n\nb</pre>" in html


def test_gutenberg_comments_and_more_vanish_without_text() -> None:
    """Block comments and <!--more--> (even in a span) go; the words around them stay."""
    body = (
        "<!-- wp:paragraph --><p>Before<span><!--more--></span> after.</p><!-- /wp:paragraph -->"
        "<p>Glued<!--more-->Next and <!--noteaser--> end.</p>"
    )
    assert _texts(body) == ["Before after.", "GluedNext and end."]


@pytest.mark.parametrize(
    ("body", "markdown"),
    [
        ("## Heading\nText", True),
        ("Some `code` and **bold** here.", True),
        ("See [the docs](https://x.example/).", True),
        ("```\ncode\n```", True),
        ("<p>Plain HTML with a [bracket] and *one star.</p>", False),
        ("Classic text\n\nwith paragraphs and - a dash.", False),
        ("<pre>## not a heading</pre>\n<p>x</p>", False),
    ],
)
def test_markdown_detection(body: str, markdown: bool) -> None:
    """Markdown by rule: one strong sign or two weaker ones, outside <pre>."""
    assert looks_markdown(body) is markdown


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("[string]", True),
        ("[Parameter()]", True),
        ("[K in keyof T]", True),
        ("[Insert name]", True),
        ("[text][1]", True),
        ("[a-z]", True),
        ("[link](https://x.example/)", True),
        ("[jbp-job-browse-btn]", False),
        ("[social_icons/]", False),
        ("[vc_row]", False),
        ('[gallery ids="1,2"]', False),
        ('[box color="red"]', False),
    ],
)
def test_which_brackets_are_shortcodes(text: str, kept: bool) -> None:
    """Code, placeholders and Markdown brackets stay as written; shortcodes go."""
    result = expand(f"<p>x {text} y</p>").html
    assert (text in result) is kept, result


def test_shortcodes_inside_code_tags_and_attributes_stay() -> None:
    """Nothing inside <pre>, <code> or an attribute value is treated as a shortcode."""
    html = '<pre>[vc_row]</pre><code>[caption]</code><a rel="lightbox[vc_row]" href="#">x</a>'
    assert expand(html).html == html


def test_unknown_enclosing_shortcode_keeps_its_text() -> None:
    """Page-builder and unknown shortcodes disappear; their inner text does not."""
    texts = _texts("[vc_row][vc_column]First.[/vc_column][vc_column]Second.[/vc_column][/vc_row]")
    assert texts == ["First.", "Second."]


@pytest.mark.parametrize(
    "body",
    [
        '[caption id="a1" align="alignleft" width="300"]<img src="https://x.example/a.png" '
        'alt="Alt"> The caption[/caption]',
        '[caption caption="The caption"]<img src="https://x.example/a.png" alt="Alt">[/caption]',
        '<dl class="wp-caption"><dt><img src="https://x.example/a.png" alt="Alt"></dt>'
        "<dd>The caption</dd></dl>",
    ],
)
def test_caption_forms_become_figures(body: str) -> None:
    """Both [caption] forms and the pre-rendered <dl class="wp-caption"> give one Figure."""
    (figure,) = _blocks(body)
    assert isinstance(figure, Figure)
    assert (figure.src, figure.alt, plain_text(figure.caption)) == (
        "https://x.example/a.png",
        "Alt",
        "The caption",
    )


@pytest.mark.parametrize(
    "body",
    [
        "[youtube]dQw4w9WgXcQ[/youtube]",
        "[youtube=https://www.youtube.com/watch?v=dQw4w9WgXcQ&w=640]",
        "[youtube https://youtu.be/dQw4w9WgXcQ]",
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0"></iframe>',
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    ],
)
def test_youtube_forms_become_one_link(body: str) -> None:
    """Every way of embedding a YouTube video gives an Embed linking to the watch page."""
    (embed,) = _blocks(body)
    assert embed == Embed("video", "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "YouTube")


def test_players_become_embeds_by_kind() -> None:
    """Audio, video, Flash objects and other frames are kept as links of the right kind."""
    blocks = _blocks(
        '<audio src="https://x.example/a.mp3"></audio><video><source src="https://x.example/v.webm">'
        '</video><object data="https://x.example/f.swf"></object>'
        '<iframe src="https://maps.google.com/maps?q=x" title="Map of the route"></iframe>'
    )
    assert [(b.kind, b.title) for b in blocks if isinstance(b, Embed)] == [
        ("audio", ""),
        ("video", ""),
        ("media", "x.example"),
        ("media", "Map of the route"),
    ]


def test_table_rule() -> None:
    """Header cell or full grid → data; blocks in cells, one row or one column → layout."""
    cell = CellFacts(header=False, span=1, filled=True, blocky=False)
    head = CellFacts(header=True, span=1, filled=True, blocky=False)
    empty = CellFacts(header=False, span=1, filled=False, blocky=False)
    blocky = CellFacts(header=True, span=1, filled=True, blocky=True)
    assert is_data_table([[cell, cell], [cell, cell]])
    assert is_data_table([[head, head], [cell, empty]])
    assert not is_data_table([[cell, cell], [cell, empty]])
    assert not is_data_table([[head, head]])
    assert not is_data_table([[head], [cell]])
    assert not is_data_table([[blocky, cell], [cell, cell]])


def test_data_table_keeps_header_cells() -> None:
    """A data table keeps its rows, with header cells marked."""
    (table,) = _blocks("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>")
    assert isinstance(table, Table)
    assert [[(c.header, plain_text(c.content)) for c in row] for row in table.rows] == [
        [(True, "A"), (True, "B")],
        [(False, "1"), (False, "2")],
    ]


def test_nested_lists_and_code() -> None:
    """Lists nest; <pre> keeps its text as written, with its language."""
    blocks = _blocks(
        '<ul><li>a<ul><li>b</li></ul></li></ul><pre class="lang-js">if (a &lt; b) {}</pre>'
    )
    assert isinstance(blocks[0], ListBlock) and isinstance(blocks[0].items[0][1], ListBlock)
    assert blocks[1] == CodeBlock("if (a < b) {}", "js")


def test_footnotes_go_to_the_chapter_that_cites_them() -> None:
    """A note lands at the end of the chapter with its first reference; the mark links it."""
    chapters = clean_body(
        "<h2>One</h2><p>Plain.</p><h2>Two</h2><p>Cited<sup><a href='#n1'>1</a></sup>.</p>"
        "<ol><li id='n1'>The note. <a href='#r1'>↩</a></li></ol>",
        "Book",
    )
    one, two = chapters
    assert not one.footnotes and len(two.footnotes) == 1
    note = two.footnotes[0]
    assert (note.id, note.label) == ("ch02-n01", "1")
    assert plain_text(note.blocks[0].content) == "The note."  # type: ignore[union-attr]
    paragraph = two.blocks[0]
    assert isinstance(paragraph, Paragraph)
    assert NoteRef("ch02-n01", "1") in paragraph.content
    assert inline_text(paragraph.content) == "Cited[^1]."


def _post(tmp_path: Path, body: str, name: str = "post.md") -> Path:
    """A post file with a permalink on example.org."""
    path = tmp_path / name
    path.write_text(
        f"---\npost_title: T\npermalink: https://www.example.org/p/\n---\n{body}", "utf-8"
    )
    return path


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "empty body"),
        (
            "[vc_row][vc_column][jbp-job-browse-btn][/vc_column][/vc_row]",
            "body holds only shortcodes",
        ),
        ("[youtube]dQw4w9WgXcQ[/youtube]", "body holds only shortcodes"),
        (
            "<script>x()</script><iframe src='https://x.example/'></iframe>",
            "body is only an embedded player or form (https://x.example/)",
        ),
        (
            "<img src='https://x.example/c.png'>",
            "body is only an image, with no text or alternative text",
        ),
        ("<p> &nbsp; </p>", "body has no readable text"),
    ],
)
def test_refusals_name_their_reason(tmp_path: Path, body: str, reason: str) -> None:
    """Posts with nothing readable are refused in one line with the reason."""
    with pytest.raises(EmptyPostError) as caught:
        load_book(_post(tmp_path, body))
    assert caught.value.reason == reason and "\n" not in str(caught.value)


def _png() -> bytes:
    """A one-pixel PNG."""
    from .samples import png_1x1

    return png_1x1()


def test_site_images_are_embedded_from_the_images_folder(tmp_path: Path) -> None:
    """Site-relative and same-site images found in --images are embedded with their type."""
    images = tmp_path / "images-dir"
    (images / "images" / "2020").mkdir(parents=True)
    (images / "images" / "2020" / "cat.jpg").write_bytes(_png())  # really a PNG
    (images / "dog.png").write_bytes(_png() + b"x")
    (images / "evil.svg").write_text("<svg onload='x()'/>", "utf-8")
    (tmp_path / "secret.png").write_bytes(_png() + b"secret")
    body = (
        '<img src="/images/2020/cat.jpg" alt="Cat">'
        '<img src="https://example.org/wp-content/uploads/dog-300x200.png" alt="Dog">'
        '<img src="/images/2020/cat.jpg?w=300" alt="Cat again">'
        '<img src="https://elsewhere.example/dog.png" alt="Remote">'
        '<img src="/evil.svg" alt="Vector"><img src="/../secret.png" alt="Outside">'
        '<img src="/missing.png" alt="Missing">'
    )
    book = load_book(_post(tmp_path, body), images)
    figures = [b for b in book.chapters[0].blocks if isinstance(b, Figure)]
    assert [f.src for f in figures] == [
        "images/cat.png",
        "images/dog-300x200.png",
        "images/cat.png",
        "https://elsewhere.example/dog.png",
        "/evil.svg",
        "/../secret.png",
        "/missing.png",
    ]
    assert [(r.href, r.media_type) for r in book.resources] == [
        ("images/cat.png", "image/png"),
        ("images/dog-300x200.png", "image/png"),
    ]


def test_without_an_images_folder_nothing_is_read(tmp_path: Path) -> None:
    """No --images: site images stay links; data: images in the post are still embedded."""
    book = load_book(_post(tmp_path, '<img src="/a.png" alt="A">'))
    assert not book.resources and isinstance(book.chapters[0].blocks[0], Figure)


def test_check_post_reports_nothing_for_a_good_post(tmp_path: Path) -> None:
    """The library check the CLI calls: [] for a faithful book; an empty post is a skip."""
    assert check_post(_post(tmp_path, "<p>Hello there.</p>")) == []
    with pytest.raises(EmptyPostError, match="empty body"):
        check_post(_post(tmp_path, "", "empty.md"))


def _chapter_titles(chapters: tuple[Chapter, ...]) -> list[str]:
    """The chapter titles."""
    return [c.title for c in chapters]


def test_deeper_headings_become_sections_and_entries() -> None:
    """Only the top heading level makes chapters; the next sections; deeper ones entries."""
    chapters = clean_body("<h3>A</h3><p>x</p><h4>B</h4><p>y</p><h6>C</h6><p>z</p><h3>D</h3>", "T")
    assert _chapter_titles(chapters) == ["A", "D"]
    assert [s.title for s in chapters[0].sections] == ["B"]
    assert chapters[0].sections[0].blocks[1].title == "C"  # type: ignore[union-attr]
