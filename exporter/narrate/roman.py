"""Roman numerals read by their context: 'Henry VIII', 'World War II', 'chapter IV', 'siglo XIX'."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from exporter.model.language import primary_language
from exporter.narrate.numbers import has_number_words, number_words


@dataclass(frozen=True)
class Context:
    """One language's words that make a Roman numeral a number, and how it is then said."""

    regnal: frozenset[str]  # names a regnal ordinal follows: "Henry VIII"
    article: str  # "Henry the Eighth", "Karl den tolvte"; Spanish none
    counted: frozenset[str]  # words a cardinal follows: "chapter IV" is "chapter four"
    century: str  # the word of centuries: "siglo XIX" (before) or "XIX century" (after)
    not_after_i: frozenset[str]  # "Then Henry I think" is the pronoun, not the First


def _words(text: str) -> frozenset[str]:
    """A set of words written space-separated."""
    return frozenset(text.split())


_EN_NAMES = """Henry Edward Richard William George Charles James Elizabeth Mary Anne Victoria
John Louis Philip Peter Frederick Alexander Nicholas Catherine Ivan Pius Paul Benedict Leo
Gregory Innocent Clement Urban Boniface Ramesses Ptolemy Napoleon Constantine Justinian Otto
Ferdinand Isabella Alfonso Gustav Gustavus Charlemagne Haakon Harald Olav Christian Sancho
Rudolf Wilhelm Francis Joseph Leopold Sebastian Manuel Pedro Carlos Felipe Juan"""
_ES_NAMES = """Felipe Carlos Fernando Alfonso Isabel Juan Pablo Pío Benedicto León Gregorio Enrique
Luis Jaime Pedro Sancho Juana Ramiro Ramsés Napoleón Francisco Clemente Inocencio Urbano Jorge
Eduardo Guillermo Ricardo Jacobo Catalina Federico Alejandro Nicolás Iván Gustavo"""
_NORDIC_NAMES = """Haakon Håkon Olav Olaf Harald Magnus Christian Kristian Frederik Fredrik Karl
Carl Gustav Gustaf Erik Johan Oscar Oskar Kristina Christina Margrete Margareta Valdemar Sverre
Henrik Edvard Elisabeth Elisabet Ludvig Adolf Sigurd Eirik Hans Birger Knut Inge Paul Pius"""
_EN_COUNTED = """chapter Chapter chapters part Part volume Volume vol. Vol. book Book act Act scene
Scene section Section appendix Appendix article Article title Title phase Phase stage Stage
plate Plate figure Figure table Table psalm Psalm canto Canto class Class"""
_PROPER = frozenset({"World War", "War", "Super Bowl", "Rocky"})  # "World War Two"
_CONTEXTS = {
    "en": Context(_words(_EN_NAMES), "the", _words(_EN_COUNTED) | _PROPER,
                  "century",
                  _words("am think know have had will would can could do did want love mean guess "
                         "hope feel")),
    "es": Context(_words(_ES_NAMES), "",
                  _words("capítulo Capítulo parte Parte tomo Tomo volumen Volumen libro Libro "
                         "acto Acto título Título artículo Artículo canto Canto"),
                  "siglo", frozenset()),
    "nb": Context(_words(_NORDIC_NAMES), "den",
                  _words("kapittel Kapittel del Del bind Bind bok Bok akt Akt"),
                  "", frozenset()),
    "sv": Context(_words(_NORDIC_NAMES), "den",
                  _words("kapitel Kapitel del Del band Band bok Bok akt Akt"),
                  "", frozenset()),
}  # fmt: skip
_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
_NUMERAL = r"(?=[MDCLXVI])M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_APOSTROPHE = "['\u2019]"
_MAYBE = re.compile(r"(?<![\w.])[MDCLXVI]+(?:st|nd|rd|th)?(?!\w)")  # a cheap first test


def roman_value(numeral: str) -> int:
    """The value of a well-formed Roman numeral: 'XIV' is 14."""
    total = 0
    for letter, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _VALUES[letter]
        total += -value if following and value < _VALUES[following] else value
    return total


@cache
def _patterns(primary: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """A numeral after a word ('Henry VIII's'), and the language's centuries."""
    after_word = re.compile(
        rf"(?<![\w.])(?P<word>(?:Super Bowl|World War|[^\W\d_]+\.?)) (?P<num>{_NUMERAL})"
        rf"(?P<pos>{_APOSTROPHE}s)?(?![\w\-\u2010\u2013'\u2019])"
    )
    word = _CONTEXTS[primary].century
    if primary == "es":
        return after_word, re.compile(rf"(?<!\w)(?P<word>[Ss]iglos?) (?P<num>{_NUMERAL})(?!\w)")
    if word:
        century = rf"(?<![\w.])(?P<num>{_NUMERAL})(?:st|nd|rd|th)? (?P<word>{word}|centuries)"
        return after_word, re.compile(century + r"(?!\w)")
    return after_word, None


def speak_roman(text: str, language: str) -> str:
    """Roman numerals that their context makes numbers, in words; every other 'I' or 'MIX' stays."""
    primary = primary_language(language)
    primary = "nb" if primary in ("nn", "no") else primary
    if primary not in _CONTEXTS or not has_number_words(primary):
        return text
    if not _MAYBE.search(text):
        return text
    context = _CONTEXTS[primary]
    after_word, century = _patterns(primary)
    if century is not None:
        text = century.sub(lambda m: _century(m, primary), text)
    return after_word.sub(lambda m: _after_word(m, primary, context), text)


def _century(match: re.Match[str], primary: str) -> str:
    """'XIX century' as 'nineteenth century'; 'siglo XIX' as 'siglo diecinueve'."""
    value = roman_value(match["num"])
    if primary == "es":
        return f"{match['word']} {number_words(value, 'es')}"
    return f"{number_words(value, primary, 'ordinal')} {match['word']}"


def _after_word(match: re.Match[str], primary: str, context: Context) -> str:
    """A regnal ordinal after a name, a cardinal after a counted word; else the text as written."""
    word, numeral, possessive = match["word"], match["num"], match["pos"] or ""
    value = roman_value(numeral)
    if word in context.regnal and (numeral != "I" or _lone_i(match, context)):
        if primary == "es":
            said = number_words(value, "es", "ordinal" if value <= 10 else "cardinal")
        else:
            said = number_words(value, primary, "ordinal")
            said = f"{context.article} {said.capitalize() if primary == 'en' else said}"
        return f"{word} {said}{possessive}"
    if word in context.counted and (numeral != "I" or _lone_i(match, context)):
        said = number_words(value, primary)
        said = said.title() if primary == "en" and word in _PROPER else said
        return f"{word} {said}{possessive}"
    return match.group(0)


def _lone_i(match: re.Match[str], context: Context) -> bool:
    """Whether 'I' after a name or a counted word is the numeral, not the pronoun that begins
    a clause ('Charles I was king', 'part I.' but not 'Then Henry I think')."""
    rest = match.string[match.end() :].lstrip()
    following = re.match(r"[\w'\u2019]+", rest)
    return following is None or following.group(0).lower() not in context.not_after_i
