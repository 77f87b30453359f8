"""Guess a post's language from its text with pycld2 (Google's CLD2, C++, tables in the wheel)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from exporter.model.language import normalize_tag

# Less text than this is too little for the detector to go on.
MIN_LETTERS = 20
# Letters per classified stretch, and the most read.
CHUNK_LETTERS = 600
MAX_LETTERS = 20_000
# CLD2's codes that BCP 47 writes otherwise (Hebrew, Javanese); its Bokmål "no" is normalize_tag's.
_CODES = {"iw": "he", "jw": "jv"}
# Characters CLD2 refuses as "invalid UTF-8": C0 and C1 controls but tab, line breaks and form
# feed, surrogates, and the noncharacters.
_REFUSED = re.compile(
    "[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17))
    + "]"
)
_detector: Any = None


def _classifier() -> Any:
    """The pycld2 module, imported on first use (a few milliseconds, ~6 MiB)."""
    global _detector
    if _detector is None:
        import pycld2

        _detector = pycld2
    return _detector


def detect_language(texts: Iterable[str]) -> str | None:
    """The language of most of the text, weighing each stretch by its letters; None if too little.

    Consecutive passages (paragraphs, headings) are joined into stretches of about
    CHUNK_LETTERS letters and each stretch is classified on its own, so a post mostly in one
    language with a few quotes in another gets the language of its larger part. A stretch's
    letters go to the languages CLD2 finds in it, in the shares it finds them; a stretch CLD2
    cannot tell reliably gets no vote. Only the first MAX_LETTERS letters are read: enough to
    tell, and a long post costs no more than that.
    """
    letters: defaultdict[str, float] = defaultdict(float)
    chunk: list[str] = []
    size = total = told = 0
    for text in texts:
        count = _letters(text)
        chunk.append(text)
        size, total = size + count, total + count
        if size >= CHUNK_LETTERS:
            told += _count(" ".join(chunk), size, letters)
            chunk, size = [], 0
        if total >= MAX_LETTERS:
            break
    if size:
        told += _count(" ".join(chunk), size, letters)
    if not letters or told < MIN_LETTERS:
        return None
    return min(letters.items(), key=lambda item: (-item[1], item[0]))[0]


def _letters(text: str) -> int:
    """How many letters a text has."""
    return sum(1 for c in text if c.isalpha())


def _count(text: str, size: int, letters: defaultdict[str, float]) -> int:
    """Classify one stretch; share its letters among the languages found; the letters shared.

    The shares are CLD2's percentages of the stretch, of its languages it has a tag for.
    """
    detector = _classifier()
    try:
        reliable, _, found = detector.detect(_REFUSED.sub(" ", text), bestEffort=True)
    except detector.error:
        return 0
    shares: dict[str, int] = {}
    for _, code, percent, _ in found if reliable else ():
        language = _tag(str(code))
        if language and percent > 0:
            shares[language] = shares.get(language, 0) + int(percent)
    known = sum(shares.values())
    for language, percent in shares.items():
        letters[language] += size * percent / known
    return size if known else 0


def _tag(code: str) -> str:
    """CLD2's code for a language as a BCP 47 tag ('no' -> 'nb'); '' for none ('un', 'xx-Latn')."""
    if code == "un" or code.startswith(("xx", "zz")):
        return ""
    return normalize_tag(_CODES.get(code, code))
