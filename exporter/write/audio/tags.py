"""Audiobook tags (mutagen): ID3 title, chapters and artwork for mp3; cover artwork for m4b.

The only module importing mutagen. FFmpeg's "ipod" muxer (m4b.py) takes no image stream, so an
m4b's `covr` atom is added here after muxing; mutagen rewrites the `moov` metadata and keeps
the chapter track and `chpl` chapters as they are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import mutagen.id3
import mutagen.mp4

from exporter.write.audio.common import AudioTags, Cover, language_code

_NO_OFFSET = 0xFFFFFFFF
_id3: Any = mutagen.id3  # mutagen is only partly typed
_mp4: Any = mutagen.mp4


def add_mp4_cover(target: Path, cover: Cover) -> None:
    """Embed cover artwork (`covr`) into an MP4/m4b file in place."""
    image_format = (
        _mp4.MP4Cover.FORMAT_PNG if cover.mime == "image/png" else _mp4.MP4Cover.FORMAT_JPEG
    )
    audio = _mp4.MP4(str(target))
    if audio.tags is None:
        audio.add_tags()
    audio.tags["covr"] = [_mp4.MP4Cover(cover.data, imageformat=image_format)]
    audio.save()


def write_id3(target: Path, spans: list[tuple[str, int, int]], rate: int, tags: AudioTags) -> None:
    """Tag an MP3 with title, artist, album and an ordered top-level CTOC of CHAP frames."""
    id3 = _id3.ID3()
    texts = {"TIT2": tags.title, "TPE1": tags.artist, "TALB": tags.album, "TCON": "Audiobook"}
    texts |= {"TDRC": tags.date or "", "TLAN": language_code(tags.language) or ""}
    for frame_id, value in texts.items():
        if value:
            id3.add(getattr(_id3, frame_id)(encoding=3, text=[value]))
    if tags.cover is not None:
        id3.add(
            _id3.APIC(encoding=3, mime=tags.cover.mime, type=3, desc="Cover", data=tags.cover.data)
        )
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


def write_track_id3(target: Path, tags: AudioTags, title: str, track: int, total: int) -> None:
    """Tag one chapter's MP3: its title, the book as album, the author, track `n/N`, cover."""
    id3 = _id3.ID3()
    texts = {"TIT2": title or tags.title, "TPE1": tags.artist, "TALB": tags.title}
    texts |= {"TRCK": f"{track}/{total}", "TCON": "Audiobook", "TDRC": tags.date or ""}
    texts |= {"TLAN": language_code(tags.language) or ""}
    for frame_id, value in texts.items():
        if value:
            id3.add(getattr(_id3, frame_id)(encoding=3, text=[value]))
    if tags.cover is not None:
        id3.add(
            _id3.APIC(encoding=3, mime=tags.cover.mime, type=3, desc="Cover", data=tags.cover.data)
        )
    id3.save(str(target), v2_version=3)


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


def read_id3_chapters(path: Path) -> list[tuple[str, float, float]]:
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
