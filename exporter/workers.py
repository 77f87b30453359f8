"""Where exporter's worker processes come from: forked from a clean, preloaded server.

eSpeak NG starts a thread the first time it is used, and a process that forks after that can
hang; so workers are never forked from the main process. They are forked from Python's fork
server instead, which imports the heavy modules once before any work, so a new worker starts in
milliseconds instead of paying the imports again (on systems without fork: spawn).

Workers end with the run: each asks the kernel for SIGHUP when its parent (the fork server)
dies, and the fork server exits as soon as the main process is gone, so `kill -9` of a run
leaves no process behind; a worker runs its exit handlers (temporary folders) on the way out.
The fork server is started with Python's safe-path mode, so a folder named `exporter/` in the
current directory cannot shadow the installed package.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import os
import signal
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import forkserver, get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from multiprocessing.util import Finalize
from types import FrameType
from typing import Any

PRELOAD = ["exporter.run.post", "exporter.narrate.synthesis", "exporter.write.audio.segments"]
_PR_SET_PDEATHSIG = 1


def worker_context() -> BaseContext:
    """The multiprocessing context for every pool exporter starts."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    with _safe_path():
        forkserver.ensure_running()  # started now, while the current folder is off sys.path
    return context


@contextlib.contextmanager
def _safe_path() -> Iterator[None]:
    """Let child interpreters started inside the block leave the current folder off sys.path."""
    earlier = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        yield
    finally:
        if earlier is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = earlier


def die_with_parent() -> None:
    """End this process, cleanly, when its parent dies: the kernel sends SIGHUP (Linux)."""
    signal.signal(signal.SIGHUP, _orphaned)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the request was made
        _orphaned(signal.SIGHUP, None)


def _orphaned(signum: int, frame: FrameType | None) -> None:
    """Remove this worker's temporary files (its exit handlers) and exit at once, silently."""
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    os._exit(128 + signum)


def _start_worker(initializer: Callable[..., None] | None, *initargs: Any) -> None:
    """Pool initializer of every worker: die with the parent, run exit handlers at exit, then
    the pool's own set-up (a pool worker leaves through os._exit, which skips atexit)."""
    die_with_parent()
    Finalize(None, atexit._run_exitfuncs, exitpriority=0)
    if initializer is not None:
        initializer(*initargs)


def worker_pool(
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A process pool of `workers` workers from `worker_context`, each dying with its parent."""
    return ProcessPoolExecutor(
        workers,
        mp_context=worker_context(),
        initializer=_start_worker,
        initargs=(initializer, *initargs),
    )
