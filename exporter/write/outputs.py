"""The one place output file names come from: every file a book writes, named from its slug."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    def narration_scratch(self) -> Path:
        """A hidden MP3 the read-along needs when no mp3 audiobook is asked for; removed after."""
        return self.out_dir / f".{self.slug}.narration.mp3.part"

    def every_name(self) -> tuple[str, ...]:
        """The names of every file this book could write, for clash checks."""
        audio = map(self.audiobook, AUDIO_FORMATS)
        paths = (self.epub, self.read_along, self.transcript, *audio, self.page, self.chapters)
        return tuple(p.name for p in paths)


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
