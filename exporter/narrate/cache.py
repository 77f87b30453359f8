"""A disk cache of synthesized sentence audio, keyed by text, voice, rate and engine version.

Each entry is a small mono 16-bit WAV file (so it carries its sample rate) named by its key,
in a two-level fan-out: `<root>/<key[:2]>/<key>.wav`. After its samples the file holds an
`xsum` chunk with their SHA-256, so a damaged entry (flipped, zeroed, cut short, another
format) is recognised, dropped and synthesized again (with one warning), never shipped.
Encoded audio segments (see `encoding.py`) live beside them in
`<root>/segments/<key[:2]>/<key>.<format>seg`, and small JSON records (loudness figures, see
`levels.py`) in `<root>/records/<key[:2]>/<key>.json`, each after the SHA-256 of its JSON.
Writes are atomic creates and the first writer wins: an entry is never replaced (only a
damaged one is dropped), so any number of processes may fill the cache at once, every reader
sees the same samples for a key, and an interrupted run leaves only whole entries.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

from exporter import log
from exporter.atomic import create_atomic, write_atomic

KEY_SCHEMA = 2  # 2: entries carry a checksum of their samples
DEFAULT_SAMPLE_RATE = 22050
_SUFFIX = ".wav"
_SEGMENTS = "segments"
_SEGMENT_SUFFIX = "seg"
_RECORDS = "records"
_RECORD_SUFFIX = ".json"
_HEADER = struct.Struct("<4sI4s4sIHHIIHH4sI")  # RIFF, WAVE, fmt (PCM), data chunk header
_TRAILER = struct.Struct("<4sI32s")  # the xsum chunk: SHA-256 of the samples
_MAX_ENTRY_BYTES = 256 * 1024 * 1024


def _entry_bytes(pcm: bytes, sample_rate: int) -> bytes:
    """A mono 16-bit WAV file of `pcm`, followed by the checksum chunk."""
    size = len(pcm)
    riff = 4 + 8 + 16 + 8 + size + _TRAILER.size
    header = _HEADER.pack(
        b"RIFF", riff, b"WAVE", b"fmt ", 16, 1, 1, sample_rate, sample_rate * 2, 2, 16,
        b"data", size,
    )  # fmt: skip
    return header + pcm + _TRAILER.pack(b"xsum", 32, hashlib.sha256(pcm).digest())


def _header(head: bytes, file_size: int) -> tuple[int, int] | None:
    """(sample_rate, data size) from an entry's header, when it is one of ours and whole."""
    if len(head) < _HEADER.size:
        return None
    riff, riff_size, wave_id, fmt, fmt_size, codec, channels, rate, _, align, bits, data, size = (
        _HEADER.unpack_from(head)
    )
    ours = (riff, wave_id, fmt, fmt_size, codec, channels, align, bits, data) == (
        b"RIFF", b"WAVE", b"fmt ", 16, 1, 1, 2, 16, b"data",
    )  # fmt: skip
    whole = file_size == _HEADER.size + size + _TRAILER.size == riff_size + 8
    return (rate, size) if ours and whole and rate > 0 and size % 2 == 0 else None


def default_cache_dir() -> Path:
    """Where sentence audio is cached: $XDG_CACHE_HOME/exporter/audio or ~/.cache/exporter/audio."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "exporter" / "audio"


def _is_key(key: str) -> bool:
    """Tell whether `key` looks like a key this cache made (64 lowercase hex digits)."""
    return len(key) == 64 and all(c in "0123456789abcdef" for c in key)


class AudioCache:
    """Sentence PCM stored as WAV files under one root directory."""

    default_cache_dir = staticmethod(default_cache_dir)

    def __init__(self, root: Path) -> None:
        """Use `root` as the cache directory; it is created on the first write."""
        self.root = Path(root)

    @staticmethod
    def key(text: str, voice: str, rate: int, engine_name: str, engine_version: str) -> str:
        """Hash everything that decides a sentence's audio into a sha256 hex key."""
        return digest([KEY_SCHEMA, text, voice, int(rate), engine_name, engine_version])

    def path(self, key: str) -> Path:
        """Where the entry for `key` lives (whether or not it exists)."""
        if not _is_key(key):
            raise ValueError(f"not an audio cache key: {key!r}")
        return self.root / key[:2] / f"{key}{_SUFFIX}"

    def segment_path(self, key: str, fmt: str) -> Path:
        """Where the encoded segment for `key` in format `fmt` lives (whether or not it exists)."""
        if not _is_key(key) or not fmt.isalnum():
            raise ValueError(f"not a segment key and format: {key!r}, {fmt!r}")
        return self.root / _SEGMENTS / key[:2] / f"{key}.{fmt}{_SEGMENT_SUFFIX}"

    def record_path(self, key: str) -> Path:
        """Where the record for `key` lives (whether or not it exists)."""
        if not _is_key(key):
            raise ValueError(f"not a record key: {key!r}")
        return self.root / _RECORDS / key[:2] / f"{key}{_RECORD_SUFFIX}"

    def get_record(self, key: str) -> object:
        """A record's JSON value, or None if it is absent or damaged (its checksum disagrees)."""
        try:
            raw = self.record_path(key).read_bytes()
        except OSError:
            return None
        digest, _, body = raw.partition(b"\n")
        if digest.decode("ascii", "replace") != hashlib.sha256(body).hexdigest():
            return None
        try:
            return json.loads(body)
        except ValueError:
            return None

    def put_record(self, key: str, value: object) -> None:
        """Store a JSON value for `key` unless a whole record is there (the first writer wins);
        a damaged record is replaced; a failure to write is ignored (a saving)."""
        body = json.dumps(value, separators=(",", ":"), sort_keys=True).encode()
        data = hashlib.sha256(body).hexdigest().encode() + b"\n" + body
        with contextlib.suppress(OSError):
            if not create_atomic(self.record_path(key), data) and self.get_record(key) is None:
                write_atomic(self.record_path(key), data)

    def __contains__(self, key: object) -> bool:
        """Tell whether an entry exists for `key`."""
        return isinstance(key, str) and _is_key(key) and self.path(key).is_file()

    def info(self, key: str) -> tuple[int, int] | None:
        """Return (sample_rate, sample_count) of an entry from its header, or None if absent
        or not whole (the samples are checked by `get` and `verify`)."""
        try:
            with self.path(key).open("rb") as file:
                found = _header(file.read(_HEADER.size), os.fstat(file.fileno()).st_size)
        except OSError:
            return None
        return (found[0], found[1] // 2) if found else None

    def get(self, key: str) -> bytes | None:
        """Return an entry's PCM (mono s16le), or None if it is absent or damaged."""
        try:
            with self.path(key).open("rb") as file:
                size = os.fstat(file.fileno()).st_size
                raw = file.read(size) if size <= _MAX_ENTRY_BYTES else b""  # read(n) allocates n
        except OSError:
            return None
        found = _header(raw, len(raw))
        if found is None:
            return None
        pcm = raw[_HEADER.size : _HEADER.size + found[1]]
        tag, length, digest = _TRAILER.unpack_from(raw, _HEADER.size + found[1])
        good = tag == b"xsum" and length == 32 and digest == hashlib.sha256(pcm).digest()
        return pcm if good else None

    def verify(self, key: str) -> bool:
        """True when a whole, undamaged entry exists; a damaged one is deleted (one warning)."""
        path = self.path(key)
        if not path.is_file():
            return False
        if self.get(key) is not None:
            return True
        with contextlib.suppress(OSError):
            path.unlink()
        log.warn(
            "cache-damaged",
            f"damaged entries in the audio cache {self.root} were dropped and synthesized again",
        )
        return False

    def sample_rate(self, key: str) -> int | None:
        """Return an entry's sample rate, or None if it is absent."""
        found = self.info(key)
        return found[0] if found else None

    def put(self, key: str, pcm: bytes, sample_rate: int = DEFAULT_SAMPLE_RATE) -> bool:
        """Store PCM (mono s16le) for `key`, unless an entry is there: the first writer wins.

        An entry, once stored, is never replaced (so a time line built from it stays true):
        a process that synthesized a sentence another stored first uses the stored one,
        since every reader reads samples and lengths from the cache. A damaged entry (cut
        short, a bad header) is no entry and is replaced. True when this call stored it.
        """
        if len(pcm) % 2:
            raise ValueError("16-bit PCM must have an even number of bytes")
        data = _entry_bytes(pcm, sample_rate)
        if create_atomic(self.path(key), data):
            return True
        if self.info(key) is not None:
            return False
        write_atomic(self.path(key), data)
        return True

    def clear(self) -> int:
        """Delete every entry, segment and record (and stray temp files); count them."""
        if not self.root.is_dir():
            return 0
        removed = _clear_shards(self.root, lambda name: name.endswith((_SUFFIX, ".part")))
        for folder, suffix in ((_SEGMENTS, _SEGMENT_SUFFIX), (_RECORDS, _RECORD_SUFFIX)):
            sub = self.root / folder
            if sub.is_dir():
                removed += _clear_shards(sub, functools.partial(_ends_with, (suffix, ".part")))
                with contextlib.suppress(OSError):
                    sub.rmdir()
        return removed


def digest(fields: Sequence[object]) -> str:
    """A cache key: the SHA-256 of `fields` as compact UTF-8 JSON (sentences, segments, records)."""
    blob = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _ends_with(suffixes: tuple[str, ...], name: str) -> bool:
    """Tell whether a file name ends with one of `suffixes`."""
    return name.endswith(suffixes)


def _clear_shards(folder: Path, ours: Callable[[str], bool]) -> int:
    """Delete our files from the two-letter shard folders of `folder`; count them."""
    removed = 0
    for shard in folder.iterdir():
        if not (shard.is_dir() and len(shard.name) == 2):
            continue
        for item in shard.iterdir():
            if item.is_file() and ours(item.name):
                with contextlib.suppress(FileNotFoundError):
                    item.unlink()
                    removed += 1
        with contextlib.suppress(OSError):
            shard.rmdir()
    return removed
