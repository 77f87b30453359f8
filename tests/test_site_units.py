"""The site's cards, settings and escaping: fast unit tests of the download page and feed."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import feedparser
import pytest

from exporter.cli import main
from exporter.errors import UsageError
from exporter.read.site_settings import SiteSettings, read_site_settings
from exporter.write.site.card import Card, Download
from exporter.write.site.feed import feed_xml, in_feed
from exporter.write.site.index import index_html

# ---------------------------------------------------------------- fast unit tests


def _card(**changes: Any) -> Card:
    """A card of a narrated, dated book; fields changed as asked."""
    fields: dict[str, Any] = dict(
        slug="a-post", title="A <b>post</b> & more", author="Ann", language="en",
        date="2020-05-01T10:00:00", excerpt="Hello.", words=120, guid="urn:uuid:1",
        permalink=None, page="a-post.html",
        downloads=(Download("epub", "a-post.epub", 900), Download("mp3", "a-post.mp3", 5000)),
        audio_seconds=61.5, transcript="a-post.vtt", chapters="a-post.chapters.json",
    )  # fmt: skip
    fields.update(changes)
    return Card(**fields)


def test_card_survives_the_state_file_as_json() -> None:
    card = _card()
    assert Card.from_json(json.loads(json.dumps(card.as_json()))) == card


def test_only_dated_books_with_audio_are_episodes() -> None:
    undated, silent = _card(slug="u", date=None), _card(slug="s", downloads=(), audio_seconds=None)
    assert (in_feed(_card()), in_feed(undated), in_feed(silent)) == ("", "no post_date", "no audio")
    parsed = feedparser.parse(feed_xml([_card(), undated, silent], SiteSettings(), None))
    assert [e.title for e in parsed.entries] == ["A <b>post</b> & more"]  # text, not markup
    assert parsed.entries[0].enclosures[0].href == "a-post.mp3"  # relative without a base


def test_index_is_newest_first_by_year_on_big_sites_in_each_books_language() -> None:
    dates = [f"{2019 + n // 6}-{1 + n % 6:02d}-01T00:00:00" for n in range(11)]
    cards = [_card(slug=f"p{n}", date=date) for n, date in enumerate(dates)]
    cards.append(_card(slug="es", language="es", date="2012-04-15T13:50:10"))
    cards.append(_card(slug="undated", date=None))
    html = index_html(cards, SiteSettings(), "feed.xml")
    years = re.findall(r'<h2 id="year-\d+">([^<]+)</h2>', html)
    assert years == ["2020", "2019", "2012", "Undated"]
    slugs = re.findall(r'<article class="entry" lang="[^"]+" aria-labelledby="book-([^"]+)"', html)
    assert slugs == [f"p{n}" for n in reversed(range(11))] + ["es", "undated"]
    assert '<time datetime="2012-04-15">15 de abril de 2012</time>' in html
    assert "palabras" in html and "Audiolibro (MP3)" in html
    small = index_html(cards[:3], SiteSettings(), None)
    assert '<h2 id="year-' not in small and 'type="application/rss+xml"' not in small


def test_site_settings_are_read_and_bad_ones_named(tmp_path: Path) -> None:
    config = tmp_path / "exporter.yaml"
    assert read_site_settings(config) == SiteSettings()
    config.write_text("site:\n  title: My books\n  explicit: true\n", encoding="utf-8")
    assert read_site_settings(config) == SiteSettings(title="My books", explicit=True)
    config.write_text("site:\n  colour: red\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"exporter\.yaml: unknown `site:` setting 'colour'"):
        read_site_settings(config)
    config.write_text("site:\n  title: [unclosed\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"exporter\.yaml:\d+: invalid YAML"):
        read_site_settings(config)


HOSTILE = """---
ID: 7
post_title: '<script>alert("t")</script> Tom &amp; Jerry'
author: '<img src=x onerror=alert(1)>'
post_excerpt: '<b>bold</b> & <i>brave</i>'
permalink: https://example.org/tom/
published: true
---
<p>A short post about cats and mice. It has two sentences.</p>
"""


def test_markup_in_title_author_and_excerpt_is_text_once(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "hostile.md").write_text(HOSTILE, encoding="utf-8")
    (source / "exporter.yaml").write_text("site:\n  title: Q&A <books>\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", str(source), "-o", str(out), "--no-audio"]) == 0
    index = (out / "index.html").read_text(encoding="utf-8")
    page = (out / "tom.html").read_text(encoding="utf-8")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    for html in (index, page):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html and "Tom &amp; Jerry" in html
        assert "&amp;lt;" not in html and "&amp;amp;" not in html  # never escaped twice
        assert "<audio" not in html
    assert '<p class="excerpt">bold &amp; brave</p>' in index  # the reader drops excerpt tags
    assert "<title>Q&amp;A &lt;books&gt;</title>" in index
    parsed = feedparser.parse(feed)
    assert not parsed.bozo and parsed.feed.title == "Q&A <books>" and parsed.entries == []
    notes = json.loads((out / "report.json").read_text(encoding="utf-8"))["notes"]
    assert any("not in the podcast feed (no audio)" in n for n in notes)
    assert any("--base-url" in n for n in notes)

