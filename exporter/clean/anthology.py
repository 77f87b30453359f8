"""Combine posts into one anthology Book: a part per post, in date order, by year or category."""

from __future__ import annotations

import dataclasses
import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from exporter.model.book import (
    Book,
    Chapter,
    Link,
    Metadata,
    NoteRef,
    Paragraph,
    Part,
    Resource,
    Text,
)

UNDATED = "Undated"
UNCATEGORIZED = "Uncategorized"
GROUPINGS = ("year", "category")  # what `--anthology-by` may name


def _retag(node: Any, prefix: str) -> Any:
    """A copy of a model node with every id, note reference and in-page link prefixed."""
    if isinstance(node, tuple):
        return tuple(_retag(item, prefix) for item in node)
    if not dataclasses.is_dataclass(node) or isinstance(node, type):
        return node
    changes: dict[str, Any] = {}
    for field in dataclasses.fields(node):
        value = getattr(node, field.name)
        if field.name == "id" or (isinstance(node, NoteRef) and field.name == "note_id"):
            changes[field.name] = f"{prefix}-{value}"
        elif isinstance(node, Link) and field.name == "href" and value.startswith("#"):
            changes[field.name] = f"#{prefix}-{value[1:]}"
        elif isinstance(value, tuple) or dataclasses.is_dataclass(value):
            changes[field.name] = _retag(value, prefix)
    return dataclasses.replace(node, **changes)


def _byline(meta: Metadata) -> Paragraph:
    """The line that opens a part: who wrote the post, and when."""
    words = [f"By {meta.author}." if meta.author else ""]
    if meta.date:
        words.append(f"Published {meta.date.strftime('%B')} {meta.date.day}, {meta.date.year}.")
    if meta.source_url:
        return Paragraph(
            (
                Text(" ".join(w for w in words if w) + " "),
                Link(meta.source_url, (Text(meta.source_url),)),
            )
        )
    return Paragraph((Text(" ".join(w for w in words if w)),))


def _sort_key(book: Book) -> tuple[int, datetime, str]:
    """Date order; undated posts last, by title."""
    if book.meta.date is None:
        return (1, datetime.min, book.meta.title)
    return (0, book.meta.date, book.meta.title)


def _most_common(values: Sequence[str], default: str) -> str:
    """The most frequent non-empty value (the first one seen on a tie)."""
    counted = Counter(v for v in values if v)
    return counted.most_common(1)[0][0] if counted else default


def _group(book: Book, by: str) -> str:
    """The group a post's part is listed under: its year, or its first category."""
    if by == "category":
        return book.meta.categories[0] if book.meta.categories else UNCATEGORIZED
    return str(book.meta.date.year) if book.meta.date else UNDATED


def _group_key(group: str) -> tuple[int, str]:
    """Categories by name, the uncategorized posts last."""
    return (group == UNCATEGORIZED, group.casefold())


def make_anthology(title: str, slug: str, books: Sequence[Book], by: str = "year") -> Book:
    """One Book holding every given book as a part, each opened by a chapter of its own.

    Parts are grouped by year (date order), or by each post's first category (categories by
    name, date order within one), so reading order and the table of contents agree.
    """
    ordered = sorted(books, key=_sort_key)
    if by == "category":
        ordered.sort(key=lambda book: _group_key(_group(book, by)))  # stable: dates kept within
    chapters: list[Chapter] = []
    parts: list[Part] = []
    resources: list[Resource] = []
    for number, book in enumerate(ordered, start=1):
        prefix = f"p{number:03d}"
        own = [_retag(chapter, prefix) for chapter in book.chapters]
        if own and own[0].title == book.meta.title:  # the post's lead chapter opens the part
            own[0] = dataclasses.replace(own[0], blocks=(_byline(book.meta), *own[0].blocks))
        else:
            own.insert(0, Chapter(prefix, book.meta.title, (_byline(book.meta),)))
        chapters.extend(own)
        parts.append(Part(prefix, book.meta.title, _group(book, by), tuple(c.id for c in own)))
        resources.extend(book.resources)
    metas = [b.meta for b in ordered]
    dates = [m.date for m in metas if m.date]
    seed = "anthology:" + title + ":" + " ".join(m.identifier for m in metas)
    meta = Metadata(
        title=title,
        author=_most_common([m.author for m in metas], "Various authors"),
        language=_most_common([m.language for m in metas], "en"),
        slug=slug,
        identifier=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}",
        date=max(dates) if dates else None,
        description=f"An anthology of {len(ordered)} posts.",
        site=_most_common([m.site for m in metas], ""),
    )
    unique = {r.href: r for r in resources}
    return Book(meta, tuple(chapters), tuple(unique.values()), tuple(parts))
