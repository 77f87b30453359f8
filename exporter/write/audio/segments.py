"""Encode the narration segment by segment into the cache, only the segments not cached yet.

A segment's encoded bytes depend only on what is fed to its encoder: its lead silence, its
utterances (cache key and length) with the silence after each, how many samples are fed, and
the encoder's settings. All of that goes into the segment's cache key, so a segment whose
sentences did not change is never encoded again, wherever it now lies in the book. With more
than one core, missing segments are encoded in threads side by side (the encoders release
the GIL).

Encoding can also start before the narration is complete (EarlyEncoder): eSpeak NG synthesizes
in native code with the GIL released and the narration loop mostly waits for it, so encoders
running in a thread overlap with synthesis instead of following it. As sentences land in the
cache (in script order) they are laid out on the time line; each segment the layout closes is
final (a segment depends only on its own sentences) and goes to the thread. The book's last
segment, and whatever the thread has not reached when synthesis ends, are left to
`encode_missing`. A failure in the thread only costs time: the segment is encoded again later,
where errors are reported.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from exporter.errors import AudioError
from exporter.narrate import levels
from exporter.narrate.cache import AudioCache, digest
from exporter.narrate.script import Script
from exporter.narrate.timeline import GRID, LEAD, TAIL, Cue, Layout, Segment, Timeline
from exporter.workers import in_threads
from exporter.write.audio.assemble import codec_signature, encode_segment, unfed_tail
from exporter.write.audio.common import read_segment

if TYPE_CHECKING:  # the meter pulls in numpy and libebur128: loaded only to measure or level
    from exporter.narrate.loudness import GainSearch

SEGMENT_SCHEMA = 2
_CHUNK = 8192  # samples fed to an encoder at a time
PROVISIONAL_SECONDS = 60.0  # narration measured before early segments are encoded


class Abandoned(AudioError):
    """A segment's encoding was stopped on purpose."""


@dataclass(frozen=True)
class SegmentJob:
    """One segment of one format: the PCM to feed its encoder and where its packets go."""

    fmt: str
    path: Path
    cache_root: Path
    lead: int
    parts: tuple[tuple[str, int, int], ...]  # (utterance cache key, samples, silence after)
    fed: int
    extent: int | None  # samples its packets must span; None for the book's last segment
    sample_rate: int
    gain_db: float  # the book's one gain, applied to every utterance
    ceiling: float  # true peak (dBTP) no utterance may pass after the gain


def segment_job(
    fmt: str,
    cache: AudioCache,
    sample_rate: int,
    segment: Segment,
    cues: Sequence[Cue],
    keys: Sequence[str],
    *,
    last: bool,
    gain_db: float,
    ceiling: float,
) -> SegmentJob:
    """The job for one segment (`last`: the book's last), named by its cache key.

    The key holds the book's gain and the limiter's settings: a sentence edit that leaves the
    quantized gain where it was re-encodes only the segment it is in.
    """
    parts = tuple(
        (keys[c.index], c.end - c.start, c.pause_end - c.end)
        for c in cues[segment.first : segment.stop]
    )
    span = segment.end - segment.start
    extent = None if last else span
    fed = span if last else span - unfed_tail(fmt)
    fields = [
        SEGMENT_SCHEMA, fmt, codec_signature(fmt), sample_rate, GRID, LEAD, TAIL, segment.lead,
        parts, fed, extent, gain_db, levels.signature(ceiling),
    ]  # fmt: skip
    key = digest(fields)
    path = cache.segment_path(key, fmt)
    return SegmentJob(
        fmt, path, cache.root, segment.lead, parts, fed, extent, sample_rate, gain_db, ceiling
    )


def segment_jobs(
    timeline: Timeline, keys: Sequence[str], cache: AudioCache, fmt: str, *, gain_db: float,
    ceiling: float,
) -> list[SegmentJob]:  # fmt: skip
    """One job per segment of the time line, in order."""
    final = len(timeline.segments) - 1
    return [
        segment_job(fmt, cache, timeline.sample_rate, segment, timeline.cues, keys,
                    last=index == final, gain_db=gain_db, ceiling=ceiling)
        for index, segment in enumerate(timeline.segments)
    ]  # fmt: skip


def _silence(samples: int) -> Iterator[bytes]:
    """Digital silence, a bounded chunk at a time."""
    while samples > 0:
        step = min(samples, _CHUNK)
        yield bytes(2 * step)
        samples -= step


def segment_pcm(cache: AudioCache, job: SegmentJob) -> Iterator[bytes]:
    """The PCM fed to a segment's encoder: lead, utterances and silences, cut at `fed` samples.

    Chunks are small, so an encoder thread never holds the GIL for long.
    """
    left = job.fed

    def take(chunks: Iterable[bytes]) -> Iterator[bytes]:
        """Pass chunks on until `fed` samples have gone."""
        nonlocal left
        for chunk in chunks:
            if left <= 0:
                return
            piece = chunk[: 2 * left]
            left -= len(piece) // 2
            yield piece

    yield from take(_silence(job.lead))
    for key, samples, silence in job.parts:
        pcm = _leveled(cache, key, job)
        if len(pcm) != 2 * samples:
            raise AudioError(f"narrated audio {key[:12]}… changed length in the cache")
        yield from take(pcm[i : i + 2 * _CHUNK] for i in range(0, len(pcm), 2 * _CHUNK))
        yield from take(_silence(silence))
    if left:
        raise AudioError(f"a segment is {left} samples short of the {job.fed} it needs")


def _leveled(cache: AudioCache, key: str, job: SegmentJob) -> bytes:
    """A sentence leveled for the job: cached by the gain search (no numpy needed), else now."""
    found = cache.get(levels.leveled_key(key, job.gain_db, job.ceiling))
    if found is not None:
        return found
    from exporter.narrate import loudness  # numpy: only to level

    return loudness.leveled_pcm(cache, key, job.gain_db, job.ceiling, job.sample_rate)


def encode_job(job: SegmentJob, stop: Callable[[], bool] | None = None) -> Path:
    """Encode one segment into its cache file (in a worker process, a thread or in-line).

    `stop` is asked between chunks; when it says so, the segment is abandoned (nothing stored).
    """
    pcm = segment_pcm(AudioCache(job.cache_root), job)
    if stop is not None:
        pcm = _until(stop, pcm)
    encode_segment(job.fmt, pcm, job.path, sample_rate=job.sample_rate, extent=job.extent)
    return job.path


def _until(stop: Callable[[], bool], chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Pass chunks on; raise Abandoned as soon as `stop()` is true."""
    for chunk in chunks:
        if stop():
            raise Abandoned("segment encoding stopped")
        yield chunk


def missing(jobs: Sequence[SegmentJob]) -> list[SegmentJob]:
    """The jobs whose segment is not in the cache (or is damaged), without duplicates."""
    seen: set[Path] = set()
    result = []
    for job in jobs:
        if job.path not in seen and read_segment(job.path) is None:
            result.append(job)
        seen.add(job.path)
    return result


def encode_missing(jobs: Sequence[SegmentJob], workers: int | None = None) -> int:
    """Encode every segment the cache lacks, longest first, in threads; return how many.

    FFmpeg's AAC encoder (PyAV) and LAME (lameenc) release the GIL while they encode, so
    threads run the two formats, and several segments, side by side on separate cores: a
    single post uses every core without the start-up of a worker process. `workers` is the
    number of threads (default: one per core).
    """
    todo = sorted(missing(jobs), key=lambda job: -job.fed)
    for _ in in_threads(encode_job, todo, threads=workers):
        pass
    return len(todo)


# ---------------------------------------------------------------- while synthesis runs


@dataclass(frozen=True)
class _Step:
    """What the narration has reached: sentences laid out, and the segments they closed."""

    placed: int  # sentences laid out so far
    heard: float  # seconds of narration they make
    total: int | None  # the time line's length, once every sentence is laid out
    closed: tuple[Segment, ...]


class EarlyEncoder:
    """Follows the narration into the cache; measures and encodes closed segments in a thread."""

    def __init__(
        self, script: Script, keys: Sequence[str], sample_rate: int, cache: AudioCache,
        formats: Sequence[str], *, target_lufs: float, ceiling: float,
    ) -> None:  # fmt: skip
        """Watch for `keys` (one per utterance of `script`) and encode in `formats`.

        Segments need the book's gain, known only at the end: they are encoded with the gain
        measured on what is laid out so far, first after PROVISIONAL_SECONDS of narration, then
        again each time the narration has doubled (each sentence is measured once per gain
        tried, see `GainSearch`). Segments encoded under a gain that is not the final one are
        simply not used. When every sentence is cached already, the first estimate covers the
        whole book, and its gain comes from the cache when the book was measured before.
        Measuring happens in the thread too, so it overlaps synthesis instead of pausing it.
        """
        self.script, self.keys, self.cache = script, list(keys), cache
        self.formats = list(formats)
        self.layout = Layout(sample_rate)
        self.target_lufs, self.ceiling = target_lufs, ceiling
        self.search: GainSearch | None = None  # what is measured of the narration so far
        self.gain_db: float | None = None  # the gain the thread encodes with now
        self.steps: queue.SimpleQueue[_Step | None] = queue.SimpleQueue()
        self.given = self.taken = 0  # steps passed to the thread, steps it has finished
        self.idle = threading.Condition()
        self.closing = threading.Event()
        self.aborting = threading.Event()
        self.thread = threading.Thread(target=self._run, name="exporter-encoder", daemon=True)

    def __enter__(self) -> EarlyEncoder:
        """Start the encoder thread."""
        if self.formats:
            self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Let the thread finish its step (or abandon its segment on failure) and wait for it."""
        (self.closing if kind is None else self.aborting).set()
        self.closing.set()
        self.steps.put(None)
        if self.thread.is_alive():
            self.thread.join()

    def advance(self) -> None:
        """Lay out the sentences cached so far, in order; pass what they close to the thread."""
        utterances, placed = self.script.utterances, len(self.layout.cues)
        final = len(utterances) - 1
        start = placed
        closed: list[Segment] = []
        while placed <= final and not self.closing.is_set():
            info = self.cache.info(self.keys[placed])
            if info is None:
                break
            segment = self.layout.add(utterances[placed], info[1], last=placed == final)
            placed += 1
            if segment is not None:
                closed.append(segment)
        if placed == start:
            return
        heard = self.layout.cues[-1].end / self.layout.sample_rate
        total = self.layout.position if placed > final else None
        self.given += 1
        self.steps.put(_Step(placed, heard, total, tuple(closed)))

    def drain(self, timeout: float = 120.0) -> None:
        """Wait until the thread has finished every step passed to it so far (or has stopped)."""
        with self.idle:
            self.idle.wait_for(
                lambda: self.taken >= self.given or not self.thread.is_alive(), timeout
            )

    def _gain(self, step: _Step) -> float:
        """The book gain as measured on the sentences a step has laid out.

        Measured sentences stay measured (`GainSearch`); the whole book's gain is the final
        one, looked up in the cache first and kept there, as `narrate_book` asks for it.
        """
        placed = [(cue.start, self.keys[cue.index]) for cue in self.layout.cues[: step.placed]]
        rate = self.layout.sample_rate
        if step.total is not None:
            _, gain = levels.book_gain(
                self.cache, placed, rate, target=self.target_lufs, ceiling=self.ceiling,
                total=step.total, search=self.search,
            )  # fmt: skip
            return gain
        if self.search is None:
            from exporter.narrate import loudness  # numpy and libebur128: only to measure

            self.search = loudness.GainSearch(self.cache, rate, self.target_lufs, self.ceiling)
        self.search.add(placed[len(self.search.placed) :])
        return self.search.gain()[1]

    def _jobs(self, segment: Segment, gain_db: float) -> list[SegmentJob]:
        """A closed segment's job in every format."""
        return [
            segment_job(
                fmt, self.cache, self.layout.sample_rate, segment, self.layout.cues, self.keys,
                last=False, gain_db=gain_db, ceiling=self.ceiling,
            )
            for fmt in self.formats
        ]  # fmt: skip

    def _run(self) -> None:
        """Take steps until closed; let `drain` know when it stops."""
        try:
            self._steps()
        finally:
            with self.idle:
                self.idle.notify_all()

    def _steps(self) -> None:
        """Measure the gain when due, then encode the segments the cache lacks, step by step."""
        held: list[Segment] = []  # segments closed before a gain was measured
        next_estimate = PROVISIONAL_SECONDS  # narration (s) at which the gain is measured
        while not self.closing.is_set():
            step = self.steps.get()
            if step is None:
                return
            if step.heard >= next_estimate:
                try:
                    self.gain_db = self._gain(step)
                except Exception:  # lost time only: narrate_book measures, reports errors
                    self.search = None
                    return
                next_estimate = 2 * step.heard
            held.extend(step.closed)
            if self.gain_db is not None:
                jobs = [job for segment in held for job in self._jobs(segment, self.gain_db)]
                held.clear()
                if not self._encode(jobs):
                    return
            with self.idle:
                self.taken += 1
                self.idle.notify_all()

    def _encode(self, jobs: Sequence[SegmentJob]) -> bool:
        """Encode the jobs the cache lacks, in order; False when told to close first."""
        for job in jobs:
            if self.closing.is_set():
                return False
            if read_segment(job.path) is not None:
                continue
            try:
                encode_job(job, self.aborting.is_set)
            except Exception:  # lost time only: the segment is encoded again later
                continue
        return True
