"""The podcast feed: RSS 2.0 with iTunes tags and the Podcasting 2.0 namespace."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import quote

from exporter.read.site_settings import SiteSettings
from exporter.write.site.card import Card
from exporter.write.site.identity import SiteIdentity, cards_identity
from exporter.write.site.index import newest_first, site_language
from exporter.write.site.templates import render

PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")  # Podcasting 2.0's guid rule


@dataclass(frozen=True)
class FeedItem:
    """One episode: a book with audio and a date, its addresses made absolute when possible."""

    title: str
    link: str
    guid: str
    date: str
    description: str
    author: str
    url: str
    length: int
    type: str
    duration: str
    language: str
    image: str | None
    chapters: str | None
    transcript: str | None
    categories: tuple[str, ...] = ()


def address(base_url: str | None, name: str) -> str:
    """A file's address in the feed: absolute under --base-url, else relative to the feed."""
    relative = quote(name)
    if not base_url:
        return relative
    return base_url.rstrip("/") + "/" + relative


def rfc822(iso: str) -> str:
    """An ISO date as RSS writes dates; a date without a zone is taken as UTC."""
    moment = datetime.fromisoformat(iso)
    return format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def duration(seconds: float) -> str:
    """itunes:duration as HH:MM:SS."""
    hours, rest = divmod(round(seconds), 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def podcast_guid(feed_url: str) -> str:
    """The channel's `podcast:guid`: UUIDv5 of the feed's address without scheme and end slashes."""
    bare = feed_url.split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


def in_feed(card: Card) -> str:
    """'' when a book is an episode of the feed, else why it is not."""
    if card.is_page:
        return "a page, not a post"
    if card.enclosure is None or not card.audio_seconds:
        return "no audio"
    return "" if card.date else "no post_date"


def feed_item(card: Card, base_url: str | None) -> FeedItem:
    """The episode of one book that is in the feed."""
    audio = card.enclosure
    if audio is None or card.date is None:
        raise ValueError(f"{card.slug} is not an episode")
    optional = {
        name: address(base_url, value) if value else None
        for name, value in (("image", card.cover), ("chapters", card.chapters),
                            ("transcript", card.transcript))
    }  # fmt: skip
    return FeedItem(
        title=card.title,
        link=address(base_url, card.page),
        guid=card.guid,
        date=rfc822(card.date),
        description=card.excerpt,
        author=card.author,
        url=address(base_url, audio.name),
        length=audio.size,
        type=audio.media_type,
        duration=duration(card.audio_seconds or 0),
        language=card.language,
        categories=tuple(dict.fromkeys((*card.categories, *card.tags))),
        **optional,
    )


def feed_xml(
    cards: Sequence[Card],
    settings: SiteSettings,
    base_url: str | None,
    identity: SiteIdentity | None = None,
) -> str:
    """The feed of every post with audio and a date, newest first (pages are never episodes)."""
    identity = identity or cards_identity(cards, settings)
    language = site_language(cards, identity)
    items = [feed_item(card, base_url) for card in newest_first(cards) if not in_feed(card)]
    feed_url = address(base_url, "feed.xml") if base_url else None
    channel = {
        "title": identity.title,
        "link": address(base_url, "index.html") if base_url else "index.html",
        "self": feed_url,
        "guid": podcast_guid(feed_url) if feed_url else None,
        "description": identity.description,
        "language": language,
        "updated": items[0].date if items else None,
        "author": identity.author,
        "category": settings.category,
        "explicit": "true" if settings.explicit else "false",
        # the channel's artwork (podcast apps require one): the newest episode's cover
        "image": next((item.image for item in items if item.image), None),
    }
    return render("feed.xml", channel=channel, items=items)
