"""Bounds on what an input file may make exporter do: its type, its size, its nesting.

Every file a user hands to exporter (a post, a lexicon, the build state) is read through
`read_bounded`, which opens it without blocking (a FIFO never hangs the run), accepts only a
regular file, and refuses one larger than its limit before reading it, so `/dev/zero` or a
huge file costs nothing. The nesting limit bounds every recursive reader (YAML, JSON).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_POST_BYTES = 8 * 1024 * 1024
MAX_LEXICON_BYTES = 4 * 1024 * 1024
MAX_STATE_BYTES = 64 * 1024 * 1024
MAX_NESTING = 64


class LimitError(ValueError):
    """An input file is not a regular file or is larger than its limit."""


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; LimitError or OSError otherwise."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise LimitError("not a regular file")
        if info.st_size > limit:
            raise LimitError(f"larger than the limit of {describe(limit)}")
        data = file.read(limit + 1)
    if len(data) > limit:  # the file grew while it was read
        raise LimitError(f"larger than the limit of {describe(limit)}")
    return data


def describe(size: int) -> str:
    """A byte count for people: '8 MiB', '512 KiB', '300 bytes'."""
    for unit, scale in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} bytes"
