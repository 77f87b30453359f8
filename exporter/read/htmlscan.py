"""Scan raw post HTML without a parser: tokens, comments removed, implied ends, depth capped.

The cleaner's parser (bs4 with html.parser) nests every unclosed `<p>`, `<li>` or `<td>` inside
the one before it, and deep nesting costs stack in every later recursive step. This module
rewrites the tag soup first, in one linear pass, the way an HTML5 browser would see it:
a new paragraph, list item, cell or row closes the open one; nesting deeper than
`MAX_DEPTH` elements keeps its text but loses its tags. Text is never dropped here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass

MAX_DEPTH = 80

_TOKEN = re.compile(
    r"""
    (?P<comment><!--)
  | (?P<decl><![^>]*>|<\?[^>]*>)
  | (?P<end></(?P<endname>[a-zA-Z][^\s/>]*)[^>]*>)
  | (?P<start><(?P<name>[a-zA-Z][^\s/>\x00]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>)
    """,
    re.DOTALL | re.VERBOSE,
)
_RAW_TEXT = {"script", "style"}
VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "param",
        "source",
        "track",
        "wbr",
        "basefont",
        "bgsound",
        "frame",
        "keygen",
    ]
)
_CLOSES_P = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
        "li",
        "dd",
        "dt",
    ]
)
_SCOPE = frozenset(
    ["applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "button"]
)
# An opening tag closes the nearest open element of these names, searching no further
# than the first element of the boundary names.
_IMPLIED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "li": (frozenset({"li"}), frozenset({"ul", "ol", "menu"}) | _SCOPE),
    "dt": (frozenset({"dt", "dd"}), frozenset({"dl"}) | _SCOPE),
    "dd": (frozenset({"dt", "dd"}), frozenset({"dl"}) | _SCOPE),
    "tr": (frozenset({"tr"}), frozenset({"table", "thead", "tbody", "tfoot"})),
    "td": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "th": (frozenset({"td", "th"}), frozenset({"tr", "table"})),
    "thead": (frozenset({"thead", "tbody", "tfoot"}), frozenset({"table"})),
    "tbody": (frozenset({"thead", "tbody", "tfoot"}), frozenset({"table"})),
    "tfoot": (frozenset({"thead", "tbody", "tfoot"}), frozenset({"table"})),
}


@dataclass(frozen=True)
class Token:
    """A piece of HTML source: `text`, `start`, `end`, `comment` or `other`, with its name."""

    kind: str
    source: str
    name: str = ""

    @property
    def self_closing(self) -> bool:
        """True for a start tag written `<x/>` or a void element such as `<br>`."""
        return self.kind == "start" and (self.name in VOID or self.source.endswith("/>"))


def tokens(html: str) -> Iterator[Token]:
    """Split HTML into tags, comments and text; script and style content stays one text token."""
    position = 0
    length = len(html)
    last_gt = html.rfind(">")
    comments_close = True  # False once a `<!--` found no `-->` after it: none later will
    while position < length:
        match = _TOKEN.search(html, position) if position <= last_gt else None
        if match is None:  # no tag can end here; a `<!--` left has no `-->` after it either
            yield Token("text", html[position:].replace("<!--", "&lt;!--"))
            return
        if match.start() > position:
            yield Token("text", html[position : match.start()])
        kind = match.lastgroup or "text"
        source = match.group(0)
        position = match.end()
        if kind == "comment":
            close = html.find("-->", position) if comments_close else -1
            if close < 0:
                comments_close = False
                yield Token("text", "&lt;!--")  # an unclosed comment must not swallow the rest
                continue
            source = html[match.start() : close + 3]
            position = close + 3
            yield Token("comment", source)
        elif kind == "start":
            name = match.group("name").lower()
            yield Token("start", source, name)
            if name in _RAW_TEXT and not source.endswith("/>"):
                ender = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, position)
                stop = ender.start() if ender else length
                if stop > position:
                    yield Token("text", html[position:stop])
                position = stop
        elif kind == "end":
            yield Token("end", source, match.group("endname").lower())
        else:
            yield Token("other", source)


def strip_comments(html: str) -> str:
    """Drop every HTML comment (Gutenberg block marks, `<!--more-->`) but none of the text."""
    if "<!--" not in html:
        return html
    parts: list[str] = []
    for token in tokens(html):
        if token.kind == "comment":
            if token.source.lower().startswith("<!--nextpage"):
                parts.append("\n\n")
            continue
        parts.append(token.source)
    return "".join(parts)


def balance(html: str, max_depth: int = MAX_DEPTH) -> str:
    """Close implied ends (`<p>`, `<li>`, cells, rows) and flatten nesting beyond `max_depth`."""
    stack: list[str] = []
    dropped: Counter[str] = Counter()
    out: list[str] = []
    for token in tokens(html):
        if token.kind == "start" and not token.self_closing:
            _close_implied(token.name, stack, out)
            if len(stack) >= max_depth:
                dropped[token.name] += 1
                out.append(" ")
                continue
            stack.append(token.name)
        elif token.kind == "end":
            if dropped[token.name]:
                dropped[token.name] -= 1
                out.append(" ")
                continue
            if token.name in stack:
                while stack and stack.pop() != token.name:
                    pass
        out.append(token.source)
    return "".join(out)


def _close_implied(name: str, stack: list[str], out: list[str]) -> None:
    """Emit the end tags an HTML5 parser would imply before a start tag named `name`."""
    targets, boundary = _IMPLIED.get(name, (frozenset(), frozenset()))
    if name in _CLOSES_P:
        _close_to(stack, out, frozenset({"p"}), _SCOPE)
    if targets:
        _close_to(stack, out, targets, boundary)


def _close_to(
    stack: list[str], out: list[str], targets: frozenset[str], boundary: frozenset[str]
) -> None:
    """Close open elements down to and including the nearest target, unless a boundary is nearer."""
    for index in range(len(stack) - 1, -1, -1):
        name = stack[index]
        if name in targets:
            while len(stack) > index:
                out.append(f"</{stack.pop()}>")
            return
        if name in boundary:
            return


def outside_tags(html: str, skip: frozenset[str]) -> Iterator[tuple[bool, str]]:
    """Yield (is_text, piece) for the whole input; text inside `skip` elements counts as markup."""
    depth = 0
    for token in tokens(html):
        if token.kind == "start" and token.name in skip and not token.self_closing:
            depth += 1
        elif token.kind == "end" and token.name in skip and depth:
            depth -= 1
        yield token.kind == "text" and depth == 0, token.source


def sub_elements(text: str, start: re.Pattern[str], fn: Callable[[str], str]) -> str:
    """Replace each element from its start tag to its end tag, in one pass over the text."""
    lower = text.lower()
    out: list[str] = []
    position = search = 0
    missing: set[str] = set()  # end tags known not to occur again: never searched twice
    while match := start.search(text, search):
        close = f"</{match.group(1).lower()}>"
        end = -1 if close in missing else lower.find(close, match.end())
        if end < 0:
            missing.add(close)
            search = match.end()
            continue
        end += len(close)
        out.extend((text[position : match.start()], fn(text[match.start() : end])))
        position = search = end
    out.append(text[position:])
    return "".join(out)
