"""No stale outputs: files a post wrote under a name it no longer has are removed, from the state.

The build state records every file each post wrote. After a run, a file recorded for a post
is stale when the post now writes other names (its permalink changed, a clash moved it), when
the post is gone (its source file no longer exists), or when it is no longer built (a draft
now, a duplicate): unless some post of this run claims that name, it is removed. Only names
the state recorded are ever touched, so files the run did not write are never removed; a post
that failed keeps its earlier files (nothing is lost).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection, Iterable, Mapping
from pathlib import Path

from exporter.run.state import BuildState, BuiltPost

ANTHOLOGY_KEY = "anthology:"


def sweep(
    before: Mapping[str, BuiltPost],
    state: BuildState,
    seen: Collection[str],
    anthology: str | None,
    claimed: Iterable[str],
) -> list[str]:
    """Forget the posts that are gone; return the recorded names no post owns any more.

    `before` is the state as the run found it, `state` as the run leaves it, `seen` the keys of
    the posts this run was asked to build, `anthology` the key of the anthology it built (if
    any), `claimed` every name a result of this run holds.
    """
    for key in list(state.entries):
        if _gone(key, seen, anthology):
            state.forget(key)
    keep = set(claimed)
    for entry in state.entries.values():
        keep.update(entry.outputs)
    stale: set[str] = set()
    for key, entry in before.items():
        now = state.entries.get(key)
        if now is not None and now.outputs == entry.outputs:
            continue
        if now is None and key not in seen and not _gone(key, seen, anthology):
            continue  # not part of this run: left as it is
        stale.update(name for name in entry.outputs if name not in keep)
    return sorted(stale)


def _gone(key: str, seen: Collection[str], anthology: str | None) -> bool:
    """Whether a recorded post (or anthology) no longer exists: its file is gone, or another
    anthology replaced it."""
    if key.startswith(ANTHOLOGY_KEY):
        return anthology is not None and key != anthology
    return key not in seen and not os.path.lexists(key)


def remove_stale(out_dir: Path, names: Iterable[str]) -> list[str]:
    """Remove the named files from the output folder; return the names removed."""
    removed: list[str] = []
    for name in names:
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            (out_dir / name).unlink()
            removed.append(name)
    return removed
