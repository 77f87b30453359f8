"""Loudness per ITU-R BS.1770-4: measure a whole book streaming, choose one gain, limit true peaks.

The only module importing pyebur128 and numpy. libebur128 (through pyebur128) measures the
integrated loudness in C, fed chunk by chunk; it agrees with FFmpeg's `ebur128` filter, the
meter the tests hold every file to. True peak: 4x oversampling by a polyphase FIR in numpy
(a Kaiser-windowed sinc), also streaming: the limiter needs a peak per sample, which
libebur128 does not give.

`level` applies the book's one gain to one sentence and, only where a true peak would pass the
ceiling, a smooth look-ahead gain reduction: a pure function of the sentence's samples, the
gain and the ceiling, so encoded segments can be cached under those. Figures measured here are
cached by `levels.py`: raise its METER_VERSION when a change here measures differently.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyebur128

from exporter.narrate.cache import AudioCache
from exporter.narrate.levels import (
    GAIN_ROUNDS,
    OVERSAMPLE,
    PCM_CEILING_DBTP,
    Loudness,
    leveled_key,
    quantized_gain,
    signature,
)
from exporter.narrate.levels import HALF_TAPS as _HALF_TAPS
from exporter.narrate.synthesis import read_pcm
from exporter.workers import in_threads

__all__ = ["PCM_CEILING_DBTP", "Loudness", "quantized_gain", "signature"]  # kept for callers

_LIMIT_WINDOW_S = 0.005  # look-ahead and release of the limiter, each side of a peak
_ABSOLUTE_GATE = -70.0  # BS.1770: blocks under this never count
_FULL_SCALE = 32768.0
_MEASURE_BYTES = 1 << 17
_SILENCE = memoryview(bytes(1 << 17)).cast("h")  # 65,536 samples of digital silence
_LIMIT_KNEE_DB = 3.0  # first guess: peaks this far over the ceiling cost no loudness yet,
_LOSS_PER_DB = 1 / 3  # and each further dB costs a third of a LU (eSpeak NG's seed: 1 at -19)
_MIN_SLOPE = 0.2  # LU per dB of gain: under heavy limiting each dB still adds this much

FloatArray = Any  # numpy arrays are typed loosely here: numpy's stubs vary by version


def samples_of(pcm: bytes) -> FloatArray:
    """Mono s16le PCM as floats in -1..1."""
    return np.frombuffer(pcm, dtype="<i2").astype(np.float64) / _FULL_SCALE


def pcm_of(samples: FloatArray) -> bytes:
    """Floats in -1..1 as mono s16le PCM (rounded, clipped to the 16-bit range)."""
    scaled = np.clip(np.rint(samples * _FULL_SCALE), -32768, 32767)
    return bytes(scaled.astype("<i2").tobytes())


def _oversampling_filter() -> FloatArray:
    """The interpolation FIR: low-pass at the original Nyquist (Kaiser, beta 8), gain OVERSAMPLE.

    The same taps as `scipy.signal.firwin(65, 1 / 4, window=("kaiser", 8.0)) * 4`.
    """
    taps = 2 * _HALF_TAPS * OVERSAMPLE + 1
    cutoff = 1.0 / OVERSAMPLE
    offsets = np.arange(taps) - (taps - 1) / 2
    fir = cutoff * np.sinc(cutoff * offsets) * np.kaiser(taps, 8.0)
    return fir / np.sum(fir) * OVERSAMPLE


def _phases(fir: FloatArray) -> FloatArray:
    """The FIR's polyphase matrix: column p holds the taps of output phase p, reversed."""
    rows = -(-len(fir) // OVERSAMPLE)
    matrix = np.zeros((rows, OVERSAMPLE))
    for phase in range(OVERSAMPLE):
        taps = fir[phase::OVERSAMPLE]
        matrix[: len(taps), phase] = taps
    return matrix[::-1].copy()


_FIR = _oversampling_filter()
_PHASES = _phases(_FIR)
_ROWS_AT_ONCE = 64  # blocks oversampled in one product: bounds the windows copied (~5 MB)


def _upsample(rows: FloatArray) -> FloatArray:
    """Each row upsampled by OVERSAMPLE through the FIR, as `scipy.signal.upfirdn` does."""
    width = _PHASES.shape[0]
    padded = np.pad(rows, ((0, 0), (width - 1, width - 1)))
    windows = np.lib.stride_tricks.sliding_window_view(padded, width, axis=1)
    return (windows @ _PHASES).reshape(len(rows), -1)


_HOT_RATIO = 10.0 ** (3.0 / 20.0)
_BLOCK = 512  # samples oversampled together; only blocks near the peak of interest are


class _PeakTracker:
    """True peak of a stream: each chunk oversampled with the inputs around it as context."""

    def __init__(self) -> None:
        """Start with silence before the stream."""
        self.context = np.zeros(2 * _HALF_TAPS)
        self.peak = 0.0

    def add(self, samples: FloatArray) -> None:
        """Take a chunk; the points its last samples decide are counted with the next one."""
        if not len(samples):
            return
        buffer = np.concatenate([self.context, samples])
        peaks = true_peaks(buffer, self.peak)[_HALF_TAPS:-_HALF_TAPS]
        if len(peaks):
            self.peak = max(self.peak, float(np.max(peaks)))
        self.context = buffer[-2 * _HALF_TAPS :]

    def finish(self) -> float:
        """Flush with silence; return the true peak as a linear magnitude."""
        self.add(np.zeros(2 * _HALF_TAPS))
        return self.peak


def true_peaks(samples: FloatArray, floor: float = 0.0) -> FloatArray:
    """Each sample's true peak: the largest magnitude from it to the next, oversampled.

    Silence is assumed around `samples`. Only 512-sample blocks whose samples come within 3 dB
    of `floor` are oversampled (speech's true peaks lie well under 3 dB above its samples;
    measured on the seed: under 2.1 dB); elsewhere the sample magnitudes are returned.
    """
    count = len(samples)
    blocks = -(-count // _BLOCK)
    padded = np.zeros(blocks * _BLOCK + 2 * _HALF_TAPS)
    padded[_HALF_TAPS : _HALF_TAPS + count] = samples
    result = np.abs(padded[_HALF_TAPS : _HALF_TAPS + blocks * _BLOCK]).reshape(blocks, _BLOCK)
    hot = np.flatnonzero(result.max(axis=1) * _HOT_RATIO > floor)
    if len(hot):
        windows = np.lib.stride_tricks.sliding_window_view(padded, _BLOCK + 2 * _HALF_TAPS)
        start = len(_FIR) // 2 + _HALF_TAPS * OVERSAMPLE  # where the block's first sample lies
        for first in range(0, len(hot), _ROWS_AT_ONCE):
            some = hot[first : first + _ROWS_AT_ONCE]
            upsampled = np.abs(_upsample(windows[some * _BLOCK]))
            around = upsampled[:, start : start + _BLOCK * OVERSAMPLE]
            around = around.reshape(len(some), _BLOCK, OVERSAMPLE).max(axis=2)
            result[some] = np.maximum(result[some], around)
    return result.reshape(-1)[:count]


class LoudnessMeter:
    """Integrated loudness (BS.1770-4, libebur128's filters and gating) of a mono stream."""

    def __init__(self, sample_rate: int, *, peaks: bool = False) -> None:
        """Measure audio at `sample_rate`; with `peaks`, track the true peak too."""
        self.sample_rate = sample_rate
        self.state: Any = pyebur128.R128State(1, sample_rate, pyebur128.MeasurementMode.MODE_I)
        self.peak = _PeakTracker() if peaks else None

    def add_pcm(self, pcm: bytes) -> None:
        """Measure mono s16le PCM."""
        if self.peak is not None:
            self.peak.add(samples_of(pcm))
        self._feed(memoryview(pcm)[: len(pcm) - len(pcm) % 2].cast("h"))

    def add_silence(self, count: int) -> None:
        """Measure `count` samples of digital silence."""
        while count > 0:
            step = min(count, len(_SILENCE))
            if self.peak is not None:
                self.peak.add(np.zeros(step))
            self._feed(_SILENCE[:step])
            count -= step

    def add(self, samples: FloatArray) -> None:
        """Measure the next samples (floats in -1..1)."""
        if self.peak is not None:
            self.peak.add(samples)
        self._feed(np.ascontiguousarray(samples, dtype=np.float64).data)

    def _feed(self, frames: memoryview) -> None:
        """Pass samples to libebur128 (it takes any length; it keeps its own 100 ms hops)."""
        if len(frames):
            self.state.add_frames(frames, len(frames))

    def integrated(self) -> float:
        """The gated integrated loudness in LUFS (-inf for silence or under 400 ms)."""
        found = float(pyebur128.get_loudness_global(self.state))
        return found if math.isfinite(found) and found > _ABSOLUTE_GATE else -math.inf

    def result(self) -> Loudness:
        """Integrated loudness and (when tracked) true peak in dBTP."""
        peak = self.peak.finish() if self.peak is not None else 0.0
        return Loudness(self.integrated(), _db(peak))


def _db(linear: float) -> float:
    """A magnitude in dB (-inf for zero)."""
    return 20.0 * math.log10(linear) if linear > 0 else -math.inf


def measure(chunks: Iterable[bytes], sample_rate: int) -> Loudness:
    """Integrated loudness and true peak of a stream of mono s16le chunks (any lengths)."""
    meter = LoudnessMeter(sample_rate, peaks=True)
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:  # small chunks are gathered: the peak tracker works ~3 s at once
        pending.append(chunk)
        size += len(chunk)
        if size >= _MEASURE_BYTES:
            data = b"".join(pending)
            cut = len(data) - len(data) % 2
            meter.add_pcm(data[:cut])
            pending, size = [data[cut:]], len(data) - cut
    data = b"".join(pending)
    meter.add_pcm(data[: len(data) - len(data) % 2])
    return meter.result()


def level(pcm: bytes, gain_db: float, ceiling_dbtp: float, sample_rate: int) -> bytes:
    """One sentence with the book's gain, and gain reduction only where a true peak needs it.

    The reduction at each sample is the least any true peak within ±5 ms asks for, smoothed by
    a moving average over the same window, so it never exceeds what a peak needs and fades
    in and out over 5 ms around it.
    """
    if not pcm:
        return pcm
    samples = samples_of(pcm) * 10.0 ** (gain_db / 20.0)
    ceiling = 10.0 ** (ceiling_dbtp / 20.0)
    if float(np.max(np.abs(samples))) * _HOT_RATIO <= ceiling:  # no true peak comes near
        return pcm_of(samples)
    peaks = true_peaks(samples, ceiling)
    if float(np.max(peaks)) <= ceiling:
        return pcm_of(samples)
    needed = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    return pcm_of(samples * _smooth_reduction(needed, sample_rate))


def leveled_pcm(
    cache: AudioCache, key: str, gain_db: float, ceiling: float, sample_rate: int
) -> bytes:
    """A sentence as the encoders get it (`level`), cached beside it under gain and settings.

    Both formats and the gain's own check read the same entry, so each sentence is leveled
    once per gain, and an unchanged sentence never again.
    """
    entry = leveled_key(key, gain_db, ceiling)
    found = cache.get(entry)
    if found is not None:
        return found
    pcm = level(read_pcm(cache, key), gain_db, ceiling, sample_rate)
    with contextlib.suppress(OSError):  # a saving only: otherwise it is leveled again next time
        cache.put(entry, pcm, sample_rate)
    return pcm


def _smooth_reduction(needed: FloatArray, sample_rate: int) -> FloatArray:
    """A gain curve at or below `needed` everywhere: a running minimum, then a moving average."""
    half = max(1, round(_LIMIT_WINDOW_S * sample_rate))
    width = 2 * half + 1
    lowest = _running_minimum(needed, width)
    sums = np.concatenate(
        [[0.0], np.cumsum(np.concatenate([np.ones(half), lowest, np.ones(half)]))]
    )
    smooth = (sums[width:] - sums[:-width]) / width
    return np.minimum(smooth, needed)


def _running_minimum(values: FloatArray, width: int) -> FloatArray:
    """The least value within `width` (odd) samples centred on each one, 1.0 beyond the ends.

    Van Herk and Gil-Werman: minima accumulated forward and backward in blocks of `width`,
    two passes whatever the width (what `scipy.ndimage.minimum_filter1d` gives, exactly).
    """
    half, count = width // 2, len(values)
    blocks = -(-(count + 2 * half) // width) + 1
    padded = np.ones(blocks * width)
    padded[half : half + count] = values
    rows = padded.reshape(blocks, width)
    ahead = np.minimum.accumulate(rows, axis=1).reshape(-1)
    behind = np.minimum.accumulate(rows[:, ::-1], axis=1)[:, ::-1].reshape(-1)
    first = np.arange(count)
    result: FloatArray = np.minimum(behind[first], ahead[first + width - 1])
    return result


class TimelineMeter:
    """Measures a narration laid out on its time line: utterances, and silence between them."""

    def __init__(self, sample_rate: int) -> None:
        """Start at sample 0 of the time line."""
        self.meter = LoudnessMeter(sample_rate)
        self.position = 0
        self.count = 0  # utterances measured

    def add(self, start: int, pcm: bytes) -> None:
        """Measure the silence up to `start`, then an utterance's PCM placed there."""
        if start < self.position:
            raise ValueError(f"an utterance at {start} starts before the meter ({self.position})")
        self.meter.add_silence(start - self.position)
        self.meter.add_pcm(pcm)
        self.position = start + len(pcm) // 2
        self.count += 1

    def loudness(self, total: int | None = None) -> float:
        """Integrated loudness so far (LUFS), with silence up to `total` samples when given.

        `total` is the time line's end: the meter measures the silence up to it (once), so
        the last 400 ms blocks are gated as in the finished file; nothing can follow it.
        """
        if total is not None and total > self.position:
            self.meter.add_silence(total - self.position)
            self.position = total
        return self.meter.integrated()


class GainSearch:
    """The book's gain, found on a narration laid out sentence by sentence, measured once.

    Each sentence is measured once as synthesized and once per gain tried (meters keep their
    place), so estimates on a growing narration cost what one measurement of the book does.
    """

    def __init__(self, cache: AudioCache, sample_rate: int, target: float, ceiling: float) -> None:
        """Measure sentences of `cache` for `target` LUFS, the limiter at `ceiling` dBTP."""
        self.cache, self.sample_rate = cache, sample_rate
        self.target, self.ceiling = target, ceiling
        self.placed: list[tuple[int, str]] = []
        self.raw = TimelineMeter(sample_rate)
        self.leveled: dict[float, TimelineMeter] = {}
        self.sample_peak = 0  # the largest magnitude of any sentence's samples (of 32768)

    def add(self, placed: Sequence[tuple[int, str]]) -> None:
        """Lay out the next sentences (start sample, cache key) and measure them as synthesized."""
        for start, key in placed:
            pcm = read_pcm(self.cache, key)
            self.raw.add(start, pcm)
            if pcm:
                extremes = np.frombuffer(pcm, dtype="<i2")
                self.sample_peak = max(self.sample_peak, -int(extremes.min()), int(extremes.max()))
            self.placed.append((start, key))

    def _leveled(self, gain: float, total: int | None) -> float:
        """The loudness of the narration so far with `gain` (as the encoders get it)."""
        meter = self.leveled.setdefault(gain, TimelineMeter(self.sample_rate))
        todo = self.placed[meter.count :]

        def leveled(placed: tuple[int, str]) -> bytes:
            """One sentence leveled (numpy releases the GIL: sentences level side by side)."""
            return leveled_pcm(self.cache, placed[1], gain, self.ceiling, self.sample_rate)

        # an estimate (no total yet) runs beside synthesis, which has the cores (Piper's
        # workers slow down by a fifth when leveling takes two threads): one thread; the
        # final measurement comes after synthesis: every core
        threads = 1 if total is None else None
        for (start, _), pcm in zip(todo, in_threads(leveled, todo, threads=threads), strict=True):
            meter.add(start, pcm)
        return meter.loudness(total)

    def gain(self, total: int | None = None) -> tuple[float, float]:
        """The narration's loudness as synthesized, and the one gain (dB) that meets the target.

        The gain is corrected for what the limiter takes off: limiting the peaks of speech
        lowers its loudness (about 1 LU at -19 LUFS on eSpeak NG, 2.5 at -16, where each further
        dB of gain adds only a third of a LU). So the first guess allows for a loss growing with
        how far the gain takes the highest sample over the ceiling, the narration is measured
        as leveled, and the gain moved by whole steps along the slope seen between the last two
        guesses (a secant), until the leveled narration is within half a step of the target (at
        most GAIN_ROUNDS measurements). A pure function of the sentences, their places and the
        settings, whatever was measured before.
        """
        measured = self.raw.loudness(total)
        gain = quantized_gain(measured, self.target)
        if not math.isfinite(measured):
            return measured, gain
        over = _db(self.sample_peak / _FULL_SCALE) + self.target - measured - self.ceiling
        if over > _LIMIT_KNEE_DB:  # the limiter will take some loudness off: guess how much
            gain = quantized_gain(measured - (over - _LIMIT_KNEE_DB) * _LOSS_PER_DB, self.target)
        last: tuple[float, float] | None = None
        for _ in range(GAIN_ROUNDS):
            leveled = self._leveled(gain, total)
            if not quantized_gain(leveled, self.target):
                break
            slope = 1.0
            if last is not None:
                slope = min(1.0, max(_MIN_SLOPE, (leveled - last[1]) / (gain - last[0])))
            last = (gain, leveled)
            gain += quantized_gain(leveled, leveled + (self.target - leveled) / slope)
        return measured, gain
