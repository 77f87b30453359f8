"""Prove nothing was lost: the post's visible words appear in the book, speech and EPUB, in order.

The post's visible text is what WordPress would show: the body rendered by `prepare` (comments
gone, Markdown rendered, shortcodes expanded), read with the stdlib HTML parser. By rule these
words are not compared: the content of invisible elements and players (`tags.INVISIBLE`),
footnote marks (in-page links that look like note labels, and backlinks), and, for speech,
code blocks, which the narrator announces instead of reading. Image alternative text counts.
Footnotes move (to the end of the chapter citing them), so every side splits footnote text
from the running text; the post's own note list sits at its end, so its last words are the
notes. Running text is compared in order, footnote text as a bag of words.

The book is compared exactly (nothing missing, nothing added); the speech script and the
EPUB add words of their own (announcements, labels, title page), so there every source
word must appear in order among theirs.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from exporter.check.epubtext import shown_words
from exporter.clean.elements import BACKLINK, BLOCKS, SPACED, hidden_in, ref_like
from exporter.errors import EmptyPostError, PostError
from exporter.model.book import (
    Block,
    Book,
    Sentence,
)
from exporter.model.text import block_texts, words
from exporter.model.walk import block_inlines
from exporter.narrate.script import speech_script
from exporter.read.body import prepare_body
from exporter.read.htmlscan import VOID
from exporter.read.post import read_post
from exporter.run.load import book_from_post

_CODE_START, _CODE_END = "\x01", "\x02"


class _VisibleText(HTMLParser):
    """Collect the text a browser would show, skipping invisible elements and note marks."""

    def __init__(self, anchors: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.anchors = anchors
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.link: list[str] | None = None
        self.link_marks = ""

    def hidden(self) -> bool:
        """True inside an element whose content is never shown."""
        return hidden_in(self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Enter an element: blocks separate words, `<pre>` marks code, images show alt text."""
        values = dict(attrs)
        if tag in BLOCKS or tag in SPACED or tag == "br":
            self.parts.append(" ")
        if tag == "pre" and not self.hidden():
            self.parts.append(_CODE_START)
        if tag == "img" and not self.hidden():
            self.parts.append(f" {values.get('alt') or ''} ")
        href = (values.get("href") or "").strip()
        if tag == "a" and href.startswith("#") and href[1:] in self.anchors:
            self.link = []
            self.link_marks = f"{values.get('class') or ''} {values.get('role') or ''}"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        """Leave the nearest open element of this name."""
        if tag not in self.stack:
            return
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "a" and self.link is not None:
            text = "".join(self.link)
            in_sup = "sup" in self.stack
            if not (ref_like(self.link_marks, in_sup, text) or BACKLINK.match(text)):
                self.parts.append(text)
            self.link = None
        if tag == "pre" and not self.hidden():
            self.parts.append(_CODE_END)
        if tag in BLOCKS or tag in SPACED:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        """Keep text outside invisible elements."""
        if not self.hidden():
            (self.link if self.link is not None else self.parts).append(data)


class _Anchors(HTMLParser):
    """Collect every id and anchor name of a document (footnote marks must point somewhere)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Note the element's id (and an anchor's name)."""
        for key, value in attrs:
            if value and (key == "id" or (key == "name" and tag == "a")):
                self.found.add(value)


def visible_text(body: str) -> list[tuple[str, bool]]:
    """The words a reader of the post's page would see, in order, each marked True if code."""
    prepared = prepare_body(body).html
    anchors = _Anchors()
    anchors.feed(prepared)
    parser = _VisibleText(anchors.found)
    parser.feed(prepared)
    parser.close()
    out: list[tuple[str, bool]] = []
    code = False
    for piece in "".join(parser.parts).replace(_CODE_END, _CODE_START).split(_CODE_START):
        out.extend((w.casefold(), code) for w in words(piece))
        code = not code
    return out


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
    if list(expected) == list(actual):
        return Fidelity((), ())
    matcher = difflib.SequenceMatcher(a=expected, b=actual, autojunk=False)
    missing: list[str] = []
    added: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            missing.extend(expected[a1:a2])
        if op in ("insert", "replace"):
            added.extend(actual[b1:b2])
    return Fidelity(tuple(missing), tuple(added))


def contained_in_order(expected: Sequence[str], actual: Sequence[str]) -> Fidelity:
    """Source words that do not appear, in order, among the output's words (extras allowed)."""
    missing: list[str] = []
    position = 0
    for word in expected:
        found = position
        while found < len(actual) and actual[found] != word:
            found += 1
        if found < len(actual):
            position = found + 1
        else:
            missing.append(word)
    return Fidelity(tuple(missing), ())


def _block_words(blocks: tuple[Block, ...]) -> list[str]:
    """The shown words of blocks in reading order (players left out, by rule)."""
    return [w.casefold() for text in block_texts(blocks, embeds=False) for w in words(text)]


def book_parts(book: Book) -> tuple[list[str], list[str]]:
    """The book's shown words in reading order: running text, and footnote text."""
    main: list[str] = []
    for chapter in book.chapters:
        main.extend(w.casefold() for w in words(chapter.title))
        main.extend(_block_words(chapter.blocks))
        for section in chapter.sections:
            main.extend(w.casefold() for w in words(section.title))
            main.extend(_block_words(section.blocks))
    notes = [w for ch in book.chapters for note in ch.footnotes for w in _block_words(note.blocks)]
    return main, notes


def _fallback_title(book: Book) -> list[str]:
    """The words of the book title when the first chapter may be named after it, else []."""
    if not book.chapters or book.chapters[0].title != book.meta.title:
        return []
    return [w.casefold() for w in words(book.meta.title)]


def _split(expected: list[tuple[str, bool]], notes: int) -> tuple[list[tuple[str, bool]], ...]:
    """The source's words as running text and the trailing footnote text (`notes` words)."""
    cut = max(len(expected) - notes, 0)
    return expected[:cut], expected[cut:]


def _bag(expected: Sequence[str], actual: Sequence[str], exact: bool) -> Fidelity:
    """Footnote words compared as a bag: notes may be reordered, none lost (or added)."""
    have, want = Counter(actual), Counter(expected)
    missing = tuple(sorted((want - have).elements()))
    return Fidelity(missing, tuple(sorted((have - want).elements())) if exact else ())


def _join(first: Fidelity, second: Fidelity) -> Fidelity:
    """Two comparisons as one."""
    return Fidelity(first.missing + second.missing, first.added + second.added)


def check_book(body: str, book: Book) -> Fidelity:
    """Compare a post body's visible words with the book made from it, exactly."""
    main, notes = book_parts(book)
    source_main, source_notes = _split(visible_text(body), len(notes))
    expected = [word for word, _ in source_main]
    title = _fallback_title(book)
    if title and main[: len(title)] == title and expected[: len(title)] != title:
        main = main[len(title) :]  # text before the first heading opens a chapter so named
    running = compare_words(expected, main)
    if not running.ok and title and main[: len(title)] == title:
        running = compare_words(expected, main[len(title) :])
    return _join(running, _bag([word for word, _ in source_notes], notes, exact=True))


def speech_parts(book: Book) -> tuple[list[str], list[str]]:
    """The words of the speech script before normalization: running text, and footnotes."""
    note_ids: set[str] = set()

    for chapter in book.chapters:
        for note in chapter.footnotes:
            note_ids.update(n.id for n in block_inlines(note.blocks) if isinstance(n, Sentence))
    script = speech_script(book, speak=lambda text: text, site_name=lambda url: url)
    main: list[str] = []
    notes: list[str] = []
    for utterance in script.utterances:
        target = notes if utterance.ref in note_ids else main
        target.extend(w.casefold() for w in words(utterance.text))
    return main, notes


def check_speech(body: str, book: Book) -> Fidelity:
    """Every visible word outside code blocks is spoken, in order."""
    source_main, source_notes = _split(visible_text(body), len(book_parts(book)[1]))
    main, notes = speech_parts(book)
    running = contained_in_order([w for w, code in source_main if not code], main)
    return _join(running, _bag([w for w, code in source_notes if not code], notes, exact=False))


def check_epub(body: str, epub_path: Path, book: Book) -> Fidelity:
    """Every visible word appears, in order, in the text of the built EPUB."""
    source_main, source_notes = _split(visible_text(body), len(book_parts(book)[1]))
    main, notes = shown_words(epub_path)
    running = contained_in_order([word for word, _ in source_main], main)
    return _join(running, _bag([word for word, _ in source_notes], notes, exact=False))


def check_post(
    post_path: Path, epub_path: Path | None = None, images_dir: Path | None = None
) -> list[str]:
    """One line per problem with a post's book, speech script and (if given) EPUB; [] if none.

    A post that is refused reports its one-line refusal; one with nothing readable in it
    raises EmptyPostError, since that is a skip, not a problem.
    """
    try:
        post = read_post(post_path)
        book = book_from_post(post, images_dir)
    except EmptyPostError:
        raise
    except PostError as exc:
        return [f"{exc} (refused, nothing to check)"]
    results = [("book", check_book(post.body, book)), ("speech", check_speech(post.body, book))]
    if epub_path is not None:
        results.append(("epub", check_epub(post.body, epub_path, book)))
    return [f"{post_path}: {side}: {fid.summary()}" for side, fid in results if not fid.ok]
