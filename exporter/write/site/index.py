"""The download page: the posts newest first (by year on big sites), the pages apart, a finder."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from exporter.read.site_settings import SiteSettings
from exporter.write.site.card import Card
from exporter.write.site.identity import SiteIdentity, books_language, cards_identity
from exporter.write.site.share import index_share
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


def site_language(cards: Sequence[Card], identity: SiteIdentity | None = None) -> str:
    """The language of the site's own words: the settings', else most books' (see identity)."""
    return (identity.language if identity else "") or books_language(cards)


def _entry(card: Card, level: int) -> IndexEntry:
    """One book as the page shows it, with its words in its own language."""
    labels = site_labels(card.language)
    return IndexEntry(
        card,
        labels,
        labels.date(card.date) if card.date else "",
        clock(card.audio_seconds) if card.audio_seconds else "",
        level,
    )


def year_groups(cards: Sequence[Card], labels: SiteLabels) -> list[YearGroup]:
    """The posts newest first, in one group, or one group per year on a big site."""
    ordered = newest_first([card for card in cards if not card.is_page])
    grouped = len(ordered) > GROUP_FROM
    level = 3 if grouped else 2
    groups: dict[str, list[IndexEntry]] = {}
    for card in ordered:
        entry = _entry(card, level)
        heading = (card.date[:4] if card.date else labels.undated) if grouped else ""
        groups.setdefault(heading, []).append(entry)
    return [YearGroup(heading, tuple(entries)) for heading, entries in groups.items()]


def page_entries(cards: Sequence[Card], level: int) -> tuple[IndexEntry, ...]:
    """The site's pages (About, Contact), by title."""
    pages = sorted((c for c in cards if c.is_page), key=lambda c: (c.title.lower(), c.slug))
    return tuple(_entry(card, level) for card in pages)


def facets(cards: Sequence[Card]) -> tuple[list[str], list[str]]:
    """The years (newest first) and categories (by name) the finder's filters offer."""
    years = sorted({card.date[:4] for card in cards if card.date and not card.is_page})
    categories = sorted({c for card in cards for c in card.categories}, key=str.casefold)
    return years[::-1], categories


def index_html(
    cards: Sequence[Card],
    settings: SiteSettings,
    feed: str | None,
    identity: SiteIdentity | None = None,
    base_url: str | None = None,
) -> str:
    """The download page; `feed` is the feed's address, or None when there is no feed."""
    identity = identity or cards_identity(cards, settings)
    language = site_language(cards, identity)
    identity = dataclasses.replace(identity, language=language)
    labels = site_labels(language)
    groups = year_groups(cards, labels)
    pages = page_entries(cards, 3)
    years, categories = facets(cards)
    posts = [entry.card for group in groups for entry in group.entries]
    return render(
        "index.html",
        lang=language,
        title=identity.title,
        description=identity.description,
        labels=labels,
        groups=groups,
        pages=pages,
        years=years,
        categories=categories,
        total=len(posts) + len(pages),
        share=index_share(posts + [entry.card for entry in pages], identity, base_url),
        feed=feed,
        file_size=file_size,
    )
