"""Find a post's footnotes in the soup: the marks in the text, the notes they point at."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from bs4 import BeautifulSoup, Tag
from bs4.element import PageElement

from exporter.clean import elements as tags
from exporter.clean.elements import EMBEDS, HEADINGS
from exporter.clean.html.walker import gone
from exporter.clean.inlines import collapse
from exporter.clean.notes import Notes
from exporter.model.book import Block, NoteRef

_NOTE_TAGS = frozenset({"li", "p", "div", "aside", "dd", "section", "footer"})

Blocks = Callable[[Iterable[PageElement], int, int], tuple[Block, ...]]
"""Cleans nested content into blocks: (nodes, depth, nest) -> blocks (`Walker.blocks`)."""


def take_notes(soup: BeautifulSoup, refs: dict[int, NoteRef], blocks: Blocks) -> Notes:
    """Find footnote marks (recorded in `refs` by the id of the tag they replace) and their
    notes; take the notes out of the body, cleaned into blocks by `blocks`."""
    order: dict[int, int] = {}
    targets: dict[str, Tag] = {}
    for index, tag in enumerate(soup.find_all(True)):
        order[id(tag)] = index
        for key in (tag.get("id"), tag.get("name") if tag.name == "a" else None):
            if key:
                targets.setdefault(str(key), tag)
    found: dict[int, tuple[str, Tag]] = {}
    ref_ids: set[str] = set()
    for a in soup.find_all("a", href=True):
        href = str(a["href"]).strip()
        target = targets.get(href[1:]) if href.startswith("#") else None
        note = _note_of(target) if target is not None and _ref_like(a) else None
        if note is None or order[id(note)] < order[id(a)] or any(p is note for p in a.parents):
            continue
        key = f"note-{order[id(note)]}"
        label = re.sub(r"[\[\]()\s]", "", a.get_text()) or str(len(found) + 1)
        sup = a.parent
        whole = sup is not None and collapse(sup.get_text()) == collapse(a.get_text())
        outer = sup if sup is not None and sup.name == "sup" and whole else a
        refs[id(outer)] = NoteRef(key, label[:8])
        ref_ids.update(str(t.get("id")) for t in (a, outer) if t.get("id"))
        found.setdefault(id(note), (key, note))
    notes: Notes = {}
    labels: dict[str, str] = {}
    lists: dict[int, Tag | None] = {}
    for ref in refs.values():
        labels.setdefault(ref.note_id, ref.label)
    for key, note in sorted(found.values(), key=lambda kn: order[id(kn[1])]):
        if gone(note) or any(gone(p) for p in note.parents):
            continue
        for back in note.find_all("a", href=True):
            href = str(back["href"]).strip()
            if href[1:] in ref_ids or tags.BACKLINK.match(back.get_text()):
                back.decompose()
        label = labels[key]
        content = blocks(note.children, 0, 1)
        lists.setdefault(id(note.parent), note.parent)
        note.decompose()
        if content:
            notes[key] = (label, content)
    for parent in lists.values():  # once at the end: pruning per note would be quadratic
        _prune_empty(parent)
    return notes


def _ref_like(a: Tag) -> bool:
    """True for a link that looks like a footnote mark (see `tags.ref_like`)."""
    marks = " ".join([*(a.get_attribute_list("class") or []), str(a.get("role") or "")])
    in_sup = a.find_parent("sup") is not None or a.find("sup") is not None
    return tags.ref_like(marks, in_sup, a.get_text())


def _note_of(target: Tag) -> Tag | None:
    """The block a footnote link points at (the paragraph around a bare anchor), if note-like."""
    note: Tag | None = target
    while note is not None and note.name not in _NOTE_TAGS:
        note = note.parent
    if note is None or note.name in ("[document]", "body", "html"):
        return None
    if note.find(list(HEADINGS)) or not collapse(note.get_text()):
        return None
    return note


def _prune_empty(tag: Tag | None) -> None:
    """Remove the note list a footnote came from once nothing visible is left in it."""
    while (
        isinstance(tag, Tag)
        and tag.name in ("ol", "ul", "div", "section", "aside", "footer")
        and not collapse(tag.get_text())
        and tag.find(["img", *EMBEDS]) is None
    ):
        parent = tag.parent
        tag.decompose()
        tag = parent
