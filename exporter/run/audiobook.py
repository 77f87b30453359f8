"""Narrate a Book and write what is heard: audiobooks, the transcript, the read-along overlays."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from exporter import log
from exporter.atomic import write_atomic
from exporter.errors import AudioError
from exporter.model.book import Book
from exporter.narrate import levels
from exporter.narrate.cache import AudioCache
from exporter.narrate.engines import DEFAULT_ENGINE, Engine, open_engine
from exporter.narrate.lexicon import Lexicon
from exporter.narrate.normalize import engine_text, normalize, speak_url
from exporter.narrate.script import Script, speech_script
from exporter.narrate.synthesis import NarrationStats, narrate, sample_count
from exporter.narrate.timeline import Timeline, build_timeline
from exporter.run.settings import Settings
from exporter.write.audio.assemble import (
    AudioTags,
    ChapterMark,
    assemble_audiobook,
    measure_file,
)
from exporter.write.audio.common import Cover
from exporter.write.audio.segments import (
    EarlyEncoder,
    encode_missing,
    segment_jobs,
    segment_pcm,
)
from exporter.write.epub.pages import chapter_file_name
from exporter.write.epub.plan import MediaOverlayDoc
from exporter.write.epub.smil import chapter_overlay, smil_document
from exporter.write.vtt import webvtt

READ_ALONG_AUDIO = "audio/narration.mp3"
DEFAULT_LOUDNESS = -19.0  # LUFS integrated: audiobook and mono podcast norms
TRUE_PEAK_LIMIT = -3.0  # dBTP no audiobook file may pass, decoded
LOUDNESS_TOLERANCE = 1.0  # LU either side of the target


@dataclass(frozen=True)
class Narrated:
    """A book's narration: the script, each utterance's cached audio, and the time line."""

    script: Script
    keys: tuple[str, ...]
    timeline: Timeline
    stats: NarrationStats
    narration_lufs: float  # the narration as synthesized, measured over the whole time line
    gain_db: float  # the one gain every utterance gets (quantized)
    ceiling: float  # the true peak (dBTP) the leveled PCM stays under
    target_lufs: float
    voice: str = ""  # the voice that spoke it, as the engine names it


def book_texts(book: Book, lexicon: Lexicon) -> tuple[Script, list[str]]:
    """What is said for a book: its speech script, and each utterance's text as the engine
    gets it (the one recipe for a local build and a cluster's workers)."""
    language = book.meta.language
    script = speech_script(
        book, lambda text: normalize(text, lexicon), lambda url: speak_url(url, language)
    )
    return script, [engine_text(u.text, lexicon) for u in script.utterances]


def synthesize_texts(
    texts: Sequence[str], voice_id: str | None, settings: Settings, cache: AudioCache,
    engine: str = DEFAULT_ENGINE,
) -> list[str]:  # fmt: skip
    """Put the audio of texts into the cache as narrate_book would, with the post's engine
    and the settings' rate (on a cluster's worker); return their cache keys."""
    return narrate(
        texts, voice=voice_id, rate=settings.rate, cache=cache, jobs=1, engine=engine
    ).keys


def narrate_book(
    book: Book,
    *,
    lexicon: Lexicon,
    cache: AudioCache,
    voice: str | None,
    rate: int | None,
    jobs: int,
    engine: str = DEFAULT_ENGINE,
    on_done: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
    formats: Sequence[str] = (),
    target_lufs: float = DEFAULT_LOUDNESS,
) -> Narrated:
    """Build the speech script, synthesize what the cache lacks, and lay out the time line.

    Without a voice, `engine` picks one for the book's language (or warns and uses its default).
    With `formats`, segments of those audiobook formats are encoded (into the cache) while
    later sentences are still being synthesized; `write_audiobooks` then finds them there.
    `jobs` worker processes synthesize, for an engine that gains from them (`Engine.parallel`).
    """
    language = book.meta.language
    script, texts = book_texts(book, lexicon)
    if on_start is not None:
        on_start(len(texts))
    speaker = open_engine(engine, voice, rate, language)
    # the same key recipe as narrate() uses
    keys = [cache.key(t, speaker.voice, speaker.rate, speaker.name, speaker.version) for t in texts]
    early: EarlyEncoder | contextlib.nullcontext[None] = contextlib.nullcontext()
    if formats and texts:
        early = EarlyEncoder(
            script, keys, speaker.sample_rate, cache, formats, target_lufs=target_lufs,
            ceiling=levels.PCM_CEILING_DBTP,
        )  # fmt: skip

    workers = jobs if speaker.parallel else 1  # encoders use the other cores in threads

    def reuse(_voice: str | None, _rate: int | None) -> Engine:
        """The engine already open (eSpeak NG starts once a process; a Piper model loads once)."""
        return speaker

    def done(count: int) -> None:
        """Report progress; let the early encoder see what is now cached."""
        if on_done is not None:
            on_done(count)
        if isinstance(early, EarlyEncoder):
            early.advance()

    with early:
        result = narrate(
            texts, voice=speaker.voice, rate=speaker.rate, cache=cache, jobs=workers,
            on_done=done, engine=engine, engine_factory=reuse if workers == 1 else None,
        )  # fmt: skip
    lengths = [sample_count(cache, key) for key in result.keys]
    timeline = build_timeline(script, lengths, result.sample_rate)
    placed = [(cue.start, result.keys[cue.index]) for cue in timeline.cues]
    ceiling = levels.PCM_CEILING_DBTP
    measured, gain = levels.book_gain(
        cache, placed, timeline.sample_rate, target=target_lufs, ceiling=ceiling,
        total=timeline.total, search=early.search if isinstance(early, EarlyEncoder) else None,
    )  # fmt: skip
    return Narrated(
        script,
        tuple(result.keys),
        timeline,
        result.stats,
        measured,
        gain,
        ceiling,
        target_lufs,
        speaker.voice,
    )


def audio_tags(book: Book) -> AudioTags:
    """Title, artist and album tags for a book's audiobook files."""
    meta = book.meta
    return AudioTags(
        title=meta.title,
        artist=meta.author,
        album=meta.site or meta.title,
        date=meta.date.date().isoformat() if meta.date else None,
        language=meta.language,
        cover=Cover(book.cover.data, book.cover.media_type) if book.cover else None,
    )


def encode_segments(
    narrated: Narrated, cache: AudioCache, formats: Sequence[str], threads: int | None = None
) -> tuple[dict[str, list[Path]], int]:
    """Encode every segment the cache lacks; return each format's segment files and the count.

    The files are in time-line order; the count is how many (segment, format) pairs were encoded.
    `threads` encode side by side (default: one per core).
    """
    plan = {
        fmt: segment_jobs(
            narrated.timeline, narrated.keys, cache, fmt, gain_db=narrated.gain_db,
            ceiling=narrated.ceiling,
        )
        for fmt in formats
    }  # fmt: skip
    encoded = encode_missing([job for fmt_jobs in plan.values() for job in fmt_jobs], threads)
    return {fmt: [job.path for job in fmt_jobs] for fmt, fmt_jobs in plan.items()}, encoded


def write_audiobooks(
    book: Book,
    narrated: Narrated,
    cache: AudioCache,
    targets: Sequence[tuple[str, Path]],
) -> list[Path]:
    """Write one audiobook per (format, path) from the narration's cached segments.

    Segments the cache lacks are encoded first, in threads side by side.
    """
    timeline = narrated.timeline
    chapters = _chapter_marks(narrated)
    if not timeline.segments:
        raise AudioError("there is no audio to encode")
    formats = list(dict.fromkeys(fmt for fmt, _ in targets))
    segments, _ = encode_segments(narrated, cache, formats)
    tags = audio_tags(book)
    for fmt, path in targets:
        assemble_audiobook(
            path, fmt, segments[fmt], sample_rate=timeline.sample_rate,
            total_samples=timeline.total, chapters=chapters, tags=tags,
        )  # fmt: skip
    return [path for _, path in targets]


def write_chapter_zip(book: Book, narrated: Narrated, cache: AudioCache, target: Path) -> Path:
    """Write the zip of one MP3 per chapter, cut from the same leveled PCM as the audiobooks."""
    from dataclasses import replace

    from exporter.write.audio.chapter_files import write_chapter_files

    timeline = narrated.timeline
    jobs = segment_jobs(
        timeline, narrated.keys, cache, "mp3", gain_db=narrated.gain_db, ceiling=narrated.ceiling
    )
    whole = [replace(job, fed=job.extent) if job.extent is not None else job for job in jobs]
    return write_chapter_files(
        target,
        (chunk for job in whole for chunk in segment_pcm(cache, job)),
        sample_rate=timeline.sample_rate,
        total_samples=timeline.total,
        chapters=_chapter_marks(narrated),
        tags=audio_tags(book),
    )


def _chapter_marks(narrated: Narrated) -> tuple[ChapterMark, ...]:
    """The narration's chapters: each title at its first sample."""
    starts = narrated.timeline.chapter_starts
    titles = narrated.script.chapter_titles
    return tuple(ChapterMark(title, start) for title, start in zip(titles, starts, strict=True))


class AudiobookCheck:
    """Written audiobooks decoded and measured in threads while the build goes on.

    FFmpeg decodes and meters each file in C with the GIL released (`measure_file`), so the
    files measure side by side, beside whatever the build writes next (the transcript, the
    read-along EPUB). A measurement is kept in the cache under the file's SHA-256: a file
    written before, byte for byte (a fresh output folder, an unchanged book), is not decoded
    again.
    """

    def __init__(self, paths: Sequence[Path], cache: AudioCache) -> None:
        """Start measuring every file."""
        self.paths = list(paths)
        self.pool = ThreadPoolExecutor(max(1, len(paths)), thread_name_prefix="exporter-check")
        self.futures = [self.pool.submit(_measured, path, cache) for path in self.paths]

    def results(self, target_lufs: float) -> list[levels.Loudness]:
        """Each file's loudness, in order; warn when one misses the target or the peak limit."""
        try:
            found = [future.result() for future in self.futures]
        finally:
            self.close()
        for path, figures in zip(self.paths, found, strict=True):
            if abs(figures.lufs - target_lufs) > LOUDNESS_TOLERANCE:
                missed = f"measures {figures.lufs:.1f} LUFS, not {target_lufs:g} ± 1"
                log.warn("loudness", f"{path.name} {missed}")
            if figures.true_peak > TRUE_PEAK_LIMIT:
                peak = f"peaks at {figures.true_peak:.1f} dBTP, over -3 dBTP"
                log.warn("loudness", f"{path.name} {peak}")
        return found

    def close(self) -> None:
        """Wait for the measurements under way; drop those not started (on a failure)."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def _measured(path: Path, cache: AudioCache) -> levels.Loudness:
    """One file's loudness: from the cache when this very file was measured before."""
    key = levels.file_key(path)
    found = levels.cached_loudness(cache, key)
    if found is None:
        found = levels.Loudness(*measure_file(path))
        levels.store_loudness(cache, key, found)
    return found


def write_transcript(book: Book, narrated: Narrated, path: Path) -> Path:
    """Write the WebVTT transcript of exactly what is spoken."""
    write_atomic(path, webvtt(narrated.timeline, book.meta.title).encode())
    return path


def read_along_overlays(book: Book, narrated: Narrated, mp3: Path) -> list[MediaOverlayDoc]:
    """One SMIL per chapter, all pointing into the whole narration as one MP3 in the book."""
    overlays = []
    for index, chapter in enumerate(book.chapters):
        overlay = chapter_overlay(narrated.timeline, index, absolute=True)
        smil = smil_document(overlay, chapter_file_name(chapter.id), READ_ALONG_AUDIO)
        overlays.append(MediaOverlayDoc(chapter.id, smil, READ_ALONG_AUDIO, mp3, overlay.duration))
    return overlays
