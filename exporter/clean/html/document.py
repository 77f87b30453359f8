"""Clean a post's HTML into the Book's chapters: the pre-passes over the soup, then the walk.

Only model nodes come out, so the model is the allow-list: scripts, styles, forms and every
attribute are gone by construction; addresses pass `read.addresses`. The rules about single
elements (tables, images, footnote marks) live in `clean.elements`. This package
(`document`, `walker`, `footnotes`) is the only place that uses beautifulsoup4.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString

from exporter.clean import elements as tags
from exporter.clean.html.footnotes import take_notes
from exporter.clean.html.walker import SCRIPT_KIND, Walker, gone
from exporter.clean.notes import attach_notes
from exporter.clean.outline import outline
from exporter.model.book import Chapter
from exporter.read.addresses import script_embed
from exporter.read.body import prepare_body

# `<![` not followed by a name (`<![ x`, `<![<`): html.parser (3.11) asserts on it and bs4
# rejects the whole body; browsers read it as a bogus comment. Kept as the text it is.
_NAMELESS_SECTION = re.compile(r"<!\[(?![A-Za-z])")


def clean_body(body: str, book_title: str) -> tuple[Chapter, ...]:
    """Turn a post body (as WordPress stores it) into chapters; may return no chapters."""
    return clean_html(prepare_body(body).html, book_title)


def clean_html(html: str, book_title: str) -> tuple[Chapter, ...]:
    """Turn prepared HTML (see `prepare`) into chapters with their footnotes."""
    soup = BeautifulSoup(_NAMELESS_SECTION.sub("&lt;![", html), "html.parser")
    for script in soup.find_all("script", src=True):  # a gist or widget: kept as its link
        embed = script_embed(str(script.get("src") or ""))
        if embed is not None:
            player = soup.new_tag("iframe", src=embed.url, title=embed.title)
            player[SCRIPT_KIND] = embed.kind
            script.replace_with(player)
    for tag in soup.find_all(list(tags.DROP)):
        if not gone(tag):
            tag.decompose()
    _keep_shown_text(soup)
    for br in soup.find_all("br"):  # not soup.select: soupsieve compiles for 0.2 s a process
        if br.find_parent("pre") is not None:
            br.replace_with("\n")
    walker = Walker(soup)
    notes = take_notes(soup, walker.refs, walker.blocks)
    items = list(walker.walk(soup.children, 0, 0, 0))
    return attach_notes(outline(items, book_title), notes)


def _keep_shown_text(soup: BeautifulSoup) -> None:
    """Reduce pictures, formulas and form controls to the text they show (`tags.hidden_in`)."""
    for svg in soup.find_all("svg"):
        if gone(svg) or svg.find_parent("svg") is not None:
            continue
        shown = [t.get_text() for t in svg.find_all("text") if t.find_parent("text") is None]
        svg.replace_with(NavigableString(" ".join(shown)))
    for math in soup.find_all("math"):
        if gone(math):
            continue
        for note in math.find_all(list(tags.MATH_HIDDEN)):
            note.decompose()
        math.replace_with(NavigableString(math.get_text()))
    for tag in soup.find_all(list(tags.SPACED)):
        tag.insert_before(" ")
        tag.insert_after(" ")
    for tag in soup.find_all([*tags.UNWRAPPED, "option"]):
        tag.unwrap()
