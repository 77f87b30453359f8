"""Narrate a Book and write what is heard: audiobooks, the transcript, the read-along overlays."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from .audio import AudioTags, ChapterMark, write_audiobook
from .cache import AudioCache
from .epubplan import MediaOverlayDoc
from .model import Book
from .narration import NarrationStats, narrate, read_pcm, sample_count
from .normalize import Lexicon, normalize, speak_url
from .overlay import chapter_overlay, smil_document
from .pages import chapter_file_name
from .report import write_atomic
from .speech import Script, speech_script
from .timeline import Timeline, build_timeline, pause_samples, webvtt
from .tts import list_voices

READ_ALONG_AUDIO = "audio/narration.mp3"


@dataclass(frozen=True)
class Narrated:
    """A book's narration: the script, each utterance's cached audio, and the time line."""

    script: Script
    keys: tuple[str, ...]
    timeline: Timeline
    stats: NarrationStats


@dataclass(frozen=True)
class AudioJob:
    """Everything one encoder process needs, as plain picklable data."""

    path: Path
    fmt: str
    cache_root: Path
    segments: tuple[tuple[str, int], ...]
    sample_rate: int
    total: int
    chapters: tuple[ChapterMark, ...]
    tags: AudioTags


def book_voice(book: Book, voice: str | None) -> str | None:
    """The voice asked for, else one for the book's language when eSpeak has it, else default."""
    if voice:
        return voice
    language = book.meta.language.lower()
    names = {v.id.lower() for v in list_voices()} | {
        lang.lower() for v in list_voices() for lang in v.languages
    }
    for candidate in (language, language.split("-")[0]):
        if candidate in names or f"gmw/{candidate}" in names:
            return candidate
    return None


def narrate_book(
    book: Book,
    *,
    lexicon: Lexicon,
    cache: AudioCache,
    voice: str | None,
    rate: int | None,
    jobs: int,
    on_done: Callable[[int], None] | None = None,
    on_start: Callable[[int], None] | None = None,
) -> Narrated:
    """Build the speech script, synthesize what the cache lacks, and lay out the time line."""
    language = book.meta.language
    script = speech_script(book, lambda text: normalize(text, lexicon, language), speak_url)
    texts = [u.text for u in script.utterances]
    if on_start is not None:
        on_start(len(texts))
    result = narrate(
        texts, voice=book_voice(book, voice), rate=rate, cache=cache, jobs=jobs, on_done=on_done
    )
    lengths = [sample_count(cache, key) for key in result.keys]
    timeline = build_timeline(script, lengths, result.sample_rate)
    return Narrated(script, tuple(result.keys), timeline, result.stats)


def segments(narrated: Narrated) -> tuple[tuple[str, int], ...]:
    """(cache key, samples of silence after it) for each utterance, in order."""
    rate = narrated.timeline.sample_rate
    return tuple(
        (key, pause_samples(u.pause_ms, rate))
        for key, u in zip(narrated.keys, narrated.script.utterances, strict=True)
    )


def pcm_stream(cache: AudioCache, parts: Sequence[tuple[str, int]]) -> Iterator[bytes]:
    """The narration's PCM, one utterance and its silence at a time (never the whole book)."""
    for key, silence in parts:
        yield read_pcm(cache, key)
        if silence:
            yield bytes(2 * silence)


def _encode(job: AudioJob) -> Path:
    """Encode one audiobook file from the cache (runs in a worker process or in-line)."""
    write_audiobook(
        job.path,
        "m4b" if job.fmt == "m4b" else "mp3",
        pcm_stream(AudioCache(job.cache_root), job.segments),
        sample_rate=job.sample_rate,
        total_samples=job.total,
        chapters=job.chapters,
        tags=job.tags,
    )
    return job.path


def audio_tags(book: Book) -> AudioTags:
    """Title, artist and album tags for a book's audiobook files."""
    meta = book.meta
    return AudioTags(
        title=meta.title,
        artist=meta.author,
        album=meta.site or meta.title,
        date=meta.date.date().isoformat() if meta.date else None,
        language=meta.language,
    )


def write_audiobooks(
    book: Book,
    narrated: Narrated,
    cache: AudioCache,
    targets: Sequence[tuple[str, Path]],
    jobs: int,
) -> list[Path]:
    """Encode the narration once per (format, path); with jobs > 1, an m4b encodes in a worker
    process while this process encodes the mp3."""
    timeline = narrated.timeline
    chapters = tuple(
        ChapterMark(title, start)
        for title, start in zip(
            narrated.script.chapter_titles, timeline.chapter_starts, strict=True
        )
    )
    parts = segments(narrated)
    plan = [
        AudioJob(
            path,
            fmt,
            cache.root,
            parts,
            timeline.sample_rate,
            timeline.total,
            chapters,
            audio_tags(book),
        )
        for fmt, path in targets
    ]
    if jobs > 1 and len(plan) > 1:
        here, away = plan[-1], plan[:-1]
        with ProcessPoolExecutor(min(jobs - 1, len(away)), mp_context=get_context("spawn")) as pool:
            pending = [pool.submit(_encode, job) for job in away]
            written = [_encode(here)]
            written = [f.result() for f in pending] + written
    else:
        written = [_encode(job) for job in plan]
    return written


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
