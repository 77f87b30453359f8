"""What a link preview shows: Open Graph and Twitter card tags and schema.org JSON-LD.

Addresses are absolute, and `og:url` is given, only when the build knows where the site will
live (--base-url); without it the image and audio addresses are relative to the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from exporter.write.site.card import Card
from exporter.write.site.identity import SiteIdentity

CONTEXT = "https://schema.org"


@dataclass(frozen=True)
class Share:
    """The head tags of one page: `(attribute, key, value)` meta tags and one JSON-LD object."""

    tags: tuple[tuple[str, str, str], ...]
    data: dict[str, Any]


def absolute(base_url: str | None, name: str) -> str:
    """A file's address: absolute under the base URL, else relative to the page."""
    relative = quote(name)
    return base_url.rstrip("/") + "/" + relative if base_url else relative


Tag = tuple[str, str, str]


def _tags(kind: str, title: str, text: str, image: str | None, url: str | None,
          site: str, audio: tuple[str, str] | None) -> tuple[Tag, ...]:  # fmt: skip
    """Open Graph (`property`) and Twitter (`name`) tags, in the order previews read them."""
    tags = [("property", "og:type", kind), ("property", "og:title", title),
            ("property", "og:description", text), ("property", "og:site_name", site)]  # fmt: skip
    if url:
        tags.append(("property", "og:url", url))
    if image:
        tags += [("property", "og:image", image), ("property", "og:image:alt", title)]
    if audio:
        tags += [("property", "og:audio", audio[0]), ("property", "og:audio:type", audio[1])]
    tags += [("name", "twitter:card", "summary"), ("name", "twitter:title", title),
             ("name", "twitter:description", text)]  # fmt: skip
    if image:
        tags.append(("name", "twitter:image", image))
    return tuple(tags)


def iso_duration(seconds: float) -> str:
    """An ISO 8601 duration (PT1H2M3S), as schema.org writes `duration`."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "") + f"{secs}S"


def page_share(card: Card, identity_title: str, base_url: str | None) -> Share:
    """The preview of one listen-and-read page: a Book, or an Audiobook when it is narrated."""
    url = absolute(base_url, card.page) if base_url else None
    image = absolute(base_url, card.cover) if card.cover else None
    audio_file = card.enclosure if card.audio_seconds else None
    audio = (absolute(base_url, audio_file.name), audio_file.media_type) if audio_file else None
    tags = _tags("book", card.title, card.excerpt, image, url, identity_title, audio)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Audiobook" if audio else "Book",
        "name": card.title,
        "author": {"@type": "Person", "name": card.author},
        "inLanguage": card.language,
        "description": card.excerpt,
        "isPartOf": {"@type": "WebSite", "name": identity_title},
    }
    if card.date:
        data["datePublished"] = card.date[:10]
    if url:
        data["url"] = url
    if image:
        data["image"] = image
    if card.categories:
        data["genre"] = list(card.categories)
    if card.tags:
        data["keywords"] = ", ".join(card.tags)
    if audio and audio_file:
        data.update(contentUrl=audio[0], encodingFormat=audio[1], contentSize=audio_file.size,
                    duration=iso_duration(card.audio_seconds or 0))  # fmt: skip
    else:
        data["bookFormat"] = "https://schema.org/EBook"
    return Share(tags, data)


def index_share(cards: Sequence[Card], identity: SiteIdentity, base_url: str | None) -> Share:
    """The preview of the download page: the site, with the newest book's cover."""
    url = absolute(base_url, "index.html") if base_url else None
    cover = next((card.cover for card in cards if card.cover and not card.is_page), None)
    image = absolute(base_url, cover) if cover else None
    tags = _tags("website", identity.title, identity.description, image, url, identity.title, None)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": identity.title,
        "description": identity.description,
        "author": {"@type": "Person", "name": identity.author},
    }
    if identity.language:
        data["inLanguage"] = identity.language
    if url:
        data["url"] = url
    return Share(tags, data)
