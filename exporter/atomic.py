"""Write files whole or not at all: a hidden temporary file beside the target, then a rename.

Every output and cache file goes through here, so an interrupted or failed run never leaves a
half-written file under its real name, and an existing file survives a failed rewrite.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    """The process's file-creation mask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a unique `.<name>.*.part` path beside `path` (whose folder must exist); rename it
    into place only if the block succeeds (it is removed on any failure, Ctrl-C included)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    part = Path(name)
    try:
        yield part
        os.chmod(part, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink()
        raise


def write_atomic(path: Path, data: bytes) -> None:
    """Write bytes to `path` whole or not at all, creating its folder if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as part:
        part.write_bytes(data)


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write like `write_atomic` unless the file already holds exactly these bytes (its mtime
    then stays); True when it wrote."""
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def create_atomic(path: Path, data: bytes) -> bool:
    """Write bytes to `path` only if no file is there, whole or not at all; True when this
    call created it. The first writer wins: an existing file is never replaced (a hard link
    of a finished temporary file is the atomic create; where links are refused, a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    part = Path(name)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.chmod(part, 0o666 & ~_umask())
        try:
            os.link(part, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            if path.exists():
                return False
            os.replace(part, path)
        return True
    finally:
        with contextlib.suppress(OSError):
            part.unlink()
