"""The speech lexicon: tables of how words, units and symbols are said, per language.

A lexicon file is YAML (read by the run layer through `exporter.read`; this module gets plain
data). Its top-level sections are the English tables; `languages: {es: {...}}` holds the same
sections for another language; `pronounce` gives any word's pronunciation per language, as a
respelling or as phonemes for one engine (see `exporter/data/lexicon.yaml` for the format).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exporter.errors import ExporterError
from exporter.model.language import month_first, primary_language

_MAPS = ("per", "abbreviations", "ions", "symbols", "words")
_LISTS = ("acronyms_as_words", "acronyms_as_letters", "english_words")
_ACRONYM = re.compile(r"[A-Z]{2,}")
_WORD = re.compile(r"[a-z]+")
_PHONEMES = re.compile(r"\[\[[^\[\]]+\]\]")
ENGINES = ("espeak", "piper")


@dataclass(frozen=True)
class Rules:
    """The regular expressions of one Lexicon, compiled once."""

    pronounce: re.Pattern[str] | None
    bare_units: re.Pattern[str] | None
    words: re.Pattern[str] | None
    ions: re.Pattern[str] | None
    abbreviations: re.Pattern[str] | None
    units: re.Pattern[str] | None
    ratios: re.Pattern[str] | None
    symbols: re.Pattern[str] | None
    quantity_ahead: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """One language's merged speech tables; its regular expressions are compiled on creation.

    `pronounce` maps a word (lower case; matched in any case) to what the engine is given
    instead: a respelling, or eSpeak NG phonemes in `[[...]]`. `month_first` says how the
    site writes numeric dates such as 4/5/2012.
    """

    language: str = "en"
    month_first: bool = True
    units: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    per: Mapping[str, str] = field(default_factory=dict)
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    ions: Mapping[str, str] = field(default_factory=dict)
    symbols: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)
    pronounce: Mapping[str, str] = field(default_factory=dict)
    acronyms_as_words: frozenset[str] = frozenset()
    acronyms_as_letters: frozenset[str] = frozenset()
    english_words: frozenset[str] = frozenset()
    rules: Rules = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile the lexicon's patterns."""
        object.__setattr__(self, "rules", _compile(self))

    def spoken_pronunciation(self, word: str) -> str:
        """What the engine is given for a word the `pronounce` table lists (in any case)."""
        return self.pronounce[word.lower()]


LexiconSource = tuple[Path, Mapping[str, Any]]


def build_lexicon(
    sources: Sequence[LexiconSource],
    language: str = "en",
    engine: str = "espeak",
    dates: str | None = None,
) -> Lexicon:
    """Merge lexicon files (already read) in order for one language and engine; later win.

    `dates` is the site's setting ('day-first' or 'month-first'); None follows the language.
    """
    primary = primary_language(language)
    tables = _empty_tables()
    for path, data in sources:
        english = {k: v for k, v in data.items() if k not in ("languages", "pronounce")}
        if primary == "en":
            _merge(tables, path, english)
        _merge_languages(tables, path, data.get("languages"), primary)
        _merge_pronounce(tables["pronounce"], path, data.get("pronounce"), primary, engine)
    first = month_first(language) if dates is None else dates == "month-first"
    return Lexicon(
        language=language,
        month_first=first,
        units=tables["units"],
        per=tables["per"],
        abbreviations=tables["abbreviations"],
        ions=tables["ions"],
        symbols=tables["symbols"],
        words=tables["words"],
        pronounce=tables["pronounce"],
        acronyms_as_words=frozenset(tables["acronyms_as_words"]),
        acronyms_as_letters=frozenset(tables["acronyms_as_letters"]),
        english_words=frozenset(tables["english_words"]),
    )


def _empty_tables() -> dict[str, Any]:
    """Every lexicon section, empty."""
    tables: dict[str, Any] = {name: {} for name in ("units", "pronounce", *_MAPS)}
    tables.update({name: set() for name in _LISTS})
    return tables


def _merge_languages(tables: dict[str, Any], path: Path, value: object, primary: str) -> None:
    """Lay the sections a file gives for this language (under `languages:`) over the tables."""
    if value is None:
        return
    if not isinstance(value, dict):
        raise ExporterError(f"{path}: languages: expected a mapping of language to sections")
    for tag, sections in value.items():
        if not isinstance(sections, dict):
            raise ExporterError(f"{path}: languages.{tag}: expected a mapping of sections")
        target = tables if primary_language(str(tag)) == primary else _empty_tables()
        _merge(target, path, sections, f"languages.{tag}.")  # other languages: checked only


def _merge_pronounce(
    table: dict[str, str], path: Path, value: object, primary: str, engine: str
) -> None:
    """Add the pronunciations a file gives for this language and engine.

    An entry is `word: {language: spoken}`; spoken is a respelling (any engine) or a mapping
    `{espeak: "[[phonemes]]", piper: "[[phonemes]]", say: respelling}`, one engine's phonemes
    winning over `say` for that engine.
    """
    if value is None:
        return
    if not isinstance(value, dict):
        raise ExporterError(f"{path}: pronounce: expected a mapping of word to languages")
    for word, by_language in value.items():
        where = f"{path}: pronounce.{word}"
        if not isinstance(word, str) or not re.fullmatch(r"[\w'\u2019.-]+", word):
            raise ExporterError(f"{where}: a key must be one word")
        if not isinstance(by_language, dict) or not by_language:
            raise ExporterError(f"{where}: expected a mapping of language to pronunciation")
        for tag, spoken in by_language.items():
            said = _pronunciation(f"{where}.{tag}", spoken, engine)
            if primary_language(str(tag)) == primary and said:
                table[word.lower()] = said


def _pronunciation(where: str, spoken: object, engine: str) -> str:
    """One language's pronunciation of a word for an engine ('' when it gives none for it)."""
    if isinstance(spoken, str) and spoken.strip():
        if "[[" in spoken or "]]" in spoken:
            raise ExporterError(f"{where}: phonemes go under an engine's name (espeak: ...)")
        return spoken.strip()
    if not isinstance(spoken, dict) or not spoken:
        raise ExporterError(f"{where}: expected a respelling or {{say/espeak/piper: ...}}")
    for key, text in spoken.items():
        if key not in ("say", *ENGINES):
            raise ExporterError(f"{where}: {key}: expected say, espeak or piper")
        if not isinstance(text, str) or not text.strip():
            raise ExporterError(f"{where}.{key}: expected non-empty text")
        if key != "say" and not _PHONEMES.fullmatch(text.strip()):
            raise ExporterError(f"{where}.{key}: phonemes must be written [[...]]")
    return str(spoken.get(engine) or spoken.get("say") or "").strip()


def _alternation(
    keys: Iterable[str],
    before: str = r"(?<![\w.])",
    after: str = r"(?!\w)",
    units: Collection[str] = (),
) -> str:
    """One regex alternative per key, longest first, guarded where a key starts or ends a word.

    A key that is also a unit (the degree sign) is left alone after a number, for the units.
    """
    parts = []
    for key in sorted(set(keys), key=lambda k: (-len(k), k)):
        head = before if key[0].isalnum() else ""
        head += r"(?<!\d)(?<!\d )" if key in units else ""
        tail = after if key[-1].isalnum() else ""
        parts.append(f"{head}{re.escape(key)}{tail}")
    return "|".join(parts)


def _pattern(keys: Iterable[str], flags: int = 0, **guards: Any) -> re.Pattern[str] | None:
    """A compiled alternation of the keys, or None when there are none."""
    body = _alternation(keys, **guards)
    return re.compile(body, flags) if body else None


def _compile(lex: Lexicon) -> Rules:
    """Build every lexicon-dependent regular expression."""
    unit = "|".join(re.escape(k) for k in sorted(lex.units, key=lambda k: (-len(k), k)))
    den = "|".join(re.escape(k) for k in sorted({*lex.units, *lex.per}, key=lambda k: (-len(k), k)))
    units = ratios = None
    if unit:
        units = re.compile(
            rf"(?<![\w.])(?P<num>\d+(?:[.,]\d+)*)(?P<sep>[ \u00a0\u202f]?|[-\u2010])"
            rf"(?P<unit>{unit})(?P<per>(?:/(?:{den}|[a-z]+))*)(?![\w/]|\.\w)"
        )
        ratios = re.compile(rf"(?<![\w/])(?P<unit>{unit})(?P<per>(?:/(?:{den}))+)(?![\w/]|\.\w)")
    spoken = {name for pair in lex.units.values() for name in pair}
    spoken |= {lex.symbols[k] for k in ("%", "‰") if k in lex.symbols}
    said = "|".join(re.escape(k) for k in sorted(spoken, key=lambda k: (-len(k), k)))
    ahead = (
        rf"(?:\s*(?:-|\u2013|to)\s*\d[\d.,]*)?\s*"
        rf"(?:[%‰]|(?:{unit or '(?!)'})(?!\w)|(?:{said or '(?!)'})(?!\w))"
    )
    bare = (
        rf"(?:(?<=\()|(?<=\bin )|(?<=\bper )|(?<=\bof ))(?P<unit>{unit})(?P<per>(?:/(?:{den}))*)"
        rf"(?=\)|[ ,.;:]|$)"
    )
    return Rules(
        pronounce=_pattern(lex.pronounce, before=r"(?<![\w\[])", after=r"(?![\w\]])", flags=re.I),
        bare_units=re.compile(bare) if unit else None,
        words=_pattern(lex.words, before=r"(?<!\w)"),
        ions=_pattern(lex.ions, before=r"(?<!\w)", after=r"(?![\w+])"),
        abbreviations=_pattern(lex.abbreviations),
        units=units,
        ratios=ratios,
        symbols=_pattern(lex.symbols, before="", after="", units=lex.units),
        quantity_ahead=re.compile(ahead),
    )


def _merge(tables: dict[str, Any], path: Path, data: Mapping[str, Any], where: str = "") -> None:
    """Check one lexicon file's (or language's) sections and lay its entries over the tables."""
    for section, value in data.items():
        if section not in tables or section == "pronounce":
            raise ExporterError(f"{path}: {where}{section}: unknown lexicon section")
        if value is None:
            continue
        if section in _LISTS:
            _merge_list(tables, path, str(section), value)
            continue
        if not isinstance(value, dict):
            raise ExporterError(f"{path}: {section}: expected a mapping")
        for key, spoken in value.items():
            if not isinstance(key, str) or not key.strip():
                raise ExporterError(f"{path}: {section}.{key!r}: a key must be non-empty text")
            tables[section][key] = _spoken(path, section, key, spoken)


def _spoken(path: Path, section: str, key: str, value: object) -> str | tuple[str, str]:
    """Check one entry's spoken form: text, or [singular, plural] text for a unit."""
    if section == "units":
        if isinstance(value, str) and value.strip():
            return value, value
        if (
            isinstance(value, list)
            and len(value) == 2
            and all(isinstance(v, str) and v.strip() for v in value)
        ):
            return value[0], value[1]
        raise ExporterError(f"{path}: units.{key}: expected [singular, plural] text")
    if not isinstance(value, str) or not value.strip():
        raise ExporterError(f"{path}: {section}.{key}: expected non-empty text")
    return value


def _merge_list(tables: dict[str, Any], path: Path, section: str, value: object) -> None:
    """Add one file's list entries; an acronym named in one acronym list leaves the other."""
    if not isinstance(value, list):
        raise ExporterError(f"{path}: {section}: expected a list")
    shape = _WORD if section == "english_words" else _ACRONYM
    for item in value:
        if not isinstance(item, str) or not shape.fullmatch(item):
            wanted = "lowercase letters" if shape is _WORD else "capital letters (2 or more)"
            raise ExporterError(f"{path}: {section}: {item!r}: expected {wanted}")
        tables[section].add(item)
        other = {
            "acronyms_as_words": "acronyms_as_letters",
            "acronyms_as_letters": "acronyms_as_words",
        }.get(section)
        if other:
            tables[other].discard(item)
