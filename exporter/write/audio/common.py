"""Shared pieces of the audio writers: chapter marks, tags, atomic files, the segment file format.

A *segment file* holds one separately encoded stretch of narration: a small header (packet
count, PCM samples fed to the encoder, the SHA-256 of what follows), then the codec's packets
(raw MP3 frames, or AAC packets each prefixed with its 16-bit length). Audiobooks are
assembled from such files.
"""

from __future__ import annotations

import contextlib
import hashlib
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from exporter.atomic import atomic_path
from exporter.errors import AudioError, ExporterError

SEGMENT_MAGIC = b"EXSG"
SEGMENT_VERSION = 2
_HEADER = struct.Struct(">4sHIQ32s")  # magic, version, packets, samples fed, body's SHA-256
# fmt: off
_ISO639_2 = {"en": "eng", "de": "ger", "fr": "fre", "es": "spa", "it": "ita", "nl": "dut",
             "pt": "por", "sv": "swe", "da": "dan", "no": "nor", "fi": "fin", "pl": "pol",
             "cs": "cze", "ru": "rus", "uk": "ukr", "ja": "jpn", "zh": "chi", "ko": "kor",
             "nb": "nob", "nn": "nno"}
# fmt: on


@dataclass(frozen=True)
class ChapterMark:
    """A chapter of the audiobook: its title and the sample where it starts."""

    title: str
    start_sample: int


@dataclass(frozen=True)
class Cover:
    """Cover artwork: the image file's bytes and its media type (image/jpeg or image/png)."""

    data: bytes = field(repr=False)
    mime: str


@dataclass(frozen=True)
class AudioTags:
    """What an audiobook file says about itself."""

    title: str
    artist: str
    album: str
    date: str | None = None
    language: str | None = None
    cover: Cover | None = None


@dataclass(frozen=True)
class SegmentFile:
    """A segment file's header: where it is, how many packets it holds, samples fed."""

    path: Path
    packets: int
    samples: int

    @property
    def body_offset(self) -> int:
        """Where the packets start in the file."""
        return _HEADER.size


def language_code(language: str | None) -> str | None:
    """Turn a BCP 47 tag such as `en-US` into the ISO 639-2 code both formats expect."""
    if not language:
        return None
    primary = language.split("-")[0].split("_")[0].lower()
    return primary if len(primary) == 3 else _ISO639_2.get(primary)


def even_blocks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the chunks as whole 16-bit samples, carrying an odd byte over to the next chunk."""
    carry = b""
    for chunk in chunks:
        data = carry + bytes(chunk) if carry else bytes(chunk)
        cut = len(data) - len(data) % 2
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        raise AudioError("the PCM stream ends in half a sample")


def chapter_spans(chapters: Sequence[ChapterMark], total: int) -> list[tuple[str, int, int]]:
    """Check chapter starts and pair each with its end sample (the next start, or the end)."""
    starts = [c.start_sample for c in chapters]
    if any(s < 0 or s > total for s in starts) or starts != sorted(starts):
        raise AudioError(f"chapter starts must be ascending within 0..{total}: {starts}")
    ends = [*starts[1:], total][: len(starts)]  # no chapters, no ends
    return [(c.title, c.start_sample, end) for c, end in zip(chapters, ends, strict=True)]


@contextlib.contextmanager
def failures(what: str) -> Iterator[None]:
    """Report any library error inside the block as an AudioError about `what`."""
    try:
        yield
    except ExporterError:
        raise
    except Exception as exc:
        raise AudioError(f"{what}: {exc}") from exc


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a part path to write; rename it to `path` only if the block succeeds.

    On any failure (Ctrl-C included) the part file is removed and an existing `path` is kept;
    library errors become AudioError. Part names are unique, so several processes may write
    the same `path` at once (a cache).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as part:
            yield part
    except BaseException as exc:
        if isinstance(exc, ExporterError) or not isinstance(exc, Exception):
            raise
        raise AudioError(f"could not write {path.name}: {exc}") from exc


def begin_segment(out: BinaryIO) -> None:
    """Reserve room for the header at the start of a segment file."""
    out.write(bytes(_HEADER.size))


def _body_digest(file: BinaryIO) -> bytes:
    """The SHA-256 of a segment file's packets (everything after the header)."""
    file.seek(_HEADER.size)
    digest = hashlib.sha256()
    while chunk := file.read(1 << 16):
        digest.update(chunk)
    return digest.digest()


def finish_segment(out: BinaryIO, packets: int, samples: int) -> None:
    """Write the header of a segment file whose packets are all written (`out` is read too)."""
    out.flush()
    digest = _body_digest(out)
    out.seek(0)
    out.write(_HEADER.pack(SEGMENT_MAGIC, SEGMENT_VERSION, packets, samples, digest))


def read_segment(path: Path) -> SegmentFile | None:
    """Read a segment file's header; None if it is missing, not a whole segment file, or
    damaged (its packets disagree with the checksum in its header)."""
    try:
        with open(path, "rb") as f:
            magic, version, packets, samples, digest = _HEADER.unpack(f.read(_HEADER.size))
            if magic != SEGMENT_MAGIC or version != SEGMENT_VERSION or not packets:
                return None
            if _body_digest(f) != digest:
                return None
    except (OSError, struct.error):
        return None
    return SegmentFile(Path(path), packets, samples)
