"""Narrate a list of utterances into the audio cache, in parallel, synthesizing only what is new.

Every utterance gets a cache key from its text, the resolved voice, the rate and the engine's
name and version (so eSpeak NG and Piper entries never mix). Texts whose key is already cached
are not synthesized again, duplicates are synthesized once, and each finished sentence is
stored at once, so an interrupted run keeps its work. With `jobs > 1` a pool of worker
processes (from workers.py: eSpeak NG cannot be forked once started, and can only start once
per process) each opens one engine (for Piper: loads one model) and works through batches.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from exporter import signals
from exporter.errors import ExporterError, NarrationError
from exporter.narrate.cache import AudioCache
from exporter.narrate.engines import DEFAULT_ENGINE, Engine, open_engine
from exporter.workers import worker_pool

EngineFactory = Callable[[str | None, int | None], Engine]
_MAX_BATCH = 32
_POOL_MIN = 16  # below this, spawning workers (~0.15 s) costs more than it saves


@dataclass(frozen=True)
class NarrationStats:
    """How one narration run went: texts given, distinct ones, synthesized and reused."""

    texts: int
    unique: int
    synthesized: int
    reused: int
    seconds: float


@dataclass(frozen=True)
class Narration:
    """The result of a narration run: one cache key per text, the sample rate, the stats."""

    keys: list[str]
    sample_rate: int
    stats: NarrationStats


def engine_opener(engine: str) -> EngineFactory:
    """A picklable factory opening the engine called `engine` with a voice and rate."""
    return functools.partial(open_engine, engine)


# ---------------------------------------------------------------- worker side

_worker_engine: Engine | None = None
_worker_cache: AudioCache | None = None


def _init_worker(factory: EngineFactory, voice: str, rate: int, cache_root: str) -> None:
    """Open this worker process's one engine and cache (pool initializer)."""
    global _worker_engine, _worker_cache
    signals.install()
    _worker_engine = factory(voice, rate)
    _worker_cache = AudioCache(Path(cache_root))


def _speak_into(engine: Engine, cache: AudioCache, key: str, text: str) -> None:
    """Synthesize one text and store it under `key`; any engine failure becomes NarrationError."""
    try:
        pcm = engine.synthesize(text)
    except ExporterError:
        raise
    except Exception as exc:
        raise NarrationError(f"speech synthesis failed on {text[:60]!r}: {exc}") from exc
    try:
        cache.put(key, pcm, engine.sample_rate)
    except OSError as exc:
        raise NarrationError(f"cannot store narrated audio in {cache.root}: {exc}") from exc


def _worker_batch(batch: list[tuple[str, str]]) -> list[str]:
    """Synthesize a batch of (key, text) pairs in a worker; return the keys it stored."""
    if _worker_engine is None or _worker_cache is None:
        raise NarrationError("narration worker started without an engine")
    for key, text in batch:
        _speak_into(_worker_engine, _worker_cache, key, text)
    return [key for key, _ in batch]


# ---------------------------------------------------------------- parent side


def _batches(items: list[tuple[str, str]], jobs: int) -> list[list[tuple[str, str]]]:
    """Cut the work into batches small enough for steady progress and load balance."""
    size = max(1, min(_MAX_BATCH, len(items) // (jobs * 8)))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _run_pool(
    pending: list[tuple[str, str]],
    engine: Engine,
    factory: EngineFactory,
    cache: AudioCache,
    jobs: int,
    done: Callable[[str], None],
) -> None:
    """Synthesize `pending` in spawned worker processes, reporting each finished key."""
    batches = _batches(pending, jobs)
    workers = min(jobs, len(batches))
    initargs = (factory, engine.voice, engine.rate, str(cache.root))
    pool = worker_pool(workers, _init_worker, initargs)
    try:
        running: set[Future[list[str]]] = {pool.submit(_worker_batch, b) for b in batches}
        while running:
            finished, running = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                for key in future.result():
                    done(key)
    except BrokenProcessPool as exc:
        raise NarrationError(f"a narration worker process died ({exc}); try --jobs 1") from exc
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def narrate(
    texts: Sequence[str],
    *,
    voice: str | None,
    rate: int | None,
    cache: AudioCache,
    jobs: int,
    on_done: Callable[[int], None] | None = None,
    engine: str = DEFAULT_ENGINE,
    engine_factory: EngineFactory | None = None,
) -> Narration:
    """Make sure every text's audio is cached; return keys, sample rate and what was done.

    `on_done(n)` is called as texts become available, with how many just did (cached ones
    first, all at once); the calls add up to `len(texts)`. `voice` is passed to the engine as
    given (callers resolve a book's language to a voice first); `engine_factory` replaces
    opening `engine` by name.
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    started = time.perf_counter()
    factory: EngineFactory = engine_factory or engine_opener(engine)
    speaker = factory(voice, rate)
    keys = [
        cache.key(text, speaker.voice, speaker.rate, speaker.name, speaker.version)
        for text in texts
    ]
    uses = Counter(keys)
    text_of = dict(zip(keys, texts, strict=True))
    pending = [(key, text_of[key]) for key in uses if not cache.verify(key)]
    ready = len(keys) - sum(uses[key] for key, _ in pending)

    def done(key: str) -> None:
        """Report the texts that share a freshly stored key."""
        if on_done is not None:
            on_done(uses[key])

    if on_done is not None and ready:
        on_done(ready)
    if jobs == 1 or len(pending) < _POOL_MIN:
        for key, text in pending:
            _speak_into(speaker, cache, key, text)
            done(key)
    else:
        _run_pool(pending, speaker, factory, cache, jobs, done)
    stats = NarrationStats(
        texts=len(keys),
        unique=len(uses),
        synthesized=len(pending),
        reused=len(uses) - len(pending),
        seconds=time.perf_counter() - started,
    )
    return Narration(keys=keys, sample_rate=speaker.sample_rate, stats=stats)


def read_pcm(cache: AudioCache, key: str) -> bytes:
    """Return the cached PCM (mono s16le) of one narrated text; NarrationError if it is gone."""
    pcm = cache.get(key)
    if pcm is None:
        raise NarrationError(
            f"narrated audio {key[:12]}… is missing from the cache at {cache.root}"
        )
    return pcm


def sample_count(cache: AudioCache, key: str) -> int:
    """Return how many samples one narrated text lasts, from its cache entry's header."""
    found = cache.info(key)
    if found is None:
        raise NarrationError(
            f"narrated audio {key[:12]}… is missing from the cache at {cache.root}"
        )
    return found[1]


def duration_of(cache: AudioCache, key: str) -> float:
    """Return how many seconds one narrated text lasts."""
    found = cache.info(key)
    if found is None:
        raise NarrationError(
            f"narrated audio {key[:12]}… is missing from the cache at {cache.root}"
        )
    return found[1] / found[0]
