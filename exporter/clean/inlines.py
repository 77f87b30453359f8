"""Tidy runs of inline model nodes: merge text, trim edges, flatten styles, cap nesting."""

from __future__ import annotations

import re
from collections.abc import Iterator

from exporter.model.book import Inline, LineBreak, Link, NoteRef, Style, Styled, Text, plain_text

SPACE = re.compile(r"[\s\u00a0]+")
MAX_INLINE_DEPTH = 24


def collapse(text: str) -> str:
    """Collapse whitespace (including no-break spaces) and strip."""
    return SPACE.sub(" ", text).strip()


def visible(content: tuple[Inline, ...] | list[Inline]) -> bool:
    """True when a run of inlines shows any text (a note mark alone is not text)."""
    return bool(plain_text(tuple(content)).strip())


def styled(style: Style, children: list[Inline], depth: int) -> list[Inline]:
    """Wrap children in a style, merging a nested same style; unwrap when empty or too deep."""
    flat: list[Inline] = []
    for child in children:  # <b><b>x</b></b> is just bold
        if isinstance(child, Styled) and child.style == style:
            flat.extend(child.children)
        else:
            flat.append(child)
    if depth > MAX_INLINE_DEPTH or not visible(flat):
        return flat
    return [Styled(style, tuple(flat))]


def linked(href: str, children: list[Inline], depth: int) -> list[Inline]:
    """Wrap children in a link; links never nest, so inner links are unwrapped."""
    if depth > MAX_INLINE_DEPTH or not visible(children):
        return children
    return [Link(href, tuple(unlink(children)))]


def unlink(children: list[Inline]) -> list[Inline]:
    """The same inlines with every link replaced by its content."""
    out: list[Inline] = []
    for child in children:
        if isinstance(child, Link):
            out.extend(unlink(list(child.children)))
        elif isinstance(child, Styled):
            out.append(Styled(child.style, tuple(unlink(list(child.children)))))
        else:
            out.append(child)
    return out


def trim(run: list[Inline]) -> tuple[Inline, ...]:
    """Merge adjacent text, drop leading and trailing breaks and spaces, no double breaks."""
    merged: list[Inline] = []
    pending: list[str] = []  # adjacent text, joined once (joining pairwise is quadratic)
    for node in [*run, None]:
        if isinstance(node, Text):
            pending.append(node.text)
            continue
        if pending and "".join(pending):
            merged.append(Text(SPACE.sub(" ", "".join(pending))))
        pending = []
        if node is None or (isinstance(node, LineBreak) and _breaks_at_end(merged) >= 2):
            continue
        merged.append(node)
    while merged and _blank(merged[0]):
        merged.pop(0)
    while merged and _blank(merged[-1]):
        merged.pop()
    if merged:
        merged[0] = _strip_edge(merged[0], left=True)
        merged[-1] = _strip_edge(merged[-1], left=False)
    return tuple(merged)


def _breaks_at_end(run: list[Inline]) -> int:
    """How many line breaks (with only spaces between them) end a run."""
    count = 0
    for node in reversed(run):
        if isinstance(node, LineBreak):
            count += 1
        elif isinstance(node, Text) and not node.text.strip():
            continue
        else:
            break
    return count


def _blank(node: Inline) -> bool:
    """True for a line break or text with nothing visible (a note mark is not blank)."""
    if isinstance(node, NoteRef):
        return False
    return isinstance(node, LineBreak) or not plain_text((node,)).strip()


def _strip_edge(node: Inline, left: bool) -> Inline:
    """Strip spaces and breaks at one edge of a node, descending into styles and links."""
    if isinstance(node, Text):
        return Text(node.text.lstrip() if left else node.text.rstrip())
    if isinstance(node, Styled | Link) and node.children:
        kids = list(node.children)
        while len(kids) > 1 and _blank(kids[0 if left else -1]):
            kids.pop(0 if left else -1)
        index = 0 if left else -1
        kids[index] = _strip_edge(kids[index], left)
        if isinstance(node, Styled):
            return Styled(node.style, tuple(kids))
        return Link(node.href, tuple(kids))
    return node


def text_pieces(content: list[Inline]) -> Iterator[str]:
    """The text pieces of inline nodes (line breaks as spaces, note marks skipped)."""
    for node in content:
        if isinstance(node, Text):
            yield node.text
        elif isinstance(node, LineBreak):
            yield " "
        elif isinstance(node, Styled | Link):
            yield from text_pieces(list(node.children))
