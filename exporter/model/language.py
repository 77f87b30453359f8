"""Language tags and each language's words, read from `exporter/data/words.toml` (stdlib only)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from typing import Any

# Norwegian is written "no", "nb" (Bokmål) or "nn" (Nynorsk); all three read the "nb" words.
_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "swe": "sv", "spa": "es", "eng": "en"}
_SAME_WORDS = {"no": "nb", "nn": "nb"}
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Calendar:
    """How one language writes a date: month names and the long date pattern."""

    months: tuple[str, ...]
    pattern: str  # with {day}, {month} and {year}


@cache
def _word_tables() -> dict[str, Any]:
    """Every language's words, as `exporter/data/words.toml` holds them; read once."""
    return tomllib.loads(files("exporter").joinpath("data/words.toml").read_text("utf-8"))


def _frozen(value: Any) -> Any:
    """A TOML value with its lists as tuples and its tables as tuples of (key, value) pairs."""
    if isinstance(value, list):
        return tuple(_frozen(item) for item in value)
    if isinstance(value, dict):
        return tuple((key, _frozen(item)) for key, item in value.items())
    return value


def words_language(primary: str) -> str | None:
    """The language whose words a primary subtag reads ('nn' -> 'nb'), or None without any."""
    language = _SAME_WORDS.get(primary, primary)
    return language if language in _word_tables() else None


def words_of(language: str, part: str) -> dict[str, Any]:
    """One part (calendar, spoken, book, site) of a language's words, English filling gaps."""
    tables = _word_tables()
    merged = {**tables["en"][part], **tables[language].get(part, {})}
    return {name: _frozen(value) for name, value in merged.items()}


def normalize_tag(tag: str) -> str:
    """A language tag as BCP 47 writes it ('en_us' -> 'en-US'); '' when it is not one."""
    text = tag.strip().replace("_", "-")
    if not _TAG.fullmatch(text):
        return ""
    primary, *rest = text.split("-")
    primary = _ALIASES.get(primary.lower(), primary.lower())
    subtags = [s.upper() if len(s) == 2 else s.title() if len(s) == 4 else s.lower() for s in rest]
    return "-".join([primary, *subtags])


def primary_language(tag: str) -> str:
    """The primary subtag of a language tag, Norwegian 'no' as 'nb': 'es-MX' -> 'es'."""
    primary = tag.strip().replace("_", "-").split("-")[0].lower()
    return _ALIASES.get(primary, primary)


@cache
def _calendar(language: str) -> Calendar:
    """The calendar of a language that has words."""
    return Calendar(**words_of(language, "calendar"))


def calendar_for(tag: str) -> Calendar | None:
    """The calendar words of a language, or None when there is no table for it."""
    language = words_language(primary_language(tag))
    return None if language is None else _calendar(language)


def month_first(tag: str) -> bool:
    """Whether the language's numeric dates put the month first (US English: 4/15/2012)."""
    primary = primary_language(tag)
    region = tag.replace("_", "-").split("-")[1:2]
    return primary == "en" and (not region or region[0].upper() in ("US", "PH", "CA"))


def long_date(day: date, tag: str) -> str:
    """A date the way the language writes it out: 'April 15, 2012', '15 de abril de 2012'.

    A language without a table gets the ISO date, which every reader can read.
    """
    calendar = calendar_for(tag)
    if calendar is None:
        return day.isoformat()
    month = calendar.months[day.month - 1]
    return calendar.pattern.format(day=day.day, month=month, year=day.year)
