"""Where a run's posts are built: in local worker processes, or with a Dask cluster's help.

Both executors take the posts to build and yield each post's result as it finishes:

- `LocalExecutor` builds whole posts in this process (`--jobs 1`) or in a pool of exporter's
  worker processes (`exporter.workers`), one post per task.
- `DaskExecutor` (`--executor dask`, the only module importing dask) reads each post here, cuts
  its sentences into parts (one part per post, several for long posts) and has the cluster's
  workers synthesize them into the shared sentence cache. As soon as all of a post's parts are
  in, the post is built on this machine (in this process, or with --jobs N in N local worker
  processes), exactly as a local build would build it: every sentence is then found in the
  cache, so only encoding and writing happen here and the outputs are those of a local build.
  A worker that dies mid-part loses nothing finished (each sentence is stored as it is made);
  the scheduler runs the part again elsewhere.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import math
import os
import secrets
from collections.abc import Iterator
from typing import Any, Protocol

from exporter.errors import ExporterError, UsageError
from exporter.narrate.cache import AudioCache, default_cache_dir
from exporter.run.progress import Reporter
from exporter.run.report import PostResult
from exporter.run.settings import Settings, Source

EXECUTORS = ("local", "dask")
PART_SENTENCES = 200  # a post with more sentences than this is synthesized in several parts
_RETRIES = 2  # a part that raised is tried this many more times (a dead worker's part always is)


class Executor(Protocol):
    """Builds posts and yields each one's result as it is finished (in any order)."""

    def build(
        self, todo: list[Source], settings: Settings, reporter: Reporter
    ) -> Iterator[tuple[Source, PostResult]]:
        """Build every post of `todo` with `settings`, reporting progress to `reporter`."""
        ...


def executor_for(settings: Settings) -> Executor:
    """The executor the settings ask for."""
    if settings.executor == "dask":
        return DaskExecutor()
    if settings.executor == "local":
        return LocalExecutor()
    raise UsageError(f"--executor {settings.executor}: choose one of {', '.join(EXECUTORS)}")


def _context(settings: Settings, reporter: Reporter) -> Any:
    """A builder context for building posts in this process (the builder loads only now)."""
    from exporter.run import post as builder

    cache = AudioCache(settings.cache_dir or default_cache_dir())
    return builder.BuildContext(settings, reporter, cache)


# ---------------------------------------------------------------- local


def _init_worker(settings: Settings) -> None:
    """Pool initializer: set up the builder in a worker (this process never imports it)."""
    from exporter.run import post as builder

    builder.init_worker(settings)


def _build_in_worker(source: Source) -> PostResult:
    """Build one post in a worker process."""
    from exporter.run import post as builder

    return builder.build_in_worker(source)


class LocalExecutor:
    """This machine: one post after another, or whole posts in worker processes (--jobs N)."""

    def build(
        self, todo: list[Source], settings: Settings, reporter: Reporter
    ) -> Iterator[tuple[Source, PostResult]]:
        """Build posts; with several posts and jobs, each worker process builds whole posts."""
        if not todo:
            return
        if settings.jobs > 1 and len(todo) > 1:
            from exporter.run.pool import build_in_pool
            from exporter.run.sandbox import failure

            yield from build_in_pool(todo, settings, failure)
            return
        from exporter.run import post as builder

        context = _context(settings, reporter)
        for source in todo:
            yield source, builder.build_source(source, context)


# ---------------------------------------------------------------- dask


@dataclasses.dataclass(frozen=True)
class Part:
    """Sentences of one post for one cluster task, the book's voice, and the run's settings
    (engine, rate and cache: whatever decides how a sentence sounds and where it is kept)."""

    rank: int  # the post's place in the run
    index: int
    texts: tuple[str, ...]
    voice: str | None
    settings: Settings
    engine: str = "espeak"  # the post's engine, as its build chose it


def synthesize_part(part: Part) -> list[str]:
    """Synthesize a part's sentences into the shared cache (on a worker); return their keys."""
    from exporter.run.audiobook import synthesize_texts

    settings = part.settings
    cache = AudioCache(settings.cache_dir or default_cache_dir())
    if settings.cache_url is not None:
        from exporter.narrate.remote import MirroredCache, SharedStore

        cache = MirroredCache(default_cache_dir(), SharedStore(settings.cache_url))
    return synthesize_texts(part.texts, part.voice, settings, cache, part.engine)


def plan_parts(rank: int, source: Source, settings: Settings, context: Any) -> list[Part]:
    """Cut a post's sentences into parts for the cluster; none when it will not be narrated.

    The post is read and its speech script made exactly as its build will make them; a post
    that cannot be read gets no parts (its build reports why).
    """
    from exporter.narrate.engines import open_engine
    from exporter.run.audiobook import book_texts
    from exporter.run.load import book_from_post, site_config
    from exporter.run.post import read_source, voice_choice

    post = read_source(source, settings)
    if isinstance(post, PostResult):
        return []
    try:
        site = site_config(post.path, settings.language, settings.dates)
        book = book_from_post(post, settings.images_dir, site)
        choice = voice_choice(book, post.path, settings)
        language = book.meta.language
        lexicon = context.lexicon_for(post.path, language, choice.engine)
        _, texts = book_texts(book, lexicon)
        voice = open_engine(choice.engine, choice.voice, settings.rate, language).voice
    except ExporterError:
        return []
    count = max(1, math.ceil(len(texts) / PART_SENTENCES))
    size = math.ceil(len(texts) / count) if texts else 0
    return [
        Part(rank, i, tuple(texts[i * size : (i + 1) * size]), voice, settings, choice.engine)
        for i in range(count)
        if texts[i * size : (i + 1) * size]
    ]


class _ClusterProgress:
    """Progress of a cluster run: one stage for all sentences; per-post stages stay quiet."""

    def __init__(self, reporter: Reporter) -> None:
        """Pass messages on to `reporter`."""
        self.reporter = reporter

    def stage(self, post: str, what: str, total: int) -> None:
        """Say nothing: the cluster's stage is the one shown."""

    def advance(self, steps: int = 1) -> None:
        """Say nothing: the cluster's stage is the one shown."""

    def message(self, text: str) -> None:
        """Pass a message on."""
        self.reporter.message(text)


class _ClientBuilds:
    """Builds posts whose sentences are all cached: here, or in local worker processes (--jobs)."""

    def __init__(self, settings: Settings, context: Any) -> None:
        """Build in this process with `context`, or start a pool of --jobs worker processes."""
        from concurrent.futures import Future

        from exporter.workers import worker_pool

        self.context = context
        self.finished: list[tuple[Source, PostResult]] = []
        self.running: dict[Future[PostResult], Source] = {}
        self.again: list[Source] = []  # posts of a pool that broke: built again in a fresh one
        self.pool = None
        if settings.jobs > 1:
            worker_settings = dataclasses.replace(settings, jobs=1)
            self.pool = worker_pool(settings.jobs, _init_worker, (worker_settings,))

    def submit(self, source: Source) -> None:
        """Build a post (now, or in a worker process)."""
        if self.pool is None:
            from exporter.run import post as builder

            self.finished.append((source, builder.build_source(source, self.context)))
        else:
            from concurrent.futures.process import BrokenProcessPool

            try:
                self.running[self.pool.submit(_build_in_worker, source)] = source
            except BrokenProcessPool:
                self.again.append(source)

    def results(self, *, everything: bool) -> Iterator[tuple[Source, PostResult]]:
        """The posts built so far; with `everything`, wait for the rest too."""
        from concurrent.futures import wait
        from concurrent.futures.process import BrokenProcessPool

        from exporter.run.sandbox import failure

        yield from self.finished
        self.finished.clear()
        if self.running:
            done, _ = wait(list(self.running), timeout=None if everything else 0)
            for future in done:
                source = self.running.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:  # a worker died: its posts are built again, below
                    self.again.append(source)
                    continue
                except Exception as exc:  # cannot be sent to a worker, say
                    result = failure(source.path, exc, self.context.settings.debug)
                yield source, result
        if everything and self.again:
            from exporter.run.pool import build_in_pool

            if self.pool is not None:
                self.pool.shutdown(wait=True, cancel_futures=True)
                self.pool = None
            again, self.again = self.again, []
            yield from build_in_pool(again, self.context.settings, failure)

    def close(self) -> None:
        """Stop the worker processes."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor:
    """A Dask cluster synthesizes; this machine reads posts, then encodes and writes them."""

    def build(
        self, todo: list[Source], settings: Settings, reporter: Reporter
    ) -> Iterator[tuple[Source, PostResult]]:
        """Synthesize every post's sentences on the cluster, build each post once they are in.

        Posts are built on this machine as their sentences come in, while the cluster goes on
        with later posts: in this process, or (--jobs N) in N local worker processes.
        """
        if not todo:
            return
        os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")  # also for its workers
        try:
            dask: Any = importlib.import_module("dask.distributed")  # typed loosely upstream
        except ImportError as exc:
            raise UsageError(
                f"--executor dask needs Dask ({exc}); install it: pip install 'exporter[dask]'"
            ) from exc
        logging.getLogger("distributed").setLevel(logging.WARNING)
        context = _context(settings, _ClusterProgress(reporter))
        parts = [
            plan_parts(rank, source, settings, context) if settings.narrate else []
            for rank, source in enumerate(todo)
        ]
        cluster: Any = None
        try:
            if settings.scheduler:
                client = dask.Client(settings.scheduler, timeout="10s")
            else:
                cluster = dask.LocalCluster(
                    n_workers=settings.jobs, threads_per_worker=1, processes=True,
                    dashboard_address=":0",
                )  # fmt: skip
                client = dask.Client(cluster)
        except (OSError, TimeoutError) as exc:
            where = settings.scheduler or "a local cluster"
            raise UsageError(f"cannot reach the Dask scheduler at {where}: {exc}") from exc
        store = None
        if settings.cache_url is not None:
            from exporter.narrate.remote import SharedStore

            store = SharedStore(settings.cache_url)
        builds = _ClientBuilds(settings, context)
        try:
            workers = len(client.scheduler_info().get("workers", {}))
            total = sum(len(part.texts) for post_parts in parts for part in post_parts)
            reporter.stage("cluster", f"sentences synthesized on {workers} worker(s)", total)
            futures: dict[Any, Part] = {}
            left = [len(post_parts) for post_parts in parts]
            run_id = secrets.token_hex(4)
            for part in (part for post_parts in parts for part in post_parts):
                future = client.submit(
                    synthesize_part, part, retries=_RETRIES, priority=len(todo) - part.rank,
                    key=f"exporter-synthesize-{run_id}-{part.rank}-{part.index}",
                )  # fmt: skip
                futures[future] = part
            for rank, source in enumerate(todo):
                if not left[rank]:
                    builds.submit(source)
            for future in dask.as_completed(list(futures)):
                part = futures[future]
                if future.status == "finished":
                    if store is not None:
                        for key in future.result():
                            store.pull(key, context.cache)
                    reporter.advance(len(part.texts))
                # a part that failed is synthesized again by the post's own build (which
                # then reports the error the way a local build does)
                left[part.rank] -= 1
                if not left[part.rank]:
                    builds.submit(todo[part.rank])
                yield from builds.results(everything=False)
            yield from builds.results(everything=True)
        finally:
            builds.close()
            client.close()
            if cluster is not None:
                cluster.close()
