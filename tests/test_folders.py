"""A whole sync-plugin folder: good, draft, page, empty and broken posts, and the anthology."""

from __future__ import annotations

import json
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exporter.check.epubcheck import EpubcheckResult
from exporter.cli import main
from exporter.write.audio.assemble import read_chapters

SITE = Path(__file__).parent / "data" / "site"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _statuses(out: Path) -> dict[str, tuple[str, str]]:
    """Each post's (status, reason) from report.json, by file name."""
    report = json.loads((out / "report.json").read_text())
    return {Path(p["post"]).name: (p["status"], p["reason"]) for p in report["posts"]}


def test_folder_builds_the_good_and_reports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Good posts and pages build; drafts and empty posts are skipped; broken fail; exit 1."""
    out = tmp_path / "out"
    code = main(["build", str(SITE), "-o", str(out), "--no-audio"])
    printed = capsys.readouterr().out
    assert code == 1
    statuses = _statuses(out)
    assert statuses["2019-03-02-garden-notes.md"][0] == "built"
    assert statuses["2021-07-19-summer-harvest.md"][0] == "built"
    assert statuses["about.md"][0] == "built"
    draft = SITE / "_drafts" / "2022-01-01-winter-plans.md"
    assert statuses[draft.name] == ("skipped", f"{draft}: draft (use --include-drafts to build it)")
    assert statuses["README.txt"][0] == "skipped" and "not a post" in statuses["README.txt"][1]
    assert statuses["2020-05-05-empty.md"][0] == "skipped"
    assert "empty body" in statuses["2020-05-05-empty.md"][1]
    assert statuses["2020-06-06-broken.md"][0] == "failed"
    assert "2020-06-06-broken.md:3: invalid front matter" in statuses["2020-06-06-broken.md"][1]
    assert "Summary: 3 built, 3 skipped, 1 failed" in printed
    assert sorted(p.name for p in out.glob("*.epub")) == [
        "about.epub",
        "garden-notes.epub",
        "summer-harvest.epub",
    ]


def test_drafts_and_pages_follow_the_flags(tmp_path: Path) -> None:
    """--include-drafts builds the draft; --posts-only leaves the page out."""
    out = tmp_path / "out"
    main(["build", str(SITE), "-o", str(out), "--no-audio", "--include-drafts", "--posts-only"])
    statuses = _statuses(out)
    assert statuses["2022-01-01-winter-plans.md"][0] == "built"
    assert statuses["about.md"] == (
        "skipped",
        f"{SITE / '_pages' / 'about.md'}: page (left out by --posts-only)",
    )


def test_second_run_rebuilds_nothing(tmp_path: Path) -> None:
    """Run twice: the second run reuses every good post's outputs, and still reports failures."""
    out = tmp_path / "out"
    args = ["build", str(SITE), "-o", str(out), "--no-audio", "--anthology", "Garden"]
    main(args)
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert main(args) == 1
    statuses = _statuses(out)
    assert [s for s, _ in statuses.values()].count("unchanged") == 4  # 3 posts + anthology
    assert "built" not in [s for s, _ in statuses.values()]
    after = {p.name: p.stat().st_mtime_ns for p in out.iterdir() if p.suffix == ".epub"}
    assert all(before[name] == stamp for name, stamp in after.items())


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Every file of a folder with its inode and mtime: a rewrite changes one of them."""
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns) for p in out.iterdir()}


def test_a_no_op_rebuild_writes_nothing(tmp_path: Path) -> None:
    """The second run rewrites only report.json (built → unchanged), the third nothing at all."""
    out = tmp_path / "out"
    args = ["build", str(SITE), "-o", str(out), "--no-audio"]
    main(args)
    first = _stamps(out)
    assert ".exporter-state.json" in first
    main(args)
    second = _stamps(out)
    assert {n for n in first if first[n] != second[n]} == {"report.json"}
    main(args)
    assert _stamps(out) == second


def test_anthology_by_year_with_audiobook(
    tmp_path: Path, epubcheck: Callable[[Path], EpubcheckResult]
) -> None:
    """The anthology holds every built post in date order, by year, chaptered in its audio."""
    site = tmp_path / "site"
    shutil.copytree(SITE, site)
    for bad in ("2020-05-05-empty.md", "2020-06-06-broken.md"):
        (site / "_posts" / bad).unlink()
    out = tmp_path / "out"
    args = ["build", "--engine=espeak",
        str(site), "-o", str(out), "--cache", str(tmp_path / "cache")]
    assert main([*args, "--anthology", "A Year in the Garden", "--jobs", "2"]) == 0
    book = out / "a-year-in-the-garden.epub"
    result = epubcheck(book)
    assert result.clean, (result.errors, result.warnings)
    with zipfile.ZipFile(book) as archive:
        nav = ElementTree.fromstring(archive.read("EPUB/nav.xhtml"))
    toc = next(n for n in nav.iter(f"{XHTML}nav"))
    years = [
        (
            "".join(li.find(f"{XHTML}a").itertext()),  # type: ignore[union-attr]
            ["".join(p.find(f"{XHTML}a").itertext()) for p in li.find(f"{XHTML}ol")],
        )  # type: ignore[union-attr]
        for li in toc.find(f"{XHTML}ol")  # type: ignore[union-attr]
    ]
    assert years == [
        ("2018", ["About this garden"]),
        ("2019", ["Garden Notes \u2013 Spring"]),
        ("2021", ["Summer Harvest"]),
    ]
    chapters = [title for title, _, _ in read_chapters(out / "a-year-in-the-garden.m4b")]
    assert chapters == [
        "About this garden",
        "Garden Notes \u2013 Spring",
        "Seeds",
        "Soil",
        "Summer Harvest",
    ]
    assert (out / "a-year-in-the-garden.read-along.epub").is_file()
