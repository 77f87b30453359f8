"""The podcast chapters file (Podcasting 2.0 JSON chapters) from the narration's time line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from exporter.atomic import write_atomic
from exporter.narrate.timeline import Timeline

CHAPTERS_TYPE = "application/json+chapters"


def chapter_marks(titles: Sequence[str], timeline: Timeline) -> list[tuple[str, float]]:
    """Each chapter's title and start in seconds, as the audiobooks mark them."""
    starts = timeline.chapter_starts
    return [(t, round(timeline.seconds(s), 3)) for t, s in zip(titles, starts, strict=True)]


def chapters_json(titles: Sequence[str], timeline: Timeline) -> str:
    """The JSON chapters document: version and one {startTime, title} per chapter."""
    chapters = [
        {"startTime": start, "title": title} for title, start in chapter_marks(titles, timeline)
    ]
    data = {"version": "1.2.0", "chapters": chapters}
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_chapters(path: Path, titles: Sequence[str], timeline: Timeline) -> Path:
    """Write the JSON chapters file of a narration atomically."""
    write_atomic(path, chapters_json(titles, timeline).encode())
    return path
