"""The words, dates, sizes and durations the site pages show, in the book's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from exporter.model.language import words_language, words_of


@dataclass(frozen=True)
class SiteLabels:
    """The words the site pages add around a book's own text."""

    books: str
    downloads: str
    chapters: str
    narration: str
    epub: str
    read_along: str
    m4b: str
    mp3: str
    chapter_files: str
    transcript: str
    feed: str
    all_books: str
    listen: str
    original: str
    no_audio: str
    words: str
    listening: str
    undated: str
    by: str
    about: str
    posts: str
    pages: str
    find: str
    search: str
    year: str
    category: str
    any_year: str
    any_category: str
    shown: str
    categories: str
    speed: str
    back: str
    forward: str
    resumed: str
    start_over: str
    months: tuple[str, ...]  # the language's calendar months
    date_format: str

    def download(self, kind: str) -> str:
        """The label of a download of one kind."""
        names = {"epub": self.epub, "read-along": self.read_along, "m4b": self.m4b,
                 "chapters": self.chapter_files}  # fmt: skip
        return names.get(kind, self.mp3)

    def date(self, iso: str) -> str:
        """An ISO date written out in this language (15 April 2012)."""
        day = datetime.fromisoformat(iso)
        month = self.months[day.month - 1]
        return self.date_format.format(day=day.day, month=month, year=day.year)


@cache
def _labels(language: str) -> SiteLabels:
    """The site's words of a language that has words, with its calendar's month names."""
    months = words_of(language, "calendar")["months"]
    return SiteLabels(**words_of(language, "site"), months=months)


def site_labels(language: str) -> SiteLabels:
    """The labels for a BCP 47 language tag, falling back to English."""
    return _labels(words_language(language.split("-")[0].strip().lower()) or "en")


def clock(seconds: float) -> str:
    """A time as H:MM:SS, or M:SS under an hour (chapter times, durations)."""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def file_size(size: int) -> str:
    """A file size for people: 840 KB, 12.3 MB."""
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} KB"
    return f"{size / 1_000_000:.1f} MB"
