"""The read-along EPUB: every sentence has one clip, clips are exact against the audio itself."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import av
import numpy as np
import pytest

from exporter.narrate.cache import AudioCache
from exporter.run.audiobook import narrate_book
from exporter.run.lexicons import load_lexicon
from exporter.run.load import load_book

from .conftest import SEED, Built

SMIL = "{http://www.w3.org/ns/SMIL}"
OPF = "{http://www.idpf.org/2007/opf}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@dataclass(frozen=True)
class Par:
    """One `<par>`: the text it points at and its clip."""

    smil: str
    text_file: str
    ref: str
    audio: str
    begin: float
    end: float


@dataclass(frozen=True)
class ReadAlong:
    """What the read-along EPUB holds, parsed."""

    pars: list[Par]
    durations: dict[str, float]
    total: float
    active_class: str
    sentence_ids: dict[str, list[str]]
    heading_ids: dict[str, list[str]]
    audio: dict[str, bytes]


def clock(value: str) -> float:
    """A SMIL clock value in seconds (`H:MM:SS.mmm`, `MM:SS.mmm` or `12.5s`)."""
    if value.endswith("s") and ":" not in value:
        return float(value[:-1])
    parts = [float(p) for p in value.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return seconds


@pytest.fixture(scope="module")
def read_along(built: Built) -> ReadAlong:
    """Parse the seed's read-along EPUB once."""
    with zipfile.ZipFile(built.file(".read-along.epub")) as archive:
        opf_name = next(n for n in archive.namelist() if n.endswith(".opf"))
        base = opf_name.rsplit("/", 1)[0] + "/"
        opf = ElementTree.fromstring(archive.read(opf_name))
        metas = opf.iter(f"{OPF}meta")
        durations: dict[str, float] = {}
        total = 0.0
        active = ""
        for meta in metas:
            prop = meta.get("property", "")
            if prop == "media:duration" and meta.get("refines"):
                durations[meta.get("refines", "")[1:]] = clock(meta.text or "")
            elif prop == "media:duration":
                total = clock(meta.text or "")
            elif prop == "media:active-class":
                active = meta.text or ""
        pars: list[Par] = []
        sentence_ids: dict[str, list[str]] = {}
        heading_ids: dict[str, list[str]] = {}
        audio: dict[str, bytes] = {}
        for item in opf.iter(f"{OPF}item"):
            href = item.get("href", "")
            media_type = item.get("media-type", "")
            if media_type == "application/smil+xml":
                smil = ElementTree.fromstring(archive.read(base + href))
                for par in smil.iter(f"{SMIL}par"):
                    text = par.find(f"{SMIL}text")
                    clip = par.find(f"{SMIL}audio")
                    assert text is not None and clip is not None
                    text_file, ref = text.get("src", "").split("#")
                    pars.append(
                        Par(
                            item.get("id", ""),
                            text_file,
                            ref,
                            clip.get("src", ""),
                            clock(clip.get("clipBegin", "")),
                            clock(clip.get("clipEnd", "")),
                        )
                    )
            elif media_type == "application/xhtml+xml" and item.get("media-overlay"):
                page = ElementTree.fromstring(archive.read(base + href))
                sentence_ids[href] = [
                    e.get("id", "") for e in page.iter() if e.get("class") == "s" and e.get("id")
                ]
                heading_ids[href] = [
                    e.get("id", "")
                    for e in page.iter()
                    if re.fullmatch(rf"{re.escape(XHTML)}h[1-6]", e.tag) and e.get("id")
                ]
            elif media_type == "audio/mpeg":
                audio[href] = archive.read(base + href)
    return ReadAlong(pars, durations, total, active, sentence_ids, heading_ids, audio)


def test_every_sentence_and_heading_has_exactly_one_par(read_along: ReadAlong) -> None:
    """Each sentence and heading element of the XHTML is the target of exactly one par."""
    targets = [(p.text_file, p.ref) for p in read_along.pars]
    assert len(targets) == len(set(targets))
    expected = {
        (page, ident)
        for page in read_along.sentence_ids
        for ident in read_along.sentence_ids[page] + read_along.heading_ids[page]
    }
    assert len(expected) == 78 + 4 + 4 + 10  # sentences, chapters, sections, studies
    assert set(targets) == expected


def test_clips_increase_never_overlap_and_stay_in_the_audio(
    read_along: ReadAlong, tmp_path: Path
) -> None:
    """Clip times increase in reading order, never overlap, and lie inside the audio file."""
    assert len(read_along.audio) == 1
    ((href, data),) = read_along.audio.items()
    path = tmp_path / "narration.mp3"
    path.write_bytes(data)
    with av.open(str(path)) as container:
        length = float(container.duration / av.time_base)
    previous_end = 0.0
    for par in read_along.pars:
        assert par.audio.endswith(href.rsplit("/", 1)[-1]) and "#" not in par.audio
        assert previous_end <= par.begin < par.end <= length
        previous_end = par.end


def test_overlay_durations_add_up(read_along: ReadAlong) -> None:
    """Each overlay's media:duration is its clips' sum; together they make the total (±1 s)."""
    assert read_along.active_class
    by_smil: dict[str, float] = {}
    for par in read_along.pars:
        by_smil[par.smil] = by_smil.get(par.smil, 0.0) + par.end - par.begin
    assert set(by_smil) == set(read_along.durations)
    for smil, seconds in by_smil.items():
        assert read_along.durations[smil] == pytest.approx(seconds, abs=0.01)
    assert sum(read_along.durations.values()) == pytest.approx(read_along.total, abs=1.0)


def _decode(data: bytes, tmp_path: Path) -> tuple[np.ndarray, int]:
    """Decode an MP3 to mono float samples with PyAV (which honours the gapless info tag)."""
    path = tmp_path / "decode.mp3"
    path.write_bytes(data)
    chunks = []
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.rate
        for frame in container.decode(stream):
            chunks.append(frame.to_ndarray().astype(np.float64).reshape(-1))
    return np.concatenate(chunks), rate


def _loudest_window(signal: np.ndarray, window: int, search: slice) -> int:
    """Start of the most energetic `window` samples within a part of a signal."""
    part = signal[search]
    energy = np.convolve(part**2, np.ones(window), mode="valid")
    return (search.start or 0) + int(np.argmax(energy))


def _locate(audio: np.ndarray, piece: np.ndarray, guess: int, slack: int) -> int:
    """Where `piece` best matches `audio` within ±slack samples of `guess` (normalized xcorr)."""
    low = max(guess - slack, 0)
    region = audio[low : guess + slack + len(piece)]
    scores = np.correlate(region, piece, mode="valid")
    norms = np.sqrt(np.convolve(region**2, np.ones(len(piece)), mode="valid")) + 1e-9
    return low + int(np.argmax(scores / norms))


def test_each_clip_matches_its_sentence_audio(
    read_along: ReadAlong, built: Built, tmp_path: Path
) -> None:
    """In the decoded audio itself, each sentence starts and ends where its clip says (±20 ms)."""
    narrated = narrate_book(
        load_book(SEED),
        lexicon=load_lexicon(),
        cache=AudioCache(built.cache),
        voice=None,
        rate=None,
        jobs=1,
    )
    assert narrated.stats.synthesized == 0  # everything came from the build's cache
    cache = AudioCache(built.cache)
    key_of = {u.ref: k for u, k in zip(narrated.script.utterances, narrated.keys, strict=True)}
    (data,) = read_along.audio.values()
    audio, rate = _decode(data, tmp_path)
    window, slack, tolerance = rate // 10, rate // 10, 0.020
    for par in read_along.pars:
        pcm = cache.get(key_of[par.ref])
        assert pcm is not None
        sentence = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768.0
        assert par.end - par.begin == pytest.approx(len(sentence) / rate, abs=tolerance)
        half = len(sentence) // 2
        for search in (slice(0, max(half, window)), slice(max(half - window, 0), len(sentence))):
            if len(sentence) < window:
                continue
            offset = _loudest_window(sentence, window, search)
            expected = round(par.begin * rate) + offset
            found = _locate(audio, sentence[offset : offset + window], expected, slack)
            assert abs(found - expected) / rate <= tolerance, (par.ref, found - expected)
