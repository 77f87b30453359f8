"""One MP3 per chapter, in order, in one zip: the files audiobook distributors ask for.

Each chapter is cut from the book's own PCM (the leveled samples the whole-book files are
encoded from) at its chapter marks, encoded on its own as a gapless MP3 and tagged with its
title, the book as album and its track number `n/N`. The zip (stored, not deflated: MP3 does
not shrink) names its members `01 Title.mp3` so any file list sorts them in reading order.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from exporter.atomic import atomic_path
from exporter.write.audio.assemble import encode_mp3
from exporter.write.audio.common import AudioTags, ChapterMark, chapter_spans, failures
from exporter.write.audio.tags import write_track_id3

_UNSAFE = re.compile(r"[^\w .,()&'-]+")


def member_name(number: int, total: int, title: str) -> str:
    """A chapter's file name inside the zip: zero-padded number, then a portable title."""
    plain = unicodedata.normalize("NFKC", title)
    shown = " ".join(_UNSAFE.sub(" ", plain).split())[:80].strip(" .") or "Chapter"
    return f"{number:0{max(2, len(str(total)))}d} {shown}.mp3"


def _cut(pcm: Iterable[bytes], lengths: Sequence[int]) -> Iterator[Iterator[bytes]]:
    """Split a stream of s16le chunks into consecutive runs of `lengths` samples."""
    chunks = iter(pcm)
    left = b""

    def run(samples: int) -> Iterator[bytes]:
        nonlocal left
        want = 2 * samples
        while want > 0:
            chunk = left or next(chunks, b"")
            left = b""
            if not chunk:
                return
            if len(chunk) > want:
                chunk, left = chunk[:want], chunk[want:]
            want -= len(chunk)
            yield chunk

    for samples in lengths:
        part = run(samples)
        yield part
        for _ in part:  # a run the caller did not finish is still consumed
            pass


def write_chapter_files(
    target: Path,
    pcm: Iterable[bytes],
    *,
    sample_rate: int,
    total_samples: int,
    chapters: Sequence[ChapterMark],
    tags: AudioTags,
) -> Path:
    """Write the zip of per-chapter MP3s atomically; the first chapter also takes the lead-in."""
    spans = chapter_spans(chapters, total_samples)
    if not spans:
        spans = [(tags.title, 0, total_samples)]
    lengths = [end - (0 if i == 0 else start) for i, (_, start, end) in enumerate(spans)]
    with (
        failures(f"cannot write {target.name}"),
        atomic_path(target) as part,
        tempfile.TemporaryDirectory(prefix="exporter-chapters-") as folder,
        zipfile.ZipFile(part, "w", zipfile.ZIP_STORED) as archive,
    ):
        runs = zip(_cut(pcm, lengths), spans, strict=True)
        for number, (chunks, (title, _, _)) in enumerate(runs, 1):
            track = Path(folder) / "track.mp3"
            track.write_bytes(encode_mp3(chunks, sample_rate=sample_rate))
            write_track_id3(track, tags, title, number, len(spans))
            info = zipfile.ZipInfo(member_name(number, len(spans), title), (1980, 1, 1, 0, 0, 0))
            with track.open("rb") as source, archive.open(info, "w") as sink:
                while block := source.read(1 << 16):
                    sink.write(block)
    return target
