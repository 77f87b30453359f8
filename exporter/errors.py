"""Every error exporter raises on purpose, as one tree.

ExporterError              anything exporter reports as a one-line message
├── PostError              one post cannot become a book; the others still build
│   ├── PostEncodingError  the file is not UTF-8 text
│   ├── FrontMatterError   no closing fence, invalid YAML, a YAML tag, a bad value
│   │   └── NotAPost       the file has no front matter at all: another kind of file
│   └── EmptyPostError     nothing readable is left once the body is cleaned
├── NarrationError         the text-to-speech engine or voice is missing or failed
│   └── VoiceError         the chosen voice or rate does not exist
├── AudioError             audio could not be encoded or packaged
├── OutputError            an output file could not be written
└── UsageError             the command line asks for something impossible (exit 2)
"""

from __future__ import annotations

from pathlib import Path

from exporter.safetext import shown

MAX_LINE = 400


def brief(text: str, limit: int = MAX_LINE) -> str:
    """Text fit for one line of a report: line breaks folded into spaces, cut to `limit`."""
    flat = " ".join(text[: limit * 4].split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class ExporterError(Exception):
    """Base of every error exporter reports as a one-line message."""


class PostError(ExporterError):
    """One post cannot become a book; names the file and, when known, the line."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.reason = reason
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{shown(self.path)}:{self.line}" if self.line else shown(self.path)
        return f"{where}: {brief(self.reason)}"


class PostEncodingError(PostError):
    """The post file is not UTF-8 text."""


class FrontMatterError(PostError):
    """The front matter is missing, unclosed, not valid YAML, or holds a wrong value."""


class NotAPost(FrontMatterError):
    """The file does not start with front matter: in a folder, it is another kind of file."""


class EmptyPostError(PostError):
    """Nothing readable is left once the body is cleaned."""


class NarrationError(ExporterError):
    """The text-to-speech engine or voice is missing or failed."""


class VoiceError(NarrationError):
    """The chosen voice or rate does not exist."""


class AudioError(ExporterError):
    """Audio could not be encoded or packaged."""


class OutputError(ExporterError):
    """An output file could not be written."""


class UsageError(ExporterError):
    """The command line asks for something impossible."""
