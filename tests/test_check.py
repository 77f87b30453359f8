"""`exporter check`: one line per post, problems found for real, EPUBCheck on built books."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from exporter.cli import main

SITE = Path(__file__).parent / "data" / "site"
POST = SITE / "_posts" / "2019-03-02-garden-notes.md"


def test_check_passes_built_books_and_names_refused_posts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Built books check out (EPUBCheck included); refused posts and non-posts are named."""
    out = tmp_path / "out"
    main(["build", str(SITE), "-o", str(out), "--no-audio"])
    capsys.readouterr()
    assert main(["check", str(SITE), "-o", str(out)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert (
        f"ok: {POST}: every word in its book, speech and garden-notes.epub; "
        "EPUBCheck 0 errors, 0 warnings" in lines
    )
    assert f"skipped: {SITE / 'README.txt'}: not a post (no front matter)" in lines
    assert any(
        line.startswith(f"skipped: {SITE / '_posts' / '2020-05-05-empty.md'}:6:") for line in lines
    )
    assert lines[-1] == "Checked 5 post(s): 4 ok, 1 with problems, 1 skipped (nothing to read)"
    # the books' folder named instead of the posts: nothing is checked, and that is an error
    assert main(["check", str(out), "--no-epubcheck"]) == 1
    printed = capsys.readouterr()
    assert printed.out.splitlines()[-1] == "Checked 0 post(s): 0 ok, 0 with problems"
    assert "no post to check: name the posts" in printed.err


def test_check_finds_a_book_that_lost_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An EPUB whose text lost a sentence is reported, with the missing words."""
    out = tmp_path / "out"
    assert main(["build", str(POST), "-o", str(out), "--no-audio"]) == 0
    book = out / "garden-notes.epub"
    damaged = tmp_path / "damaged.epub"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith("ch01.xhtml"):
                data = data.replace(b"They sprouted in six days.", b"")
            target.writestr(item, data)
    damaged.replace(book)
    capsys.readouterr()
    assert main(["check", str(POST), "-o", str(out), "--no-epubcheck"]) == 1
    line = capsys.readouterr().out.splitlines()[0]
    assert line.startswith(f"problem: {POST}: epub:") and "sprouted" in line
