"""WordPress's own paragraph rules (`wpautop`), ported: blank line → paragraph, newline → <br>."""

from __future__ import annotations

import re

_ALLBLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|"
    r"area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|"
    r"header|footer|nav|figure|figcaption|details|menu|summary)"
)
_OPEN_BLOCK = re.compile(r"(<" + _ALLBLOCKS + r"[\s/>])", re.IGNORECASE)
_CLOSE_BLOCK = re.compile(r"(</" + _ALLBLOCKS + r">)", re.IGNORECASE)
_ANY_BLOCK_TAG = r"(</?" + _ALLBLOCKS + r"[^>]*>)"
_TAG_OR_COMMENT = re.compile(r"<!--.*?-->|<[^>]*>", re.DOTALL)
_PRE = re.compile(r"<pre[\s>].*?</pre>", re.DOTALL | re.IGNORECASE)
_PRESERVE = re.compile(r"<(script|style|svg|math)[\s>].*?</\1>", re.DOTALL | re.IGNORECASE)
_NEWLINE_MARK = " <!-- wpnl --> "
_KEEP_NEWLINE = "<WPPreserveNewline />"


def looks_autop(body: str) -> bool:
    """True when the body needs WordPress's paragraph rules: text separated by blank lines."""
    return bool(re.search(r"\n\s*\n", body)) or "<p" not in body.lower()


def wpautop(text: str, br: bool = True) -> str:
    """Wrap blank-line separated text in <p> and single newlines in <br />, as WordPress does."""
    if not text.strip():
        return ""
    pre_tags: dict[str, str] = {}

    def _stash_pre(match: re.Match[str]) -> str:
        name = f"<pre wp-pre-tag-{len(pre_tags)}></pre>"
        pre_tags[name] = match.group(0)
        return name

    text = _PRE.sub(_stash_pre, text.replace("\r\n", "\n").replace("\r", "\n") + "\n")
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = _OPEN_BLOCK.sub(r"\n\n\1", text)
    text = _CLOSE_BLOCK.sub(r"\1\n\n", text)
    text = re.sub(r"(<hr\s*?/?>)", r"\1\n\n", text, flags=re.IGNORECASE)
    text = _TAG_OR_COMMENT.sub(lambda m: m.group(0).replace("\n", _NEWLINE_MARK), text)
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
        text = _PRESERVE.sub(lambda m: m.group(0).replace("\n", _KEEP_NEWLINE), text)
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
