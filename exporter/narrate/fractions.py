"""Simple fractions as a listener hears them: "1/2 cup" → "one half cup", "¾" → "three quarters".

Only what is plainly a fraction is read: a numerator smaller than a denominator of 2, 3 or 4,
standing alone (not "24/7", "50/50", "1/2/2020", a path or a score), and the Unicode vulgar
fractions. "1 1/2" and "1½" are a whole number and a fraction ("one and a half" in English).
English, Norwegian and Swedish; Spanish is left to the voice ("media taza" and "dos horas y
media" need the noun's gender and place, which a rule before the noun cannot know).
"""

from __future__ import annotations

import re

from exporter.model.language import primary_language
from exporter.narrate.numbers import has_number_words, number_words

# Per language: the word for "and" in "one and a half", then (singular, plural) per denominator;
# a numerator of 1 is said with the language's own article form.
_NAMES: dict[str, tuple[str, dict[int, tuple[str, str]], dict[int, str]]] = {
    "en": ("and", {2: ("half", "halves"), 3: ("third", "thirds"), 4: ("quarter", "quarters")},
           {2: "a half", 3: "a third", 4: "a quarter"}),
    "nb": ("og", {2: ("halv", "halve"), 3: ("tredjedel", "tredjedeler"),
                  4: ("fjerdedel", "fjerdedeler")},
           {2: "en halv", 3: "en tredjedel", 4: "en fjerdedel"}),
    "sv": ("och", {2: ("halv", "halva"), 3: ("tredjedel", "tredjedelar"),
                   4: ("fjärdedel", "fjärdedelar")},
           {2: "en halv", 3: "en tredjedel", 4: "en fjärdedel"}),
}  # fmt: skip
_ONE = {"en": "one", "nb": "en", "sv": "en"}
_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4)}
_FRACTION = re.compile(
    r"(?<![\w/.,:\-])(?:(?P<whole>\d{1,4})(?: |(?=[½⅓⅔¼¾])))?"
    r"(?:(?P<num>[1-3])/(?P<den>[2-4])(?![\w/.,:]\d|[\w/])|(?P<glyph>[½⅓⅔¼¾]))"
)


def _words(match: re.Match[str], language: str) -> str:
    """One fraction in words, or the text as it was when it is not a plain fraction."""
    conjunction, names, alone = _NAMES[language]
    if match["glyph"]:
        num, den = _VULGAR[match["glyph"]]
    else:
        num, den = int(match["num"]), int(match["den"])
        if num >= den:
            return match[0]
    singular, plural = names[den]
    counted = f"{number_words(num, language)} {plural}"
    if match["whole"] is None:
        return f"{_ONE[language]} {singular}" if num == 1 else counted
    whole = number_words(int(match["whole"]), language)
    part = alone[den] if num == 1 else counted
    return f"{whole} {conjunction} {part}"


def speak_fractions(text: str, language: str) -> str:
    """Plain fractions in words, in the languages that have the table; others as written."""
    lang = primary_language(language)
    if lang == "nn":
        lang = "nb"
    if lang not in _NAMES or not has_number_words(lang) or not ("/" in text or _has_glyph(text)):
        return text
    return _FRACTION.sub(lambda m: _words(m, lang), text)


def _has_glyph(text: str) -> bool:
    """Whether a vulgar fraction sign is in the text."""
    return any(glyph in text for glyph in _VULGAR)
