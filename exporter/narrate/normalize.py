"""Text normalization for speech: the words the narrator says for one displayed sentence."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

from exporter.model.language import primary_language
from exporter.narrate.dates import speak_dates
from exporter.narrate.fractions import speak_fractions
from exporter.narrate.labels import spoken_labels
from exporter.narrate.lexicon import Lexicon
from exporter.narrate.money import speak_money
from exporter.narrate.numbers import number_words
from exporter.narrate.roman import speak_roman
from exporter.narrate.web import drop_emoji, speak_web

# fmt: off
_ROMAN = {"II": 2, "III": 3, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "XI": 11, "XII": 12,
          "XIII": 13, "XIV": 14, "XV": 15, "XVI": 16, "XVII": 17, "XVIII": 18, "XIX": 19,
          "XX": 20}
_ONSETS = frozenset(["bl", "br", "ch", "cl", "cr", "dr", "fl", "fr", "gl", "gn", "gr", "kl",
                     "kn", "ph", "pl", "pr", "ps", "qu", "sc", "sh", "sk", "sl", "sm", "sn",
                     "sp", "st", "sw", "th", "tr", "tw", "wh", "wr"])
# fmt: on
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "gv"})
# In patterns: \u2010 hyphen, \u2013 en dash, \u2019 and \u201c \u201d curly quotes.
_URL = re.compile(r"\b(?:(?:https?|ftp)://|www\.)[^\s<>\"'\u201c\u201d]+", re.IGNORECASE)
_URL_TAIL = ".,;:!?'\"\u201d\u2019]}"
_PHONE = re.compile(
    r"(?<![\w.\-\u2013])(?:\(\d{3}\) ?|\d{3}[-.])?\d{3}-\d{4}(?![\w\-\u2013]|[.,]\d)"
)
_RANGE = re.compile(
    r"(?<![\w.,/:\-\u2010\u2013])(\d+(?:\.\d+)?)"
    r"(?:\s?\u2013\s?|[-\u2010]| [-\u2010] )"  # "5-20", "8 \u2013 12", "10 - 20"
    r"(\d+(?:\.\d+)?)(?!\d|[.,]\d|[-\u2010\u2013/]\d)"
)
_YEAR = re.compile(r"(?<![\w.,$€£#:/])(?<!\d[-\u2013])(\d{4})(['\u2019]?s)?(?!\w|[.,]\d)")
_CAPS = re.compile(r"(?<![\w.])([A-Z]{2,})(['\u2019][A-Z]{1,2}|['\u2019]s|s)?(?!\w)")
_NUMBER_HYPHEN = re.compile(r"(?<=\d)[-\u2010](?=[a-z])")
_HYPHENS = ("-", "\u2010")
_CONSONANT_RUN = re.compile(r"[^aeiouy]{5}|^[^aeiouy]+$")
_SPACES = re.compile(r"\s+")
# A hyphen or dash with space around it, between words: "studied - opiates" (a pause);
# not between numbers ("10 - 20 mg" is a range, "5 - 3" a sum).
_SPACED_DASH = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[)\]\"\u201d']))\s+[-\u2010\u2013\u2014]+\s+(?=[^\W\d_]|[(\"\u201c'])"
)
# An em dash between words without spaces: "studied\u2014opiates".
_GLUED_DASH = re.compile(r"(?<=[^\W\d])\u2014(?=[^\W\d])")
# Phonemes followed by a possessive: "[[m@m'anti:n]]'s" is "[[m@m'anti:nz]]".
_POSSESSIVE_PHONEMES = re.compile(r"(\[\[[^\[\]]+)\]\]['\u2019]s(?!\w)")
# A slash between two words: "deficit/hyperactivity" (not 1/2, mg/kg, km/h or a path).
_SLASH_WORDS = re.compile(r"(?<![\w/])([^\W\d_]{3,})/(?=[^\W\d_]{3,}(?![\w/]))")


def speak_url(url: str, language: str = "en") -> str:
    """The site's registered name, never the address: 'https://www.x.com/a?b' -> 'x dot com'."""
    words = spoken_labels(language)
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
        host = host.encode("ascii").decode("idna") if "xn--" in host else host
    except (ValueError, UnicodeError):
        host = ""
    names = [name for name in host.removeprefix("www.").split(".") if name]
    if not names or all(name.isdigit() for name in names) or ":" in host:
        return words.web_link
    keep = 3 if len(names) > 2 and len(names[-1]) == 2 and names[-2] in _SECOND_LEVEL else 2
    return f" {words.dot} ".join(names[-keep:])


def normalize(text: str, lexicon: Lexicon) -> str:
    """The spoken form of one sentence in the lexicon's language; the display never changes.

    English runs every rule; other languages run those their tables describe (dates, ions,
    units, symbols, words) and leave numbers to the voice, which reads them in its own
    language. The lexicon's `pronounce` entries are applied later, by `engine_text`.
    """
    rules, english = lexicon.rules, primary_language(lexicon.language) == "en"
    text = _SPACES.sub(" ", drop_emoji(text)).replace("[[", "[ [").replace("]]", "] ]")
    text = _URL.sub(lambda m: _url(m, lexicon.language), text)
    text = _SPACED_DASH.sub(", ", text)
    text = _GLUED_DASH.sub(", ", text)
    text = _lookup(rules.words, lexicon.words, text)
    text = speak_money(text, lexicon.language)
    text = speak_roman(text, lexicon.language)
    text = speak_fractions(text, lexicon.language)
    text = speak_dates(text, lexicon.language, lexicon.month_first)
    text = speak_web(text, lexicon.language)
    text = _ion_names(text, lexicon)
    text = _sub(rules.abbreviations, lambda m: _abbreviation(m, lexicon.abbreviations), text)
    if english:
        text = _PHONE.sub(lambda m: _phone(m, rules.quantity_ahead), text)
        text = _RANGE.sub(_range, text)
        text = _YEAR.sub(lambda m: _year(m, rules.quantity_ahead), text)
    text = _sub(rules.symbols, lambda m: _symbol(m, lexicon.symbols), text)
    text = _sub(rules.units, lambda m: _quantity(m, lexicon), text)
    text = _sub(rules.ratios, lambda m: _ratio(m, lexicon), text)
    text = _sub(rules.bare_units, lambda m: _ratio(m, lexicon), text)
    text = _SLASH_WORDS.sub(r"\1 ", text)
    if english:
        text = _CAPS.sub(lambda m: _caps(m, lexicon), text)
        text = _NUMBER_HYPHEN.sub(" ", text)
    return _SPACES.sub(" ", text).replace(" ,", ",").strip()


def engine_text(spoken: str, lexicon: Lexicon) -> str:
    """What the engine is given for a spoken sentence: the lexicon's pronunciations put in.

    The spoken sentence itself (transcript, read-along) keeps the words as written; only the
    engine sees respellings and `[[phonemes]]`.
    """
    text = _sub(lexicon.rules.pronounce, lambda m: lexicon.spoken_pronunciation(m.group(0)), spoken)
    return _POSSESSIVE_PHONEMES.sub(r"\1z]]", text)


def _ion_names(text: str, lexicon: Lexicon) -> str:
    """Ion formulas as names ('Ca2+' is 'calcium ion'), each said once.

    A formula in parentheses right after words that already name the ion is dropped:
    'a calcium ion (Ca2+) influx' is 'a calcium ion influx'.
    """
    pattern = lexicon.rules.ions
    if pattern is None:
        return text

    def repl(match: re.Match[str]) -> str:
        name = lexicon.ions[match.group(0)]
        start, end = match.start(), match.end()
        inside = text[start - 1 : start] == "(" and text[end : end + 1] == ")"
        if inside:
            before = text[: start - 1].rstrip().lower()
            head = name.split()[0].lower()
            if before.endswith(name.lower()) or before.endswith(head) or head in before[-40:]:
                return "\0"  # the whole "(formula)" is removed below
        return name

    spoken = pattern.sub(repl, text)
    return re.sub(r"\s*\(\x00\)", "", spoken)


def _sub(pattern: re.Pattern[str] | None, repl: Callable[[re.Match[str]], str], text: str) -> str:
    """Apply a substitution when the lexicon has a pattern for it."""
    return pattern.sub(repl, text) if pattern is not None else text


def _lookup(pattern: re.Pattern[str] | None, table: Mapping[str, str], text: str) -> str:
    """Replace every key of a table found by its pattern with its spoken form."""
    return _sub(pattern, lambda m: table[m.group(0)], text)


def _url(match: re.Match[str], language: str) -> str:
    """A web address in running text, as its site's name; trailing punctuation stays."""
    url = match.group(0)
    tail = len(url) - len(url.rstrip(_URL_TAIL))
    head = url[: len(url) - tail]
    while head.endswith(")") and head.count("(") < head.count(")"):
        head = head[:-1]
    return speak_url(head, language) + url[len(head) :]


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
    words = number_words(number, "en", "year").replace(" and ", " ")
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
