"""m4b audiobooks: AAC segments (PyAV, FFmpeg's native encoder) muxed into one MP4 with chapters.

FFmpeg's AAC encoder primes every stream with one silent 1024-sample frame and pads the end to
a whole frame. A segment fed `extent - TAIL` samples therefore yields exactly `extent / 1024`
packets, so packets of separately encoded segments follow each other with continuous time
stamps and each segment's audio starts exactly where the time line says. The MP4 muxer sees the
first packet at -1024 and writes an edit list that skips the file's one priming frame.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO

import av

from exporter.errors import AudioError
from exporter.write.audio.common import AudioTags, SegmentFile, language_code

AAC_BIT_RATE = 52_000  # FFmpeg AAC overshoots ~25% on eSpeak speech: measured ~65 kb/s
AAC_FRAME = 1024
TAIL = AAC_FRAME  # samples of a segment's extent not fed to the encoder (its priming)
_OPTIONS = {"aac_coder": "fast"}
_READ = 1 << 16  # bytes of a segment file read at a time
SIGNATURE = (
    f"pyav {av.__version__} avcodec {av.library_versions['libavcodec']} aac {AAC_BIT_RATE} "
    f"{_OPTIONS} mono"
)


def _encoder(sample_rate: int) -> Any:
    """An opened AAC encoder with the book's settings."""
    context: Any = av.CodecContext.create("aac", "w")
    context.sample_rate = sample_rate
    context.layout = "mono"
    context.format = "fltp"
    context.bit_rate = AAC_BIT_RATE
    context.time_base = Fraction(1, sample_rate)
    context.options = dict(_OPTIONS)
    context.open()
    return context


def encode_segment(
    blocks: Iterable[bytes], out: BinaryIO, sample_rate: int
) -> tuple[int, int, int]:
    """AAC-encode whole-sample blocks into `out`; return (packets, samples fed, samples spanned)."""
    context = _encoder(sample_rate)
    time_base = Fraction(1, sample_rate)
    packets = samples = 0

    def store(encoded: Iterable[Any]) -> None:
        """Append packets, each after its 16-bit length."""
        nonlocal packets
        for packet in encoded:
            data = bytes(packet)
            out.write(len(data).to_bytes(2, "big") + data)
            packets += 1

    for block in blocks:
        frame = av.AudioFrame(format="s16", layout="mono", samples=len(block) // 2)
        frame.planes[0].update(block)
        frame.sample_rate = sample_rate
        frame.time_base = time_base
        frame.pts = samples
        samples += frame.samples
        store(context.encode(frame))
    if not samples:
        raise AudioError("there is no audio to encode")
    store(context.encode(None))
    return packets, samples, packets * AAC_FRAME


def _packets(segment: SegmentFile) -> Iterator[tuple[bytes, int]]:
    """A segment's packets with their durations: whole frames, the last one what remains."""
    last = segment.samples + AAC_FRAME - (segment.packets - 1) * AAC_FRAME
    if not 0 < last <= AAC_FRAME:
        raise AudioError(f"damaged AAC segment {segment.path.name}")
    count, buf, pos = 0, b"", 0
    with open(segment.path, "rb") as f:
        f.seek(segment.body_offset)
        while count < segment.packets:
            size = int.from_bytes(buf[pos : pos + 2], "big") if len(buf) - pos >= 2 else -1
            if size < 0 or len(buf) - pos < 2 + size:  # refill: what is left plus 64 KB more
                more = f.read(_READ)
                if not more:
                    raise AudioError(f"damaged AAC segment {segment.path.name}")
                buf, pos = buf[pos:] + more, 0
                continue
            count += 1
            yield buf[pos + 2 : pos + 2 + size], AAC_FRAME if count < segment.packets else last
            pos += 2 + size


def write_m4b(
    target: Path,
    segments: Sequence[SegmentFile],
    sample_rate: int,
    spans: list[tuple[str, int, int]],
    tags: AudioTags,
) -> None:
    """Mux the segments' AAC packets into an MP4 ("ipod") container with chapters and tags."""
    time_base = Fraction(1, sample_rate)
    with av.open(str(target), "w", format="ipod", container_options={"brand": "M4B "}) as out:
        stream: Any = out.add_stream("aac", rate=sample_rate)
        stream.codec_context.layout = "mono"
        stream.bit_rate = AAC_BIT_RATE
        stream.codec_context.options = dict(_OPTIONS)
        language = language_code(tags.language)
        if language:
            stream.metadata["language"] = language
        meta = {"title": tags.title, "artist": tags.artist, "album_artist": tags.artist}
        meta |= {"album": tags.album, "genre": "Audiobook", "media_type": "2"}  # 2: audiobook
        out.metadata.update(meta | ({"date": tags.date} if tags.date else {}))
        out.set_chapters(
            [
                {
                    "id": i + 1,
                    "start": start,
                    "end": end,
                    "time_base": time_base,
                    "metadata": {"title": title},
                }
                for i, (title, start, end) in enumerate(spans)
            ]
        )
        pts = -AAC_FRAME
        for segment in segments:
            for data, duration in _packets(segment):
                packet = av.Packet(data)
                packet.pts = packet.dts = pts
                packet.duration = duration
                packet.time_base = time_base
                packet.stream = stream
                out.mux(packet)
                pts += duration


def read_chapters(path: Path) -> list[tuple[str, float, float]]:
    """An MP4 (or any container FFmpeg reads) file's chapters as (title, start_s, end_s)."""
    with av.open(str(path)) as container:
        marks = container.chapters()
    result = []
    for mark in marks:
        base = mark["time_base"] or Fraction(1)
        title = str(mark["metadata"].get("title", ""))
        result.append((title, float(mark["start"] * base), float(mark["end"] * base)))
    return result


def decode_pcm(path: Path) -> tuple[int, Iterator[bytes]]:
    """A file's sample rate and its audio as mono float32 chunks, decoded as a player does."""
    with av.open(str(path)) as probe:
        rate = int(probe.streams.audio[0].sample_rate)

    def chunks() -> Iterator[bytes]:
        """Decode and yield one frame at a time (converted only if not mono float already)."""
        with av.open(str(path)) as container:
            resampler: Any = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(audio=0):
                if frame.format.name in ("flt", "fltp") and frame.layout.nb_channels == 1:
                    yield bytes(frame.planes[0])[: 4 * frame.samples]
                    continue
                for out in resampler.resample(frame):
                    yield bytes(out.planes[0])[: 4 * out.samples]

    return rate, chunks()


# The written file's check: FFmpeg decodes it, measures its integrated loudness (BS.1770) and
# its 4x-oversampled peak, all inside one filter graph: no frame passes through Python.
_MEASURE = (
    ("ebur128", {"metadata": "1"}),
    ("aresample", {"out_sample_rate": "", "filter_size": "8"}),  # 4x the file's rate
    ("astats", {"metadata": "1", "measure_perchannel": "none", "measure_overall": "Peak_level"}),
)  # each frame carries the figures so far


def measure_file(path: Path) -> tuple[float, float]:
    """A file's integrated loudness (LUFS) and true peak (dBTP, 4x oversampled), from FFmpeg.

    Decoding, resampling and metering run in C with the GIL released: files measure side by
    side in threads.
    """
    with av.open(str(path)) as probe:
        rate = int(probe.streams.audio[0].sample_rate)
    graph: Any = av.filter.Graph()
    previous = graph.add("amovie", filename=str(path))
    for name, options in _MEASURE:
        if name == "aresample":
            options = {**options, "out_sample_rate": str(4 * rate)}
        current = graph.add(name, **options)
        previous.link_to(current)
        previous = current
    sink = graph.add("abuffersink")
    previous.link_to(sink)
    graph.configure()
    figures: dict[str, str] = {}
    while True:
        try:
            frame = graph.pull()
        except (av.BlockingIOError, av.EOFError):
            break
        figures.update(frame.metadata)  # the figures so far; a flushed frame may carry none
    try:
        return float(figures["lavfi.r128.I"]), float(figures["lavfi.astats.Overall.Peak_level"])
    except (KeyError, ValueError) as exc:  # no audio, or no figures
        raise AudioError(f"FFmpeg did not measure {path.name} ({exc})") from exc


def probe_duration(path: Path) -> float | None:
    """A file's playing time in seconds as FFmpeg reports it (an MP3 net of delay and padding)."""
    with av.open(str(path)) as container:
        duration = container.duration
    return None if duration is None else float(duration / av.time_base)
