"""DAISY Ace finds nothing in any book the tests build; a book it should fail, it fails.

Every book is checked in one Ace run (one Node process, one Chromium): the seed's EPUB and
read-along EPUB, every golden case's book, the writer samples, and one deliberately broken
book. Without Node, Chromium or tools/ace the Ace tests skip with the reason; in CI they fail.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from exporter.check import ace
from exporter.check.ace import AceResult, AceViolation, run_ace_many, violations_in
from exporter.cli import main
from exporter.write.epub.package import write_epub

from .conftest import SEED, Built
from .samples import read_along_book, rich_book

BROKEN = "images-with-images-alt-removed.epub"
NOT_A_BOOK = "not-a-book.epub"


def without_alt(book: Path, target: Path) -> Path:
    """A copy of an EPUB whose `<img>` elements lost their `alt` attribute."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.endswith(".xhtml"):
                data = re.sub(rb'(<img\b[^>]*?)\s+alt="[^"]*"', rb"\1", data)
            copy.writestr(item, data, item.compress_type)
    return target


@pytest.fixture(scope="session")
def ace_verdicts(
    ace_ready: None, built: Built, case_books: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[Path, AceResult]:
    """Ace's verdict on every book the tests build, all checked in one run."""
    folder = tmp_path_factory.mktemp("ace-books")
    rich, read_along = folder / "rich-sample.epub", folder / "read-along-sample.epub"
    write_epub(rich_book(), rich)
    book, overlays = read_along_book()
    write_epub(book, read_along, media=overlays)
    with_images = next(b for b in case_books if b.name == "images-with-images.epub")
    broken = without_alt(with_images, folder / BROKEN)
    not_a_book = folder / NOT_A_BOOK
    not_a_book.write_text("not a zip file", encoding="utf-8")
    seed = [built.file(".epub"), built.file(".read-along.epub")]
    return run_ace_many([*seed, not_a_book, *case_books, rich, read_along, broken])


def violations(verdicts: Mapping[Path, AceResult], names: set[str] | None = None) -> list[str]:
    """One line per violation (or failure to check) of the named books, or of every book."""
    return [
        f"{path.name}: {line}"
        for path, verdict in verdicts.items()
        if names is None or path.name in names
        for line in ([f"error: {verdict.error}"] if verdict.error else [])
        + [v.line() for v in verdict.violations]
    ]


@pytest.mark.slow
def test_seed_books_pass_ace(ace_verdicts: dict[Path, AceResult], built: Built) -> None:
    """The seed's EPUB and read-along EPUB: 0 violations."""
    seed = {built.file(".epub"), built.file(".read-along.epub")}
    assert seed <= set(ace_verdicts)
    found = violations(ace_verdicts, {p.name for p in seed})
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_every_case_and_sample_book_passes_ace(
    ace_verdicts: dict[Path, AceResult], case_books: list[Path]
) -> None:
    """Every golden case's book, with and without images, and the writer samples: 0 violations."""
    names = {p.name for p in case_books} | {"rich-sample.epub", "read-along-sample.epub"}
    assert len(names) == len(case_books) + 2 and names <= {p.name for p in ace_verdicts}
    found = violations(ace_verdicts, names)
    assert not found, "\n".join(found)


@pytest.mark.slow
def test_an_image_without_alt_fails_ace(ace_verdicts: dict[Path, AceResult]) -> None:
    """The book whose images lost their alt text fails with `image-alt` [critical] in its file."""
    (verdict,) = (v for p, v in ace_verdicts.items() if p.name == BROKEN)
    assert not verdict.clean
    found = {(v.rule, v.impact, v.file) for v in verdict.violations}
    assert ("image-alt", "critical", "ch01.xhtml") in found, verdict.violations


@pytest.mark.slow
def test_a_file_ace_cannot_read_is_an_error(ace_verdicts: dict[Path, AceResult]) -> None:
    """A file that is not an EPUB gets an error, not a pass; the books after it are checked."""
    (verdict,) = (v for p, v in ace_verdicts.items() if p.name == NOT_A_BOOK)
    assert verdict.error and not verdict.clean
    assert verdict.summary().startswith("Ace could not check it: ")


@pytest.mark.slow
def test_check_accessibility_runs_ace(
    ace_ready: None, built: Built, capsys: pytest.CaptureFixture[str]
) -> None:
    """`exporter check --accessibility` runs Ace on the built books and says it found nothing."""
    capsys.readouterr()
    args = ["check", str(SEED), "-o", str(built.out), "--no-epubcheck", "--accessibility"]
    assert main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith(f"ok: {SEED}:") and first.endswith("; Ace 0 violations"), first


def test_check_accessibility_without_ace_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without Ace, `--accessibility` names what is missing and how to install it; exit 1."""
    monkeypatch.setattr(ace, "TOOLS_DIR", tmp_path / "no-tools")
    monkeypatch.delenv(ace.ACE_CLI_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    out = tmp_path / "out"
    out.mkdir()
    capsys.readouterr()
    assert main(["check", str(SEED), "-o", str(out), "--no-epubcheck", "--accessibility"]) == 1
    lines = capsys.readouterr().out.splitlines()
    (note,) = (line for line in lines if line.startswith("note: DAISY Ace was not run:"))
    assert "no ace-cli" in note and "npm ci" in note and "tools/ace" in note


def test_a_wrong_ace_cli_setting_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """$EXPORTER_ACE_CLI pointing at nothing, or at another program, is reported as such."""
    monkeypatch.setenv(ace.ACE_CLI_ENV, str(tmp_path / "nowhere"))
    assert ace.ace_missing() == f"${ace.ACE_CLI_ENV} is not a file: {tmp_path / 'nowhere'}"
    other = tmp_path / "bin" / "ace-cli"
    other.parent.mkdir()
    other.write_text("#!/bin/sh\n")
    monkeypatch.setenv(ace.ACE_CLI_ENV, str(other))
    assert ace.ace_missing().startswith(f"{other} is not DAISY Ace's ace-cli")
    assert run_ace_many([tmp_path / "book.epub"]) == {
        tmp_path / "book.epub": AceResult(error=ace.ace_missing())
    }


def test_report_failures_are_read_by_rule_impact_and_file() -> None:
    """Failed assertions become violations; a failing report with none is still a failure."""
    report = {
        "earl:result": {"earl:outcome": "fail"},
        "assertions": [
            {"earl:testSubject": {"url": "nav.xhtml"}, "assertions": []},
            {
                "earl:testSubject": {"url": "EPUB/content.opf"},
                "assertions": [
                    {
                        "earl:test": {"dct:title": "epub-lang", "earl:impact": "serious"},
                        "earl:result": {
                            "earl:outcome": "fail",
                            "dct:description": "The language must\n be specified",
                        },
                    },
                    {
                        "earl:test": {"dct:title": "epub-title", "earl:impact": "serious"},
                        "earl:result": {"earl:outcome": "pass"},
                    },
                ],
            },
        ],
    }
    assert violations_in(report) == (
        AceViolation("epub-lang", "serious", "EPUB/content.opf", "The language must be specified"),
    )
    assert violations_in({"earl:result": {"earl:outcome": "pass"}, "assertions": []}) == ()
    (unexplained,) = violations_in({"earl:result": {"earl:outcome": "fail"}, "assertions": []})
    assert unexplained.rule == "ace"
