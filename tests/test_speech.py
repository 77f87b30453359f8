"""The speech script: opening, headings, quotes announced, pauses, refs to shown elements."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.model.book import Book
from exporter.narrate.script import (
    PAUSE_CHAPTER,
    PAUSE_HEADING,
    PAUSE_PARAGRAPH,
    PAUSE_SECTION,
    PAUSE_SENTENCE,
    Script,
    speech_script,
)
from exporter.narrate.timeline import build_timeline
from exporter.run.load import load_book
from exporter.write.vtt import webvtt

from .conftest import sentences_of

SEED = Path(__file__).parent / "cases" / "seed-memantine.md"


def _site(url: str) -> str:
    """A stand-in for the site-name speaker: the host."""
    return url.split("/")[2].removeprefix("www.")


@pytest.fixture(scope="module")
def book() -> Book:
    """The seed book."""
    return load_book(SEED)


@pytest.fixture(scope="module")
def script(book: Book) -> Script:
    """The seed's script with speech normalization left out (identity)."""
    return speech_script(book, lambda text: text, _site)


def test_opening_announces_title_author_date(script: Script) -> None:
    """The narration opens with title, author (site) and date, attached to no element."""
    first = script.utterances[0]
    assert first.text == (
        "NMDA Antagonist Memantine\u2019s Effect on Mood. By quantimo.do. Published April 15, 2012."
    )
    assert first.ref is None and first.pause_ms == PAUSE_CHAPTER


def test_headings_open_chapters_and_sections(script: Script, book: Book) -> None:
    """Each chapter and section title is spoken, attached to its heading id, then a pause."""
    by_ref = {u.ref: u for u in script.utterances if u.ref}
    for chapter in book.chapters:
        assert by_ref[chapter.id].text == chapter.title
        assert by_ref[chapter.id].pause_ms == PAUSE_HEADING
        for section in chapter.sections:
            assert by_ref[section.id].text == section.title
    refs = [u.ref for u in script.utterances]
    before_section = script.utterances[refs.index("ch02-s01") - 1]
    assert before_section.pause_ms == PAUSE_SECTION
    before_chapter = script.utterances[refs.index("ch02") - 1]
    assert before_chapter.pause_ms == PAUSE_CHAPTER


def test_every_sentence_spoken_once_in_order(script: Script, book: Book) -> None:
    """Each sentence element is spoken exactly once, in reading order."""
    spoken = [u.ref for u in script.utterances if u.ref and "-t" in u.ref]
    assert spoken == [s.id for s in sentences_of(book)]


def test_quote_is_announced_and_closed(script: Script) -> None:
    """The forum text is framed by 'Quote from addforums.com.' and 'End of quote.', unattached."""
    texts = [u.text for u in script.utterances]
    start = texts.index("Quote from addforums.com.")
    end = texts.index("End of quote.")
    assert start < end
    assert script.utterances[start].ref is None and script.utterances[end].ref is None
    assert script.utterances[start + 1].ref == "ch04-t002"


def test_pauses_are_set_lengths(script: Script) -> None:
    """Pauses come from the fixed set, never from punctuation tricks in the text."""
    allowed = {PAUSE_SENTENCE, PAUSE_PARAGRAPH, PAUSE_HEADING, PAUSE_SECTION, PAUSE_CHAPTER}
    assert {u.pause_ms for u in script.utterances} <= allowed
    assert all("..." not in u.text for u in script.utterances)


def test_timeline_and_vtt(script: Script) -> None:
    """Cues follow each other with their pauses; chapters start at their titles; VTT in order."""
    lengths = [22050 + i for i in range(len(script.utterances))]
    timeline = build_timeline(script, lengths, 22050)
    assert timeline.chapter_starts[0] == 0
    refs = [c.ref for c in timeline.cues]
    for number in (2, 3, 4):
        assert (
            timeline.chapter_starts[number - 1] == timeline.cues[refs.index(f"ch0{number}")].start
        )
    for before, after in zip(timeline.cues, timeline.cues[1:], strict=False):
        assert before.end <= before.pause_end == after.start
    vtt = webvtt(timeline, "t")
    assert vtt.startswith("WEBVTT\n")
    assert vtt.count(" --> ") == len(script.utterances)
    assert "00:00:00.000 --> 00:00:01.000" in vtt
