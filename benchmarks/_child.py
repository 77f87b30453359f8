"""One measured benchmark step, run in its own process; prints seconds and peak memory as JSON."""

from __future__ import annotations

import ctypes
import io
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any


class _TreePeak:
    """The largest resident memory of this process and all its descendants together, sampled
    ten times a second (worker processes of a fork server included)."""

    def __init__(self, every: float = 0.1) -> None:
        """Start sampling /proc every `every` seconds in a daemon thread."""
        self.peak_kib = 0
        self.every = every
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        """Sample until the process ends."""
        while True:
            self.peak_kib = max(self.peak_kib, self.sample())
            time.sleep(self.every)

    @staticmethod
    def _tree(pid: int) -> set[int]:
        """`pid` and its descendants, from each thread's `children` list (no scan of /proc)."""
        found, frontier = {pid}, [pid]
        while frontier:
            parent = frontier.pop()
            for children in Path(f"/proc/{parent}/task").glob("*/children"):
                try:
                    kids = {int(kid) for kid in children.read_text().split()}
                except OSError:
                    continue
                frontier.extend(kids - found)
                found |= kids
        return found

    @classmethod
    def sample(cls) -> int:
        """VmRSS (KiB) of this process and every living descendant, summed."""
        total = 0
        for pid in cls._tree(os.getpid()):
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except (OSError, ValueError):
                continue
        return total


_TREE = _TreePeak()


def _peak_mib() -> float:
    """Peak resident memory of the process tree (sampled), or of this process or of its
    largest finished child when that was higher (ru_maxrss, Linux KiB), in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids, _TREE.peak_kib, _TREE.sample()) / 1024


def step_build(post: str, out: str, cache: str, jobs: str, *extra: str) -> None:
    """`exporter build` of a post or folder (all outputs, real engine), with extra options."""
    from exporter.cli import main

    sink = io.StringIO()
    real, sys.stdout = sys.stdout, sink
    try:
        code = main(["build", post, "-o", out, "--cache", cache, "--jobs", jobs, *extra])
    finally:
        sys.stdout = real
    if code != 0:
        raise SystemExit(f"build failed ({code}):\n{sink.getvalue()}")


def step_build_epub(source: str, out: str, jobs: str) -> None:
    """`exporter build --no-audio --force` of a folder (EPUB only)."""
    from exporter.cli import main

    sink = io.StringIO()
    real, sys.stdout = sys.stdout, sink
    try:
        main(["build", source, "-o", out, "--no-audio", "--force", "--jobs", jobs])
    finally:
        sys.stdout = real


def _espeak_one_wav(text: str) -> tuple[bytes, int]:
    """Synthesize a whole text with eSpeak NG's own API in one call (no pyttsx3)."""
    import espeakng_loader

    os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    chunks: list[bytes] = []
    callback_type = ctypes.CFUNCTYPE(
        ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
    )

    def collect(wav: Any, count: int, events: Any) -> int:
        if count > 0:
            chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    callback = callback_type(collect)
    rate = lib.espeak_Initialize(2, 0, None, 0)  # AUDIO_OUTPUT_SYNCHRONOUS
    lib.espeak_SetSynthCallback(callback)
    lib.espeak_SetVoiceByName(b"en")
    lib.espeak_SetParameter(1, 200, 0)  # espeakRATE, words per minute
    data = text.encode("utf-8")
    lib.espeak_Synth(data, len(data) + 1, 0, 1, 0, 1, None, None)  # POS_CHARACTER, UTF-8
    lib.espeak_Synchronize()
    return b"".join(chunks), int(rate)


def _plain_encode(pcm: bytes, rate: int, folder: Path) -> None:
    """Encode PCM to .m4b (PyAV AAC) and .mp3 (lameenc) with exporter's own encoder settings."""
    import av
    import lameenc
    import numpy as np

    from exporter.write.audio.m4b import AAC_BIT_RATE
    from exporter.write.audio.mp3 import LAME_QUALITY, MP3_KBPS

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(MP3_KBPS)
    encoder.set_in_sample_rate(rate)
    encoder.set_channels(1)
    encoder.set_quality(LAME_QUALITY)
    (folder / "baseline.mp3").write_bytes(encoder.encode(pcm) + encoder.flush())
    samples = np.frombuffer(pcm, dtype="<i2")
    with av.open(str(folder / "baseline.m4b"), "w", format="ipod") as container:
        stream: Any = container.add_stream("aac", rate=rate)
        stream.codec_context.layout = "mono"
        stream.codec_context.bit_rate = AAC_BIT_RATE
        stream.codec_context.options = {"aac_coder": "fast"}
        step = 1024 * 16
        for start in range(0, len(samples), step):
            frame = av.AudioFrame.from_ndarray(
                samples[start : start + step].reshape(1, -1), format="s16", layout="mono"
            )
            frame.sample_rate = rate
            frame.pts = start
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)


def step_baseline(post: str, work: str) -> None:
    """The same spoken text through eSpeak NG in one WAV, then a plain encode."""
    from exporter.narrate.normalize import normalize, speak_url
    from exporter.narrate.script import speech_script
    from exporter.run.audiobook import narrate_book  # noqa: F401  (same imports as the build)
    from exporter.run.lexicons import load_lexicon
    from exporter.run.load import load_book

    book = load_book(Path(post))
    lexicon = load_lexicon()
    script = speech_script(book, lambda t: normalize(t, lexicon), speak_url)
    text = "\n\n".join(u.text for u in script.utterances)
    started = time.perf_counter()
    pcm, rate = _espeak_one_wav(text)
    _plain_encode(pcm, rate, Path(work))
    _finish(time.perf_counter() - started)


def step_duration(out: str) -> None:
    """Report the narration length of the built mp3 (for the table's header)."""
    from exporter.write.audio.assemble import probe_duration

    mp3 = next(Path(out).glob("*.mp3"))
    print(json.dumps({"seconds": probe_duration(mp3), "peak_mib": 0.0}))


def _cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _finish(seconds: float) -> None:
    """Print the step's measurement as the last line."""
    print(json.dumps({"seconds": seconds, "peak_mib": _peak_mib(), "cpu": _cpu_seconds()}))


def main() -> None:
    """Dispatch a step by name; build steps are timed around the call."""
    name, args = sys.argv[1], sys.argv[2:]
    if name == "build":
        started = time.perf_counter()
        step_build(*args)
        _finish(time.perf_counter() - started)
    elif name == "build-epub":
        started = time.perf_counter()
        step_build_epub(*args)
        _finish(time.perf_counter() - started)
    elif name == "baseline":
        step_baseline(*args)
    elif name == "duration":
        step_duration(*args)
    else:
        raise SystemExit(f"unknown step {name}")


if __name__ == "__main__":
    main()
