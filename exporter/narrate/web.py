"""Versions, e-mail addresses, bare domain names and emoji as a listener wants them said."""

from __future__ import annotations

import re

from exporter.model.language import primary_language
from exporter.narrate.labels import spoken_labels
from exporter.narrate.numbers import has_number_words, number_words

# "version", the point between a version's parts, and the "@" of an e-mail address.
_WORDS = {
    "en": ("version", "point", "at"),
    "es": ("versión", "punto", "arroba"),
    "nb": ("versjon", "punkt", "krøllalfa"),
    "sv": ("version", "punkt", "snabel-a"),
}
# Common top-level domains: a bare "example.com" in prose is a site's name, "Node.js" is not.
_TLDS = (
    "com|org|net|edu|gov|info|io|dev|app|ai|co|uk|eu|de|fr|es|nl|no|se|dk|fi|ch"
    "|ca|au|nz|jp|br|mx|ar|cl|pt|pl|ru|tv|xyz|blog|tech|online|site"
)
_VERSION = re.compile(
    r"(?<![\w.\-])(?:(?P<v>[vV])(?P<short>\d+(?:\.\d+){0,3})|(?P<long>\d+\.\d+\.\d+))"
    r"(?![\w\-]|\.\d)"
)
_EMAIL = re.compile(
    r"(?<![\w.+\-])(?:mailto:)?(?P<user>[\w.+\-]+)@(?P<host>(?:[\w\-]+\.)+[^\W\d_]{2,})(?![\w@])"
)
_DOMAIN = re.compile(
    rf"(?<![\w.@/\-])(?P<host>(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+(?:{_TLDS}))"
    r"(?P<path>/[^\s<>\"'\u201c\u201d]*)?(?![\w@]|\.[A-Za-z0-9])"
)  # the top-level domain in lower case: "end.It was" is two sentences
# Pictographs, dingbats, flags, keycaps, skin tones, joiners and variation selectors.
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\U000e0020-\U000e007f"
    "\u200d\ufe0e\ufe0f\u20e3]+"
)
_MAYBE_VERSION = re.compile(r"[vV]\d|\d\.\d+\.\d")  # a cheap test before the full patterns
_MAYBE_DOMAIN = re.compile(rf"\w\.(?:{_TLDS})(?![A-Za-z0-9])")
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "gv"})
_PATH_TAIL = ".,;:!?'\"\u201d\u2019)]}"


def drop_emoji(text: str) -> str:
    """The text without emoji: never spelled, never named by code point."""
    return _EMOJI.sub("", text) if _EMOJI.search(text) else text


def speak_web(text: str, language: str) -> str:
    """E-mail addresses, bare domain names and version numbers in words; emoji dropped."""
    text = drop_emoji(text)
    primary = primary_language(language)
    primary = "nb" if primary in ("nn", "no") else primary
    if primary not in _WORDS:
        return text
    version, point, at = _WORDS[primary]
    dot = spoken_labels(language).dot
    if "@" in text:
        text = _EMAIL.sub(lambda m: _email(m, dot, at), text)
    if _MAYBE_DOMAIN.search(text):
        text = _DOMAIN.sub(lambda m: _domain(m, dot), text)
    if _MAYBE_VERSION.search(text):
        text = _VERSION.sub(lambda m: _version(m, primary, version, point), text)
    return text


def _names(host: str) -> list[str]:
    """A host's registered name and suffix: 'news.bbc.co.uk' is bbc, co, uk."""
    names = [name for name in host.lower().removeprefix("www.").split(".") if name]
    keep = 3 if len(names) > 2 and len(names[-1]) == 2 and names[-2] in _SECOND_LEVEL else 2
    return names[-keep:]


def _email(match: re.Match[str], dot: str, at: str) -> str:
    """'jane.doe@mail.example.com' as 'jane dot doe at example dot com'."""
    user = f" {dot} ".join(part for part in match["user"].split(".") if part)
    return f"{user} {at} {f' {dot} '.join(_names(match['host']))}"


def _domain(match: re.Match[str], dot: str) -> str:
    """A bare 'example.com/some/path' as 'example dot com'; trailing punctuation stays."""
    path = match["path"] or ""
    tail = path[len(path.rstrip(_PATH_TAIL)) :] if path else ""
    return f" {dot} ".join(_names(match["host"])) + tail


def _version(match: re.Match[str], primary: str, version: str, point: str) -> str:
    """'v2.0.1' as 'version two point zero point one'; a bare '2.0.1' without 'version'."""
    if not has_number_words(primary):
        return match.group(0)
    parts = (match["short"] or match["long"]).split(".")
    if any(len(part) > 1 and part[0] == "0" for part in parts):
        return match.group(0)  # "1.02.3" may be a date or a code: left to the voice
    if not match["v"] and primary != "en" and all(len(part) == 3 for part in parts[1:]):
        return match.group(0)  # "1.200.300" is a number in thousands
    said = f" {point} ".join(number_words(int(p), primary).replace(",", "") for p in parts)
    before = match.string[: match.start()].rstrip().lower()
    return f"{version} {said}" if match["v"] and not before.endswith(version) else said
