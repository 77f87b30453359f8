"""What the narrator adds to the text, in the book's language: announcements and their words."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from exporter.model.language import primary_language, words_language, words_of


@dataclass(frozen=True)
class SpokenLabels:
    """The narration's own sentences; `{…}` fields are filled in by the script."""

    by: str
    published: str
    quote: str
    quote_from: str
    end_of_quote: str
    image: str
    an_image: str
    code_one: str
    code_many: str
    embed: str
    table: str
    footnote: str
    kinds: tuple[tuple[str, str], ...]  # an embed's kind (video, audio) and its spoken name
    dot: str  # in a site's name: "example dot com"
    web_link: str  # an address with no name to say

    def kind(self, kind: str) -> str:
        """The spoken name of an embed's kind (video, audio), else the kind as written."""
        name = dict(self.kinds).get(kind.strip().lower(), kind)
        return name[:1].upper() + name[1:]


@cache
def _labels(language: str) -> SpokenLabels:
    """The narration's words of a language that has words."""
    return SpokenLabels(**words_of(language, "spoken"))


def spoken_labels(language: str) -> SpokenLabels:
    """The narration's words for a language tag, falling back to English."""
    return _labels(words_language(primary_language(language)) or "en")
