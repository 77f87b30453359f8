"""Detect Markdown post bodies and render them to HTML; the only module using markdown-it-py.

Bodies count as Markdown by rule: one strong sign (an ATX `## heading` line, a fenced code
block, an inline `[text](url)` link or image) or two different weaker signs (a reference
definition, `**bold**`, a `> quote` line, two list-marker lines in a row, a setext underline,
a `` `code` `` span). Lines inside `<pre>` and fenced blocks are not looked at. Raw HTML in a
Markdown body passes through, so HTML/Markdown mixes render as both.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

from exporter.read.htmlscan import sub_elements

_MAX_NESTING = 60
_MAX_QUOTE_MARKS = 24
_MAX_INDENT = 48

_PRE = re.compile(r"<(pre)[\s>]", re.IGNORECASE)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}#{1,6}[ \t]+\S")
_INLINE_LINK = re.compile(r"!?\[[^\[\]\n]+\]\((?:https?://|/|#|mailto:|\.{0,2}/?[\w-]+\.\w)")
_REF_DEF = re.compile(r"^ {0,3}\[[^\]\n]+\]:[ \t]+\S")
_BOLD = re.compile(r"(?<![\w*])\*\*[^*\n]+\*\*(?![\w*])|(?<!\w)__[^_\n]+__(?!\w)")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?\S")
_LIST = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+\S")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-{2,})[ \t]*$")
_CODE_SPAN = re.compile(r"(?<!`)`[^`\n]+`(?!`)")
_QUOTE_PREFIX = re.compile(rf"^((?:[ \t]{{0,3}}>){{{_MAX_QUOTE_MARKS}}})(?:[ \t]{{0,3}}>)+")
_BLOCK_END = re.compile(
    r"</(?:p|div|h[1-6]|ul|ol|table|blockquote|figure|pre|section|dl)>\s*$", re.IGNORECASE
)
_NOTE_DEF = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]?(.*)$")
_NOTE_REF = re.compile(r"\[\^([^\[\]\s]+)\](?!:)")
_EMPTY_STRONG = re.compile(r"\*{4,}")
_RULE = re.compile(r"^ {0,3}(?:\*[ \t]*){3,}$")
_CODE_OR_TEXT = re.compile(r"(`+)[^`]*?\1|[^`]+|`+")


def _fenced(lines: list[str]) -> list[bool]:
    """For each line, True when it belongs to a fenced code block (fence lines included)."""
    flags: list[bool] = []
    fence = ""
    for line in lines:
        marker = _FENCE.match(line)
        if fence:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = ""
            flags.append(True)
        else:
            fence = marker.group(1) if marker else ""
            flags.append(bool(marker))
    return flags


def split_fences(text: str) -> list[tuple[bool, str]]:
    """The body as (is_fenced_code, chunk) pieces that join back to the same text."""
    lines = text.split("\n")
    groups: list[tuple[bool, list[str]]] = []
    for line, code in zip(lines, _fenced(lines), strict=True):
        if groups and groups[-1][0] == code:
            groups[-1][1].append(line)
        else:
            groups.append((code, [line]))
    return [(code, ("\n" if n else "") + "\n".join(part)) for n, (code, part) in enumerate(groups)]


def _prose_lines(text: str) -> list[str]:
    """The lines of a body outside `<pre>` elements and fenced code blocks."""
    lines = sub_elements(text, _PRE, lambda _: "").split("\n")
    return [line for line, code in zip(lines, _fenced(lines), strict=True) if not code]


def looks_markdown(text: str) -> bool:
    """True when a body is written in Markdown (see the module's rule)."""
    if any(_FENCE.match(line) for line in sub_elements(text, _PRE, lambda _: "").split("\n")):
        return True
    lines = _prose_lines(text)
    if any(_ATX.match(line) for line in lines) or _INLINE_LINK.search("\n".join(lines)):
        return True
    signs: set[str] = set()
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index else ""
        if _REF_DEF.match(line):
            signs.add("reference")
        if _BOLD.search(line):
            signs.add("bold")
        if _QUOTE.match(line):
            signs.add("quote")
        if _LIST.match(line) and _LIST.match(previous):
            signs.add("list")
        if _SETEXT.match(line) and previous.strip() and not previous.lstrip().startswith("<"):
            signs.add("setext")
        if _CODE_SPAN.search(line):
            signs.add("code")
    return len(signs) >= 2


def _tame(text: str) -> str:
    """Cap quote depth and indentation and end HTML blocks before Markdown, outside fences."""
    out: list[str] = []
    lines = text.split("\n")
    flags = _fenced(lines)
    for index, (line, code) in enumerate(zip(lines, flags, strict=True)):
        if code:
            out.append(line)
            continue
        if _inside_html_block(
            out, line, lines[index + 1 : index + 2], flags[index + 1 : index + 2]
        ):
            continue  # a blank line here would end the HTML block and make the rest code
        line = _drop_empty_strong(_QUOTE_PREFIX.sub(r"\1", line.expandtabs(4)))
        indent = len(line) - len(line.lstrip(" "))
        if out and _BLOCK_END.search(out[-1]) and line[:1] not in ("", " ", "<"):
            out.append("")  # Markdown glued to the HTML block before it
        out.append(line[indent - _MAX_INDENT :] if indent > _MAX_INDENT else line)
    return "\n".join(out)


def _drop_empty_strong(line: str) -> str:
    """Remove runs of four or more `*` (empty bold left by converted `<b></b>` soup, which
    Markdown shows as stars), outside code spans; a line of only stars stays a rule."""
    if "****" not in line or _RULE.match(line):
        return line
    return "".join(
        piece.group(0) if piece.group(0).startswith("`") else _EMPTY_STRONG.sub("", piece.group(0))
        for piece in _CODE_OR_TEXT.finditer(line)
    )


def _inside_html_block(out: list[str], line: str, after: list[str], fenced: list[bool]) -> bool:
    """True for a whitespace-only line between HTML lines, the next one indented as code."""
    if line.strip() or not out or not after or any(fenced):
        return False
    following = after[0].expandtabs(4)
    return (
        out[-1].lstrip().startswith("<")
        and following.startswith("    ")
        and (following.lstrip().startswith("<"))
    )


def _footnotes(text: str) -> str:
    """Turn `[^label]` references and `[^label]: text` definitions into HTML footnote markup."""
    notes: dict[str, list[str]] = {}
    body: list[tuple[str, bool]] = []
    current: list[str] | None = None
    lines = text.split("\n")
    for line, code in zip(lines, _fenced(lines), strict=True):
        match = None if code else _NOTE_DEF.match(line)
        if match:
            current = notes.setdefault(match.group(1), [])
            current.append(match.group(2))
        elif current is not None and not code and (line.startswith("    ") or not line.strip()):
            current.append(line.strip())
        else:
            current = None
            body.append((line, code))
    if not notes:
        return text
    labels = {label: str(n) for n, label in enumerate(notes, start=1)}

    def ref(match: re.Match[str]) -> str:
        label = match.group(1)
        if label not in labels:
            return match.group(0)
        n = labels[label]
        return f'<sup class="footnote-ref"><a href="#md-fn-{n}" id="md-fnref-{n}">{n}</a></sup>'

    def refs_outside_code(line: str) -> str:
        return "".join(
            piece.group(0) if piece.group(0).startswith("`") else _NOTE_REF.sub(ref, piece.group(0))
            for piece in _CODE_OR_TEXT.finditer(line)
        )

    lines = [line if code else refs_outside_code(line) for line, code in body]
    lines.append('\n<ol class="footnotes">')
    for label, text_lines in notes.items():
        content = "\n".join(text_lines).strip()
        lines.append(f'<li id="md-fn-{labels[label]}">\n\n{content}\n\n</li>')
    lines.append("</ol>\n")
    return "\n".join(lines)


@cache
def _renderer() -> MarkdownIt:
    """CommonMark with raw HTML, tables and strikethrough, and room for deep nesting.

    Built on first use: most posts are not Markdown, and the library takes time to import.
    """
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True, "maxNesting": _MAX_NESTING})
    md.enable(["table", "strikethrough"])
    return md


def render_markdown(text: str) -> str:
    """Render a Markdown body (footnotes included) to HTML."""
    return str(_renderer().render(_footnotes(_tame(text))))
