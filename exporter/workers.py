"""The one home of exporter's worker processes: pools forked from a clean, preloaded server.

eSpeak NG starts a thread the first time it is used, and a process that forks after that can
hang; so workers are never forked from the main process. They are forked from Python's fork
server instead, which imports the heavy modules once before any work, so a new worker starts
in milliseconds instead of paying the imports again (on systems without fork: spawn).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.context import BaseContext
from typing import Any

PRELOAD = ["exporter.run.post", "exporter.narrate.synthesis", "exporter.write.audio.segments"]


def worker_context() -> BaseContext:
    """The multiprocessing context for every pool exporter starts."""
    if "forkserver" not in get_all_start_methods():
        return get_context("spawn")
    context = get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def _start_worker(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """Where every worker process starts: then the pool's own initializer, if it has one."""
    if initializer is not None:
        initializer(*initargs)


def process_pool(
    workers: int,
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
) -> ProcessPoolExecutor:
    """A pool of `workers` processes: the only way exporter starts worker processes."""
    return ProcessPoolExecutor(
        workers, worker_context(), initializer=_start_worker, initargs=(initializer, initargs)
    )
