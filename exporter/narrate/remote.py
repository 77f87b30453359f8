"""A sentence cache shared through an fsspec URL (`s3://bucket/prefix`, …); the only fsspec user.

A cluster's workers may not share a folder with the client. Then `--cache URL` names a store
they all reach: each machine keeps its own local cache (the default folder) as a mirror, a
worker pulls an entry from the store before synthesizing it and pushes each entry it makes,
and the client pulls a part's entries once the part is done. Entries are the local cache's
WAV files under the same `<key[:2]>/<key>.wav` names; each is uploaded under a temporary name
and then moved into place, so a reader never sees half an entry.
"""

from __future__ import annotations

import importlib
import secrets
from pathlib import Path
from typing import Any

from exporter.atomic import create_atomic
from exporter.errors import NarrationError
from exporter.narrate.cache import DEFAULT_SAMPLE_RATE, AudioCache


def is_url(cache: str) -> bool:
    """Tell whether a --cache value is an fsspec URL rather than a folder."""
    return "://" in cache


class SharedStore:
    """The sentence entries kept at an fsspec URL."""

    def __init__(self, url: str) -> None:
        """Open the store (fsspec is imported here: only URL caches need it)."""
        try:
            fsspec: Any = importlib.import_module("fsspec")
            self.fs, self.base = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as exc:
            raise NarrationError(f"cannot open the cache at {url}: {exc}") from exc
        self.url = url

    def _name(self, key: str) -> str:
        """Where an entry lives in the store."""
        return f"{self.base.rstrip('/')}/{key[:2]}/{key}.wav"

    def pull(self, key: str, cache: AudioCache) -> bool:
        """Copy an entry into the local cache unless it is there; tell whether it is now."""
        if cache.info(key) is not None:
            return True
        try:
            data = self.fs.cat_file(self._name(key))
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise NarrationError(f"cannot read the cache at {self.url}: {exc}") from exc
        create_atomic(cache.path(key), data)
        return True

    def push(self, key: str, cache: AudioCache) -> None:
        """Copy a local entry into the store (under a temporary name, then moved into place)."""
        name = self._name(key)
        part = f"{name}.{secrets.token_hex(4)}.part"
        try:
            if self.fs.exists(name):  # the first writer wins here too
                return
            self.fs.makedirs(name.rsplit("/", 1)[0], exist_ok=True)
            self.fs.pipe_file(part, cache.path(key).read_bytes())
            self.fs.mv(part, name)
        except OSError as exc:
            raise NarrationError(f"cannot write to the cache at {self.url}: {exc}") from exc


class MirroredCache(AudioCache):
    """A local cache that pulls missing entries from a shared store and pushes new ones to it."""

    def __init__(self, root: Path, store: SharedStore) -> None:
        """Mirror `store` in the local folder `root`."""
        super().__init__(root)
        self.store = store

    def info(self, key: str) -> tuple[int, int] | None:
        """An entry's (sample_rate, sample_count), pulled from the store when only it has it."""
        found = super().info(key)
        if found is None and self.store.pull(key, AudioCache(self.root)):
            found = super().info(key)
        return found

    def put(self, key: str, pcm: bytes, sample_rate: int = DEFAULT_SAMPLE_RATE) -> bool:
        """Store an entry locally (the first writer wins), then in the shared store."""
        stored = super().put(key, pcm, sample_rate)
        self.store.push(key, AudioCache(self.root))
        return stored
