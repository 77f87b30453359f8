"""Numbers in words, in the book's language (num2words; the only module that imports it)."""

from __future__ import annotations

from exporter.model.language import primary_language

# num2words' names for the languages whose numbers are spoken here.
_NUM2WORDS = {"en": "en", "es": "es", "nb": "no", "nn": "no", "sv": "sv"}


def has_number_words(language: str) -> bool:
    """Whether numbers can be put into words for this language here."""
    return primary_language(language) in _NUM2WORDS


def number_words(number: int, language: str, to: str = "cardinal") -> str:
    """A number in words: to='cardinal', 'ordinal' or 'year' (Swedish years as cardinals)."""
    from num2words import num2words  # imported on first use: it loads every language

    lang = _NUM2WORDS[primary_language(language)]
    if to == "year" and lang == "sv":  # num2words has no Swedish 'year'; the cardinal is said
        to = "cardinal"
    return str(num2words(number, lang=lang, to=to))
