"""Guess a post's language from its text with py3langid (its model ships in the wheel)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from exporter.model.language import normalize_tag

# Shorter stretches of text are too little for the detector to go on.
MIN_LETTERS = 20
_detector: Any = None


def _classifier() -> Any:
    """The detector module, imported on first use (its model loads on the first call, ~1 s)."""
    global _detector
    if _detector is None:
        import py3langid

        _detector = py3langid
    return _detector


def detect_language(texts: Iterable[str]) -> str | None:
    """The language of most of the text, weighing each passage by its letters; None if too little.

    Each passage (a paragraph, say) is classified on its own, so a post written mostly in one
    language with a few quotes in another gets the language of its larger part.
    """
    letters: Counter[str] = Counter()
    short: list[str] = []
    for text in texts:
        if _letters(text) < MIN_LETTERS:
            short.append(text)  # headings and captions, judged together at the end
        else:
            _count(text, letters)
    rest = " ".join(short)
    if _letters(rest) >= MIN_LETTERS:
        _count(rest, letters)
    letters.pop("", None)
    if not letters:
        return None
    return min(letters.items(), key=lambda item: (-item[1], item[0]))[0]


def _letters(text: str) -> int:
    """How many letters a text has."""
    return sum(1 for c in text if c.isalpha())


def _count(text: str, letters: Counter[str]) -> None:
    """Classify one passage and add its letters to its language's count."""
    language, _ = _classifier().classify(text)
    letters[normalize_tag(str(language))] += _letters(text)
