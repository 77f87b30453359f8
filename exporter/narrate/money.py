"""Amounts of money in words, in the book's language: '$20.50' as twenty dollars and fifty cents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from exporter.model.language import primary_language
from exporter.narrate.numbers import has_number_words, number_words


@dataclass(frozen=True)
class Currency:
    """A currency's spoken names in one language: unit and hundredth, singular and plural."""

    one: str
    many: str
    cent: str = ""
    cents: str = ""
    gender: str = "m"  # m, f (Spanish "una"), c or n (Swedish "en" or "ett")


@dataclass(frozen=True)
class Words:
    """One language's words around amounts: 'and' between units and cents, 'minus', 'point'."""

    also: str
    to: str
    minus: str
    point: str
    currencies: dict[str, Currency]
    scales: dict[str, tuple[int, str, str, str]]  # written -> (power of ten, one, many, 'de ')


_C = Currency
# fmt: off
_EN = {"$": _C("dollar", "dollars", "cent", "cents"), "€": _C("euro", "euros", "cent", "cents"),
       "£": _C("pound", "pounds", "penny", "pence"), "¥": _C("yen", "yen"),
       "kr": _C("krone", "kroner", "øre", "øre"),
       "USD": _C("US dollar", "US dollars", "cent", "cents"),
       "NOK": _C("Norwegian krone", "Norwegian kroner", "øre", "øre"),
       "SEK": _C("Swedish krona", "Swedish kronor", "öre", "öre"),
       "DKK": _C("Danish krone", "Danish kroner", "øre", "øre")}
_ES = {"$": _C("dólar", "dólares", "centavo", "centavos"),
       "€": _C("euro", "euros", "céntimo", "céntimos"),
       "£": _C("libra", "libras", "penique", "peniques", "f"), "¥": _C("yen", "yenes"),
       "kr": _C("corona", "coronas", "céntimo", "céntimos", "f"),
       "USD": _C("dólar estadounidense", "dólares estadounidenses", "centavo", "centavos"),
       "NOK": _C("corona noruega", "coronas noruegas", "céntimo", "céntimos", "f"),
       "SEK": _C("corona sueca", "coronas suecas", "céntimo", "céntimos", "f"),
       "DKK": _C("corona danesa", "coronas danesas", "céntimo", "céntimos", "f")}
_NB = {"$": _C("dollar", "dollar", "cent", "cent"), "€": _C("euro", "euro", "cent", "cent"),
       "£": _C("pund", "pund", "penny", "pence"), "¥": _C("yen", "yen"),
       "kr": _C("krone", "kroner", "øre", "øre"),
       "USD": _C("amerikansk dollar", "amerikanske dollar", "cent", "cent"),
       "NOK": _C("norsk krone", "norske kroner", "øre", "øre"),
       "SEK": _C("svensk krone", "svenske kroner", "øre", "øre"),
       "DKK": _C("dansk krone", "danske kroner", "øre", "øre")}
_SV = {"$": _C("dollar", "dollar", "cent", "cent", "c"),
       "€": _C("euro", "euro", "cent", "cent", "c"),
       "£": _C("pund", "pund", "penny", "pence", "n"), "¥": _C("yen", "yen", gender="c"),
       "kr": _C("krona", "kronor", "öre", "öre", "c"),
       "USD": _C("amerikansk dollar", "amerikanska dollar", "cent", "cent", "c"),
       "NOK": _C("norsk krona", "norska kronor", "öre", "öre", "c"),
       "SEK": _C("svensk krona", "svenska kronor", "öre", "öre", "c"),
       "DKK": _C("dansk krona", "danska kronor", "öre", "öre", "c")}
_WORDS = {
    "en": Words("and", "to", "minus", "point", _EN, {
        "k": (3, "thousand", "thousand", ""), "K": (3, "thousand", "thousand", ""),
        "thousand": (3, "thousand", "thousand", ""),
        "M": (6, "million", "million", ""), "m": (6, "million", "million", ""),
        "mn": (6, "million", "million", ""), "million": (6, "million", "million", ""),
        "bn": (9, "billion", "billion", ""), "B": (9, "billion", "billion", ""),
        "billion": (9, "billion", "billion", ""),
        "tn": (12, "trillion", "trillion", ""), "trillion": (12, "trillion", "trillion", "")}),
    "es": Words("con", "a", "menos", "coma", _ES, {
        "mil": (3, "mil", "mil", ""), "M": (6, "millón", "millones", "de "),
        "millón": (6, "millón", "millones", "de "), "millones": (6, "millón", "millones", "de "),
        "mil millones": (9, "mil millones", "mil millones", "de ")}),
    "nb": Words("og", "til", "minus", "komma", _NB, {
        "tusen": (3, "tusen", "tusen", ""), "mill.": (6, "million", "millioner", ""),
        "million": (6, "million", "millioner", ""), "millioner": (6, "million", "millioner", ""),
        "mrd.": (9, "milliard", "milliarder", ""), "milliard": (9, "milliard", "milliarder", ""),
        "milliarder": (9, "milliard", "milliarder", "")}),
    "sv": Words("och", "till", "minus", "komma", _SV, {
        "tusen": (3, "tusen", "tusen", ""), "milj.": (6, "miljon", "miljoner", ""),
        "miljon": (6, "miljon", "miljoner", ""), "miljoner": (6, "miljon", "miljoner", ""),
        "mdr": (9, "miljard", "miljarder", ""), "miljard": (9, "miljard", "miljarder", ""),
        "miljarder": (9, "miljard", "miljarder", "")}),
}
# fmt: on
_CODES = {"EUR": "€", "GBP": "£", "JPY": "¥"}  # codes said as their symbol's name
_NB_ONE = re.compile(r"\ben (hundre|tusen)")  # num2words' "en hundre" is "ett hundre"
_AMOUNT = r"\d{1,3}(?:[,. \u00a0\u202f]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"
_SIGN = "[-\u2212]"  # hyphen-minus and the minus sign
_MAYBE = re.compile(r"[$€£¥]|\bkr|[A-Z]{3}")  # a cheap test before the full patterns


def _alternation(keys: list[str]) -> str:
    """Keys as one regex alternation, longest first."""
    return "|".join(re.escape(k) for k in sorted(keys, key=lambda k: (-len(k), k)))


@cache
def _pattern(primary: str) -> re.Pattern[str]:
    """The language's amounts: a symbol or code before the number ('$5M') or after ('5 000 kr')."""
    words = _WORDS[primary]
    cur = _alternation([*words.currencies, *_CODES])
    scale = rf"(?:\s?(?P<{{}}>{_alternation(list(words.scales))})(?!\w))?"
    before = (
        rf"(?<![\w.,$€£¥])(?P<sign>{_SIGN}?)(?P<cur>{cur})(?:\.(?= ))?(?P<sign2>{_SIGN}?)"
        rf"[ \u00a0]?(?P<num>{_AMOUNT})(?![\d])" + scale.format("scale")
    )
    after = (
        rf"(?<![\w.,])(?P<sign3>{_SIGN}?)(?P<num2>{_AMOUNT})"
        + scale.format("scale2")
        + rf"[ \u00a0\u202f]?(?P<cur2>{cur})(?!\w)"
    )
    return re.compile(rf"(?:{before})(?![\w$€£¥]|[.,]\d)|{after}")


@cache
def _range(primary: str) -> re.Pattern[str]:
    """A range of amounts with the symbol first: '$5-$10' or '$5\u201310'."""
    cur = _alternation([*_WORDS[primary].currencies, *_CODES])
    return re.compile(
        rf"(?<![\w.,])(?P<cur>{cur})(?P<low>{_AMOUNT})\s?[-\u2013]\s?(?:(?P=cur))?(?=\d)"
    )


def speak_money(text: str, language: str) -> str:
    """Every amount of money in a sentence in words; languages without tables keep the text."""
    primary = primary_language(language)
    primary = "nb" if primary in ("nn", "no") else primary
    if primary not in _WORDS or not has_number_words(primary):
        return text
    if not _MAYBE.search(text):
        return text
    words = _WORDS[primary]

    def repl(match: re.Match[str]) -> str:
        """One amount, in words."""
        cur = match.group("cur") or match.group("cur2")
        num = match.group("num") or match.group("num2")
        scale = match.group("scale") or match.group("scale2")
        negative = any(match.group(g) for g in ("sign", "sign2", "sign3"))
        currency = words.currencies[_CODES.get(cur, cur).rstrip(".")]
        spoken = _amount(num, scale, currency, words, primary)
        return f"{words.minus} {spoken}" if negative else spoken

    text = _range(primary).sub(lambda m: f"{m['cur']}{m['low']} {words.to} {m['cur']}", text)
    return _pattern(primary).sub(repl, text)


def _split(num: str, primary: str) -> tuple[str, str]:
    """The whole and decimal digits of a written number: '1,234.5' (en) or '1.234,5'."""
    num = re.sub(r"[ \u00a0\u202f]", "", num)
    mark = max(num.rfind("."), num.rfind(","))
    if mark < 0:
        return num, ""
    tail = num[mark + 1 :]
    decimal = num[mark] == "." if primary == "en" else num[mark] == "," or len(tail) != 3
    if primary == "en" and num[mark] == "," and len(tail) != 3:
        decimal = True  # "$1,5" is not a thousand
    if not decimal:
        return re.sub(r"[.,]", "", num), ""
    return re.sub(r"[.,]", "", num[:mark]), tail


def _amount(num: str, scale: str | None, cur: Currency, words: Words, primary: str) -> str:
    """'20.50' dollars as 'twenty dollars and fifty cents'; '1.2' bn 'one point two billion'."""
    whole, decimals = _split(num, primary)
    value = int(whole or "0")
    if scale:
        _, one, many, of = words.scales[scale]
        exact_one = value == 1 and not decimals
        said = _decimal(value, decimals, words, primary, _SCALE_NOUN)
        return f"{said} {one if exact_one else many} {of}{cur.many}"
    if decimals and (len(decimals) > 2 or not cur.cent):
        return f"{_decimal(value, decimals, words, primary, cur)} {cur.many}"
    cents = int((decimals + "0")[:2]) if decimals else 0
    units = f"{_cardinal(value, primary, cur)} {cur.one if value == 1 else cur.many}"
    if not cents:
        return units
    hundredths = f"{_cardinal(cents, primary, cur)} {cur.cent if cents == 1 else cur.cents}"
    return hundredths if value == 0 else f"{units} {words.also} {hundredths}"


_SCALE_NOUN = Currency("", "", gender="c")  # millón, million, miljon: 'un', 'en'


def _decimal(value: int, decimals: str, words: Words, primary: str, cur: Currency) -> str:
    """A number with its decimals said digit by digit: 'one point two', 'uno coma dos'."""
    said = _cardinal(value, primary, cur)
    if not decimals:
        return said
    digits = " ".join(number_words(int(d), primary) for d in decimals)
    return f"{said} {words.point} {digits}"


def _cardinal(value: int, primary: str, cur: Currency) -> str:
    """A count of a currency's units agreeing with its noun: 'un dólar', 'una libra'."""
    said = number_words(value, primary).replace(",", "")
    if primary == "es" and said.endswith("uno"):
        masculine = said[:-3] + "ún" if said.endswith("veintiuno") else said[:-1]
        said = said[:-1] + "a" if cur.gender == "f" else masculine
    elif primary == "nb":
        said = _NB_ONE.sub(r"ett \1", said)
    elif primary == "sv":
        said = said.replace("etttusen", "ettusen")
        if value == 1 and cur.gender == "c":
            said = "en"
    return said
