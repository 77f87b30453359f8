"""The output folder of a run: checked before use, held by one run at a time, left clean.

A run takes an exclusive lock (flock) on the OUT folder itself for its whole length, so two
runs into one folder take turns (the second says it waits) instead of losing each other's
state, and no lock file is added to OUT. The kernel drops the lock when a run dies, even by
`kill -9`; the next run, holding the lock,
removes what the dead one left: `.*.part` files in OUT and its `exporter-tts-<pid>-*`
temporary folders.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from exporter.errors import OutputError, UsageError
from exporter.workers import process_exists

TEMP_PREFIXES = ("exporter-tts-", "exporter-mp3-")


def check_out_dir(out_dir: Path) -> None:
    """Raise UsageError unless `out_dir` is, or can be made, a folder this run may write."""
    existing = out_dir
    while not existing.exists() and not existing.is_symlink():
        if existing.parent == existing:
            break
        existing = existing.parent
    if not existing.is_dir():
        where = "" if existing == out_dir else f" ({existing} is in the way)"
        raise UsageError(f"-o {out_dir}: exists and is not a folder{where}")
    if not os.access(existing, os.W_OK | os.X_OK):
        if _read_only(existing):
            raise UsageError(f"-o {out_dir}: {existing} is on a read-only file system")
        raise UsageError(f"-o {out_dir}: no permission to write in {existing}")


def _read_only(folder: Path) -> bool:
    """Whether the file system holding `folder` is mounted read-only."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


@contextlib.contextmanager
def holding(out_dir: Path, say: Callable[[str], None]) -> Iterator[None]:
    """Create OUT, hold its lock inside the block (waiting for another run), clear leftovers."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out_dir, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputError(f"{out_dir}: cannot use the output folder: {exc.strerror}") from None
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"{out_dir} is in use by another exporter run; waiting for it to finish")
            fcntl.flock(descriptor, fcntl.LOCK_EX)
        remove_leftovers(out_dir)
        remove_stale_temp()
        yield
    finally:
        os.close(descriptor)


def remove_leftovers(out_dir: Path) -> int:
    """Delete the `.*.part` files an interrupted run left in OUT; return how many."""
    removed = 0
    for item in out_dir.glob(".*.part"):
        with contextlib.suppress(OSError):
            if item.is_file() and not item.is_symlink():
                item.unlink()
                removed += 1
    return removed


def remove_stale_temp(root: Path | None = None) -> int:
    """Delete our `exporter-*-<pid>-*` temporary folders whose process is gone; count them."""
    root = Path(root or tempfile.gettempdir())
    removed = 0
    with contextlib.suppress(OSError):
        for item in root.iterdir():
            pid = _owner_pid(item.name)
            if pid is None or process_exists(pid) or not item.is_dir() or item.is_symlink():
                continue
            with contextlib.suppress(OSError):
                if item.stat().st_uid == os.getuid():
                    shutil.rmtree(item)
                    removed += 1
    return removed


def _owner_pid(name: str) -> int | None:
    """The process id in a temporary folder name such as `exporter-tts-1234-abcd`, if ours."""
    for prefix in TEMP_PREFIXES:
        if name.startswith(prefix):
            pid, _, _rest = name[len(prefix) :].partition("-")
            return int(pid) if pid.isdigit() else None
    return None
