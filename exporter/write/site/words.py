"""The words, dates, sizes and durations the site pages show, in the book's language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SiteLabels:
    """The words the site pages add around a book's own text."""

    books: str = "Books"
    downloads: str = "Downloads"
    chapters: str = "Chapters"
    narration: str = "Narration"
    epub: str = "EPUB"
    read_along: str = "Read-along EPUB"
    m4b: str = "Audiobook (m4b)"
    mp3: str = "Audiobook (MP3)"
    transcript: str = "Transcript (WebVTT)"
    feed: str = "Podcast feed"
    all_books: str = "All books"
    listen: str = "Listen and read"
    original: str = "Original post"
    no_audio: str = "This book has no narration."
    words: str = "words"
    listening: str = "listening time"
    undated: str = "Undated"
    by: str = "by"
    months: tuple[str, ...] = (
        "January", "February", "March", "April", "May", "June", "July",
        "August", "September", "October", "November", "December",
    )  # fmt: skip
    date_format: str = "{day} {month} {year}"

    def download(self, kind: str) -> str:
        """The label of a download of one kind."""
        names = {"epub": self.epub, "read-along": self.read_along, "m4b": self.m4b}
        return names.get(kind, self.mp3)

    def date(self, iso: str) -> str:
        """An ISO date written out in this language (15 April 2012)."""
        day = datetime.fromisoformat(iso)
        month = self.months[day.month - 1]
        return self.date_format.format(day=day.day, month=month, year=day.year)


_LABELS = {
    "en": SiteLabels(),
    "es": SiteLabels(
        books="Libros", downloads="Descargas", chapters="Capítulos", narration="Narración",
        read_along="EPUB con lectura sincronizada", m4b="Audiolibro (m4b)",
        mp3="Audiolibro (MP3)", transcript="Transcripción (WebVTT)", feed="Feed del pódcast",
        all_books="Todos los libros", listen="Escuchar y leer", original="Entrada original",
        no_audio="Este libro no tiene narración.", words="palabras",
        listening="de escucha", undated="Sin fecha", by="por",
        months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                "septiembre", "octubre", "noviembre", "diciembre"),
        date_format="{day} de {month} de {year}",
    ),
    "nb": SiteLabels(
        books="Bøker", downloads="Nedlastinger", chapters="Kapitler", narration="Opplesning",
        read_along="EPUB med opplesning", m4b="Lydbok (m4b)", mp3="Lydbok (MP3)",
        transcript="Transkripsjon (WebVTT)", feed="Podkast-feed", all_books="Alle bøker",
        listen="Lytt og les", original="Opprinnelig innlegg",
        no_audio="Denne boken har ingen opplesning.", words="ord", listening="lyttetid",
        undated="Udatert", by="av",
        months=("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                "september", "oktober", "november", "desember"),
        date_format="{day}. {month} {year}",
    ),
    "sv": SiteLabels(
        books="Böcker", downloads="Nedladdningar", chapters="Kapitel", narration="Uppläsning",
        read_along="EPUB med uppläsning", m4b="Ljudbok (m4b)", mp3="Ljudbok (MP3)",
        transcript="Transkription (WebVTT)", feed="Podcastflöde", all_books="Alla böcker",
        listen="Lyssna och läs", original="Ursprungligt inlägg",
        no_audio="Den här boken har ingen uppläsning.", words="ord", listening="lyssningstid",
        undated="Odaterad", by="av",
        months=("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                "september", "oktober", "november", "december"),
        date_format="{day} {month} {year}",
    ),
}  # fmt: skip
_LABELS["no"] = _LABELS["nn"] = _LABELS["nb"]


def site_labels(language: str) -> SiteLabels:
    """The labels for a BCP 47 language tag, falling back to English."""
    return _LABELS.get(language.split("-")[0].strip().lower(), _LABELS["en"])


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
