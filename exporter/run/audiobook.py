"""Narrate a Book and write what is heard: audiobooks, the transcript, the read-along overlays."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.atomic import write_atomic
from exporter.errors import AudioError
from exporter.model.book import Book
from exporter.narrate.cache import AudioCache
from exporter.narrate.engines import espeak as tts
from exporter.narrate.normalize import Lexicon, normalize, speak_url
from exporter.narrate.script import Script, speech_script
from exporter.narrate.synthesis import EngineFactory, NarrationStats, narrate, sample_count
from exporter.narrate.timeline import Timeline, build_timeline, webvtt
from exporter.run.settings import Settings
from exporter.write.audio.assemble import AudioTags, ChapterMark, assemble_audiobook
from exporter.write.audio.segments import EarlyEncoder, encode_missing, segment_jobs
from exporter.write.epub.pages import chapter_file_name
from exporter.write.epub.plan import MediaOverlayDoc
from exporter.write.epub.smil import chapter_overlay, smil_document

READ_ALONG_AUDIO = "audio/narration.mp3"


@dataclass(frozen=True)
class Narrated:
    """A book's narration: the script, each utterance's cached audio, and the time line."""

    script: Script
    keys: tuple[str, ...]
    timeline: Timeline
    stats: NarrationStats


def book_voice(book: Book, voice: str | None) -> str | None:
    """The voice asked for, else one for the book's language when eSpeak has it, else default."""
    if voice:
        return voice
    language = book.meta.language.lower()
    voices = tts.list_voices()
    names = {v.id.lower() for v in voices} | {lang.lower() for v in voices for lang in v.languages}
    for candidate in (language, language.split("-")[0]):
        if candidate in names or f"gmw/{candidate}" in names:
            return candidate
    return None


def book_texts(book: Book, lexicon: Lexicon) -> tuple[Script, list[str]]:
    """What is said for a book: its speech script, and each utterance's text as the engine
    gets it (the one recipe for a local build and a cluster's workers)."""
    language = book.meta.language
    script = speech_script(book, lambda text: normalize(text, lexicon, language), speak_url)
    return script, [u.text for u in script.utterances]


def synthesize_texts(
    texts: Sequence[str], voice_id: str | None, settings: Settings, cache: AudioCache
) -> list[str]:
    """Put the audio of texts into the cache as narrate_book would, with the engine and rate
    of the settings (on a cluster's worker); return their cache keys."""
    return narrate(texts, voice=voice_id, rate=settings.rate, cache=cache, jobs=1).keys


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
    formats: Sequence[str] = (),
) -> Narrated:
    """Build the speech script, synthesize what the cache lacks, and lay out the time line.

    With `formats`, segments of those audiobook formats are encoded (into the cache) while
    later sentences are still being synthesized; `write_audiobooks` then finds them there.
    """
    script, texts = book_texts(book, lexicon)
    if on_start is not None:
        on_start(len(texts))
    voice_id = book_voice(book, voice)
    factory: EngineFactory | None = None
    early: EarlyEncoder | contextlib.nullcontext[None] = contextlib.nullcontext()
    if formats and texts:
        engine = tts.open_engine(voice_id, rate)  # the same key recipe as narrate() uses
        keys = [cache.key(t, engine.voice, engine.rate, engine.name, engine.version) for t in texts]
        early = EarlyEncoder(script, keys, engine.sample_rate, cache, formats)
        if jobs == 1:
            factory = lambda _voice, _rate: engine  # noqa: E731 - eSpeak starts once a process

    def done(count: int) -> None:
        """Report progress; let the early encoder see what is now cached."""
        if on_done is not None:
            on_done(count)
        if isinstance(early, EarlyEncoder):
            early.advance()

    with early:
        result = narrate(
            texts, voice=voice_id, rate=rate, cache=cache, jobs=jobs, on_done=done,
            engine_factory=factory,
        )  # fmt: skip
    lengths = [sample_count(cache, key) for key in result.keys]
    timeline = build_timeline(script, lengths, result.sample_rate)
    return Narrated(script, tuple(result.keys), timeline, result.stats)


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


def encode_segments(
    narrated: Narrated, cache: AudioCache, formats: Sequence[str], jobs: int
) -> tuple[dict[str, list[Path]], int]:
    """Encode every segment the cache lacks; return each format's segment files and the count.

    The files are in time-line order; the count is how many (segment, format) pairs were encoded.
    """
    plan = {fmt: segment_jobs(narrated.timeline, narrated.keys, cache, fmt) for fmt in formats}
    encoded = encode_missing([job for fmt_jobs in plan.values() for job in fmt_jobs], jobs)
    return {fmt: [job.path for job in fmt_jobs] for fmt, fmt_jobs in plan.items()}, encoded


def write_audiobooks(
    book: Book,
    narrated: Narrated,
    cache: AudioCache,
    targets: Sequence[tuple[str, Path]],
    jobs: int,
) -> list[Path]:
    """Write one audiobook per (format, path) from the narration's cached segments.

    Segments the cache lacks are encoded first (with jobs > 1, in worker processes too).
    """
    timeline = narrated.timeline
    chapters = tuple(
        ChapterMark(title, start)
        for title, start in zip(
            narrated.script.chapter_titles, timeline.chapter_starts, strict=True
        )
    )
    if not timeline.segments:
        raise AudioError("there is no audio to encode")
    formats = list(dict.fromkeys(fmt for fmt, _ in targets))
    segments, _ = encode_segments(narrated, cache, formats, jobs)
    tags = audio_tags(book)
    for fmt, path in targets:
        assemble_audiobook(
            path, fmt, segments[fmt], sample_rate=timeline.sample_rate,
            total_samples=timeline.total, chapters=chapters, tags=tags,
        )  # fmt: skip
    return [path for _, path in targets]


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
