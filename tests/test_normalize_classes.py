"""Normalization classes per language (money, Roman numerals, versions, web, emoji): exact text."""

from __future__ import annotations

from functools import cache

import pytest

from exporter.narrate.lexicon import Lexicon
from exporter.narrate.normalize import normalize
from exporter.run.lexicons import load_lexicon


@cache
def _lexicon(language: str) -> Lexicon:
    """The shipped lexicon for one language, loaded once."""
    return load_lexicon(language=language)


def say(text: str, language: str = "en") -> str:
    """What the narrator says for a sentence in a language."""
    return normalize(text, _lexicon(language))


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "$20.50", "twenty dollars and fifty cents"),
        ("en", "£1.20", "one pound and twenty pence"),
        ("en", "€5", "five euros"),
        ("en", "5 000 kr", "five thousand kroner"),
        ("en", "$5M", "five million dollars"),
        ("en", "$1.2bn", "one point two billion dollars"),
        ("en", "USD 30", "thirty U.S dollars"),
        (
            "en",
            "-$1,234.56",
            "minus one thousand two hundred and thirty-four dollars and fifty-six cents",
        ),
        ("en", "$0.99 each", "ninety-nine cents each"),
        ("en", "It cost $1.", "It cost one dollar."),
        ("en", "EUR 1,000", "one thousand euros"),
        ("en", "paid $5-$10 a day", "paid five dollars to ten dollars a day"),
        ("en", "$1.01", "one dollar and one cent"),
        ("en", "in 2012 $5 000", "in twenty twelve five thousand dollars"),
        ("es", "$20.50", "veinte dólares con cincuenta centavos"),
        ("es", "20,50 $", "veinte dólares con cincuenta centavos"),
        ("es", "€5", "cinco euros"),
        ("es", "1 €", "un euro"),
        ("es", "21 €", "veintiún euros"),
        ("es", "31 £", "treinta y una libras"),
        ("es", "1.200 €", "mil doscientos euros"),
        ("es", "-5 €", "menos cinco euros"),
        ("es", "1 M€", "un millón de euros"),
        ("es", "USD 30", "treinta dólares estadounidenses"),
        ("es", "5 000 kr", "cinco mil coronas"),
        ("nb", "5 000 kr", "fem tusen kroner"),
        ("nb", "kr 5,50", "fem kroner og femti øre"),
        ("nb", "1 kr", "en krone"),
        ("nb", "$20.50", "tjue dollar og femti cent"),
        ("nb", "NOK 100", "ett hundre norske kroner"),
        ("nb", "2 mrd. kr", "to milliarder kroner"),
        ("nb", "-1 500 kr", "minus ett tusen fem hundre kroner"),
        ("nn", "5 000 kr", "fem tusen kroner"),
        ("sv", "5 000 kr", "femtusen kronor"),
        ("sv", "1 kr", "en krona"),
        ("sv", "12,50 kr", "tolv kronor och femtio öre"),
        ("sv", "$20.50", "tjugo dollar och femtio cent"),
        ("sv", "SEK 1 000", "ettusen svenska kronor"),
        ("sv", "3 miljoner kr", "tre miljoner kronor"),
        ("sv", "£1", "ett pund"),
    ],
)
def test_money(language: str, written: str, spoken: str) -> None:
    """Amounts with symbols and codes, cents, thousands, scales and signs, in words."""
    assert say(written, language) == spoken


@pytest.mark.parametrize(
    ("language", "written"),
    [("en", "won 3-2"), ("en", "the $ sign"), ("en", "kr"), ("de", "5 €"), ("en", "5 krill")],
)
def test_not_money(language: str, written: str) -> None:
    """A lone symbol, a score or a language without money tables keeps its text."""
    assert say(written, language) == written


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "Henry VIII", "Henry the Eighth"),
        ("en", "Henry VIII's wives", "Henry the Eighth's wives"),
        ("en", "Pope John Paul II", "Pope John Paul the Second"),
        ("en", "Louis XIV", "Louis the Fourteenth"),
        ("en", "Charles I was king", "Charles the First was king"),
        ("en", "Elizabeth I.", "Elizabeth the First."),
        ("en", "World War II", "World War Two"),
        ("en", "World War I ended", "World War One ended"),
        ("en", "chapter IV", "chapter four"),
        ("en", "Part III", "Part three"),
        ("en", "Chapter XII: the end", "Chapter twelve: the end"),
        ("en", "the XIX century", "the nineteenth century"),
        ("en", "the XIXth century", "the nineteenth century"),
        ("es", "Felipe II", "Felipe segundo"),
        ("es", "Alfonso XIII", "Alfonso trece"),
        ("es", "Juan Pablo II", "Juan Pablo segundo"),
        ("es", "siglo XIX", "siglo diecinueve"),
        ("es", "el capítulo IV", "el capítulo cuatro"),
        ("nb", "Harald V", "Harald den femte"),
        ("nb", "Karl XII", "Karl den tolvte"),
        ("nb", "kapittel IV", "kapittel fire"),
        ("nn", "Olav V", "Olav den femte"),
        ("sv", "Karl XII", "Karl den tolfte"),
        ("sv", "Gustav V", "Gustav den femte"),
        ("sv", "kapitel III", "kapitel tre"),
    ],
)
def test_roman_numerals_in_context(language: str, written: str, spoken: str) -> None:
    """Regnal ordinals, wars, chapters and parts, centuries."""
    assert say(written, language) == spoken


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "I think so", "I think so"),
        ("en", "Then Henry I think", "Then Henry I think"),
        ("en", "a mix of", "a mix of"),
        ("en", "MIX", "mix"),
        ("en", "Washington DC", "Washington D.C"),
        ("en", "my CV", "my C.V"),
        ("en", "type II diabetes", "type 2 diabetes"),
        ("es", "Yo, I", "Yo, I"),
        ("sv", "I dag", "I dag"),
        ("nb", "I går", "I går"),
    ],
)
def test_roman_looking_words_stay_words(language: str, written: str, spoken: str) -> None:
    """'I', 'mix', 'MIX', 'DC' and 'CV' are words or initialisms, never numbers."""
    assert say(written, language) == spoken


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "Python 3.1 is out", "Python 3.1 is out"),
        ("en", "v2.0.1", "version two point zero point one"),
        ("en", "update to v2", "update to version two"),
        ("en", "version 2.0.1", "version two point zero point one"),
        ("en", "version v3.10", "version three point ten"),
        ("en", "1.2.3.4", "1.2.3.4"),
        ("es", "versión v2.0.1", "versión dos punto cero punto uno"),
        ("es", "1.200.300 habitantes", "1.200.300 habitantes"),
        ("nb", "v1.2", "versjon en punkt to"),
        ("nb", "12.03.2021", "tolvte mars to tusen og tjueen"),
        ("sv", "v3.10.2", "version tre punkt tio punkt två"),
    ],
)
def test_versions(language: str, written: str, spoken: str) -> None:
    """A 'v' version or a three-part number in words; a decimal and a date are not versions."""
    assert say(written, language) == spoken


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "write to jane.doe@example.com.", "write to jane dot doe at example dot com."),
        ("en", "see example.com/a/b?c=1.", "see example dot com."),
        ("en", "Visit news.bbc.co.uk today", "Visit bbc dot co dot uk today"),
        ("en", "see https://www.example.com/x/y", "see example dot com"),
        ("en", "Node.js and index.html", "Node.js and index.html"),
        ("en", "the end.It was", "the end.It was"),
        ("es", "escribe a ana@correo.es", "escribe a ana arroba correo punto es"),
        ("es", "visita elpais.com", "visita elpais punto com"),
        ("nb", "les vg.no i dag", "les vg punktum no i dag"),
        ("nb", "post@firma.no", "post krøllalfa firma punktum no"),
        ("sv", "se dn.se", "se dn punkt se"),
        ("sv", "info@bolag.se", "info snabel-a bolag punkt se"),
    ],
)
def test_web_addresses_read_shortly(language: str, written: str, spoken: str) -> None:
    """E-mail addresses and domain names by their names, never letter by letter; no paths."""
    assert say(written, language) == spoken


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "Great \U0001f389\U0001f389 news \U0001f44d\U0001f3fd", "Great news"),
        ("en", "I \u2764\ufe0f it!", "I it!"),
        ("en", "\U0001f1f3\U0001f1f4 and \U0001f468\u200d\U0001f469\u200d\U0001f467", "and"),
        ("es", "\u00a1Hola! \U0001f600", "\u00a1Hola!"),
        ("nb", "Hei \U0001f600", "Hei"),
        ("sv", "Hej \U0001f44b", "Hej"),
        ("de", "Hallo \U0001f44b", "Hallo"),
    ],
)
def test_emoji_dropped(language: str, written: str, spoken: str) -> None:
    """Emoji, flags, skin tones and joined families are dropped, in every language."""
    assert say(written, language) == spoken


@pytest.mark.parametrize(
    ("language", "written", "spoken"),
    [
        ("en", "Add 1/2 cup.", "Add one half cup."),
        ("en", "3/4 of it", "three quarters of it"),
        ("en", "2/3 of them", "two thirds of them"),
        ("en", "1 1/2 hours", "one and a half hours"),
        ("en", "2½ days", "two and a half days"),
        ("en", "¼ tsp", "one quarter tsp"),
        ("en", "open 24/7 and 50/50", "open 24/7 and 50/50"),
        ("en", "3/2 is not one", "3/2 is not one"),
        ("en", "a/1/2 path", "a/1/2 path"),
        ("en", "x ≠ y", "x is not equal to y"),
        ("nb", "Ta 1/2 kopp.", "Ta en halv kopp."),
        ("nb", "1½ time", "en og en halv time"),
        ("nb", "2/3 av det", "to tredjedeler av det"),
        ("nn", "3/4 av det", "tre fjerdedeler av det"),
        ("nb", "x ≠ y", "x er ulik y"),
        ("sv", "3/4 kopp", "tre fjärdedelar kopp"),
        ("sv", "2 1/2 timmar", "två och en halv timmar"),
        ("sv", "x ≠ y", "x är inte lika med y"),
        ("es", "1/2 taza", "1/2 taza"),  # the noun's gender decides: left to the voice
        ("es", "x ≠ y", "x distinto de y"),
    ],
)
def test_fractions_and_not_equal(language: str, written: str, spoken: str) -> None:
    assert say(written, language) == spoken
