"""Package narrated PCM as audiobooks: m4b (AAC via PyAV) or mp3 (lameenc + mutagen ID3 chapters).

With `m4b.py`, `mp3.py` and `tags.py`, the only modules importing av, lameenc and mutagen;
never a system ffmpeg. Audio is encoded in *segments*: PCM is streamed into an encoder chunk
by chunk and its packets into a segment file; a book is assembled from its segment files in
order (frames copied, or packets muxed, never decoded again) into `.<name>.part`, renamed into
place when whole.
Memory stays flat: one chunk of PCM, one packet, one copy buffer at a time.

A segment that is not the book's last must span exactly `extent` samples of the time line (a
multiple of every codec frame, see `timeline.py`): it is fed `extent - unfed_tail(fmt)` samples,
whose end lies in a pause, and its packets then cover the extent exactly, so the next segment's
audio starts where the time line says, to the sample.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO, Literal

from exporter.errors import AudioError
from exporter.write.audio import m4b, mp3
from exporter.write.audio import tags as tagging
from exporter.write.audio.common import (
    AudioTags,
    ChapterMark,
    SegmentFile,
    atomic_output,
    begin_segment,
    chapter_spans,
    even_blocks,
    failures,
    finish_segment,
    read_segment,
)

__all__ = [
    "FORMATS",
    "AudioTags",
    "ChapterMark",
    "assemble_audiobook",
    "codec_signature",
    "decode_pcm",
    "encode_mp3",
    "encode_segment",
    "probe_duration",
    "read_chapters",
    "unfed_tail",
    "write_audiobook",
]

Format = Literal["m4b", "mp3"]
FORMATS: tuple[Format, ...] = ("m4b", "mp3")
Encoder = Callable[[Iterable[bytes], BinaryIO, int], tuple[int, int, int]]
_ENCODERS: dict[str, Encoder] = {"m4b": m4b.encode_segment, "mp3": mp3.encode_segment}
_TAILS = {"m4b": m4b.TAIL, "mp3": mp3.TAIL}
_SIGNATURES = {"m4b": m4b.SIGNATURE, "mp3": mp3.SIGNATURE}


def _check(fmt: str) -> Format:
    """The format, if it is one this module writes."""
    for known in FORMATS:
        if fmt == known:
            return known
    raise AudioError(f"unknown audiobook format {fmt!r} (m4b or mp3)")


def codec_signature(fmt: str) -> str:
    """Everything about a format's encoder that decides its bytes (for segment cache keys)."""
    return _SIGNATURES[_check(fmt)]


def unfed_tail(fmt: str) -> int:
    """Samples at the end of a non-final segment's extent that its encoder is not fed."""
    return _TAILS[_check(fmt)]


def _frame(fmt: Format, sample_rate: int) -> int:
    """Samples per packet of a format at a sample rate."""
    return m4b.AAC_FRAME if fmt == "m4b" else mp3.frame_samples(sample_rate)


def encode_segment(
    fmt: str, chunks: Iterable[bytes], path: Path, *, sample_rate: int, extent: int | None
) -> SegmentFile:
    """Encode mono s16le PCM into one segment file, atomically.

    `extent` is the time-line span a non-final segment's packets must cover exactly (None for
    the book's last segment, which covers whatever it is fed).
    """
    encoder = _ENCODERS[_check(fmt)]
    with atomic_output(Path(path)) as part, open(part, "w+b") as out:
        begin_segment(out)
        with failures(f"{fmt} encoding failed"):
            packets, samples, spanned = encoder(even_blocks(chunks), out, sample_rate)
        if extent is not None and spanned != extent:
            raise AudioError(f"a {fmt} segment spans {spanned} samples instead of {extent}")
        finish_segment(out, packets, samples)
    return SegmentFile(Path(path), packets, samples)


def assemble_audiobook(
    path: Path,
    fmt: str,
    segments: Sequence[Path],
    *,
    sample_rate: int,
    total_samples: int,
    chapters: Sequence[ChapterMark],
    tags: AudioTags,
) -> None:
    """Join segment files, in order, into an m4b or mp3 audiobook with chapters, atomically."""
    kind = _check(fmt)
    spans = chapter_spans(chapters, total_samples)
    files = [read_segment(p) for p in segments]
    found = [f for f in files if f is not None]
    if not found or len(found) != len(files):
        raise AudioError(f"{path.name}: an encoded segment is missing")
    frame = _frame(kind, sample_rate)
    length = sum(f.packets * frame for f in found[:-1]) + found[-1].samples
    if length != total_samples:
        raise AudioError(f"expected {total_samples} samples of narration, got {length}")
    with atomic_output(Path(path)) as part, failures(f"could not write {path.name}"):
        if kind == "m4b":
            m4b.write_m4b(part, found, sample_rate, spans, tags)
            if tags.cover is not None:
                tagging.add_mp4_cover(part, tags.cover)
        else:
            with open(part, "wb") as out:
                mp3.write_mp3(out, found)
            tagging.write_id3(part, spans, sample_rate, tags)


def write_audiobook(
    path: Path,
    fmt: str,
    chunks: Iterable[bytes],
    *,
    sample_rate: int,
    total_samples: int,
    chapters: Sequence[ChapterMark],
    tags: AudioTags,
) -> None:
    """Stream mono s16le PCM into an m4b or mp3 audiobook with chapters, atomically."""
    path = Path(path)
    chapter_spans(chapters, total_samples)  # refuse bad chapters before encoding anything
    spool = path.with_name(f".{path.name}.segment")
    try:
        encode_segment(_check(fmt), chunks, spool, sample_rate=sample_rate, extent=None)
        assemble_audiobook(
            path, fmt, [spool], sample_rate=sample_rate, total_samples=total_samples,
            chapters=chapters, tags=tags,
        )  # fmt: skip
    finally:
        spool.unlink(missing_ok=True)


def encode_mp3(chunks: Iterable[bytes], *, sample_rate: int) -> bytes:
    """Encode mono s16le PCM as a gapless 64 kb/s MP3 (LAME Info tag; timing as the input)."""
    with tempfile.TemporaryDirectory(prefix=f"exporter-mp3-{os.getpid()}-") as folder:
        segment = encode_segment(
            "mp3", chunks, Path(folder) / "all.segment", sample_rate=sample_rate, extent=None
        )
        target = Path(folder) / "all.mp3"
        with open(target, "wb") as out, failures("MP3 encoding failed"):
            mp3.write_mp3(out, [segment])
        return target.read_bytes()


# ---------------------------------------------------------------- reading back


def read_chapters(path: Path) -> list[tuple[str, float, float]]:
    """Read an audiobook's chapters as (title, start_s, end_s): mutagen for mp3, PyAV otherwise."""
    path = Path(path)
    with failures(f"cannot read chapters of {path.name}"):
        if path.suffix.lower() == ".mp3":
            return tagging.read_id3_chapters(path)
        return m4b.read_chapters(path)


def decode_pcm(path: Path) -> tuple[int, Iterator[bytes]]:
    """An audiobook's sample rate and decoded audio (mono float32 chunks), as players hear it."""
    with failures(f"cannot decode {Path(path).name}"):
        return m4b.decode_pcm(Path(path))


def measure_file(path: Path) -> tuple[float, float]:
    """An audiobook's integrated loudness (LUFS) and true peak (dBTP) as decoded, by FFmpeg."""
    with failures(f"cannot measure {Path(path).name}"):
        return m4b.measure_file(Path(path))


def probe_duration(path: Path) -> float:
    """Return an audiobook's playing time in seconds, as a player would show it."""
    with failures(f"cannot read {Path(path).name}"):
        duration = m4b.probe_duration(path)
    if duration is None:
        raise AudioError(f"{Path(path).name} has no known duration")
    return duration
