"""The one place output file names come from: every file a book writes, named from its slug."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

AUDIO_FORMATS = ("m4b", "mp3")
SITE_INDEX = "index.html"


@dataclass(frozen=True)
class Outputs:
    """Every file one book (a post or the anthology) may write into the output folder."""

    out_dir: Path
    slug: str

    def _named(self, suffix: str) -> Path:
        return self.out_dir / f"{self.slug}{suffix}"

    @property
    def epub(self) -> Path:
        """The e-book."""
        return self._named(".epub")

    @property
    def read_along(self) -> Path:
        """The e-book with its narration as media overlays."""
        return self._named(".read-along.epub")

    @property
    def cover(self) -> Path:
        """The cover image (JPEG, 1400x1400), for download pages and podcast feeds."""
        return self._named(".cover.jpg")

    @property
    def transcript(self) -> Path:
        """The WebVTT transcript of what is spoken."""
        return self._named(".vtt")

    def audiobook(self, fmt: str) -> Path:
        """The audiobook in one format (m4b or mp3)."""
        if fmt not in AUDIO_FORMATS:
            raise ValueError(f"unknown audio format {fmt!r}")
        return self._named(f".{fmt}")

    @property
    def page(self) -> Path:
        """The listen-and-read web page (never the download page's own name)."""
        name = f"{self.slug}.html"
        return self.out_dir / (f"{self.slug}-post.html" if name == SITE_INDEX else name)

    @property
    def chapters(self) -> Path:
        """The podcast chapters (JSON chapters, Podcasting 2.0) of the narration."""
        return self._named(".chapters.json")

    @property
    def chapter_files(self) -> Path:
        """The zip of one MP3 per chapter, in order (`--chapter-files`)."""
        return self._named(".chapters.zip")

    @property
    def narration_scratch(self) -> Path:
        """A hidden MP3 the read-along needs when no mp3 audiobook is asked for; removed after."""
        return self.out_dir / f".{self.slug}.narration.mp3.part"

    def every_name(self) -> tuple[str, ...]:
        """The names of every file this book could write, for clash checks."""
        audio = map(self.audiobook, AUDIO_FORMATS)
        paths = (self.epub, self.read_along, self.transcript, self.cover, *audio)
        paths += (self.page, self.chapters, self.chapter_files)
        return tuple(p.name for p in paths)


@dataclass(frozen=True)
class Wish:
    """A book that wants the names of one slug, with what ranks it and what makes it unique."""

    source: Path
    slug: str
    date: datetime | None
    post_id: str
    content: str  # a digest of title and body: equal digests are the same post synced twice


@dataclass(frozen=True)
class Decision:
    """The slug a wish gets (a duplicate: its twin's); `rival` kept the slug it wanted;
    `duplicate_of` the twin, when the wish is not built."""

    slug: str
    rival: Path | None = None
    duplicate_of: Path | None = None


def _rank(wish: Wish) -> tuple[datetime, str, str]:
    """Who keeps a contested slug: the earliest post_date, then the lowest ID, then the path."""
    return (wish.date or datetime.max, wish.post_id.zfill(20), str(wish.source))


def _suffixes(wish: Wish) -> Iterable[str]:
    """Suffixes to try for a wish that lost its slug: its date, its ID, both, then numbers."""
    day = wish.date.strftime("%Y-%m-%d") if wish.date else ""
    ident = f"id{wish.post_id}" if wish.post_id else ""
    for suffix in (day, ident, f"{day}-{ident}" if day and ident else ""):
        if suffix:
            yield suffix
    number = 2
    while True:
        yield str(number)
        number += 1


@dataclass(frozen=True)
class SiteOutputs:
    """The files the whole output folder shares: download page, podcast feed, style and script."""

    out_dir: Path

    @property
    def index(self) -> Path:
        """The download page listing every book."""
        return self.out_dir / SITE_INDEX

    @property
    def feed(self) -> Path:
        """The podcast feed (RSS 2.0 with iTunes and Podcasting 2.0 tags)."""
        return self.out_dir / "feed.xml"

    def static(self, name: str) -> Path:
        """A stylesheet or script the pages link to, by its file name."""
        return self.out_dir / name


@dataclass
class Claims:
    """Which source owns which output names in one run, so no two books ever write one file."""

    owners: dict[str, Path] = field(default_factory=dict)

    def holder(self, outputs: Outputs) -> Path | None:
        """The source that already claimed one of these names, or None when all are free."""
        return next((self.owners[n] for n in outputs.every_name() if n in self.owners), None)

    def claim(self, outputs: Outputs, owner: Path) -> None:
        """Record that `owner` writes every name of `outputs`."""
        for name in outputs.every_name():
            self.owners.setdefault(name, owner)

    def decide(self, out_dir: Path, wishes: Iterable[Wish]) -> dict[Path, Decision]:
        """Give every wish names of its own, the same whatever order the wishes come in.

        Each slug goes to its best-ranked wish (`_rank`); a wish with the same content as
        one that got the slug is a duplicate, built once; any other loser gets its slug plus
        its date or ID (`_suffixes`), tried only after every uncontested slug is taken.
        """
        ranked = sorted(wishes, key=_rank)
        decisions: dict[Path, Decision] = {}
        losers: list[Wish] = []
        for wish in ranked:
            outputs = Outputs(out_dir, wish.slug)
            if self.holder(outputs) is None:
                self.claim(outputs, wish.source)
                decisions[wish.source] = Decision(wish.slug)
            else:
                losers.append(wish)
        built: dict[tuple[str, str], Path] = {
            (w.slug, w.content): w.source for w in ranked if w.source in decisions
        }
        for wish in losers:
            rival = self.holder(Outputs(out_dir, wish.slug))
            twin = built.get((wish.slug, wish.content))
            if twin is not None:
                decisions[wish.source] = Decision(decisions[twin].slug, rival, duplicate_of=twin)
                continue
            slug = next(
                candidate
                for suffix in _suffixes(wish)
                if self.holder(Outputs(out_dir, candidate := f"{wish.slug}-{suffix}")) is None
            )
            self.claim(Outputs(out_dir, slug), wish.source)
            built[(wish.slug, wish.content)] = wish.source
            decisions[wish.source] = Decision(slug, rival)
        return decisions
