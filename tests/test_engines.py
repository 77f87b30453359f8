"""The engine registry's logic, and a narration at an engine's own sample rate (not 22050 Hz)."""

from __future__ import annotations

import math
import re
import struct
from pathlib import Path

import av
import pytest

from exporter import log
from exporter.narrate import engines
from exporter.narrate.cache import AudioCache
from exporter.narrate.engines import Engine, VoiceInfo
from exporter.run import audiobook
from exporter.run.lexicons import load_lexicon
from exporter.run.load import load_book
from exporter.write.audio.assemble import read_chapters

from .test_read_along import clock

POST = (
    "---\npost_title: Rates\nauthor: Ann\npost_date: 2021-03-04 05:06:07\n"
    "permalink: https://example.org/rates/\n---\n"
    "<h2>One</h2>\n<p>First sentence here. Second sentence here.</p>\n"
    "<h2>Two</h2>\n<p>Third sentence here.</p>\n"
)


class ToneEngine:
    """A stand-in engine at 16000 Hz (like Piper's low-quality voices): a tone per word."""

    name = "tone"
    version = "1"
    voice = "tone"
    rate = 100
    sample_rate = 16000
    parallel = True

    def synthesize(self, text: str) -> bytes:
        """A 0.2 s, 440 Hz tone per word."""
        count = int(0.2 * self.sample_rate) * len(text.split())
        step = 2 * math.pi * 440 / self.sample_rate
        wave = (int(8000 * math.sin(step * n)) for n in range(count))
        return struct.pack(f"<{count}h", *wave)


def test_audiobooks_and_overlays_follow_the_engines_sample_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 16000 Hz the m4b and mp3 are 16000 Hz, as long as the time line, chapters in place."""
    tone = ToneEngine()

    def open_tone(engine: str, voice: str | None, rate: int | None, language: str | None) -> Engine:
        return tone

    monkeypatch.setattr(audiobook, "open_engine", open_tone)
    post = tmp_path / "rates.md"
    post.write_text(POST, encoding="utf-8")
    book = load_book(post)
    cache = AudioCache(tmp_path / "cache")
    narrated = audiobook.narrate_book(
        book, lexicon=load_lexicon(), cache=cache, voice=None, rate=None, jobs=1
    )
    timeline = narrated.timeline
    assert timeline.sample_rate == 16000
    targets = [("m4b", tmp_path / "r.m4b"), ("mp3", tmp_path / "r.mp3")]
    audiobook.write_audiobooks(book, narrated, cache, targets)
    seconds = timeline.total / 16000
    for _, path in targets:
        with av.open(str(path)) as container:
            stream = container.streams.audio[0]
            assert stream.rate == 16000
            decoded = sum(frame.samples for frame in container.decode(stream)) / 16000
        assert decoded == pytest.approx(seconds, abs=0.08)
        chapters = read_chapters(path)
        assert [title for title, _, _ in chapters] == ["One", "Two"]
        assert chapters[1][1] == pytest.approx(timeline.chapter_starts[1] / 16000, abs=0.07)
    overlays = audiobook.read_along_overlays(book, narrated, tmp_path / "r.mp3")
    last_clip = re.findall(r'clipEnd="([^"]+)"', overlays[-1].smil)[-1]
    assert clock(last_clip) == pytest.approx(timeline.cues[-1].end / 16000, abs=0.001)


class _FakeModule:
    """An engine module with voices for French only."""

    def __init__(self) -> None:
        """Remember what was opened."""
        self.opened: list[str | None] = []

    def list_voices(self) -> list[VoiceInfo]:
        """One French voice."""
        return [VoiceInfo("fr-voice", "French", ("fr",), "fake")]

    def voice_for_language(self, language: str) -> str | None:
        """French only."""
        return "fr-voice" if language.startswith("fr") else None

    def default_voice(self) -> str:
        """The French voice."""
        return "fr-voice"

    def open_engine(self, voice: str | None = None, rate: int | None = None) -> Engine:
        """Record the voice asked for."""
        self.opened.append(voice)
        return ToneEngine()


def test_language_picks_a_voice_else_warns_and_uses_the_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A voice given wins; else the language's voice; else a 'voice' warning and the default."""
    fake = _FakeModule()
    monkeypatch.setattr(engines, "engine_module", lambda engine: fake)
    with log.collecting() as warnings:
        engines.open_engine("espeak", "mine", None, "de")
        engines.open_engine("espeak", None, None, "fr-CA")
        engines.open_engine("espeak", None, None, "de")
        engines.open_engine("espeak", None, None, None)
    assert fake.opened == ["mine", "fr-voice", None, None]
    assert [(w.kind, w.text) for w in warnings] == [
        ("voice", "espeak has no voice for language 'de'; using its default voice 'fr-voice'")
    ]
