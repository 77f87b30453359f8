"""Guess a post's language from its text with py3langid (its model ships in the wheel)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from exporter.model.language import normalize_tag

# Less text than this is too little for the detector to go on.
MIN_LETTERS = 20
# Letters per classified stretch (each call costs ~1 ms plus its length), and the most read.
CHUNK_LETTERS = 600
MAX_LETTERS = 20_000
_detector: Any = None


def _classifier() -> Any:
    """The detector module, imported on first use (its model loads on the first call, ~1 s)."""
    global _detector
    if _detector is None:
        import py3langid

        _detector = py3langid
    return _detector


def detect_language(texts: Iterable[str]) -> str | None:
    """The language of most of the text, weighing each stretch by its letters; None if too little.

    Consecutive passages (paragraphs, headings) are joined into stretches of about
    CHUNK_LETTERS letters and each stretch is classified on its own, so a post mostly in one
    language with a few quotes in another gets the language of its larger part. Only the first
    MAX_LETTERS letters are read: enough to tell, and a long post costs no more than that.
    """
    letters: Counter[str] = Counter()
    chunk: list[str] = []
    size = total = 0
    for text in texts:
        count = _letters(text)
        chunk.append(text)
        size, total = size + count, total + count
        if size >= CHUNK_LETTERS:
            _count(" ".join(chunk), size, letters)
            chunk, size = [], 0
        if total >= MAX_LETTERS:
            break
    if size:
        _count(" ".join(chunk), size, letters)
    letters.pop("", None)
    if not letters or sum(letters.values()) < MIN_LETTERS:
        return None
    return min(letters.items(), key=lambda item: (-item[1], item[0]))[0]


def _letters(text: str) -> int:
    """How many letters a text has."""
    return sum(1 for c in text if c.isalpha())


def _count(text: str, size: int, letters: Counter[str]) -> None:
    """Classify one stretch of text and add its letters to its language's count."""
    language, _ = _classifier().classify(text)
    letters[normalize_tag(str(language))] += size
