"""Where exporter's worker processes come from (a clean, preloaded fork server), and its threads.

eSpeak NG starts a thread the first time it is used, and a process that forks after that can
hang; so workers are never forked from the main process. They are forked from Python's fork
server instead, which imports the heavy modules once before any work, so a new worker starts in
milliseconds instead of paying the imports again (on systems without fork: spawn).

Workers end with the run: each watches the process that started its pool and leaves as soon
as that one is gone (also after `kill -9`), running its exit handlers (temporary folders) on
the way out; the fork server then exits by itself, once no worker holds its pipe.
The fork server is started with Python's safe-path mode, so a folder named `exporter/` in the
current directory cannot shadow the installed package.
"""

from __future__ import annotations

import atexit
import collections
import contextlib
import ctypes
import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from multiprocessing import forkserver, get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from multiprocessing.util import Finalize
from types import FrameType
from typing import Any, TypeVar

PRELOAD = ["exporter.run.post", "exporter.narrate.synthesis", "exporter.write.audio.segments"]
_PR_SET_PDEATHSIG = 1
_In = TypeVar("_In")
_Out = TypeVar("_Out")


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


def die_with_parent(owner: int) -> None:
    """End this worker, cleanly, when the process `owner` that started its pool is gone.

    A pool worker is a child of the fork server, which lives as long as any worker holds its
    pipe; so each worker watches the owner itself (a pidfd, else polling), and the kernel
    sends SIGHUP if the fork server dies first.
    """
    signal.signal(signal.SIGHUP, _orphaned)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGHUP, 0, 0, 0)
    threading.Thread(target=_watch, args=(owner,), name="exporter-owner", daemon=True).start()


def _watch(owner: int) -> None:
    """Wait until process `owner` has ended, then leave (a daemon thread of each worker)."""
    try:
        handle = os.pidfd_open(owner)
    except ProcessLookupError:
        handle = None
    except (AttributeError, OSError):  # no pidfd on this system: poll
        while process_exists(owner):
            time.sleep(0.5)
        handle = None
    if handle is not None:
        select.select([handle], [], [])
    _orphaned(signal.SIGHUP, None)


def process_exists(pid: int) -> bool:
    """Whether a process with this id exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _orphaned(signum: int, frame: FrameType | None) -> None:
    """Remove this worker's temporary files (its exit handlers) and exit at once, silently."""
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    os._exit(128 + signum)


def _start_worker(owner: int, initializer: Callable[..., None] | None, *initargs: Any) -> None:
    """Pool initializer of every worker: die with the owner, run exit handlers at exit, then
    the pool's own set-up (a pool worker leaves through os._exit, which skips atexit)."""
    die_with_parent(owner)
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
        initargs=(os.getpid(), initializer, *initargs),
    )


# ---------------------------------------------------------------- threads for native work


def cores() -> int:
    """Cores this process may run on, at most 4: threads for work that releases the GIL."""
    try:
        count = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        count = os.cpu_count() or 1
    return max(1, min(count, 4))


def in_threads(
    work: Callable[[_In], _Out], items: Iterable[_In], *, window: int = 16,
    threads: int | None = None,
) -> Iterator[_Out]:  # fmt: skip
    """`map(work, items)` in threads (default `cores()`), in order, at most `window` in flight.

    For work that spends its time in native code with the GIL released (numpy, FFmpeg);
    the window bounds what is held in memory at once.
    """
    threads = threads or cores()
    if threads == 1:
        yield from map(work, items)
        return
    with ThreadPoolExecutor(threads, thread_name_prefix="exporter-work") as pool:
        pending: collections.deque[Future[_Out]] = collections.deque()
        try:
            for item in items:
                pending.append(pool.submit(work, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()
