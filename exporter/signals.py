"""Turn Ctrl-C and `kill` into a clean KeyboardInterrupt, held back while eSpeak NG is speaking.

eSpeak calls back into Python from its own thread; an interrupt that unwinds the main thread in
the middle of an utterance leaves that thread writing into a closed file, and Python prints its
traceback. Deferring the interrupt to the end of the utterance (milliseconds) avoids that, and
turning SIGTERM into the same interrupt lets every temporary file be removed on the way out.

An interrupt raised while Python runs a finalizer (a `__del__`, such as `Wave_read.__del__`)
is printed as "Exception ignored" and lost. So an interrupt, once received, stays received:
every deferred section, on entry and on exit, raises it again, and a lost one still stops the
build at the next utterance.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

_depth = 0
_received = False  # since install(): an interrupt arrived (raised, held back, or lost)
_idle: Callable[[], bool] | None = None  # a pool worker waiting for work: leave quietly


def _handler(signum: int, frame: FrameType | None) -> None:
    """Raise KeyboardInterrupt now, or once the current deferred section ends; a pool worker
    with nothing to do leaves at once (its exit handlers run), printing nothing."""
    global _received
    _received = True
    if _idle is not None and _idle():
        with contextlib.suppress(BaseException):
            atexit._run_exitfuncs()
        os._exit(128 + signum)
    if _depth:
        return
    raise KeyboardInterrupt


def install(idle: Callable[[], bool] | None = None) -> None:
    """Route SIGINT and SIGTERM to the deferring handler (main thread only; else no-op).

    `idle` tells a pool worker that is waiting for work: stopped then (the pool terminates its
    workers when it breaks), it exits silently instead of printing a traceback from the queue.
    """
    global _received, _idle
    if threading.current_thread() is not threading.main_thread():
        return
    _received, _idle = False, idle
    signal.signal(signal.SIGINT, _handler)
    signal.signal(signal.SIGTERM, _handler)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back interrupts inside the block; raise a held one when the block ends (and one
    received earlier, which a finalizer may have swallowed, before the block starts)."""
    global _depth
    if _received and not _depth:
        raise KeyboardInterrupt
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if not _depth and _received:
            raise KeyboardInterrupt
