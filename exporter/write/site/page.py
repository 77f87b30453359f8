"""The listen-and-read page of one book: its text, the narration player, chapters, downloads.

The text is rendered by the same block renderer as the read-along EPUB (write/blocks.py), so
every sentence has the same id; the page carries each spoken element's times for site.js.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from exporter.atomic import write_atomic
from exporter.model.book import Book, repeats_title
from exporter.narrate.timeline import Timeline
from exporter.write.blocks import RenderContext, chapter_body, chapter_ids
from exporter.write.markup import labels_for, web_url
from exporter.write.site.card import Card
from exporter.write.site.chapters import chapter_marks
from exporter.write.site.share import page_share
from exporter.write.site.templates import render
from exporter.write.site.words import clock, file_size, site_labels


def book_markup(book: Book) -> str:
    """The book's chapters as HTML, with the read-along EPUB's ids and no EPUB attributes.

    Images the EPUB embeds are not files beside the page, so they show as their text and a
    link to where they live, as the EPUB shows images it does not carry.
    """
    parts = []
    for chapter in book.chapters:
        ctx = RenderContext(
            labels=labels_for(book.meta.language),
            base_url=web_url(book.meta.source_url or ""),
            fragment_ids=frozenset(chapter_ids(chapter)),
            note_ids=frozenset(note.id for note in chapter.footnotes),
            epub_types=False,
        )
        parts.append(chapter_body(chapter, ctx, show_title=not repeats_title(book, chapter)))
    return "\n".join(parts)


def cue_times(timeline: Timeline) -> list[tuple[str, float, float]]:
    """Each spoken element's id with its start and end in seconds (what site.js highlights)."""
    return [
        (cue.ref, round(timeline.seconds(cue.start), 3), round(timeline.seconds(cue.end), 3))
        for cue in timeline.cues
        if cue.ref
    ]


def page_html(
    book: Book,
    card: Card,
    timeline: Timeline | None,
    titles: Sequence[str],
    site_title: str = "",
    base_url: str | None = None,
) -> str:
    """The whole page; without a time line (no narration) it has no player and no chapter times.

    `site_title` is the site's name (header and `<title>`); `base_url` makes the preview's
    addresses absolute.
    """
    labels = site_labels(card.language)
    starts: list[float | None] = [None] * len(book.chapters)
    if timeline is not None:
        starts = [start for _, start in chapter_marks(titles, timeline)]
    chapters = [
        {"id": chapter.id, "title": chapter.title, "start": start,
         "clock": clock(start) if start is not None else ""}
        for chapter, start in zip(book.chapters, starts, strict=True)
    ]  # fmt: skip
    audio = [d for d in (card.download("m4b"), card.download("mp3")) if d is not None]
    return render(
        "page.html",
        lang=card.language,
        card=card,
        site_title=site_title or labels.all_books,
        share=page_share(card, site_title or labels.all_books, base_url),
        labels=labels,
        body=book_markup(book),
        chapters=chapters,
        audio=audio if timeline is not None else [],
        timings={"cues": cue_times(timeline)} if timeline is not None else None,
        duration=clock(card.audio_seconds or 0),
        date=labels.date(card.date) if card.date else "",
        file_size=file_size,
        source=web_url(card.permalink or ""),
    )


def write_page(
    path: Path,
    book: Book,
    card: Card,
    timeline: Timeline | None,
    titles: Sequence[str],
    site_title: str = "",
    base_url: str | None = None,
) -> Path:
    """Write the listen-and-read page of a book atomically."""
    write_atomic(path, page_html(book, card, timeline, titles, site_title, base_url).encode())
    return path
