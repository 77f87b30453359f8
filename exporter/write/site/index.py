"""The download page: every book of the output folder, newest first, by year on big sites."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exporter.read.site_settings import SiteSettings
from exporter.write.site.card import Card
from exporter.write.site.templates import render
from exporter.write.site.words import SiteLabels, clock, file_size, site_labels

GROUP_FROM = 10  # with more books than this, the page is cut into one section per year


@dataclass(frozen=True)
class IndexEntry:
    """One book as the download page shows it, in its own language."""

    card: Card
    labels: SiteLabels
    date: str
    duration: str
    level: int


@dataclass(frozen=True)
class YearGroup:
    """The books of one year (heading '' when the page is not grouped)."""

    heading: str
    entries: tuple[IndexEntry, ...]


def newest_first(cards: Sequence[Card]) -> list[Card]:
    """Dated books newest first, then undated ones by title."""
    dated = sorted((c for c in cards if c.date), key=lambda c: (c.date or "", c.slug), reverse=True)
    undated = sorted((c for c in cards if not c.date), key=lambda c: (c.title.lower(), c.slug))
    return dated + undated


def site_language(cards: Sequence[Card]) -> str:
    """The language of the site's own words: the newest book's, else English."""
    ordered = newest_first(cards)
    return ordered[0].language if ordered else "en"


def year_groups(cards: Sequence[Card], labels: SiteLabels) -> list[YearGroup]:
    """The books newest first, in one group, or one group per year on a big site."""
    ordered = newest_first(cards)
    grouped = len(ordered) > GROUP_FROM
    level = 3 if grouped else 2
    groups: dict[str, list[IndexEntry]] = {}
    for card in ordered:
        book_labels = site_labels(card.language)
        entry = IndexEntry(
            card,
            book_labels,
            book_labels.date(card.date) if card.date else "",
            clock(card.audio_seconds) if card.audio_seconds else "",
            level,
        )
        heading = (card.date[:4] if card.date else labels.undated) if grouped else ""
        groups.setdefault(heading, []).append(entry)
    return [YearGroup(heading, tuple(entries)) for heading, entries in groups.items()]


def index_html(cards: Sequence[Card], settings: SiteSettings, feed: str | None) -> str:
    """The download page; `feed` is the feed's address, or None when there is no feed."""
    language = site_language(cards)
    labels = site_labels(language)
    return render(
        "index.html",
        lang=language,
        title=settings.title or labels.books,
        description=settings.description,
        labels=labels,
        groups=year_groups(cards, labels),
        feed=feed,
        file_size=file_size,
    )
