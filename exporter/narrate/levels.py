"""Loudness figures kept in the audio cache: each book's gain and each written file's measurement.

No numpy here: a build whose figures are all cached never loads the meter (`loudness.py`).
A book's gain is stored under a key made of everything that decides it (every sentence's
cache key and start, the length of the time line, the target, the limiter's settings and the
meter's versions); a written file's measurement under the SHA-256 of the file's bytes and the
decoder's version. So a change in any input is a new key, and a damaged entry (see
`AudioCache.get_record`) is measured again.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from exporter.narrate.cache import AudioCache, digest
from exporter.versions import installed_version

if TYPE_CHECKING:  # the meter pulls in numpy and libebur128: loaded only when something is measured
    from exporter.narrate.loudness import GainSearch

GAIN_STEP_DB = 0.5  # the book gain is quantized, so a small edit rarely moves it
PCM_CEILING_DBTP = -4.5  # lossy encoders raise true peaks: leave margin below -3 dBTP
LIMITER_VERSION = 2  # 2: the oversampler and running minimum in numpy (no scipy)
GAIN_ROUNDS = 6  # leveled measurements to correct the gain for the limiter
OVERSAMPLE = 4  # BS.1770-4 Annex 2: 4x; speech has little energy near Nyquist
HALF_TAPS = 8  # input samples of FIR context each side of an oversampled point
RECORD_SCHEMA = 1  # the layout of the records below; a new one ignores the old records
METER_VERSION = 3  # raise when a meter measures differently: cached figures are then stale
# (2: written files measured by FFmpeg's ebur128 and astats; 3: the book's meter is libebur128)
GAIN_SEARCH_VERSION = 2  # raise when GainSearch chooses differently (2: a first guess, secant)


@dataclass(frozen=True)
class Loudness:
    """A measured stretch of audio: integrated loudness (LUFS) and true peak (dBTP)."""

    lufs: float
    true_peak: float


def signature(ceiling: float) -> str:
    """Everything about leveling, besides the gain, that decides the samples (for cache keys)."""
    return f"bs1770 limiter {LIMITER_VERSION} ceiling {ceiling:.2f} x{OVERSAMPLE}/{HALF_TAPS}"


def quantized_gain(measured_lufs: float, target_lufs: float) -> float:
    """The gain (dB) that brings `measured_lufs` to the target, in GAIN_STEP_DB steps."""
    if not math.isfinite(measured_lufs):
        return 0.0
    return round((target_lufs - measured_lufs) / GAIN_STEP_DB) * GAIN_STEP_DB


def _versions(*names: str) -> list[str]:
    """Installed versions of the distributions a measurement depends on."""
    return [installed_version(name) for name in names]


def leveled_key(key: str, gain_db: float, ceiling: float) -> str:
    """The cache key of a sentence's leveled PCM (its own key, the gain and the limiter)."""
    return digest(["leveled", key, gain_db, signature(ceiling)])


def gain_key(
    placed: Sequence[tuple[int, str]], sample_rate: int, target: float, ceiling: float,
    total: int | None,
) -> str:  # fmt: skip
    """The key of a book's gain: its sentences (start, cache key), length, target and meter."""
    fields: list[object] = [
        "gain", RECORD_SCHEMA, METER_VERSION, GAIN_SEARCH_VERSION, sample_rate, target, total,
        signature(ceiling), GAIN_STEP_DB, GAIN_ROUNDS, _versions("pyebur128", "numpy"),
        [list(item) for item in placed],
    ]  # fmt: skip
    return digest(fields)


def _numbers(cache: AudioCache, key: str, *names: str) -> tuple[float, ...] | None:
    """The named numbers of the record under `key`; None when it is missing or not all numbers."""
    record = cache.get_record(key)
    if not isinstance(record, dict):
        return None
    numbers: list[float] = []
    for value in (record.get(name) for name in names):
        if not isinstance(value, float | int) or isinstance(value, bool):
            return None
        numbers.append(float(value))
    return tuple(numbers)


def cached_gain(cache: AudioCache, key: str) -> tuple[float, float] | None:
    """A book's (loudness as synthesized, gain) stored under `key`, or None."""
    found = _numbers(cache, key, "narration_lufs", "gain_db")
    return None if found is None else (found[0], found[1])


def store_gain(cache: AudioCache, key: str, measured: float, gain: float) -> None:
    """Keep a book's loudness and gain under `key` (a saving only: errors are ignored)."""
    cache.put_record(key, {"narration_lufs": measured, "gain_db": gain})


def book_gain(
    cache: AudioCache, placed: Sequence[tuple[int, str]], sample_rate: int, *, target: float,
    ceiling: float, total: int | None, search: GainSearch | None = None,
) -> tuple[float, float]:  # fmt: skip
    """A book's loudness as synthesized and its gain: from the cache, else measured and stored.

    `search` may hold the measurement of the narration's first sentences already (the early
    encoder's); it is used when they are where `placed` has them.
    """
    key = gain_key(placed, sample_rate, target, ceiling, total)
    found = cached_gain(cache, key)
    if found is not None:
        return found
    from exporter.narrate import loudness  # numpy and libebur128: only to measure

    if search is None or search.placed != list(placed[: len(search.placed)]):
        search = loudness.GainSearch(cache, sample_rate, target, ceiling)
    search.add(placed[len(search.placed) :])
    measured, gain = search.gain(total)
    store_gain(cache, key, measured, gain)
    return measured, gain


def file_key(path: Path) -> str:
    """The key of a written file's measurement: its bytes' SHA-256 and the decoder's version."""
    with open(path, "rb") as file:
        content = hashlib.file_digest(file, "sha256").hexdigest()
    fields = [
        "measured", RECORD_SCHEMA, METER_VERSION, content,
        _versions("av"),
    ]  # fmt: skip
    return digest(fields)


def cached_loudness(cache: AudioCache, key: str) -> Loudness | None:
    """A file's measurement stored under `key`, or None."""
    found = _numbers(cache, key, "lufs", "true_peak")
    return None if found is None else Loudness(found[0], found[1])


def store_loudness(cache: AudioCache, key: str, found: Loudness) -> None:
    """Keep a file's measurement under `key` (a saving only: errors are ignored)."""
    cache.put_record(key, {"lufs": found.lufs, "true_peak": found.true_peak})
