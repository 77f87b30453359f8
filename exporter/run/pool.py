"""Whole posts built in worker processes, where a worker that dies costs only its own post.

A process pool breaks as a whole when one of its workers dies (killed, out of memory, a crash in
a native library): every post still queued in it fails with BrokenProcessPool. So each task
marks, in a flag shared with its round's workers (anonymous shared memory: nothing is left on disk
even when the run is killed), which post it is building; after a break, the posts that were
being built (the dead worker's, and those of the workers the pool then stopped) are built again
one by one, each alone in a fresh worker, and the posts that never started go to a fresh pool.
A post fails only when its worker dies while it is being built alone.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.sharedctypes import RawArray
from pathlib import Path
from typing import Any

from exporter.run.report import PostResult
from exporter.run.settings import Settings, Source

DIED = "its worker process died (killed, or out of memory) while building it"


_flags: Any = None  # in a worker: its round's building flags, one byte per post


def _init_worker(settings: Settings, flags: Any) -> None:
    """Pool initializer: set up the builder in a worker (the parent never imports it)."""
    from exporter.run import post as builder

    global _flags
    _flags = flags
    builder.init_worker(settings)


def _build_marked(source: Source, index: int) -> PostResult:
    """Build one post in a worker, its flag raised while it is being built."""
    from exporter.run import post as builder

    _flags[index] = 1
    try:
        return builder.build_in_worker(source)
    finally:
        _flags[index] = 0


def build_in_pool(
    todo: list[Source],
    settings: Settings,
    failure: Callable[[Path, BaseException, bool], PostResult],
) -> Iterator[tuple[Source, PostResult]]:
    """Build `todo` in up to `settings.jobs` workers; yield each post's result as it is done."""
    worker_settings = dataclasses.replace(settings, jobs=1)
    pending, suspects = list(todo), list[Source]()
    while pending or suspects:
        alone = bool(suspects)
        batch = [suspects.pop(0)] if alone else pending
        workers = 1 if alone else min(settings.jobs, len(batch))
        started, waiting = list[Source](), list[Source]()
        for source, outcome in _round(batch, workers, worker_settings):
            if isinstance(outcome, PostResult):
                yield source, outcome
            elif not isinstance(outcome, BrokenProcessPool):
                yield source, failure(source.path, outcome, settings.debug)
            elif alone:  # it died again, alone: this post's own doing
                yield source, PostResult(source.path, "failed", f"{source.path}: {DIED}")
            else:
                (started if outcome.args == _STARTED else waiting).append(source)
        if not alone:
            if waiting and not started:  # the pool broke before any post began
                for source in waiting:
                    yield source, PostResult(source.path, "failed", f"{source.path}: {DIED}")
                waiting = []
            suspects, pending = started, waiting


_STARTED = ("started",)


def _round(
    batch: list[Source], workers: int, settings: Settings
) -> Iterator[tuple[Source, PostResult | BaseException]]:
    """Run one pool over `batch`; yield each post's result or the exception its task raised
    (a BrokenProcessPool whose args say `_STARTED` when the post was being built)."""
    from exporter.workers import worker_pool

    flags: Any = RawArray("b", len(batch))
    with worker_pool(workers, _init_worker, (settings, flags)) as pool:
        futures: dict[Future[PostResult], tuple[int, Source]] = {
            pool.submit(_build_marked, source, index): (index, source)
            for index, source in enumerate(batch)
        }
        for future in as_completed(futures):
            index, source = futures[future]
            try:
                yield source, future.result()
            except BrokenProcessPool:
                started = bool(flags[index])
                yield source, BrokenProcessPool(*(_STARTED if started else ("waiting",)))
            except Exception as exc:  # cannot be sent to a worker, say
                yield source, exc
