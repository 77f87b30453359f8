"""The seed post's book: the chapters, sections and studies a reader expects, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.model.book import Book, Entry, Paragraph, Quote, plain_text
from exporter.run.load import load_book

SEED = Path(__file__).parent / "cases" / "seed-memantine.md"


@pytest.fixture(scope="module")
def book() -> Book:
    """The seed post, loaded once."""
    return load_book(SEED)


def test_chapters_in_order(book: Book) -> None:
    """Four chapters: mechanism, studies, patent theory, the forum text on tolerance."""
    assert [c.title for c in book.chapters] == [
        "My Theory of the Biochemical Action of Memantine",
        "Studies",
        "My Theory as to Why You've Never Heard of Memantine Before",
        "Amphetamine Neurotoxicity and Tolerance Prevention",
    ]


def test_studies_are_grouped_by_condition(book: Book) -> None:
    """Studies' sections are the conditions, each holding its studies (title + finding)."""
    studies = book.chapters[1]
    assert [s.title for s in studies.sections] == [
        "Memantine for Obsessive compulsive disorder",
        "Memantine for Major Depression",
        "Post traumatic stress disorder",
        "ADHD",
    ]
    assert [len(s.blocks) for s in studies.sections] == [4, 3, 1, 1]
    for section in studies.sections:
        for study in section.blocks:
            assert isinstance(study, Entry)
            assert study.title
            assert all(isinstance(b, Paragraph) for b in study.blocks) and study.blocks
    first = studies.blocks[0]
    assert isinstance(first, Entry)
    assert first.title.startswith("Cognition-enhancing and anxiolytic effects")
    assert studies.sections[2].blocks[0].title.startswith("Pilot trial of memantine")  # type: ignore[union-attr]


def test_forum_text_is_one_quote_with_its_source(book: Book) -> None:
    """The forum text stays one block quote carrying its source link."""
    chapter = book.chapters[3]
    quotes = [b for b in chapter.blocks if isinstance(b, Quote)]
    assert len(quotes) == 1
    assert quotes[0].cite == "https://www.addforums.com/forums/showthread.php?p=1084099#post1084099"
    assert len(quotes[0].blocks) == 12
    last = quotes[0].blocks[-1]
    assert isinstance(last, Paragraph)
    assert plain_text(last.content).endswith("causing NMDA receptor channels to inactivate.")


def test_metadata(book: Book) -> None:
    """Title decoded, site as author, date, slug, stable identifier, permalink as source."""
    meta = book.meta
    assert meta.title == "NMDA Antagonist Memantine\u2019s Effect on Mood"
    assert meta.author == "quantimo.do"
    assert meta.date is not None and meta.date.isoformat() == "2012-04-15T13:50:10"
    assert meta.slug == "nmda-antagonist-memantines-effect-on-mood-2"
    assert meta.source_url == "https://quantimo.do/nmda-antagonist-memantines-effect-on-mood-2/"
    assert meta.identifier == "urn:uuid:19b02528-f7a2-56c3-95b2-cc316ce7238a"
    assert meta.language == "en"
