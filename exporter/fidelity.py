"""Prove nothing was lost: the post's visible words appear in the book, in the same order."""

from __future__ import annotations

import difflib
import html
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser

from .model import Book
from .text import book_texts, words

# Content that is not text a reader sees, by rule: it is dropped or replaced by a link.
_INVISIBLE = {
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "video",
    "audio",
    "svg",
    "math",
    "head",
    "title",
    "form",
    "select",
    "textarea",
    "button",
}


class _VisibleText(HTMLParser):
    """Collect the text a browser would show, skipping invisible elements (stdlib parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter an element; count how deep inside invisible ones we are."""
        if tag in _INVISIBLE:
            self.hidden += 1
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        """Leave an element."""
        if tag in _INVISIBLE and self.hidden:
            self.hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        """Keep text outside invisible elements."""
        if not self.hidden:
            self.parts.append(data)


def visible_words(body: str) -> list[str]:
    """The words a reader of the post's web page would see, in order."""
    parser = _VisibleText()
    parser.feed(body)
    parser.close()
    return [w.casefold() for w in words(html.unescape("".join(parser.parts)))]


@dataclass(frozen=True)
class Fidelity:
    """Words of the source missing from the output, and words the output adds."""

    missing: tuple[str, ...]
    added: tuple[str, ...]

    @property
    def ok(self) -> bool:
        """True when no source word is missing or duplicated."""
        return not self.missing and not self.added

    def summary(self) -> str:
        """One line: ok, or the first differences."""
        if self.ok:
            return "every word present, in order"
        parts = []
        if self.missing:
            parts.append(f"{len(self.missing)} missing: {' '.join(self.missing[:8])}")
        if self.added:
            parts.append(f"{len(self.added)} added: {' '.join(self.added[:8])}")
        return "; ".join(parts)


def compare_words(expected: Sequence[str], actual: Sequence[str]) -> Fidelity:
    """Words deleted from or inserted into `expected` to give `actual`, order respected."""
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    missing: list[str] = []
    added: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            missing.extend(expected[a1:a2])
        if op in ("insert", "replace"):
            added.extend(actual[b1:b2])
    return Fidelity(tuple(missing), tuple(added))


def book_words(book: Book) -> list[str]:
    """The book's visible words in reading order, case-folded."""
    return [w.casefold() for text in book_texts(book) for w in words(text)]


def check_book(body: str, book: Book) -> Fidelity:
    """Compare a post body's visible words with the book made from it.

    A chapter the cleaner had to name after the book (text before the first heading) adds the
    title's words; they are not counted as added.
    """
    actual = book_words(book)
    if book.chapters and book.chapters[0].title == book.meta.title:
        title_words = [w.casefold() for w in words(book.meta.title)]
        if actual[: len(title_words)] == title_words:
            actual = actual[len(title_words) :]
    return compare_words(visible_words(body), actual)
