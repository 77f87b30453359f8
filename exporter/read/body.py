"""Turn a raw post body, in whatever format it was written, into the HTML the cleaner parses.

`wpautop` is a port of WordPress's own paragraph rules (blank line → paragraph, newline →
<br>, never inside <pre>).

The steps follow WordPress's own display order: comments go (Gutenberg block marks,
`<!--more-->`); code shortcodes become `<pre>`; a lone video address becomes a player;
Markdown bodies are rendered, classic-editor bodies get WordPress's paragraph rules
(`wpautop`, never for Gutenberg posts or inside `<pre>`); then the other shortcodes are
expanded or removed; last, implied end tags are closed and deep nesting is flattened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from exporter.read.htmlscan import balance, strip_comments, sub_elements
from exporter.read.markdown import looks_markdown, render_markdown, split_fences
from exporter.read.shortcodes import expand, expand_code, oembed_lines

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    r"area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|"
    r"header|footer|nav|figure|figcaption|details|menu|summary)"
)
_OPEN_BLOCK = re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])", re.IGNORECASE)
_CLOSE_BLOCK = re.compile(r"(</" + _ALLBLOCKS + r">)", re.IGNORECASE)
_ANY_BLOCK_TAG = r"(</?" + _ALLBLOCKS + r"[^>]*>)"
_PRE = re.compile(r"<(pre)[\s>]", re.IGNORECASE)
_PRESERVE = re.compile(r"<(script|style|svg|math)[\s>]", re.IGNORECASE)
_NEWLINE_MARK = " <!-- wpnl --> "
_KEEP_NEWLINE = "<WPPreserveNewline />"


def _mark_tag_newlines(text: str) -> str:
    """Mark the newlines inside tags so paragraphs never split a tag (one pass)."""
    out: list[str] = []
    position = 0
    while (start := text.find("<", position)) >= 0 and (end := text.find(">", start)) >= 0:
        out.extend((text[position:start], text[start : end + 1].replace("\n", _NEWLINE_MARK)))
        position = end + 1
    out.append(text[position:])
    return "".join(out)


def looks_autop(body: str) -> bool:
    """True when the body needs WordPress's paragraph rules: text separated by blank lines."""
    return bool(re.search(r"\n\s*\n", body)) or "<p" not in body.lower()


def wpautop(text: str, br: bool = True) -> str:
    """Wrap blank-line separated text in <p> and single newlines in <br />, as WordPress does."""
    if not text.strip():
        return ""
    pre_tags: dict[str, str] = {}

    def _stash_pre(element: str) -> str:
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = element
        return name

    text = text.replace("\r\n", "\n").replace("\r", "\n") + "\n"
    text = sub_elements(text, _PRE, _stash_pre)
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = _OPEN_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK.sub(r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = _mark_tag_newlines(text)
    text = re.sub(r"\s*<param([^>]*)>\s*", r"<param\1>", text)
    text = re.sub(r"\s*</embed>\s*", "</embed>", text)
    text = re.sub(r"\n\n+", "\n\n", text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    text = "".join("<p>" + p.strip("\n") + "</p>\n" for p in paragraphs)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(r"<p>\s*" + _ANY_BLOCK_TAG + r"\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(r"<p>\s*" + _ANY_BLOCK_TAG, r"\1", text, flags=re.IGNORECASE)
    text = re.sub(_ANY_BLOCK_TAG + r"\s*</p>", r"\1", text, flags=re.IGNORECASE)
    if br:
        text = sub_elements(text, _PRESERVE, lambda e: e.replace("\n", _KEEP_NEWLINE))
        text = re.sub(r"<br\s*/?>", "<br />", text, flags=re.IGNORECASE)
        text = re.sub(r"(?<!<br />)\s*\n", "<br />\n", text)
        text = text.replace(_KEEP_NEWLINE, "\n")
    text = re.sub(_ANY_BLOCK_TAG + r"\s*<br />", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(
        r"<br />(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I
    )
    text = re.sub(r"\n</p>$", "</p>", text)
    for name, original in pre_tags.items():
        text = text.replace(name, original)
    return text.replace(_NEWLINE_MARK, "\n").replace("<!-- wpnl -->", "\n")


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
