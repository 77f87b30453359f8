"""Reading post files: front matter quirks of real sync folders, and clean refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import EmptyPostError, FrontMatterError, PostEncodingError
from exporter.read.post import clean_title, read_post
from exporter.run.load import load_book

GOOD = (
    "---\nID: 7\npost_title: Hello\nauthor: Ann\npost_date: 2020-01-02 03:04:05\n---\n"
    "<p>Hi there.</p>\n"
)


def write(tmp_path: Path, text: str | bytes, name: str = "2020-01-02-hello-world.md") -> Path:
    """Write a post file under tmp_path."""
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def test_crlf_bom_and_unterminated_fence(tmp_path: Path) -> None:
    """CRLF bodies, a BOM and a closing fence with no newline after it are all fine."""
    post = read_post(write(tmp_path, "\ufeff" + GOOD.replace("\n", "\r\n")))
    assert post.meta.title == "Hello" and post.body.strip() == "<p>Hi there.</p>"
    bare = read_post(write(tmp_path, "---\npost_title: Empty\n---", "x.md"))
    assert bare.body == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Memantine&#8217;s Effect", "Memantine\u2019s Effect"),
        ("Rock &#038; Roll &#8211; Live", "Rock & Roll \u2013 Live"),
        ("A  \u202adoubled\u202c   title\u200f\n", "A doubled title"),
        ("&quot;Quoted&quot;", '"Quoted"'),
        ("<script>alert(1)</script> Title", "<script>alert(1)</script> Title"),
    ],
)
def test_title_cleaning(raw: str, expected: str) -> None:
    """Entities decoded, invisible marks and doubled spaces dropped, markup kept as text."""
    assert clean_title(raw) == expected


def test_folded_title_and_permalink(tmp_path: Path) -> None:
    """Folded `>` scalars lose their trailing newline; slug from the permalink; site as author."""
    text = (
        '---\npost_title: >\n  A folded\n  title\nauthor: ""\npermalink: >\n'
        "  https://www.example.org/blog/my-post/\n---\n<p>x.</p>\n"
    )
    meta = read_post(write(tmp_path, text)).meta
    assert meta.title == "A folded title"
    assert meta.slug == "my-post"
    assert meta.author == "example.org"
    assert meta.source_url == "https://www.example.org/blog/my-post/"


def test_slug_language_and_identifier_fallbacks(tmp_path: Path) -> None:
    """No permalink: slug from the file name without its date; lang honoured; ID-based uuid."""
    text = "---\nID: 42\npost_title: T\nlang: nb_NO\n---\n<p>Hei.</p>\n"
    meta = read_post(write(tmp_path, text, "2019-05-06-Blåbær Syltetøy.md")).meta
    assert meta.slug == "blabaer-syltetoy"
    assert meta.language == "nb-NO"
    assert meta.identifier.startswith("urn:uuid:")
    assert meta.identifier == read_post(write(tmp_path, text, "other.md")).meta.identifier


def test_hostile_permalink_cannot_escape(tmp_path: Path) -> None:
    """A permalink of dots and slashes gives a safe slug from the file name."""
    text = "---\npost_title: T\npermalink: /../../\n---\n<p>x.</p>\n"
    assert read_post(write(tmp_path, text, "2020-01-01-safe-name.md")).meta.slug == "safe-name"


def test_empty_title_falls_back_to_file_name(tmp_path: Path) -> None:
    """An empty or markup-only title becomes the file name's words."""
    text = "---\npost_title: '<b></b>'\n---\n<p>x.</p>\n"
    assert (
        read_post(write(tmp_path, text, "2020-01-01-my-first-post.md")).meta.title
        == "My first post"
    )


@pytest.mark.parametrize(
    ("text", "error", "line", "words"),
    [
        ("no front matter\n", FrontMatterError, 1, "must start"),
        ("---\npost_title: x\n<p>body</p>\n", FrontMatterError, 1, "no closing"),
        (
            "---\npost_title: x\nbad: [unclosed\n---\nbody\n",
            FrontMatterError,
            4,
            "invalid front matter",
        ),
        ("---\npost_title: a: b\n---\nbody\n", FrontMatterError, 2, "invalid front matter"),
        (
            "---\nx: !!python/object/apply:os.system ['true']\n---\nbody\n",
            FrontMatterError,
            2,
            "invalid",
        ),
        ("---\n- a\n- b\n---\nbody\n", FrontMatterError, 2, "not a mapping"),
        ("---\npost_date: yesterday\n---\nbody\n", FrontMatterError, None, "post_date"),
    ],
)
def test_refusals_name_file_and_line(
    tmp_path: Path, text: str, error: type[Exception], line: int | None, words: str
) -> None:
    """Each unreadable post raises its PostError with a one-line message naming file:line."""
    path = write(tmp_path, text)
    with pytest.raises(error) as caught:
        read_post(path)
    message = str(caught.value)
    assert "\n" not in message and words in message
    assert message.startswith(f"{path}:{line}:" if line else f"{path}:")


def test_non_utf8_reports_line(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are refused with the line they sit on."""
    path = write(tmp_path, GOOD.encode() + b"<p>caf\xe9</p>\n")
    with pytest.raises(PostEncodingError, match=r":8: not UTF-8"):
        read_post(path)


@pytest.mark.parametrize("body", ["", "\n\n", "&nbsp;\n<p> </p>\n<h1></h1>"])
def test_empty_body_is_refused(tmp_path: Path, body: str) -> None:
    """A body with no readable text is refused as empty."""
    path = write(tmp_path, "---\npost_title: T\n---\n" + body)
    with pytest.raises(EmptyPostError):
        load_book(path)


def test_published_false_and_folders(tmp_path: Path) -> None:
    """`published: false` and `_drafts/` mark drafts; `_pages/` marks pages."""
    assert not read_post(write(tmp_path, "---\npublished: false\n---\nx\n")).published
    (tmp_path / "_drafts").mkdir()
    (tmp_path / "_pages").mkdir()
    assert read_post(write(tmp_path, GOOD, "_drafts/a.md")).post_type == "draft"
    assert read_post(write(tmp_path, GOOD, "_pages/a.md")).post_type == "page"
    assert read_post(write(tmp_path, GOOD)).post_type == "post"


def test_impossible_date_names_its_line(tmp_path: Path) -> None:
    """A date YAML cannot construct is a front-matter error on its own line."""
    path = write(tmp_path, "---\npost_title: T\npost_date: 2012-13-45\n---\n<p>x</p>\n")
    with pytest.raises(FrontMatterError, match=r":3: invalid front matter value"):
        read_post(path)


def test_reserved_file_names_are_avoided(tmp_path: Path) -> None:
    """A permalink that would name a reserved file (con, nul …) gets a safe slug."""
    text = "---\npost_title: T\npermalink: https://x.example/con/\n---\n<p>x.</p>\n"
    assert read_post(write(tmp_path, text)).meta.slug == "con-post"
