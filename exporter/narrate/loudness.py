"""Loudness per ITU-R BS.1770-4: measure a whole book streaming, choose one gain, limit true peaks.

The only module importing pyloudnorm, numpy and scipy. pyloudnorm designs the K-weighting
filters for any sample rate and its `integrated_loudness` is the reference; it needs the whole
signal in memory, so `LoudnessMeter` runs the same filters chunk by chunk (keeping their state)
and keeps one mean square per 100 ms hop (8 bytes per 0.1 s of audio), then gates the 400 ms
blocks exactly as pyloudnorm does. True peak: 4x oversampling by a polyphase FIR, also streaming.

`level` applies the book's one gain to one sentence and, only where a true peak would pass the
ceiling, a smooth look-ahead gain reduction: a pure function of the sentence's samples, the
gain and the ceiling, so encoded segments can be cached under those. Figures measured here are
cached by `levels.py`: raise its METER_VERSION when a change here measures differently.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pyloudnorm
import scipy.ndimage
import scipy.signal

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

__all__ = ["PCM_CEILING_DBTP", "Loudness", "quantized_gain", "signature"]  # kept for callers

_LIMIT_WINDOW_S = 0.005  # look-ahead and release of the limiter, each side of a peak
_HOP_S = 0.1  # BS.1770 gating blocks: 400 ms, overlapping 75 %, so 100 ms hops
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0
_FULL_SCALE = 32768.0
_MEASURE_BYTES = 1 << 17
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
    """The interpolation FIR: low-pass at the original Nyquist, gain OVERSAMPLE."""
    taps = 2 * _HALF_TAPS * OVERSAMPLE + 1
    return scipy.signal.firwin(taps, 1.0 / OVERSAMPLE, window=("kaiser", 8.0)) * OVERSAMPLE


_FIR = _oversampling_filter()


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
        rows = windows[hot * _BLOCK]
        upsampled = np.abs(scipy.signal.upfirdn(_FIR, rows, up=OVERSAMPLE, axis=1))
        start = len(_FIR) // 2 + _HALF_TAPS * OVERSAMPLE  # where the block's first sample lies
        around = upsampled[:, start : start + _BLOCK * OVERSAMPLE]
        around = around.reshape(len(hot), _BLOCK, OVERSAMPLE).max(axis=2)
        result[hot] = np.maximum(result[hot], around)
    return result.reshape(-1)[:count]


@functools.lru_cache(maxsize=4)
def _k_weighting(sample_rate: int) -> tuple[FloatArray, FloatArray]:
    """pyloudnorm's K-weighting stages (with their passband gains) as one filter (b, a)."""
    reference: Any = pyloudnorm.Meter(sample_rate)
    b, a = np.ones(1), np.ones(1)
    for stage in reference._filters.values():  # pyloudnorm keeps its filters there
        b = np.convolve(b, np.asarray(stage.b) * float(stage.passband_gain))
        a = np.convolve(a, np.asarray(stage.a))
    return b, a


class LoudnessMeter:
    """Integrated loudness (BS.1770-4, pyloudnorm's filters and gating) of a mono stream."""

    def __init__(self, sample_rate: int, *, peaks: bool = False) -> None:
        """Measure audio at `sample_rate`; with `peaks`, track the true peak too."""
        self.sample_rate = sample_rate
        self.hop = round(_HOP_S * sample_rate)
        self.b, self.a = _k_weighting(sample_rate)
        self.state = np.zeros(max(len(self.a), len(self.b)) - 1)
        self.hops: list[float] = []  # sum of squares of the K-weighted signal per 100 ms hop
        self.partial = 0.0
        self.partial_len = 0
        self.peak = _PeakTracker() if peaks else None

    def add_pcm(self, pcm: bytes) -> None:
        """Measure mono s16le PCM."""
        self.add(samples_of(pcm))

    def add_silence(self, count: int) -> None:
        """Measure `count` samples of digital silence."""
        while count > 0:
            step = min(count, 1 << 16)
            self.add(np.zeros(step))
            count -= step

    def add(self, samples: FloatArray) -> None:
        """Measure the next samples (floats in -1..1)."""
        if self.peak is not None:
            self.peak.add(samples)
        weighted, self.state = scipy.signal.lfilter(self.b, self.a, samples, zi=self.state)
        squares = np.square(weighted)
        pos = 0
        if self.partial_len:
            take = min(self.hop - self.partial_len, len(squares))
            self.partial += float(np.sum(squares[:take]))
            self.partial_len += take
            pos = take
            if self.partial_len == self.hop:
                self.hops.append(self.partial)
                self.partial, self.partial_len = 0.0, 0
        whole = (len(squares) - pos) // self.hop
        if whole:
            block = squares[pos : pos + whole * self.hop].reshape(whole, self.hop)
            self.hops.extend(block.sum(axis=1).tolist())
            pos += whole * self.hop
        if pos < len(squares):
            self.partial = float(np.sum(squares[pos:]))
            self.partial_len = len(squares) - pos

    def integrated(self) -> float:
        """The gated integrated loudness in LUFS (-inf for silence or under 400 ms)."""
        hops = np.asarray(self.hops)
        if len(hops) < 4:
            return -math.inf
        sums = hops[:-3] + hops[1:-2] + hops[2:-1] + hops[3:]
        power = sums / (4 * self.hop)
        with np.errstate(divide="ignore"):
            blocks = -0.691 + 10.0 * np.log10(power)
        gated = power[blocks >= _ABSOLUTE_GATE]
        if not len(gated):
            return -math.inf
        relative = -0.691 + 10.0 * math.log10(float(np.mean(gated))) + _RELATIVE_GATE
        kept = power[(blocks > relative) & (blocks > _ABSOLUTE_GATE)]
        if not len(kept):
            return -math.inf
        return -0.691 + 10.0 * math.log10(float(np.mean(kept)))

    def result(self) -> Loudness:
        """Integrated loudness and (when tracked) true peak in dBTP."""
        peak = self.peak.finish() if self.peak is not None else 0.0
        return Loudness(self.integrated(), _db(peak))


def _db(linear: float) -> float:
    """A magnitude in dB (-inf for zero)."""
    return 20.0 * math.log10(linear) if linear > 0 else -math.inf


def measure(chunks: Iterable[bytes], sample_rate: int, *, floats: bool = False) -> Loudness:
    """Integrated loudness and true peak of a stream of mono s16le (or float32) chunks."""
    meter = LoudnessMeter(sample_rate, peaks=True)
    decode, width = (_floats, 4) if floats else (samples_of, 2)
    pending: list[bytes] = []
    size = 0
    for chunk in chunks:  # decoders give ~1000 samples at a time: measure ~3 s at once
        pending.append(chunk)
        size += len(chunk)
        if size >= _MEASURE_BYTES:
            data = b"".join(pending)
            cut = len(data) - len(data) % width
            meter.add(decode(data[:cut]))
            pending, size = [data[cut:]], len(data) - cut
    data = b"".join(pending)
    meter.add(decode(data[: len(data) - len(data) % width]))
    return meter.result()


def _floats(data: bytes) -> FloatArray:
    """Little-endian float32 samples as float64."""
    return np.frombuffer(data, dtype="<f4").astype(np.float64)


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
    lowest = scipy.ndimage.minimum_filter1d(needed, width, mode="constant", cval=1.0)
    sums = np.concatenate(
        [[0.0], np.cumsum(np.concatenate([np.ones(half), lowest, np.ones(half)]))]
    )
    smooth = (sums[width:] - sums[:-width]) / width
    return np.minimum(smooth, needed)


class TimelineMeter:
    """Measures a narration laid out on its time line: utterances, and silence between them."""

    def __init__(self, sample_rate: int) -> None:
        """Start at sample 0 of the time line."""
        self.meter = LoudnessMeter(sample_rate)
        self.position = 0
        self.count = 0  # utterances measured

    def add(self, start: int, pcm: bytes) -> None:
        """Measure the silence up to `start`, then an utterance's PCM placed there."""
        self.meter.add_silence(start - self.position)
        self.meter.add_pcm(pcm)
        self.position = start + len(pcm) // 2
        self.count += 1

    def loudness(self, total: int | None = None) -> float:
        """Integrated loudness so far (LUFS), with silence up to `total` samples when given.

        The meter itself is left where it is, so more utterances can follow.
        """
        if total is None or total <= self.position:
            return self.meter.integrated()
        ahead = copy.deepcopy(self.meter)
        ahead.add_silence(total - self.position)
        return ahead.integrated()


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
        for start, key in self.placed[meter.count :]:
            pcm = leveled_pcm(self.cache, key, gain, self.ceiling, self.sample_rate)
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
