"""Read the text a built EPUB shows, in spine order, with the stdlib only (zipfile, html.parser).

Footnote text (`epub:type="footnote"` asides) is returned apart from the running text, so
checks can compare notes with notes wherever a writer placed them. Image alternative text
counts as shown text; scripts, styles and note reference marks do not.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

_OPF = "{http://www.idpf.org/2007/opf}"
_CONTAINER = "{urn:oasis:names:tc:opendocument:xmlns:container}"
_HIDDEN = frozenset({"script", "style", "head", "title"})
_VOID = frozenset({"br", "img", "hr", "meta", "link", "input", "source", "embed", "wbr"})
_INLINE = frozenset(
    {"a", "abbr", "b", "cite", "code", "del", "em", "i", "kbd", "q", "s", "samp", "small", "span"}
    | {"strong", "sub", "sup", "time", "u", "var", "mark", "ins", "bdi", "bdo", "dfn", "tt"}
)


@dataclass
class ShownText:
    """The running text and the footnote text of a book's documents."""

    main: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _DocumentText(HTMLParser):
    """Collect the shown text of one XHTML document, footnotes apart."""

    def __init__(self, out: ShownText) -> None:
        super().__init__(convert_charrefs=True)
        self.out = out
        self.stack: list[tuple[str, bool, bool]] = []  # (tag, hidden, in footnote)

    def _state(self) -> tuple[bool, bool]:
        """(hidden, in footnote) at the current position."""
        return (self.stack[-1][1], self.stack[-1][2]) if self.stack else (False, False)

    def _emit(self, text: str) -> None:
        """Add shown text to the running text or the notes."""
        hidden, note = self._state()
        if not hidden:
            (self.out.notes if note else self.out.main).append(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element; an image shows its alternative text."""
        values = dict(attrs)
        if tag not in _INLINE:
            self._emit(" ")
        if tag == "img":
            self._emit(f" {values.get('alt') or ''} ")
        if tag in _VOID:
            return
        hidden, note = self._state()
        kind = values.get("epub:type") or ""
        note = note or kind == "footnote"
        self.stack.append((tag, hidden or tag in _HIDDEN or kind == "noteref", note))

    def handle_endtag(self, tag: str) -> None:
        """Close the nearest open element of this name."""
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break
        if tag not in _INLINE:
            self._emit(" ")

    def handle_data(self, data: str) -> None:
        """Keep shown text."""
        self._emit(data)


def spine_documents(archive: zipfile.ZipFile) -> list[str]:
    """The archive paths of the spine's documents, in reading order."""
    container = ElementTree.fromstring(archive.read("META-INF/container.xml"))
    rootfile = container.find(f".//{_CONTAINER}rootfile")
    if rootfile is None:
        raise ValueError("META-INF/container.xml names no package document")
    opf_path = rootfile.get("full-path", "")
    package = ElementTree.fromstring(archive.read(opf_path))
    base = posixpath.dirname(opf_path)
    hrefs = {item.get("id"): item.get("href", "") for item in package.iter(f"{_OPF}item")}
    return [
        posixpath.normpath(posixpath.join(base, hrefs[ref.get("idref")]))
        for ref in package.iter(f"{_OPF}itemref")
        if ref.get("idref") in hrefs
    ]


def shown_text(path: Path) -> ShownText:
    """The text an EPUB shows, document by document in spine order, footnotes apart."""
    out = ShownText()
    with zipfile.ZipFile(path) as archive:
        for name in spine_documents(archive):
            parser = _DocumentText(out)
            parser.feed(archive.read(name).decode("utf-8", "replace"))
            parser.close()
            out.main.append(" ")
    return out


def shown_words(path: Path) -> tuple[list[str], list[str]]:
    """The case-folded words of an EPUB's running text and of its footnotes."""
    text = shown_text(path)
    return _words("".join(text.main)), _words(" ".join(text.notes))


def _words(text: str) -> list[str]:
    """Case-folded words of a text."""
    return [w.casefold() for w in re.findall(r"\w+", text)]
