"""Warnings a build records for the reader of its report, collected per post (pandoc's LogMessage).

Any stage may call `warn(kind, text)`; the run wraps each post in `collecting()` and puts what was
said into that post's result, its summary lines and `report.json`. Outside a collection a warning
is dropped, so library code never needs to know whether anybody is listening.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class LogMessage:
    """One thing a reader of the report would want to know: a kind (stable id) and a sentence."""

    kind: str
    text: str

    def __str__(self) -> str:
        return self.text


_current: ContextVar[list[LogMessage] | None] = ContextVar("exporter_log", default=None)


def warn(kind: str, text: str) -> None:
    """Record a warning in the current collection, once (the same warning twice is one)."""
    messages = _current.get()
    if messages is None:
        return
    message = LogMessage(kind, text)
    if message not in messages:
        messages.append(message)


@contextmanager
def collecting() -> Iterator[list[LogMessage]]:
    """Collect every warning recorded inside the block, in order, into the yielded list."""
    messages: list[LogMessage] = []
    token = _current.set(messages)
    try:
        yield messages
    finally:
        _current.reset(token)
