"""Package narrated PCM as audiobooks: m4b (AAC via PyAV) or mp3 (lameenc + mutagen ID3 chapters).

The only module importing av, lameenc and mutagen; never a system ffmpeg. PCM is streamed to the
encoders chunk by chunk (memory stays flat), into `.<name>.part`, renamed into place when whole.

MP3 timing: LAME delays the signal 576 samples, an MPEG decoder 529 more (50.1 ms at 22.05 kHz),
and the end is padded to a whole frame. lameenc writes no Xing/LAME tag, so this module writes
one (an "Info" frame with encoder delay and padding, as the `lame` program does). Decoders that
read it (FFmpeg: PyAV, ffprobe, Chrome; measured sample-exact with PyAV) play input sample `i` at
`i / sample_rate`; decoders that ignore it play everything 76 ms late (Info frame plus delay).
"""

from __future__ import annotations

import contextlib
import io
import os
import struct
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any, BinaryIO, Literal

import av
import lameenc
import mutagen.id3

from .errors import AudioError, ExporterError

AAC_BIT_RATE = 52_000  # FFmpeg AAC overshoots ~25% on eSpeak speech: measured ~65 kb/s
MP3_KBPS = 64
LAME_ENCODER_DELAY = 576
_NO_OFFSET = 0xFFFFFFFF
_id3: Any = mutagen.id3  # mutagen is only partly typed
# fmt: off
_ISO639_2 = {"en": "eng", "de": "ger", "fr": "fre", "es": "spa", "it": "ita", "nl": "dut",
             "pt": "por", "sv": "swe", "da": "dan", "no": "nor", "fi": "fin", "pl": "pol",
             "cs": "cze", "ru": "rus", "uk": "ukr", "ja": "jpn", "zh": "chi", "ko": "kor"}
# fmt: on


@dataclass(frozen=True)
class ChapterMark:
    """A chapter of the audiobook: its title and the sample where it starts."""

    title: str
    start_sample: int


@dataclass(frozen=True)
class AudioTags:
    """What an audiobook file says about itself."""

    title: str
    artist: str
    album: str
    date: str | None = None
    language: str | None = None


def _language_code(language: str | None) -> str | None:
    """Turn a BCP 47 tag such as `en-US` into the ISO 639-2 code both formats expect."""
    if not language:
        return None
    primary = language.split("-")[0].split("_")[0].lower()
    return primary if len(primary) == 3 else _ISO639_2.get(primary)


def _even_blocks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Yield the chunks as whole 16-bit samples, carrying an odd byte over to the next chunk."""
    carry = b""
    for chunk in chunks:
        data = carry + bytes(chunk) if carry else bytes(chunk)
        cut = len(data) - len(data) % 2
        carry = data[cut:]
        if cut:
            yield data[:cut]
    if carry:
        raise AudioError("the PCM stream ends in half a sample")


# ---------------------------------------------------------------- mp3 with a LAME Info frame

_MPEG_VERSION = {0b11: 1, 0b10: 2, 0b00: 25}  # header version bits -> MPEG 1, 2, 2.5
_RATES = {1: (44100, 48000, 32000), 2: (22050, 24000, 16000), 25: (11025, 12000, 8000)}
_KBPS = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}


def _frame_info(header: int) -> tuple[int, int, int]:
    """Return (frame length, samples per frame, side-info size) of an MPEG layer III header."""
    version = _MPEG_VERSION.get((header >> 19) & 3)
    if (header >> 21) != 0x7FF or version is None or (header >> 17) & 3 != 1:
        raise AudioError(f"LAME produced a broken MP3 frame header {header:08x}")
    rate = _RATES[version][(header >> 10) & 3]
    kbps = _KBPS[1 if version == 1 else 2][(header >> 12) & 15]
    padding = (header >> 9) & 1
    mono = (header >> 6) & 3 == 3
    if version == 1:
        return 144_000 * kbps // rate + padding, 1152, 17 if mono else 32
    return 72_000 * kbps // rate + padding, 576, 9 if mono else 17


def _crc16(data: bytes) -> int:
    """CRC-16/ARC, the checksum LAME puts on its Info tag."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def _info_frame(header: int, frames: int, stream_bytes: int, delay: int, padding: int) -> bytes:
    """Build a silent MP3 frame holding a Xing "Info" tag with LAME's delay and padding fields."""
    header &= ~(1 << 9)  # no padding slot: the tag frame has a fixed length
    length, _, side = _frame_info(header)
    toc = bytes(i * 256 // 100 for i in range(100))
    # Xing part: "Info", fields present (frames|bytes|TOC|quality), frames, bytes, TOC, quality.
    # LAME part: version, revision 0 + CBR, lowpass, peak, radio and audiophile gain, flags,
    # bitrate, delay|padding (12 bits each), misc, MP3 gain, preset, music length, music CRC.
    # fmt: off
    fields = struct.pack(
        ">4sIII100sI9sBBIHHBB3sBBHIH", b"Info", 0x0F, frames, stream_bytes, toc, 0, b"LAME3.100",
        0x01, 0, 0, 0, 0, 0, MP3_KBPS, ((delay << 12) | padding).to_bytes(3, "big"), 0, 0, 0,
        stream_bytes, 0,
    )
    # fmt: on
    tag = header.to_bytes(4, "big") + bytes(side) + fields
    tag += _crc16(tag).to_bytes(2, "big")
    if len(tag) > length:
        raise AudioError("MP3 frames are too small for a LAME Info tag")
    return tag + bytes(length - len(tag))


class _Mp3Stream:
    """LAME encoding into a seekable file, with a LAME Info frame written in front at the end."""

    def __init__(self, out: BinaryIO, sample_rate: int) -> None:
        """Configure LAME for 64 kb/s mono CBR at the input's own sample rate."""
        self.out, self.start = out, out.tell()
        self.encoder = lameenc.Encoder()
        self.encoder.set_bit_rate(MP3_KBPS)
        self.encoder.set_in_sample_rate(sample_rate)
        self.encoder.set_out_sample_rate(sample_rate)
        self.encoder.set_channels(1)
        self.encoder.set_quality(5)
        self.encoder.silence()
        self.samples = self.frames = self.tag_length = self.audio_bytes = 0
        self.header: int | None = None
        self.tail = b""

    def _emit(self, data: bytes) -> None:
        """Write encoded bytes, counting frames; reserve the Info frame before the first one."""
        buf = self.tail + data
        pos = 0
        while len(buf) - pos >= 4:
            header = int.from_bytes(buf[pos : pos + 4], "big")
            length, _, _ = _frame_info(header)
            if len(buf) - pos < length:
                break
            if self.header is None:
                self.header = header
                self.tag_length = len(_info_frame(header, 0, 0, 0, 0))
                self.out.write(bytes(self.tag_length))
            self.frames += 1
            pos += length
        self.out.write(buf[:pos])
        self.audio_bytes += pos
        self.tail = buf[pos:]

    def encode(self, blocks: Iterable[bytes]) -> int:
        """Encode whole-sample blocks, flush, write the Info frame; return samples encoded."""
        for block in blocks:
            self.samples += len(block) // 2
            self._emit(bytes(self.encoder.encode(block)))
        if not self.samples:
            raise AudioError("there is no audio to encode")
        self._emit(bytes(self.encoder.flush()))
        if self.tail or self.header is None:
            raise AudioError("LAME produced a truncated MP3 stream")
        _, per_frame, _ = _frame_info(self.header)
        padding = self.frames * per_frame - LAME_ENCODER_DELAY - self.samples
        if not 0 <= padding < 4096:
            raise AudioError(f"unexpected MP3 padding of {padding} samples")
        size = self.tag_length + self.audio_bytes
        tag = _info_frame(self.header, self.frames, size, LAME_ENCODER_DELAY, padding)
        end = self.out.tell()
        self.out.seek(self.start)
        self.out.write(tag)
        self.out.seek(end)
        return self.samples


@contextlib.contextmanager
def _failures(what: str) -> Iterator[None]:
    """Report any library error inside the block as an AudioError about `what`."""
    try:
        yield
    except ExporterError:
        raise
    except Exception as exc:
        raise AudioError(f"{what}: {exc}") from exc


def encode_mp3(chunks: Iterable[bytes], *, sample_rate: int) -> bytes:
    """Encode mono s16le PCM as a gapless 64 kb/s MP3 (LAME Info tag; timing as the input)."""
    out = io.BytesIO()
    with _failures("MP3 encoding failed"):
        _Mp3Stream(out, sample_rate).encode(_even_blocks(chunks))
    return out.getvalue()


# ---------------------------------------------------------------- the two book formats


def _chapter_spans(chapters: Sequence[ChapterMark], total: int) -> list[tuple[str, int, int]]:
    """Check chapter starts and pair each with its end sample (the next start, or the end)."""
    starts = [c.start_sample for c in chapters]
    if any(s < 0 or s > total for s in starts) or starts != sorted(starts):
        raise AudioError(f"chapter starts must be ascending within 0..{total}: {starts}")
    ends = [*starts[1:], total][: len(starts)]  # no chapters, no ends
    return [(c.title, c.start_sample, end) for c, end in zip(chapters, ends, strict=True)]


def _write_m4b(
    target: Path,
    blocks: Iterator[bytes],
    sample_rate: int,
    spans: list[tuple[str, int, int]],
    tags: AudioTags,
) -> int:
    """Encode AAC into an MP4 ("ipod") container with chapters and tags; return samples written."""
    time_base = Fraction(1, sample_rate)
    written = 0
    with av.open(str(target), "w", format="ipod", container_options={"brand": "M4B "}) as out:
        stream: Any = out.add_stream("aac", rate=sample_rate)
        stream.codec_context.layout = "mono"
        stream.bit_rate = AAC_BIT_RATE
        stream.codec_context.options = {"aac_coder": "fast"}
        language = _language_code(tags.language)
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
        for block in blocks:
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(block) // 2)
            frame.planes[0].update(block)
            frame.sample_rate = sample_rate
            frame.time_base = time_base
            frame.pts = written
            written += frame.samples
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return written


def _write_id3(target: Path, spans: list[tuple[str, int, int]], rate: int, tags: AudioTags) -> None:
    """Tag an MP3 with title, artist, album and an ordered top-level CTOC of CHAP frames."""
    id3 = _id3.ID3()
    texts = {"TIT2": tags.title, "TPE1": tags.artist, "TALB": tags.album, "TCON": "Audiobook"}
    texts |= {"TDRC": tags.date or "", "TLAN": _language_code(tags.language) or ""}
    for frame_id, value in texts.items():
        if value:
            id3.add(getattr(_id3, frame_id)(encoding=3, text=[value]))
    ids = [f"chp{i:04d}" for i in range(len(spans))]
    if spans:
        id3.add(
            _id3.CTOC(
                element_id="toc",
                flags=_id3.CTOCFlags.TOP_LEVEL | _id3.CTOCFlags.ORDERED,
                child_element_ids=ids,
                sub_frames=[_id3.TIT2(encoding=3, text=[tags.title])],
            )
        )
    for element_id, (title, start, end) in zip(ids, spans, strict=True):
        times = {"start_time": round(start * 1000 / rate), "end_time": round(end * 1000 / rate)}
        offsets = {"start_offset": _NO_OFFSET, "end_offset": _NO_OFFSET}  # times only
        sub_frames = [_id3.TIT2(encoding=3, text=[title])]
        id3.add(_id3.CHAP(element_id=element_id, sub_frames=sub_frames, **times, **offsets))
    id3.save(str(target), v2_version=3)
    _order_chapter_frames(target)


def _order_chapter_frames(target: Path) -> None:
    """Put CHAP frames in time order: mutagen sorts frames by size, FFmpeg reads them in order."""
    with open(target, "r+b") as f:
        header = f.read(10)
        size = sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(header[6:10]))
        body, frames, pos = f.read(size), [], 0
        while pos + 10 <= len(body) and body[pos] != 0:  # frames, then zero padding
            frames.append(body[pos : pos + 10 + int.from_bytes(body[pos + 4 : pos + 8], "big")])
            pos += len(frames[-1])
        by_time = iter(sorted((f for f in frames if f[:4] == b"CHAP"), key=_chapter_order))
        f.seek(10)
        f.write(b"".join(next(by_time) if frame[:4] == b"CHAP" else frame for frame in frames))


def _chapter_order(frame: bytes) -> tuple[int, bytes]:
    """Sort key of a raw ID3v2.3 CHAP frame: start time in ms, then element id."""
    element_id, _, rest = frame[10:].partition(b"\0")
    return int.from_bytes(rest[:4], "big"), element_id


def write_audiobook(
    path: Path,
    fmt: Literal["m4b", "mp3"],
    chunks: Iterable[bytes],
    *,
    sample_rate: int,
    total_samples: int,
    chapters: Sequence[ChapterMark],
    tags: AudioTags,
) -> None:
    """Stream mono s16le PCM into an m4b or mp3 audiobook with chapters, atomically."""
    if fmt not in ("m4b", "mp3"):
        raise AudioError(f"unknown audiobook format {fmt!r} (m4b or mp3)")
    path = Path(path)
    spans = _chapter_spans(chapters, total_samples)
    part = path.with_name(f".{path.name}.part")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        blocks = _even_blocks(chunks)
        if fmt == "m4b":
            written = _write_m4b(part, blocks, sample_rate, spans, tags)
        else:
            with open(part, "wb") as raw:
                written = _Mp3Stream(raw, sample_rate).encode(blocks)
        if written != total_samples:
            raise AudioError(f"expected {total_samples} samples of narration, got {written}")
        if fmt == "mp3":
            _write_id3(part, spans, sample_rate, tags)
        os.replace(part, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            part.unlink()
        if isinstance(exc, ExporterError) or not isinstance(exc, Exception):
            raise
        raise AudioError(f"could not write {path.name}: {exc}") from exc


# ---------------------------------------------------------------- reading back


def read_chapters(path: Path) -> list[tuple[str, float, float]]:
    """Read an audiobook's chapters as (title, start_s, end_s): mutagen for mp3, PyAV otherwise."""
    path = Path(path)
    with _failures(f"cannot read chapters of {path.name}"):
        if path.suffix.lower() == ".mp3":
            return _read_id3_chapters(path)
        with av.open(str(path)) as container:
            marks = container.chapters()
    result = []
    for mark in marks:
        base = mark["time_base"] or Fraction(1)
        title = str(mark["metadata"].get("title", ""))
        result.append((title, float(mark["start"] * base), float(mark["end"] * base)))
    return result


def _read_id3_chapters(path: Path) -> list[tuple[str, float, float]]:
    """Read CHAP frames in the top-level CTOC's order (or by start time without a CTOC)."""
    id3 = _id3.ID3(str(path))
    chaps = {frame.element_id: frame for frame in id3.getall("CHAP")}
    tocs = [toc for toc in id3.getall("CTOC") if toc.flags & _id3.CTOCFlags.TOP_LEVEL]
    order = [cid for cid in tocs[0].child_element_ids if cid in chaps] if tocs else []
    if not order:
        order = sorted(chaps, key=lambda cid: chaps[cid].start_time)
    result = []
    for cid in order:
        chap = chaps[cid]
        titles = chap.sub_frames.getall("TIT2")
        title = str(titles[0].text[0]) if titles and titles[0].text else ""
        result.append((title, chap.start_time / 1000, chap.end_time / 1000))
    return result


def probe_duration(path: Path) -> float:
    """Return an audiobook's playing time in seconds, as a player would show it."""
    with _failures(f"cannot read {Path(path).name}"), av.open(str(path)) as container:
        duration = container.duration  # for an MP3, net of the trimmed delay and padding
    if duration is None:
        raise AudioError(f"{Path(path).name} has no known duration")
    return float(duration / av.time_base)
