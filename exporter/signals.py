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

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

_depth = 0
_received = False  # since install(): an interrupt arrived (raised, held back, or lost)


def _handler(signum: int, frame: FrameType | None) -> None:
    """Raise KeyboardInterrupt now, or once the current deferred section ends."""
    global _received
    _received = True
    if _depth:
        return
    raise KeyboardInterrupt


def install() -> None:
    """Route SIGINT and SIGTERM to the deferring handler (main thread only; else no-op)."""
    global _received
    if threading.current_thread() is not threading.main_thread():
        return
    _received = False
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
