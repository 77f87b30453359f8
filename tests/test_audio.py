"""Tests of audiobook packaging: m4b and mp3 chapters and tags, atomic writes, MP3 timing."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import tracemalloc
from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

import av
import mutagen.id3
import mutagen.mp3
import pytest

from exporter.errors import AudioError
from exporter.write.audio.assemble import (
    AudioTags,
    ChapterMark,
    encode_mp3,
    probe_duration,
    read_chapters,
    write_audiobook,
)

RATE = 22050
TAGS = AudioTags("A Book", "An Author", "A Site", date="2024-05-01", language="en-US")
TITLES = ["Opening", "Middle: ünïcode", "End"]
SECONDS = [1.5, 2.25, 1.2]
Fmt = Literal["m4b", "mp3"]
_id3: Any = mutagen.id3
_mp3: Any = mutagen.mp3


def tone(seconds: float, hz: float, amplitude: int = 8000) -> bytes:
    """A sine tone as mono s16le PCM at RATE."""
    n = round(seconds * RATE)
    wave = array("h", (int(amplitude * math.sin(2 * math.pi * hz * i / RATE)) for i in range(n)))
    return wave.tobytes()


def silence(seconds: float) -> bytes:
    """Silence as mono s16le PCM at RATE."""
    return bytes(2 * round(seconds * RATE))


def book_pcm() -> list[bytes]:
    """Three chapters of tones at different pitches."""
    return [tone(s, hz) for s, hz in zip(SECONDS, (330, 550, 770), strict=True)]


def marks(parts: list[bytes]) -> list[ChapterMark]:
    """Chapter marks at the start of each part."""
    starts = [sum(len(p) // 2 for p in parts[:i]) for i in range(len(parts))]
    return [ChapterMark(t, s) for t, s in zip(TITLES, starts, strict=True)]


def odd_chunks(parts: list[bytes], size: int = 7777) -> Iterator[bytes]:
    """Stream the parts in odd-sized chunks that split samples across chunk boundaries."""
    data = b"".join(parts)
    for offset in range(0, len(data), size):
        yield data[offset : offset + size]


def write(path: Path, fmt: Fmt, parts: list[bytes]) -> None:
    """Write a three-chapter book from the parts."""
    total = sum(len(p) // 2 for p in parts)
    write_audiobook(
        path, fmt, odd_chunks(parts), sample_rate=RATE, total_samples=total,
        chapters=marks(parts), tags=TAGS,
    )  # fmt: skip


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One m4b and one mp3 of the same three chapters."""
    folder = tmp_path_factory.mktemp("books")
    result = {}
    for fmt in ("m4b", "mp3"):
        result[fmt] = folder / f"book.{fmt}"
        write(result[fmt], fmt, book_pcm())
    return result


def expected_spans() -> list[tuple[str, float, float]]:
    """Titles with the start and end seconds the chapters should have."""
    starts = [sum(SECONDS[:i]) for i in range(3)]
    return [(t, s, s + d) for t, s, d in zip(TITLES, starts, SECONDS, strict=True)]


def assert_spans(found: list[tuple[str, float, float]]) -> None:
    """Chapters come back with the right titles, in order, within 50 ms."""
    assert [t for t, _, _ in found] == TITLES
    for (_, start, end), (_, want_start, want_end) in zip(found, expected_spans(), strict=True):
        assert abs(start - want_start) < 0.05 and abs(end - want_end) < 0.05


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_chapters_read_back_with_our_reader_and_pyav(books: dict[str, Path], fmt: str) -> None:
    """read_chapters (mutagen for mp3) and PyAV both see three ordered, well-timed chapters."""
    assert_spans(read_chapters(books[fmt]))
    with av.open(str(books[fmt])) as container:
        chapters = container.chapters()
    assert_spans(
        [
            (c["metadata"]["title"], float(c["start"] * (c["time_base"] or 1)),
             float(c["end"] * (c["time_base"] or 1)))
            for c in chapters
        ]
    )  # fmt: skip


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_tags_and_duration(books: dict[str, Path], fmt: str) -> None:
    """Title, artist and album are readable by PyAV; the duration matches the PCM."""
    with av.open(str(books[fmt])) as container:
        meta = container.metadata
        stream = container.streams.audio[0]
        assert stream.sample_rate == RATE and stream.codec_context.channels == 1
    assert (meta["title"], meta["artist"], meta["album"]) == ("A Book", "An Author", "A Site")
    assert meta.get("date", "").startswith("2024")
    assert abs(probe_duration(books[fmt]) - sum(SECONDS)) < 0.05
    assert not list(books[fmt].parent.glob("*.part"))


def test_m4b_is_an_audiobook_mp4(books: dict[str, Path]) -> None:
    """The m4b is AAC in an MP4 with the M4B brand, English language and ~64 kb/s at most."""
    with av.open(str(books["m4b"])) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "aac"
        assert container.metadata["major_brand"].strip() == "M4B"
        assert stream.metadata.get("language") == "eng"
        assert stream.bit_rate is not None and stream.bit_rate <= 70_000


def test_mp3_id3_frames(books: dict[str, Path]) -> None:
    """The mp3 has ID3 text frames and a top-level, ordered CTOC over CHAP frames."""
    tags = _id3.ID3(str(books["mp3"]))
    assert str(tags["TIT2"]) == "A Book" and str(tags["TPE1"]) == "An Author"
    assert str(tags["TALB"]) == "A Site" and str(tags["TLAN"]) == "eng"
    (toc,) = tags.getall("CTOC")
    assert toc.flags & _id3.CTOCFlags.TOP_LEVEL and toc.flags & _id3.CTOCFlags.ORDERED
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert list(toc.child_element_ids) == sorted(chaps, key=lambda k: chaps[k].start_time)
    info = _mp3.MP3(str(books["mp3"])).info
    assert info.sample_rate == RATE and info.bitrate == 64000
    assert abs(info.length - sum(SECONDS)) < 0.01


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
@pytest.mark.parametrize("error", [RuntimeError, KeyboardInterrupt])
def test_failure_mid_stream_leaves_nothing(tmp_path: Path, fmt: Fmt, error: type) -> None:
    """An error or Ctrl-C inside the PCM stream leaves no book and no .part; an old book stays."""
    parts = book_pcm()

    def failing() -> Iterator[bytes]:
        """Yield some audio, then fail."""
        yield parts[0]
        raise error("stop")

    target = tmp_path / f"book.{fmt}"
    expected = AudioError if error is RuntimeError else KeyboardInterrupt
    with pytest.raises(expected):
        write_audiobook(
            target, fmt, failing(), sample_rate=RATE, total_samples=10**6,
            chapters=marks(parts), tags=TAGS,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []
    target.write_bytes(b"previous book")
    with pytest.raises(expected):
        write_audiobook(
            target, fmt, failing(), sample_rate=RATE, total_samples=10**6,
            chapters=marks(parts), tags=TAGS,
        )  # fmt: skip
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_bytes() == b"previous book"


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_wrong_sample_total_or_chapter_order_is_an_audio_error(tmp_path: Path, fmt: Fmt) -> None:
    """A stream shorter than announced, or chapters out of order, fail cleanly."""
    parts = book_pcm()
    total = sum(len(p) // 2 for p in parts)
    with pytest.raises(AudioError, match="samples"):
        write_audiobook(
            tmp_path / f"a.{fmt}", fmt, iter(parts), sample_rate=RATE, total_samples=total + 1,
            chapters=marks(parts), tags=TAGS,
        )  # fmt: skip
    with pytest.raises(AudioError, match="ascending"):
        write_audiobook(
            tmp_path / f"b.{fmt}", fmt, iter(parts), sample_rate=RATE, total_samples=total,
            chapters=list(reversed(marks(parts))), tags=TAGS,
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_a_book_without_chapters(tmp_path: Path, fmt: Fmt) -> None:
    """No chapter marks give a playable file with no chapters."""
    path = tmp_path / f"plain.{fmt}"
    write_audiobook(
        path, fmt, [silence(1.0)], sample_rate=RATE, total_samples=RATE, chapters=[], tags=TAGS
    )
    assert read_chapters(path) == []
    assert abs(probe_duration(path) - 1.0) < 0.01


def test_encode_mp3_of_nothing_is_an_audio_error() -> None:
    """An empty stream is refused with a clear message."""
    with pytest.raises(AudioError, match="no audio"):
        encode_mp3(iter([b""]), sample_rate=RATE)


def decode(path: Path) -> list[float]:
    """Decode an audio file with PyAV into float samples of its first channel."""
    samples: list[float] = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            plane = bytes(frame.planes[0])[: frame.samples * 4]
            samples.extend(memoryview(plane).cast("f"))
    return samples


@pytest.mark.parametrize("onset", [0.0, 0.5037, 1.2345])
def test_encode_mp3_keeps_timing(tmp_path: Path, onset: float) -> None:
    """A click at t plays at t (within 20 ms; measured exact) and the length is unchanged."""
    pcm = silence(onset) + tone(0.05, 1000, 12000) + silence(1.0)
    path = tmp_path / "clip.mp3"
    path.write_bytes(encode_mp3(odd_chunks([pcm], 3001), sample_rate=RATE))
    decoded = decode(path)
    heard = next(i for i, v in enumerate(decoded) if abs(v) > 0.1) / RATE
    assert abs(heard - onset) < 0.020
    assert abs(len(decoded) - len(pcm) // 2) <= 1
    assert abs(probe_duration(path) - len(pcm) / 2 / RATE) < 0.005


def test_streaming_keeps_memory_flat(tmp_path: Path) -> None:
    """Three minutes of PCM pass through both encoders without piling up in Python memory."""
    chunk = tone(1.0, 440)
    seconds = 180
    for fmt in ("m4b", "mp3"):
        tracemalloc.start()
        write_audiobook(
            tmp_path / f"long.{fmt}", fmt, (chunk for _ in range(seconds)),
            sample_rate=RATE, total_samples=seconds * RATE, chapters=[ChapterMark("All", 0)],
            tags=TAGS,
        )  # fmt: skip
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < 2_000_000, f"{fmt}: {peak} bytes for {seconds * RATE * 2} bytes of PCM"
        assert abs(probe_duration(tmp_path / f"long.{fmt}") - seconds) < 0.05


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed")
@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_ffprobe_agrees(books: dict[str, Path], fmt: str) -> None:
    """Where ffprobe exists, it reads the same chapters."""
    run = subprocess.run(
        ["ffprobe", "-v", "error", "-show_chapters", "-of", "json", str(books[fmt])],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    chapters = json.loads(run.stdout)["chapters"]
    assert_spans(
        [(c["tags"]["title"], float(c["start_time"]), float(c["end_time"])) for c in chapters]
    )
