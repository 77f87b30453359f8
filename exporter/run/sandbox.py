"""A post is a sealed unit: whatever goes wrong inside its build becomes its one-line failure.

Expected problems arrive as ExporterError and are handled where they happen. This is the last
line: an OSError (disk full, a folder where a file goes) becomes a line naming the path; any
other exception is a bug, reported as one line (with the traceback under --debug), and it
still fails only its own post.
"""

from __future__ import annotations

import traceback
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from exporter.errors import ExporterError, brief
from exporter.run.report import PostResult


def failure(label: Path, exc: BaseException, debug: bool) -> PostResult:
    """The failed result of a post whose build raised `exc`."""
    result = PostResult(label, "failed", f"{label}: {describe(exc)}")
    if debug:
        result.trace = "".join(traceback.format_exception(exc))
    return result


def describe(exc: BaseException) -> str:
    """One line saying what went wrong, naming the file for an OSError."""
    if isinstance(exc, ExporterError):
        return brief(str(exc))
    if isinstance(exc, OSError):
        names = [str(n) for n in (exc.filename, exc.filename2) if n is not None]
        where = f": {' → '.join(names)}" if names else ""
        return brief(f"cannot write: {exc.strerror or type(exc).__name__}{where}")
    if isinstance(exc, BrokenProcessPool):
        return "its worker process died (killed, or out of memory)"
    if isinstance(exc, RecursionError):
        return "input nested too deeply to process"
    if isinstance(exc, MemoryError):
        return "out of memory while building this post"
    detail = brief(f"{type(exc).__name__}: {exc}", 200)
    return f"internal error ({detail}); rerun with --debug for the traceback"
