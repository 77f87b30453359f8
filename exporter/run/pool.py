"""Whole posts built in worker processes, where a worker that dies costs only its own post.

A process pool breaks as a whole when one of its workers dies (killed, out of memory, a crash in
a native library): every post still queued in it fails with BrokenProcessPool. So each task
marks, in a folder of this run, which post it is building; after a break, the posts that were
being built (the dead worker's, and those of the workers the pool then stopped) are built again
one by one, each alone in a fresh worker, and the posts that never started go to a fresh pool.
A post fails only when its worker dies while it is being built alone.
"""

from __future__ import annotations

import dataclasses
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from exporter.run.report import PostResult
from exporter.run.settings import Settings, Source

DIED = "its worker process died (killed, or out of memory) while building it"


def _init_worker(settings: Settings) -> None:
    """Pool initializer: set up the builder in a worker (the parent never imports it)."""
    from exporter.run import post as builder

    builder.init_worker(settings)


def _build_marked(source: Source, marker: str) -> PostResult:
    """Build one post in a worker, its marker file present while it is being built."""
    from exporter.run import post as builder

    path = Path(marker)
    path.touch()
    try:
        return builder.build_in_worker(source)
    finally:
        path.unlink(missing_ok=True)


def build_in_pool(
    todo: list[Source],
    settings: Settings,
    failure: Callable[[Path, BaseException, bool], PostResult],
) -> Iterator[tuple[Source, PostResult]]:
    """Build `todo` in up to `settings.jobs` workers; yield each post's result as it is done."""
    worker_settings = dataclasses.replace(settings, jobs=1)
    with tempfile.TemporaryDirectory(prefix="exporter-pool-") as folder:
        pending, suspects = list(todo), list[Source]()
        while pending or suspects:
            alone = bool(suspects)
            batch = [suspects.pop(0)] if alone else pending
            workers = 1 if alone else min(settings.jobs, len(batch))
            started, waiting = list[Source](), list[Source]()
            for source, outcome in _round(batch, workers, worker_settings, Path(folder)):
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
    batch: list[Source], workers: int, settings: Settings, folder: Path
) -> Iterator[tuple[Source, PostResult | BaseException]]:
    """Run one pool over `batch`; yield each post's result or the exception its task raised
    (a BrokenProcessPool whose args say `_STARTED` when the post was being built)."""
    from exporter.workers import worker_pool

    markers = {id(source): folder / f"{uuid.uuid4().hex}.building" for source in batch}
    with worker_pool(workers, _init_worker, (settings,)) as pool:
        futures: dict[Future[PostResult], Source] = {
            pool.submit(_build_marked, source, str(markers[id(source)])): source
            for source in batch
        }
        for future in as_completed(futures):
            source = futures[future]
            try:
                yield source, future.result()
            except BrokenProcessPool:
                started = markers[id(source)].exists()
                yield source, BrokenProcessPool(*(_STARTED if started else ("waiting",)))
            except Exception as exc:  # cannot be sent to a worker, say
                yield source, exc
    for marker in markers.values():
        marker.unlink(missing_ok=True)
