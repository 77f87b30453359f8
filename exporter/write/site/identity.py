"""The site's own name, description, author and language: set in `site:`, else read from the posts.

The title is the `site:` title, else the source's channel title (a WordPress export's), else
the place the permalinks share: their most common host and the path segments every post of
that host has before its slug, up to any date segment ("devblogs.microsoft.com/typescript"),
else the most common author. The generic word ("Books") is used only when nothing names the
site at all (no setting, no permalink, no author).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from exporter.read.site_settings import SiteSettings
from exporter.write.site.card import Card
from exporter.write.site.words import site_labels

PLACEHOLDER_AUTHOR = "Unknown author"  # what the reader writes when a post names no author


@dataclass(frozen=True)
class SiteIdentity:
    """What the index header, each page's header and `<title>`, and the feed channel call the site.

    `language` is '' when neither the settings nor the books say: the books' language is used.
    """

    title: str
    description: str
    author: str
    language: str = ""


def _place(permalink: str) -> tuple[str, tuple[str, ...]] | None:
    """A permalink's host (without www.) and the path segments before its slug and any date."""
    parts = urlsplit(permalink.strip())
    host = (parts.hostname or "").removeprefix("www.")
    if not host:
        return None
    segments = [s for s in parts.path.split("/") if s]
    kept: list[str] = []
    for segment in segments[:-1]:  # the last segment is the post's own slug
        if segment.isdigit():  # /2019/04/ date folders vary from post to post
            break
        kept.append(segment)
    return host, tuple(kept)


def common_place(permalinks: Iterable[str | None]) -> str:
    """The host and path the permalinks share ('' when there is none), as `host/path`."""
    places = [place for link in permalinks if link and (place := _place(link))]
    if not places:
        return ""
    hosts = Counter(host for host, _ in places)
    host = min(hosts, key=lambda h: (-hosts[h], h))
    paths = [path for h, path in places if h == host]
    shared: list[str] = []
    for column in zip(*paths, strict=False):
        if len(set(column)) != 1:
            break
        shared.append(column[0])
    return "/".join([host, *shared])


def most_common(values: Iterable[str]) -> str:
    """The value given most often (ties: the first given); '' when none is given."""
    counts = Counter(value for value in values if value)
    if not counts:
        return ""
    best = max(counts.values())
    return next(value for value in counts if counts[value] == best)


def site_identity(
    permalinks: Sequence[str | None],
    authors: Sequence[str],
    settings: SiteSettings,
    *,
    channel_title: str = "",
    channel_description: str = "",
    language: str = "",
) -> SiteIdentity:
    """The site's identity from its settings, else its channel, else its posts (see the module)."""
    author = settings.author or most_common(a for a in authors if a != PLACEHOLDER_AUTHOR)
    place = common_place(permalinks)
    language = settings.language or language
    labels = site_labels(language or "en")
    title = settings.title or channel_title or place or author or labels.books
    about = labels.about.format(site=place or title)
    description = settings.description or channel_description or about
    return SiteIdentity(title, description, author or title, language)


def cards_identity(cards: Sequence[Card], settings: SiteSettings) -> SiteIdentity:
    """The identity of a site of these books (the books' language when none is set)."""
    return site_identity(
        [card.permalink for card in cards],
        [card.author for card in cards],
        settings,
        language=books_language(cards),
    )


def books_language(cards: Sequence[Card]) -> str:
    """The language most of the books are in (ties: the newest book's), else English."""
    ordered = sorted(cards, key=lambda c: (c.date or "", c.slug), reverse=True)
    return most_common(card.language for card in ordered) or "en"
