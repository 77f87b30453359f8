"""Show progress: a rich bar on a terminal, plain log lines otherwise; the only rich user."""

from __future__ import annotations

import re
import sys
import time
from types import TracebackType
from typing import TYPE_CHECKING, Protocol, TextIO

from exporter.safetext import shown

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import (
        TaskID,
    )


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Text safe for a terminal: control characters and bidi overrides shown as escapes."""
    escaped = _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
    return shown(escaped)


class Reporter(Protocol):
    """What the pipeline tells about its progress."""

    def stage(self, post: str, what: str, total: int) -> None:
        """A post enters a stage of `total` steps (sentences to synthesize, say)."""

    def advance(self, steps: int = 1) -> None:
        """Steps of the current stage are done."""

    def message(self, text: str) -> None:
        """A line for the user (a post built, skipped or failed)."""


class PlainReporter:
    """Log lines for logs and pipes: one per stage, a few per long stage, one per message."""

    def __init__(self, stream: TextIO | None = None, every_seconds: float = 5.0) -> None:
        self.stream = stream or sys.stderr
        self.every = every_seconds
        self.label = ""
        self.total = 0
        self.done = 0
        self.last = 0.0

    def stage(self, post: str, what: str, total: int) -> None:
        """Start a stage with a log line."""
        label = printable(f"{post}: {what}")
        self.label, self.total, self.done, self.last = label, total, 0, time.monotonic()
        print(f"{self.label} ({total})", file=self.stream, flush=True)

    def advance(self, steps: int = 1) -> None:
        """Count steps; print how far along every few seconds."""
        self.done += steps
        now = time.monotonic()
        if now - self.last >= self.every and self.done < self.total:
            self.last = now
            print(f"{self.label} {self.done}/{self.total}", file=self.stream, flush=True)

    def message(self, text: str) -> None:
        """Print a message line."""
        print(printable(text), file=self.stream, flush=True)


class RichReporter:
    """A live progress bar per stage on an interactive terminal."""

    def __init__(self, console: Console | None = None) -> None:
        """Set up the bar (rich is imported here: only terminals need it)."""
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        self.console = console or Console(stderr=True)
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> RichReporter:
        """Start drawing."""
        self.progress.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        """Stop drawing."""
        self.progress.stop()

    def stage(self, post: str, what: str, total: int) -> None:
        """Replace the bar with one for the new stage."""
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(printable(f"{post}: {what}"), total=total)

    def advance(self, steps: int = 1) -> None:
        """Move the bar."""
        if self.task is not None:
            self.progress.advance(self.task, steps)

    def message(self, text: str) -> None:
        """Print above the bar."""
        self.progress.console.print(printable(text), markup=False, highlight=False)


def is_interactive(stream: TextIO) -> bool:
    """True when the stream is a terminal (a bar makes sense)."""
    return hasattr(stream, "isatty") and stream.isatty()
