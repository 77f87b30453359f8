"""Text normalization for speech: the words the narrator says for one displayed sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from exporter.errors import ExporterError
from exporter.read.post import read_yaml_mapping

_MAPS = ("per", "abbreviations", "ions", "symbols", "words")
_LISTS = ("acronyms_as_words", "acronyms_as_letters", "english_words")
# fmt: off
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_ROMAN = {"II": 2, "III": 3, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "XI": 11, "XII": 12,
          "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16, "XVII": 17, "XVIII": 18, "XIX": 19,
          "XX": 20}
_ONSETS = frozenset(["bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gn", "gr", "kl",
                     "kn", "ph", "pl", "pr", "ps", "qu", "sc", "sh", "sk", "sl", "sm", "sn",
                     "sp", "st", "sw", "th", "tr", "tw", "wh", "wr"])
# fmt: on
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "gv"})
_ACRONYM = re.compile(r"[A-Z]{2,}")
_WORD = re.compile(r"[a-z]+")
# In patterns: \u2010 hyphen, \u2013 en dash, \u2019 and \u201c \u201d curly quotes.
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'\u201c\u201d]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?'\"\u201d\u2019]}"
_ISO_DATE = re.compile(r"(?<![\w.\-\u2013])(\d{4})-(\d\d)-(\d\d)(?![\w\-\u2013]|\.\d)")
_PHONE = re.compile(
    r"(?<![\w.\-\u2013])(?:\(\d{3}\) ?|\d{3}[-.])?\d{3}-\d{4}(?![\w\-\u2013]|[.,]\d)"
)
_RANGE = re.compile(
    r"(?<![\w.,/:\-\u2010\u2013])(\d+(?:\.\d+)?)(?:\s?\u2013\s?|[-\u2010])(\d+(?:\.\d+)?)"
    r"(?!\d|[.,]\d|[-\u2010\u2013/]\d)"
)
_YEAR = re.compile(r"(?<![\w.,$€£#:/])(?<!\d[-\u2013])(\d{4})(['\u2019]?s)?(?!\w|[.,]\d)")
_CAPS = re.compile(r"(?<![\w.])([A-Z]{2,})(['\u2019][A-Z]{1,2}|['\u2019]s|s)?(?!\w)")
_NUMBER_HYPHEN = re.compile(r"(?<=\d)[-\u2010](?=[a-z])")
_HYPHENS = ("-", "\u2010")
_CONSONANT_RUN = re.compile(r"[^aeiouy]{5}|^[^aeiouy]+$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class _Rules:
    """The regular expressions of one Lexicon, compiled once."""

    words: re.Pattern[str] | None
    ions: re.Pattern[str] | None
    abbreviations: re.Pattern[str] | None
    units: re.Pattern[str] | None
    ratios: re.Pattern[str] | None
    symbols: re.Pattern[str] | None
    quantity_ahead: re.Pattern[str]


@dataclass(frozen=True)
class Lexicon:
    """The merged speech tables; its regular expressions are compiled once, on creation."""

    units: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    per: Mapping[str, str] = field(default_factory=dict)
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    ions: Mapping[str, str] = field(default_factory=dict)
    symbols: Mapping[str, str] = field(default_factory=dict)
    words: Mapping[str, str] = field(default_factory=dict)
    acronyms_as_words: frozenset[str] = frozenset()
    acronyms_as_letters: frozenset[str] = frozenset()
    english_words: frozenset[str] = frozenset()
    rules: _Rules = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Compile the lexicon's patterns."""
        object.__setattr__(self, "rules", _compile(self))


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


def _pattern(keys: Iterable[str], **guards: Any) -> re.Pattern[str] | None:
    """A compiled alternation of the keys, or None when there are none."""
    body = _alternation(keys, **guards)
    return re.compile(body) if body else None


def _compile(lex: Lexicon) -> _Rules:
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
    return _Rules(
        words=_pattern(lex.words, before=r"(?<!\w)"),
        ions=_pattern(lex.ions, before=r"(?<!\w)", after=r"(?![\w+])"),
        abbreviations=_pattern(lex.abbreviations),
        units=units,
        ratios=ratios,
        symbols=_pattern(lex.symbols, before="", after="", units=lex.units),
        quantity_ahead=re.compile(ahead),
    )


def load_lexicon(extra: Sequence[Path] = ()) -> Lexicon:
    """The packaged lexicon merged with user lexicons in order; later entries win, key by key."""
    tables: dict[str, Any] = {name: {} for name in ("units", *_MAPS)}
    tables.update({name: set() for name in _LISTS})
    packaged = resources.files("exporter") / "data" / "lexicon.yaml"
    with resources.as_file(packaged) as path:
        _merge(tables, path, read_yaml_mapping(path))
    for path in extra:
        _merge(tables, path, read_yaml_mapping(path))
    return Lexicon(
        units=tables["units"],
        per=tables["per"],
        abbreviations=tables["abbreviations"],
        ions=tables["ions"],
        symbols=tables["symbols"],
        words=tables["words"],
        acronyms_as_words=frozenset(tables["acronyms_as_words"]),
        acronyms_as_letters=frozenset(tables["acronyms_as_letters"]),
        english_words=frozenset(tables["english_words"]),
    )


def _merge(tables: dict[str, Any], path: Path, data: Mapping[str, Any]) -> None:
    """Check one lexicon file's shape and lay its entries over the tables."""
    for section, value in data.items():
        if section not in tables:
            raise ExporterError(f"{path}: {section}: unknown lexicon section")
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


def speak_url(url: str) -> str:
    """The site's registered name, never the address: 'https://www.x.com/a?b' -> 'x dot com'."""
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        host = host.encode("ascii").decode("idna") if "xn--" in host else host
    except (ValueError, UnicodeError):
        host = ""
    labels = [label for label in host.removeprefix("www.").split(".") if label]
    if not labels or all(label.isdigit() for label in labels) or ":" in host:
        return "a web link"
    keep = 3 if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL else 2
    return " dot ".join(labels[-keep:])


def normalize(text: str, lexicon: Lexicon, language: str = "en") -> str:
    """The spoken form of one sentence; the displayed text itself is never changed."""
    text = _URL.sub(_url, _SPACES.sub(" ", text))
    if language.replace("_", "-").lower().split("-")[0] != "en":
        return _SPACES.sub(" ", text).strip()
    rules = lexicon.rules
    text = _lookup(rules.words, lexicon.words, text)
    text = _ISO_DATE.sub(_date, text)
    text = _lookup(rules.ions, lexicon.ions, text)
    text = _sub(rules.abbreviations, lambda m: _abbreviation(m, lexicon.abbreviations), text)
    text = _PHONE.sub(lambda m: _phone(m, rules.quantity_ahead), text)
    text = _RANGE.sub(_range, text)
    text = _YEAR.sub(lambda m: _year(m, rules.quantity_ahead), text)
    text = _sub(rules.symbols, lambda m: _symbol(m, lexicon.symbols), text)
    text = _sub(rules.units, lambda m: _quantity(m, lexicon), text)
    text = _sub(rules.ratios, lambda m: _ratio(m, lexicon), text)
    text = _CAPS.sub(lambda m: _caps(m, lexicon), text)
    text = _NUMBER_HYPHEN.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _sub(pattern: re.Pattern[str] | None, repl: Callable[[re.Match[str]], str], text: str) -> str:
    """Apply a substitution when the lexicon has a pattern for it."""
    return pattern.sub(repl, text) if pattern is not None else text


def _lookup(pattern: re.Pattern[str] | None, table: Mapping[str, str], text: str) -> str:
    """Replace every key of a table found by its pattern with its spoken form."""
    return _sub(pattern, lambda m: table[m.group(0)], text)


def _url(match: re.Match[str]) -> str:
    """A web address in running text, as its site's name; trailing punctuation stays."""
    url = match.group(0)
    tail = len(url) - len(url.rstrip(_URL_TAIL))
    head = url[: len(url) - tail]
    while head.endswith(")") and head.count("(") < head.count(")"):
        head = head[:-1]
    return speak_url(head) + url[len(head) :]


def _date(match: re.Match[str]) -> str:
    """An ISO date such as 2012-04-15 as 'April 15th, 2012' (the year is spoken later)."""
    year, month, day = (int(g) for g in match.groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return match.group(0)
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{_MONTHS[month - 1]} {day}{suffix}, {year}"


def _abbreviation(match: re.Match[str], table: Mapping[str, str]) -> str:
    """An abbreviation's words, keeping the full stop when it also ends the sentence."""
    key = match.group(0)
    ends = key.endswith(".") and not match.string[match.end() :].strip()
    return table[key] + ("." if ends else "")


def _phone(match: re.Match[str], quantity_ahead: re.Pattern[str]) -> str:
    """A phone number such as 555-1234 digit by digit, unless a unit follows (a range, then)."""
    if quantity_ahead.match(match.string, match.end()):
        return match.group(0)
    return ", ".join(" ".join(group) for group in re.findall(r"\d+", match.group(0)))


def _range(match: re.Match[str]) -> str:
    """'5-20' or '8\u201312' as '5 to 20'; not descending pairs, scores or zero-padded parts."""
    low, high = match.groups()
    padded = any(len(n) > 1 and n[0] == "0" and n[1] != "." for n in (low, high))
    if padded or float(low) >= float(high):
        return match.group(0)
    return f"{low} to {high}"


def _year(match: re.Match[str], quantity_ahead: re.Pattern[str]) -> str:
    """A plausible year (1100-2099) as words, and '1990s' as 'nineteen nineties'."""
    number, plural = int(match.group(1)), match.group(2)
    if not 1100 <= number <= 2099 or quantity_ahead.match(match.string, match.end()):
        return match.group(0)
    from num2words import num2words  # imported on first use: it loads every language

    words = str(num2words(number, lang="en", to="year")).replace(" and ", " ")
    if not plural:
        return words
    if number % 10:
        return match.group(0)
    return words[:-1] + "ies" if words.endswith("y") else words + "s"


def _quantity(match: re.Match[str], lexicon: Lexicon) -> str:
    """'40mg' as '40 milligrams', '1 mg' as '1 milligram', '10 mg/kg' with 'per kilogram'."""
    number, sep = match.group("num"), match.group("sep")
    before = match.string[max(0, match.start() - 3) : match.start()]
    one = number == "1" and not before.endswith("to ")
    singular, plural = lexicon.units[match.group("unit")]
    adjective = sep in _HYPHENS
    spoken = singular if one or adjective else plural
    return f"{number} {spoken}{_per(match.group('per'), lexicon)}"


def _ratio(match: re.Match[str], lexicon: Lexicon) -> str:
    """A bare ratio of units such as 'mg/kg' as 'milligrams per kilogram'."""
    return lexicon.units[match.group("unit")][1] + _per(match.group("per"), lexicon)


def _per(tail: str, lexicon: Lexicon) -> str:
    """'/kg/day' as ' per kilogram per day'."""
    spoken = []
    for part in tail.split("/")[1:]:
        word = lexicon.units[part][0] if part in lexicon.units else lexicon.per.get(part, part)
        spoken.append(f" per {word}")
    return "".join(spoken)


def _symbol(match: re.Match[str], table: Mapping[str, str]) -> str:
    """A symbol as its word, spaced from any letter or digit beside it."""
    text, start, end = match.string, match.start(), match.end()
    left = " " if start > 0 and text[start - 1].isalnum() else ""
    right = " " if end < len(text) and text[end].isalnum() else ""
    return f"{left}{table[match.group(0)]}{right}"


def _caps(match: re.Match[str], lexicon: Lexicon) -> str:
    """An all-caps token spoken as a word (lowercase), a number (II) or letters (N.M.D.A)."""
    token, suffix = match.group(1), match.group(2) or ""
    if suffix[:1] in "'\u2019" and suffix[1:2].isupper():
        return (token + suffix).lower()
    if token in lexicon.acronyms_as_letters:
        return _letters(token, suffix)
    if token in lexicon.acronyms_as_words or token.lower() in lexicon.english_words:
        return token.lower() + suffix
    if token in _ROMAN and not suffix and not _hyphenated(match):
        return str(_ROMAN[token])
    plural = token.endswith("S") and not suffix
    if plural and token[:-1] in lexicon.acronyms_as_letters:
        return _letters(token[:-1], "s")
    if plural and token[:-1].lower() in lexicon.english_words:
        return token.lower()
    if len(token) > 5 and _pronounceable(token):
        return token.lower() + suffix
    return _letters(token, suffix)


def _hyphenated(match: re.Match[str]) -> bool:
    """Whether a match touches a hyphen or dash (so 'IX-10' is not read as a range)."""
    text = match.string
    return any(
        c in "-\u2010\u2013"
        for c in text[max(0, match.start() - 1) : match.start()]
        + text[match.end() : match.end() + 1]
    )


def _letters(token: str, suffix: str) -> str:
    """Letters eSpeak NG always spells: 'N.M.D.A'; a plural or possessive adds "'s"."""
    return ".".join(token) + ("'s" if suffix else "")


def _pronounceable(token: str) -> bool:
    """Whether a long all-caps token looks like an English word rather than an initialism."""
    lower = token.lower()
    starts_ok = lower[0] in "aeiouy" or lower[1] in "aeiouy" or lower[:2] in _ONSETS
    return starts_ok and _CONSONANT_RUN.search(lower) is None
