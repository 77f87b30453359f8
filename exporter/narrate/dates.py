"""Dates as a narrator says them, in the book's language: 'April fifteenth, twenty twelve'."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import cache

from exporter.model.language import calendar_for, primary_language
from exporter.narrate.numbers import has_number_words, number_words

_EN_SHORT = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9,
             "Sept": 9, "Oct": 10, "Nov": 11, "Dec": 12}  # fmt: skip
_ISO = re.compile(r"(?<![\w.\-\u2013/])(\d{4})-(\d\d)-(\d\d)(?![\w\-\u2013/]|\.\d)")
# 12/03/2021, 12/3/21; in day-first languages also 12.03.2021.
_NUMERIC = re.compile(r"(?<![\w/.,:])(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d\d)(?![\w/]|[.,]\d)")


def _year(year: int, language: str) -> str:
    """A year as spoken: 'twenty twelve', 'dos mil doce', 'to tusen og tolv'."""
    words = number_words(year, language, "year")
    return words.replace(" and ", " ") if language == "en" else words


def _day(day: int, language: str) -> str:
    """A day of the month as spoken: an ordinal, except Spanish (a cardinal; 'primero')."""
    if language == "es":
        return "primero" if day == 1 else number_words(day, "es")
    return number_words(day, language, "ordinal")


def spoken_date(year: int | None, month: int, day: int, language: str, month_first: bool) -> str:
    """One date in words in the language's own order; English follows the site's order."""
    primary = primary_language(language)
    calendar = calendar_for(primary)
    if calendar is None or not has_number_words(primary):
        raise ValueError(f"no spoken dates for {language!r}")
    month_name, day_words = calendar.months[month - 1], _day(day, primary)
    year_words = _year(year, primary) if year is not None else ""
    if primary == "es":
        spoken = f"{day_words} de {month_name}" + (f" de {year_words}" if year_words else "")
    elif primary != "en":
        spoken = f"{day_words} {month_name}" + (f" {year_words}" if year_words else "")
    elif month_first:
        spoken = f"{month_name} {day_words}" + (f", {year_words}" if year_words else "")
    else:
        spoken = f"the {day_words} of {month_name}" + (f" {year_words}" if year_words else "")
    return spoken


@cache
def _written(primary: str) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """The language's written dates: month first ('April 15, 2012') and day first."""
    calendar = calendar_for(primary)
    if calendar is None:
        return None
    shorts = [rf"{name}\.?" for name in _EN_SHORT] if primary == "en" else []
    month = "|".join(sorted([*calendar.months, *shorts], key=len, reverse=True))
    suffix = {"en": r"(?:st|nd|rd|th)?", "nb": r"\.", "nn": r"\.", "sv": r"(?::[ae])?"}
    day = rf"(?P<day>\d{{1,2}}){suffix.get(primary, '')}"
    year = r"(?P<year>\d{4})(?![\w.]\d|\w)"
    if primary == "es":
        day_first = rf"(?<![\w.]){day} de (?P<month>{month})(?: de {year})?(?!\w)"
    else:
        of = " (?:of )?" if primary == "en" else " "
        day_first = rf"(?<![\w.]){day}{of}(?P<month>{month})(?!\w)(?:,? {year})?(?!\w)"
    month_first = (
        rf"(?<!\w)(?P<month>{month}) (?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?!\w|[.,]\d)"
        rf"(?:,? {year})?"
    )
    flags = 0 if primary == "en" else re.IGNORECASE
    return re.compile(month_first, flags), re.compile(day_first, flags)


def speak_dates(text: str, language: str, month_first: bool) -> str:
    """Every date in a sentence in words: ISO, numeric (by the site's order) and written out.

    A language without spoken dates keeps its text; an impossible date is left as written.
    """
    primary = primary_language(language)
    patterns = _written(primary)
    if patterns is None or not has_number_words(primary):
        return text
    calendar = calendar_for(primary)
    assert calendar is not None
    months = {name.lower(): i + 1 for i, name in enumerate(calendar.months)}
    months |= (
        {name.lower(): number for name, number in _EN_SHORT.items()} if primary == "en" else {}
    )

    def say(year: int | None, month: int, day: int, original: str, by_month: bool) -> str:
        """The words of one date, or the original text when the date cannot exist."""
        try:
            date(2000 if year is None else year, month, day)  # 2000: February 29th exists
        except ValueError:
            return original
        return spoken_date(year, month, day, primary, by_month)

    def written(by_month: bool) -> Callable[[re.Match[str]], str]:
        """A replacer for one of the written date patterns: spoken in the order written."""

        def repl(match: re.Match[str]) -> str:
            year = int(match.group("year")) if match.group("year") else None
            month = months[match.group("month").rstrip(".").lower()]
            return say(year, month, int(match.group("day")), match.group(0), by_month)

        return repl

    def numeric(match: re.Match[str]) -> str:
        """12/03/2021 in the site's order (a first number over 12 can only be a day)."""
        first, sep, second, year_text = match.groups()
        if sep == "." and primary == "en":
            return match.group(0)
        year = int(year_text)
        if len(year_text) == 2:
            year += 2000 if year < 50 else 1900
        a, b = int(first), int(second)
        by_month = month_first and primary == "en" and a <= 12
        month, day = (a, b) if by_month else (b, a)
        return say(year, month, day, match.group(0), by_month)

    def iso(match: re.Match[str]) -> str:
        """2012-04-15, spoken in the site's order."""
        year, month, day = (int(g) for g in match.groups())
        return say(year, month, day, match.group(0), month_first)

    text = _ISO.sub(iso, text)
    text = _NUMERIC.sub(numeric, text)
    text = patterns[0].sub(written(True), text)
    return patterns[1].sub(written(False), text)
