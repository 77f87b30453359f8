"""Write the site files of a run: stylesheet, script, download page and feed, when they changed."""

from __future__ import annotations

from collections.abc import Sequence

from exporter.atomic import write_if_changed
from exporter.read.site_settings import SiteSettings
from exporter.write.outputs import SiteOutputs
from exporter.write.site.card import Card
from exporter.write.site.feed import feed_xml, in_feed
from exporter.write.site.identity import SiteIdentity
from exporter.write.site.index import index_html
from exporter.write.site.templates import STATIC_FILES, static_file


def publish_site(
    cards: Sequence[Card],
    names: SiteOutputs,
    settings: SiteSettings,
    base_url: str | None,
    identity: SiteIdentity | None = None,
) -> list[str]:
    """Write the site files whose bytes differ from what is there; return notes for the report.

    `identity` is the site's name as the run derived it from every post (see identity.py);
    without it, it is derived from the cards.
    """
    for name in STATIC_FILES:
        write_if_changed(names.static(name), static_file(name))
    index = index_html(cards, settings, names.feed.name, identity, base_url)
    write_if_changed(names.index, index.encode())
    write_if_changed(names.feed, feed_xml(cards, settings, base_url, identity).encode())
    notes = [
        f"{card.title} ({card.slug}): not in the podcast feed ({why})"
        for card in cards
        if (why := in_feed(card))
    ]
    if not base_url:
        notes.append(
            f"{names.feed.name}: addresses are relative; podcast apps need absolute ones"
            " (give --base-url URL)"
        )
    return notes


def card_renders(card: Card, settings: SiteSettings) -> bool:
    """Whether one book's card can be shown on the download page and in the feed."""
    try:
        index_html([card], settings, None)
        feed_xml([card], settings, None)
    except Exception:
        return False
    return True
