"""The seed post built for real: eSpeak NG through pyttsx3, real encoders, real EPUBCheck."""

from __future__ import annotations

import itertools
import json
import re
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

from exporter.check.epubcheck import EpubcheckResult
from exporter.model.book import Book, plain_text
from exporter.run.load import load_book
from exporter.write.audio.assemble import probe_duration, read_chapters

from .conftest import SEED, Built, sentences_of

XHTML = "{http://www.w3.org/1999/xhtml}"
CHAPTERS = [
    "My Theory of the Biochemical Action of Memantine",
    "Studies",
    "My Theory as to Why You've Never Heard of Memantine Before",
    "Amphetamine Neurotoxicity and Tolerance Prevention",
]
CONDITIONS = [
    "Memantine for Obsessive compulsive disorder",
    "Memantine for Major Depression",
    "Post traumatic stress disorder",
    "ADHD",
]


@pytest.fixture(scope="module")
def book() -> Book:
    """The seed's Book."""
    return load_book(SEED)


class _ById(HTMLParser):
    """Collect the text inside each element that has an id."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str | None] = []
        self.text: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        ident = dict(attrs).get("id")
        if tag not in ("br", "img", "meta", "link"):
            self.open.append(ident)
        if ident:
            self.text.setdefault(ident, "")

    def handle_endtag(self, tag: str) -> None:
        if self.open and tag not in ("br", "img", "meta", "link"):
            self.open.pop()

    def handle_data(self, data: str) -> None:
        for ident in self.open:
            if ident:
                self.text[ident] += data


def texts_by_id(epub: Path) -> dict[str, str]:
    """Text of every element with an id across the book's XHTML files."""
    parser = _ById()
    with zipfile.ZipFile(epub) as archive:
        for name in archive.namelist():
            if name.endswith(".xhtml"):
                parser.feed(archive.read(name).decode())
    return parser.text


def nav_tree(epub: Path) -> list[tuple[str, list[str]]]:
    """The nav's table of contents as (chapter, [sections])."""
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("nav.xhtml"))
        root = ElementTree.fromstring(archive.read(name))
    toc = next(
        n
        for n in root.iter(f"{XHTML}nav")
        if "toc" in n.get("{http://www.idpf.org/2007/ops}type", "")
    )
    tree = []
    for item in toc.find(f"{XHTML}ol") or []:
        title = "".join(item.find(f"{XHTML}a").itertext())  # type: ignore[union-attr]
        sub = item.find(f"{XHTML}ol")
        children = (
            ["".join(li.find(f"{XHTML}a").itertext()) for li in sub] if sub is not None else []
        )  # type: ignore[union-attr]
        tree.append((title, children))
    return tree


def test_outputs_written_and_nothing_partial(built: Built) -> None:
    """Every output is there; no temporary file is left behind."""
    for suffix in (".epub", ".m4b", ".mp3", ".vtt", ".read-along.epub"):
        assert built.file(suffix).stat().st_size > 0, suffix
    leftovers = [p.name for p in built.out.iterdir() if p.name.startswith(".") or ".part" in p.name]
    assert leftovers == [".exporter-state.json"]
    report = json.loads((built.out / "report.json").read_text())
    assert report["built"] == 1 and report["failed"] == 0


def test_epubcheck_passes_both_books(
    built: Built, epubcheck: Callable[[Path], EpubcheckResult]
) -> None:
    """The e-book and the read-along book pass EPUBCheck with 0 errors and 0 warnings."""
    paths = [built.file(".epub"), built.file(".read-along.epub")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(epubcheck, paths))
    for path, result in zip(paths, results, strict=True):
        assert result.clean, (path.name, result.fatals, result.errors, result.warnings)


def test_nav_lists_chapters_with_conditions_nested(built: Built) -> None:
    """The nav lists the four chapters; the conditions are nested under Studies."""
    tree = nav_tree(built.file(".epub"))
    assert [title for title, _ in tree] == CHAPTERS
    assert tree[1][1] == CONDITIONS


def test_epub_holds_every_sentence(built: Built, book: Book) -> None:
    """Every sentence of the post is in the EPUB, inside its own element, once."""
    shown = texts_by_id(built.file(".epub"))
    all_sentences = sentences_of(book)
    assert len(all_sentences) == 78
    for sentence in all_sentences:
        assert " ".join(shown[sentence.id].split()) == " ".join(
            plain_text(sentence.children).split()
        )


def test_audio_chapters_match_the_epub(built: Built) -> None:
    """m4b and mp3 chapters carry the EPUB's chapter titles, in order, starting at the titles."""
    nav_titles = [title for title, _ in nav_tree(built.file(".epub"))]
    cues = vtt_cues(built.file(".vtt"))
    title_times = {ref: start for ref, start, _ in cues}
    for suffix in (".m4b", ".mp3"):
        chapters = read_chapters(built.file(suffix))
        assert [c[0] for c in chapters] == nav_titles
        assert chapters[0][1] == 0.0
        for number, chapter in enumerate(chapters[1:], start=2):
            assert chapter[1] == pytest.approx(title_times[f"ch0{number}"], abs=0.002)


def test_duration_fits_the_text(built: Built, book: Book) -> None:
    """The narration runs at a human pace: 140 to 230 words a minute."""
    words = len(re.findall(r"\w+", " ".join(plain_text(s.children) for s in sentences_of(book))))
    for suffix in (".m4b", ".mp3"):
        minutes = probe_duration(built.file(suffix)) / 60
        assert 140 <= words / minutes <= 230


def vtt_cues(path: Path) -> list[tuple[str, float, float]]:
    """(identifier, start, end) of each WebVTT cue."""

    def seconds(stamp: str) -> float:
        hours, minutes, rest = stamp.split(":")
        return int(hours) * 3600 + int(minutes) * 60 + float(rest)

    blocks = path.read_text().split("\n\n")[1:]
    cues = []
    for block in blocks:
        lines = block.strip().splitlines()
        if len(lines) >= 3 and " --> " in lines[1]:
            start, end = lines[1].split(" --> ")
            cues.append((lines[0], seconds(start), seconds(end)))
    return cues


def test_vtt_covers_the_audio_in_order(built: Built) -> None:
    """Cues start at zero, run in order without overlap, and end with the audio."""
    cues = vtt_cues(built.file(".vtt"))
    assert cues[0][1] == 0.0
    for (_, start, end), (_, next_start, _) in itertools.pairwise(cues):
        assert start < end <= next_start
        assert next_start - end <= 2.05  # no gap longer than the longest set pause
    duration = probe_duration(built.file(".mp3"))
    assert duration - 0.8 <= cues[-1][2] <= duration
