"""Remember what each post was built from, so an unchanged post is not built again."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from exporter.atomic import write_if_changed
from exporter.read.limits import MAX_STATE_BYTES, read_bounded
from exporter.write.site.card import Card

STATE_NAME = ".exporter-state.json"


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of exporter's own code and data: any change to the tool rebuilds every post."""
    package = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if (
            path.suffix in (".py", ".yaml", ".css", ".html", ".xml", ".js")
            and "__pycache__" not in path.parts
        ):
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fingerprint(
    source: Path, settings: str, extra_files: list[Path], own: str | None = None
) -> str:
    """A hash of a post's bytes (or its `own` digest, for an item of an export), the settings
    that shape its outputs, and files it depends on."""
    digest = hashlib.sha256()
    digest.update(code_fingerprint().encode())
    digest.update(settings.encode())
    for path in [source, *extra_files]:
        digest.update(os.fsencode(path))
        if path is source and own is not None:
            digest.update(own.encode())
        else:
            _hash_file(digest, path)
    return digest.hexdigest()


def _hash_file(digest: Any, path: Path) -> None:
    """Feed a regular file's bytes to the digest in chunks; '-' for anything else."""
    try:
        if not path.is_file():
            digest.update(b"-")
            return
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError:  # a name too long, a file gone or unreadable: the build itself will say
        digest.update(b"?")


@dataclass(frozen=True)
class BuiltPost:
    """What a post's last successful build produced."""

    fingerprint: str
    outputs: tuple[str, ...]
    words: int
    audio_seconds: float | None
    card: Card | None = None
    narration: tuple[str, ...] = ()  # engine, voice and why, when it was narrated


def _entry(value: object) -> BuiltPost | None:
    """One state entry from its JSON form, or None when it has the wrong shape."""
    if not isinstance(value, dict):
        return None
    stamp, outputs = value.get("fingerprint"), value.get("outputs")
    words, seconds = value.get("words"), value.get("audio_seconds")
    if not isinstance(stamp, str) or not isinstance(outputs, list):
        return None
    if not all(isinstance(n, str) and n and "/" not in n and n not in (".", "..") for n in outputs):
        return None
    if type(words) is not int or not (seconds is None or type(seconds) in (int, float)):
        return None
    try:
        card = Card.from_json(value["card"]) if value.get("card") else None
    except (KeyError, TypeError, ValueError):
        return None
    spoken = value.get("narration") or []
    if not (isinstance(spoken, list) and len(spoken) in (0, 3)):
        return None
    return BuiltPost(
        stamp, tuple(outputs), words, None if seconds is None else float(seconds), card,
        tuple(str(part) for part in spoken),
    )  # fmt: skip


@dataclass
class BuildState:
    """The fingerprints of the posts last built into one output folder."""

    path: Path
    entries: dict[str, BuiltPost] = field(default_factory=dict)

    @classmethod
    def load(cls, out_dir: Path) -> BuildState:
        """Read the state of an output folder; a missing or unreadable file means no state."""
        path = out_dir / STATE_NAME
        try:
            raw = json.loads(read_bounded(path, MAX_STATE_BYTES))
        except (OSError, ValueError, RecursionError):  # LimitError is a ValueError
            raw = None
        entries = raw if isinstance(raw, dict) else {}
        return cls(path, {k: e for k, v in entries.items() if (e := _entry(v)) is not None})

    def unchanged(self, key: str, print_: str) -> BuiltPost | None:
        """The earlier build of this post when its fingerprint matches and its outputs exist."""
        entry = self.entries.get(key)
        if entry is None or entry.fingerprint != print_:
            return None
        if not all((self.path.parent / name).is_file() for name in entry.outputs):
            return None
        return entry

    def record(self, key: str, entry: BuiltPost) -> None:
        """Remember a successful build."""
        self.entries[key] = entry

    def invalidate(self, key: str) -> None:
        """Keep a post's recorded outputs but not its fingerprint: it failed, and is tried again."""
        entry = self.entries.get(key)
        if entry is not None:
            self.entries[key] = BuiltPost("", entry.outputs, entry.words, entry.audio_seconds)

    def forget(self, key: str) -> None:
        """Drop a post whose build failed, so the next run tries again."""
        self.entries.pop(key, None)

    def save(self) -> None:
        """Write the state file atomically, and only when it changed: a no-op run writes nothing."""
        data = {
            key: {
                "fingerprint": e.fingerprint,
                "outputs": list(e.outputs),
                "words": e.words,
                "audio_seconds": e.audio_seconds,
                "card": e.card.as_json() if e.card else None,
                **({"narration": list(e.narration)} if e.narration else {}),
            }
            for key, e in sorted(self.entries.items())
        }
        write_if_changed(self.path, (json.dumps(data, indent=1) + "\n").encode())
