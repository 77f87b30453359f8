"""Dumps of what the writers make from a case's Book, for the writer golden files.

The narration's time line is laid out from a fixed length per utterance (a function of its
text), not from a speech engine, so the VTT and SMIL goldens pin the writers' logic and never
eSpeak NG's run-to-run jitter; the end-to-end tests cover the real engine.
"""

from __future__ import annotations

from exporter.model.book import Book
from exporter.narrate.normalize import normalize, speak_url
from exporter.narrate.script import Script, speech_script
from exporter.narrate.timeline import Timeline, build_timeline
from exporter.run.lexicons import load_lexicon
from exporter.write.epub.pages import chapter_document, chapter_file_name
from exporter.write.epub.smil import chapter_overlay, smil_document
from exporter.write.vtt import webvtt

SAMPLE_RATE = 22050


def script_of(book: Book) -> Script:
    """The speech script of a book, normalized with the shipped lexicon."""
    language = book.meta.language
    lexicon = load_lexicon(language=language)
    return speech_script(
        book, lambda text: normalize(text, lexicon), lambda url: speak_url(url, language)
    )


def speech_dump(book: Book) -> str:
    """What the narrator says, one utterance a line: chapter, element, pause after, text."""
    lines = [f"# chapters: {' | '.join(script_of(book).chapter_titles)}"]
    for u in script_of(book).utterances:
        lines.append(f"{u.chapter:>2} {u.ref or '-':<12} {u.pause_ms:>5} ms  {u.text}")
    return "\n".join(lines) + "\n"


def fixed_timeline(book: Book) -> Timeline:
    """A time line with a fixed, text-derived length for every utterance (no engine)."""
    script = script_of(book)
    lengths = [SAMPLE_RATE * (20 + 3 * len(u.text.split())) // 50 for u in script.utterances]
    return build_timeline(script, lengths, SAMPLE_RATE)


def _joined(parts: list[tuple[str, str]]) -> str:
    """Named documents as one text, each under a `==> name <==` line."""
    return "".join(f"==> {name} <==\n{text.rstrip()}\n" for name, text in parts)


def xhtml_dump(book: Book) -> str:
    """Every chapter's XHTML content document."""
    return _joined([(chapter_file_name(c.id), chapter_document(c, book)) for c in book.chapters])


def vtt_dump(book: Book) -> str:
    """The WebVTT transcript over the fixed time line."""
    return webvtt(fixed_timeline(book), book.meta.title)


def smil_dump(book: Book) -> str:
    """Every chapter's SMIL media overlay over the fixed time line."""
    timeline = fixed_timeline(book)
    parts = []
    for index, chapter in enumerate(book.chapters):
        overlay = chapter_overlay(timeline, index, absolute=True)
        smil = smil_document(overlay, chapter_file_name(chapter.id), "audio/narration.mp3")
        parts.append((f"{chapter.id}.smil", smil))
    return _joined(parts)
