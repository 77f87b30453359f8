"""HTML element names and the cleaner's rules about elements, as plain data and pure functions.

The name sets are shared with the fidelity check: what never shows (dropped with its
content), what is a player (kept as a link), what starts a block, which tags carry a style.
Tables, by rule: a table whose cells hold block content (lists, tables, headings, quotes,
code, images, players, or more than one paragraph) or that has one row or one column is
layout and is flattened into ordinary blocks; otherwise a table with a header cell (`th` or
a `thead` cell), or a full grid of non-empty cells, is data; anything else is layout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from exporter.model.book import Style
from exporter.read.addresses import safe_media

# fmt: off
DROP = frozenset({
    "script", "style", "template", "input", "head", "title", "meta", "link", "base", "canvas",
    "frameset", "frame", "applet", "map",
})
# Kept for their text only: the element goes, what it shows stays (options one by one).
UNWRAPPED = frozenset({"noscript", "form", "button", "label", "select", "optgroup", "textarea"})
SPACED = frozenset({"option", "button", "textarea"})
MATH_HIDDEN = frozenset({"annotation", "annotation-xml"})
EMBEDS = frozenset({"iframe", "object", "embed", "video", "audio"})
INVISIBLE = DROP | EMBEDS
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
LISTS = frozenset({"ul", "ol", "menu", "dir"})
CONTAINERS = frozenset({
    "div", "section", "article", "main", "header", "footer", "aside", "center", "body", "html",
    "nav", "details", "summary", "address", "dl", "dd", "dt", "fieldset", "legend", "hgroup",
    "figcaption", "dialog", "tbody", "thead", "tfoot", "tr", "td", "th", "caption", "p", "li",
})
BLOCKS = (
    CONTAINERS | EMBEDS | LISTS | frozenset(HEADINGS)
    | {"blockquote", "pre", "table", "hr", "figure", "img"}
)


def hidden_in(open_tags: Sequence[str]) -> bool:
    """True inside content that never shows, given the open element names, outermost first:
    a dropped element, an SVG picture outside its `<text>`, a MathML annotation."""
    if any(tag in INVISIBLE for tag in open_tags):
        return True
    if "svg" in open_tags:
        inside = open_tags[len(open_tags) - 1 - open_tags[::-1].index("svg") :]
        if "text" not in inside:
            return True
    return "math" in open_tags and any(tag in MATH_HIDDEN for tag in open_tags)


CELL_BLOCKS = [*HEADINGS, *EMBEDS, *LISTS, "table", "blockquote", "pre", "img", "figure"]
STYLES: dict[str, Style] = {
    "strong": "strong", "b": "strong", "em": "em", "i": "em", "cite": "em", "var": "em",
    "dfn": "em", "code": "code", "tt": "code", "kbd": "code", "samp": "code", "sup": "sup",
    "sub": "sub", "del": "del", "s": "del", "strike": "del",
}
# fmt: on

INDENT = re.compile(r"(?:padding|margin)-left\s*:\s*(\d+(?:\.\d+)?)\s*(px|em|pt)?", re.I)
NOTE_LABEL = re.compile(
    r"^[\[(]?(\d{1,3}|[ivx]{1,5}|[a-z]|[*\u2020\u2021\u00a7\u00b6])[\])]?$", re.IGNORECASE
)
BACKLINK = re.compile(r"^[\s\u21a9\u21aa\u2191\u2934\ufe0e\ufe0f^\[\]]*(?:back|return)?[\s\]]*$")
LANGUAGE = re.compile(r"(?:language|lang|brush)[-:]\s*([\w+#.-]+)")


def indent_px(style: str) -> int:
    """The editor's indentation written in a style attribute, in pixels (`padding-left: 30px`)."""
    match = INDENT.search(style)
    if not match:
        return 0
    value, unit = float(match.group(1)), (match.group(2) or "px").lower()
    return round(value * (16 if unit == "em" else 4 / 3 if unit == "pt" else 1))


def is_emoji(classes: str, src: str) -> bool:
    """True for WordPress's smiley and emoji images, which stand in a line of text."""
    return "smiley" in classes or "emoji" in classes or "/emoji/" in src


def image_src(attrs: Mapping[str, object]) -> str:
    """An image's address: a lazy-loading `data-src` over a placeholder; safe or data: only."""
    src = str(attrs.get("src") or "").strip()
    for lazy in ("data-src", "data-lazy-src", "data-original"):
        if attrs.get(lazy) and (not src or src.startswith("data:")):
            src = str(attrs.get(lazy)).strip()
    if re.match(r"data:image/(?:png|jpeg|gif|webp);base64,", src, re.IGNORECASE):
        return src
    return safe_media(src) or ""


def language(classes: Iterable[str]) -> str | None:
    """The programming language named by the first class list that names one."""
    for names in classes:
        match = LANGUAGE.search(names)
        if match:
            return match.group(1).lower()[:20]
    return None


def ref_like(marks: str, in_sup: bool, text: str) -> bool:
    """True for a link that looks like a footnote mark: so named, in `<sup>`, or a short label."""
    if re.search(r"footnote|noteref|\bfn\b", marks, re.IGNORECASE):
        return True
    return in_sup or bool(NOTE_LABEL.match(" ".join(text.split())))


def colspan(value: object) -> int:
    """How many columns a cell spans (1 for anything odd, at most 100)."""
    text = str(value or "1").strip()
    return min(int(text), 100) if text.isdigit() and int(text) > 0 else 1


@dataclass(frozen=True)
class CellFacts:
    """What the table rule needs to know about one cell."""

    header: bool
    span: int
    filled: bool
    blocky: bool


def is_data_table(rows: list[list[CellFacts]]) -> bool:
    """The table rule: layout when cells hold blocks or the table is one row or one column;
    data when it has a header cell or a full grid of non-empty cells; layout otherwise."""
    cells = [cell for row in rows for cell in row]
    if any(cell.blocky for cell in cells):
        return False
    widths = {sum(cell.span for cell in row) for row in rows}
    if len(rows) < 2 or max(widths, default=0) < 2:
        return False
    if any(cell.header for cell in cells):
        return True
    return len(widths) == 1 and all(cell.filled for cell in cells)


def player_src(
    attrs: Mapping[str, object], inner: Iterable[tuple[str, Mapping[str, object]]]
) -> str:
    """A player's media address: its own attributes, else a `<source>`, `<embed>` or movie param."""
    for key in ("src", "data", "data-src"):
        if attrs.get(key):
            return str(attrs.get(key))
    for name, values in inner:
        if name == "param" and str(values.get("name", "")).lower() not in ("movie", "src"):
            continue
        value = values.get("value") if name == "param" else values.get("src")
        if value:
            return str(value)
    return ""


def is_image_figure(name: str, classes: Iterable[str], inside: Iterable[str]) -> bool:
    """True for a figure or WordPress caption box holding one image and no other blocks."""
    if name != "figure" and not any(c.startswith("wp-caption") for c in classes):
        return False
    inside = [n for n in inside if n not in ("p", "div")]
    return inside.count("img") == 1 and len(inside) == 1
