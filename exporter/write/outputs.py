"""The one place output file names come from: every file a book writes, named from its slug."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

AUDIO_FORMATS = ("m4b", "mp3")


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
    def narration_scratch(self) -> Path:
        """A hidden MP3 the read-along needs when no mp3 audiobook is asked for; removed after."""
        return self.out_dir / f".{self.slug}.narration.mp3.part"

    def every_name(self) -> tuple[str, ...]:
        """The names of every file this book could write, for clash checks."""
        paths: tuple[Path, ...] = (self.epub, self.read_along, self.transcript, self.cover)
        paths += tuple(self.audiobook(fmt) for fmt in AUDIO_FORMATS)
        return tuple(p.name for p in paths)


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
