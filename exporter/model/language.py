"""Language tags and the calendar words of the languages a book may be in (stdlib only)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Norwegian is written "no", "nb" (Bokmål) or "nn" (Nynorsk); the tables below use "nb" for all
# but Nynorsk's own month spellings, which are the same words.
_ALIASES = {"no": "nb", "nob": "nb", "nno": "nn", "swe": "sv", "spa": "es", "eng": "en"}
_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True)
class Calendar:
    """How one language writes a date: month names and the long date pattern."""

    months: tuple[str, ...]
    pattern: str  # with {day}, {month} and {year}


# fmt: off
_CALENDARS = {
    "en": Calendar(("January", "February", "March", "April", "May", "June", "July", "August",
                    "September", "October", "November", "December"),
                   "{month} {day}, {year}"),
    "es": Calendar(("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
                    "septiembre", "octubre", "noviembre", "diciembre"),
                   "{day} de {month} de {year}"),
    "nb": Calendar(("januar", "februar", "mars", "april", "mai", "juni", "juli", "august",
                    "september", "oktober", "november", "desember"),
                   "{day}. {month} {year}"),
    "sv": Calendar(("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
                    "september", "oktober", "november", "december"),
                   "{day} {month} {year}"),
}
# fmt: on
_CALENDARS["nn"] = _CALENDARS["nb"]


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


def calendar_for(tag: str) -> Calendar | None:
    """The calendar words of a language, or None when there is no table for it."""
    return _CALENDARS.get(primary_language(tag))


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
