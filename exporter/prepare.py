"""Turn a raw post body, in whatever format it was written, into the HTML the cleaner parses.

The steps follow WordPress's own display order: comments go (Gutenberg block marks,
`<!--more-->`); code shortcodes become `<pre>`; a lone video address becomes a player;
Markdown bodies are rendered, classic-editor bodies get WordPress's paragraph rules
(`wpautop`, never for Gutenberg posts or inside `<pre>`); then the other shortcodes are
expanded or removed; last, implied end tags are closed and deep nesting is flattened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .autop import looks_autop, wpautop
from .htmlscan import balance, strip_comments
from .markdown import looks_markdown, render_markdown, split_fences
from .shortcodes import expand, expand_code, oembed_lines

_GUTENBERG = re.compile(r"<!--\s*wp:", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Prepared:
    """A body ready for the parser: its HTML, whether it was Markdown, how many shortcodes."""

    html: str
    markdown: bool
    shortcodes: int


def prepare_body(body: str) -> Prepared:
    """Render any post body (classic HTML, Gutenberg, Markdown, mixes) to balanced HTML."""
    text = _CONTROL.sub("", body.replace("\r\n", "\n").replace("\r", "\n"))
    markdown = looks_markdown(strip_comments(text))
    if markdown:
        text = "".join(
            chunk if fenced else oembed_lines(expand_code(chunk))
            for fenced, chunk in split_fences(text)
        )
        html = strip_comments(render_markdown(text))
    else:
        gutenberg = bool(_GUTENBERG.search(text))
        text = oembed_lines(expand_code(strip_comments(text)))
        html = wpautop(text) if not gutenberg and looks_autop(text) else text
    expansion = expand(html)
    return Prepared(balance(expansion.html), markdown, expansion.count)
