"""Segmented encoding with real encoders: exact timing, one segment per edit, reuse, cleanup."""

from __future__ import annotations

import dataclasses
import gc
import itertools
import shutil
import threading
import tracemalloc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np
import pytest

from exporter.errors import AudioError
from exporter.narrate import loudness
from exporter.narrate import timeline as timeline_module
from exporter.narrate.cache import AudioCache
from exporter.narrate.script import Script, Utterance
from exporter.narrate.synthesis import NarrationStats
from exporter.narrate.timeline import GRID, build_timeline
from exporter.run.audiobook import Narrated, encode_segments, narrate_book
from exporter.run.lexicons import load_lexicon
from exporter.run.load import load_book
from exporter.write.audio import segments as segments_module
from exporter.write.audio.assemble import (
    ChapterMark,
    assemble_audiobook,
    encode_segment,
    probe_duration,
    read_chapters,
    unfed_tail,
)
from exporter.write.audio.common import AudioTags, read_segment
from exporter.write.audio.segments import EarlyEncoder, SegmentJob, encode_job, segment_jobs

from .conftest import SEED, Built

RATE = 22050
TAGS = AudioTags("Segments", "Tester", "Tests", language="en")
PAUSES = [
    300,
    300,
    300,
    300,
    300,
    300,
    700,
    300,
    800,
    300,
    300,
    1200,
    300,
    300,
    300,
    300,
    300,
    2000,
]
TOLERANCE = RATE // 1000  # 1 ms


@dataclass(frozen=True)
class Book:
    """A test book encoded in segments: its narration, cache, folder and segments encoded."""

    narrated: Narrated
    cache: AudioCache
    folder: Path
    encoded: int


def utterance_pcm(seed: int) -> np.ndarray:
    """A speech-like burst: enveloped noise, unique per seed, 0.4 to 1.6 s long."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(int(0.4 * RATE), int(1.6 * RATE)))
    envelope = np.sin(np.linspace(0, np.pi, n)) ** 0.5
    return (rng.standard_normal(n) * 6000 * envelope).clip(-32000, 32000).astype("<i2")


def make_book(cache: AudioCache, seeds: list[int]) -> Narrated:
    """Narrate a script of noise bursts into `cache` and lay out its time line."""
    utterances, keys, lengths = [], [], []
    for i, seed in enumerate(seeds):
        pcm = utterance_pcm(seed)
        key = cache.key(f"utterance {seed}", "v", 200, "e", "1")
        if key not in cache:
            cache.put(key, pcm.tobytes(), RATE)
        chapter = 0 if i < len(seeds) // 2 else 1
        utterances.append(Utterance(f"u{seed}", f"s{i}", chapter, PAUSES[i % len(PAUSES)]))
        keys.append(key)
        lengths.append(len(pcm))
    script = Script(tuple(utterances), ("First", "Second"))
    timeline = build_timeline(script, lengths, RATE)
    stats = NarrationStats(len(seeds), 0, 0, 0, 0.0)
    ceiling = loudness.PCM_CEILING_DBTP
    return Narrated(script, tuple(keys), timeline, stats, -20.0, 1.5, ceiling, -19.0)


def jobs_of(narrated: Narrated, cache: AudioCache, fmt: str) -> list[SegmentJob]:
    """The segment jobs of a narration at its own gain."""
    return segment_jobs(
        narrated.timeline, narrated.keys, cache, fmt, gain_db=narrated.gain_db,
        ceiling=narrated.ceiling,
    )  # fmt: skip


def write_books(narrated: Narrated, cache: AudioCache, folder: Path, jobs: int = 1) -> int:
    """Encode what the cache lacks and assemble both formats; return segments encoded."""
    segments, encoded = encode_segments(narrated, cache, ["m4b", "mp3"], jobs)
    timeline = narrated.timeline
    titles = ("First", "Second")
    chapters = [ChapterMark(t, s) for t, s in zip(titles, timeline.chapter_starts, strict=True)]
    for fmt in ("m4b", "mp3"):
        assemble_audiobook(
            folder / f"book.{fmt}", fmt, segments[fmt], sample_rate=RATE,
            total_samples=timeline.total, chapters=chapters, tags=TAGS,
        )  # fmt: skip
    return encoded


def decode(path: Path) -> np.ndarray:
    """Decode an audiobook with PyAV (gapless info and edit lists honoured) to float samples."""
    with av.open(str(path)) as container:
        frames = [f.to_ndarray().reshape(-1) for f in container.decode(audio=0)]
    return np.concatenate(frames).astype(np.float64)


def worst_offset(narrated: Narrated, cache: AudioCache, audio: np.ndarray) -> int:
    """The largest distance, in samples, between where a cue is heard and where it should be."""
    worst = 0
    for cue, key in zip(narrated.timeline.cues, narrated.keys, strict=True):
        pcm = cache.get(key)
        assert pcm is not None
        ref = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
        low = max(cue.start - 3 * TOLERANCE, 0)
        scores = np.correlate(audio[low : cue.end + 3 * TOLERANCE], ref, mode="valid")
        worst = max(worst, abs(low + int(np.argmax(scores)) - cue.start))
    return worst


@pytest.fixture(scope="module")
def short_segments() -> Iterator[None]:
    """Cut segments after 2 s instead of 10 s, so a short test book has many."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timeline_module, "MIN_SECONDS", 2.0)
        patch.setattr(timeline_module, "MAX_SECONDS", 3.0)
        patch.setattr(segments_module, "PROVISIONAL_SECONDS", 2.0)
        yield


@pytest.fixture(scope="module")
def encoded_book(tmp_path_factory: pytest.TempPathFactory, short_segments: None) -> Book:
    """A 36-utterance book encoded in segments, both formats."""
    folder = tmp_path_factory.mktemp("segments")
    cache = AudioCache(folder / "cache")
    narrated = make_book(cache, list(range(36)))
    return Book(narrated, cache, folder, write_books(narrated, cache, folder))


def test_segments_are_grid_aligned_and_pauses_change_by_less_than_the_grid(
    encoded_book: Book,
) -> None:
    """Segments tile the time line on the grid; a cut pause changes by less than GRID samples."""
    narrated, encoded = encoded_book.narrated, encoded_book.encoded
    timeline = narrated.timeline
    segments = timeline.segments
    assert len(segments) >= 5 and encoded == 2 * len(segments)
    assert segments[0].start == 0 and segments[-1].end == timeline.total
    cut_after = []
    for before, after in itertools.pairwise(segments):
        assert before.end == after.start and before.stop == after.first
        assert (before.end - before.start) % GRID == 0
        cue = timeline.cues[before.stop - 1]
        pause_ms = narrated.script.utterances[before.stop - 1].pause_ms
        nominal = pause_ms * RATE // 1000
        if pause_ms <= 1200:  # pauses grow to the grid, chapter pauses shrink to it
            assert nominal <= cue.pause_end - cue.end < nominal + GRID
        else:
            assert nominal - GRID < cue.pause_end - cue.end <= nominal
        assert timeline.cues[after.first].start == after.start + after.lead
        cut_after.append(pause_ms)
    assert {300, 700, 2000} <= set(cut_after)  # sentence pauses only past MAX_SECONDS
    assert all(cue.pause_end - cue.end <= 2 * RATE for cue in timeline.cues)


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_concatenated_segments_decode_to_the_time_line(encoded_book: Book, fmt: str) -> None:
    """Every utterance is heard where the time line says (within 1 ms; measured: exactly)."""
    narrated, cache, folder = encoded_book.narrated, encoded_book.cache, encoded_book.folder
    audio = decode(folder / f"book.{fmt}")
    assert len(audio) >= narrated.timeline.total
    if fmt == "mp3":
        assert len(audio) == narrated.timeline.total
    assert worst_offset(narrated, cache, audio) <= TOLERANCE
    for segment in narrated.timeline.segments[1:]:  # the codecs' seams lie in silence
        seam = audio[segment.start - 2048 : segment.start + segment.lead]
        assert np.abs(seam).max() < 0.01
    heard = probe_duration(folder / f"book.{fmt}")
    assert abs(heard - narrated.timeline.total / RATE) <= 0.001


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_chapters_start_at_their_cues(encoded_book: Book, fmt: str) -> None:
    """Chapter marks read back at the time line's chapter starts (within 1 ms)."""
    narrated, folder = encoded_book.narrated, encoded_book.folder
    chapters = read_chapters(folder / f"book.{fmt}")
    assert [c[0] for c in chapters] == ["First", "Second"]
    for (_, start, _), want in zip(chapters, narrated.timeline.chapter_starts, strict=True):
        assert abs(start - want / RATE) <= 0.001


def test_editing_one_utterance_encodes_one_segment(tmp_path: Path) -> None:
    """A longer sentence early on re-encodes its own segment only; later ones just move."""
    cache = AudioCache(tmp_path / "cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timeline_module, "MIN_SECONDS", 2.0)
        patch.setattr(timeline_module, "MAX_SECONDS", 60.0)  # no cut at a sentence pause moves
        narrated = make_book(cache, list(range(36)))
        assert write_books(narrated, cache, tmp_path) == 2 * len(narrated.timeline.segments)
        seeds = list(range(36))
        longer = len(utterance_pcm(1)) + GRID
        seeds[1] = next(s for s in range(1000, 2000) if len(utterance_pcm(s)) > longer)
        edited = make_book(cache, seeds)  # a sentence of the first segment, 0.42 s longer+
    assert len(narrated.timeline.segments) > 3
    assert edited.timeline.total > narrated.timeline.total
    assert write_books(edited, cache, tmp_path) == 2  # one segment, two formats
    assert write_books(edited, cache, tmp_path) == 0
    for fmt in ("m4b", "mp3"):
        audio = decode(tmp_path / f"book.{fmt}")
        assert worst_offset(edited, cache, audio) <= TOLERANCE


def test_parallel_encoding_gives_the_same_segments(encoded_book: Book, tmp_path: Path) -> None:
    """Segments encoded in two threads side by side are byte-identical to those encoded alone."""
    narrated, cache = encoded_book.narrated, encoded_book.cache
    fresh = AudioCache(tmp_path / "cache")
    for key in narrated.keys:
        pcm = cache.get(key)
        assert pcm is not None
        fresh.put(key, pcm, RATE)
    segments, encoded = encode_segments(narrated, fresh, ["m4b", "mp3"], 2)
    assert encoded == 2 * len(narrated.timeline.segments)
    for fmt, paths in segments.items():
        jobs = jobs_of(narrated, cache, fmt)
        for job, path in zip(jobs, paths, strict=True):
            assert path.read_bytes() == job.path.read_bytes()


def test_early_encoder_follows_the_narration(short_segments: None, tmp_path: Path) -> None:
    """Sentences arriving one by one get their closed segments encoded before the end."""
    source = AudioCache(tmp_path / "source")
    narrated = make_book(source, list(range(200, 230)))
    cache = AudioCache(tmp_path / "cache")
    early_encoder = EarlyEncoder(
        narrated.script, narrated.keys, RATE, cache, ["mp3"], target_lufs=-19.0,
        ceiling=narrated.ceiling,
    )  # fmt: skip
    with early_encoder as early:
        for key in narrated.keys:
            pcm = source.get(key)
            assert pcm is not None
            cache.put(key, pcm, RATE)
            early.advance()
        early.drain()  # synthesis takes longer than this loop: give the thread its time
    assert early.gain_db is not None
    narrated = dataclasses.replace(narrated, gain_db=early.gain_db)
    jobs = jobs_of(narrated, cache, "mp3")
    done = [job.path.is_file() for job in jobs]
    assert any(done) and not done[-1]  # the last segment is left for write_audiobooks
    _, encoded = encode_segments(narrated, cache, ["mp3"], 1)
    assert encoded == done.count(False)
    assert not list((cache.root / "segments").rglob("*.part"))


def test_clear_removes_segments(tmp_path: Path) -> None:
    """clean-cache removes encoded segments along with sentence audio."""
    copy = AudioCache(tmp_path / "cache")
    small = make_book(copy, [1, 2, 3])
    encode_segments(small, copy, ["mp3"], 1)
    files = sum(1 for p in copy.root.rglob("*") if p.is_file())
    assert copy.clear() == files and not (copy.root / "segments").exists()


def test_segmented_memory_stays_flat(short_segments: None, tmp_path: Path) -> None:
    """Encoding and assembling a book holds a segment's worth of audio at most."""
    cache = AudioCache(tmp_path / "cache")
    narrated = make_book(cache, list(range(300, 540)))
    gc.collect()
    tracemalloc.start()
    write_books(narrated, cache, tmp_path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # Well under the book's PCM (16 MB: long enough that what does not grow with the book stays
    # small beside it); the slack covers interpreter tables and cyclic garbage that grow now and
    # then (seen: a 1.8 MB resize of the interned-string table inside pathlib; 6.9 MB once in a
    # full two-worker run, with a book half this long).
    pcm = narrated.timeline.total * 2
    threads = [t.name for t in threading.enumerate()]
    assert peak < pcm // 2, f"{peak} bytes for {pcm} bytes of PCM; threads: {threads}"


def test_a_damaged_segment_is_encoded_again(tmp_path: Path) -> None:
    """A segment file that is not whole reads as missing and is replaced."""
    cache = AudioCache(tmp_path / "cache")
    narrated = make_book(cache, [7, 8, 9])
    segments, encoded = encode_segments(narrated, cache, ["m4b"], 1)
    assert encoded == len(segments["m4b"])
    segments["m4b"][0].write_bytes(b"EXSG\0")
    assert encode_segments(narrated, cache, ["m4b"], 1)[1] == 1
    assert encode_segments(narrated, cache, ["m4b"], 1)[1] == 0


def test_assembling_without_a_segment_fails_cleanly(tmp_path: Path) -> None:
    """A missing segment is an AudioError; no book and no part file are left behind."""
    cache = AudioCache(tmp_path / "cache")
    narrated = make_book(cache, [7, 8, 9])
    segments, _ = encode_segments(narrated, cache, ["mp3"], 1)
    segments["mp3"][-1].unlink()
    out = tmp_path / "out"
    with pytest.raises(AudioError, match="missing"):
        assemble_audiobook(
            out / "book.mp3", "mp3", segments["mp3"], sample_rate=RATE,
            total_samples=narrated.timeline.total, chapters=[], tags=TAGS,
        )  # fmt: skip
    assert not out.exists() or not list(out.iterdir())


def test_two_writers_of_one_segment_do_not_collide(tmp_path: Path) -> None:
    """Two builds encoding the same segment at once both succeed and leave one whole file."""
    cache = AudioCache(tmp_path / "cache")
    narrated = make_book(cache, [4, 5, 6, 7])
    job = jobs_of(narrated, cache, "m4b")[0]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(encode_job, [job, job]))
    assert read_segment(job.path) is not None
    assert [p.name for p in job.path.parent.iterdir()] == [job.path.name]


@pytest.mark.parametrize("fmt", ["m4b", "mp3"])
def test_a_segment_off_the_grid_is_refused(tmp_path: Path, fmt: str) -> None:
    """A non-final segment whose packets would not span its extent exactly is an AudioError."""
    pcm = utterance_pcm(3).tobytes()
    target = tmp_path / f"one.{fmt}seg"
    with pytest.raises(AudioError, match="spans"):
        encode_segment(fmt, [pcm], target, sample_rate=RATE, extent=GRID)
    assert list(tmp_path.iterdir()) == []
    fed = GRID - unfed_tail(fmt)
    encode_segment(fmt, [pcm[: 2 * fed]], target, sample_rate=RATE, extent=GRID)
    segment = read_segment(target)
    assert segment is not None and segment.samples == fed


def test_narrate_book_encodes_while_it_narrates(
    built: Built, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With formats, narrate_book's own key recipe finds the sentences and encodes segments."""
    cache = AudioCache(tmp_path / "cache")
    shutil.copytree(built.cache, cache.root, ignore=shutil.ignore_patterns("segments"))
    advance = EarlyEncoder.advance

    def advance_and_wait(self: EarlyEncoder) -> None:
        """Advance, then let the thread finish: nothing is synthesized, so no time is given."""
        advance(self)
        self.drain()

    monkeypatch.setattr(EarlyEncoder, "advance", advance_and_wait)
    narrated = narrate_book(
        load_book(SEED), lexicon=load_lexicon(), cache=cache, voice=None, rate=None, jobs=1,
        formats=["mp3"],
    )  # fmt: skip
    assert narrated.stats.synthesized == 0
    jobs = jobs_of(narrated, cache, "mp3")
    assert any(job.path.is_file() for job in jobs)  # the provisional gain was the final one


def test_in_threads_keeps_the_order_whatever_finishes_first() -> None:
    """Results come back in input order, in one thread or several, with a small window."""
    import random
    import time

    from exporter.workers import in_threads

    def slow_square(n: int) -> int:
        time.sleep(random.random() / 500)
        return n * n

    wanted = [n * n for n in range(60)]
    assert list(in_threads(slow_square, range(60), window=3)) == wanted
    assert list(in_threads(slow_square, range(60), threads=1)) == wanted
    assert list(in_threads(slow_square, iter([]), threads=2)) == []
