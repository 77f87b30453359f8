"""Tests of the eSpeak NG engine behind pyttsx3: voices, rates, PCM, silence on stdout, speed."""

from __future__ import annotations

import ctypes.util
import subprocess
import sys
import time

import pytest

from exporter.errors import NarrationError, VoiceError
from exporter.narrate.engines import VoiceInfo
from exporter.narrate.engines import espeak as tts

SENTENCE = "The quick brown fox jumps over the lazy dog near the river bank."
VOICES = [
    VoiceInfo("gmw/en", "English (Great Britain)", ("en-gb",)),
    VoiceInfo("gmw/en-us", "English (America)", ("en-us",)),
    VoiceInfo("roa/fr", "French", ("fr-fr",)),
]


def _seconds(pcm: bytes) -> float:
    """Length of mono 16-bit PCM at 22.05 kHz in seconds."""
    return len(pcm) / 2 / 22050


def _peak(pcm: bytes) -> int:
    """Largest absolute sample value."""
    samples = memoryview(pcm).cast("h")
    return max(abs(min(samples)), max(samples))


@pytest.mark.parametrize(
    ("asked", "found"),
    [
        (None, "gmw/en"),
        ("gmw/en-us", "gmw/en-us"),
        ("GMW/EN-US", "gmw/en-us"),
        ("English (America)", "gmw/en-us"),
        ("en-us", "gmw/en-us"),
        ("fr-fr", "roa/fr"),
        ("fr", "roa/fr"),
    ],
)
def test_resolve_voice_accepts_id_name_or_language(asked: str | None, found: str) -> None:
    """A voice may be named by identifier, display name or language code, in any case."""
    assert tts.resolve_voice(asked, VOICES, "gmw/en") == found


def test_resolve_voice_rejects_unknown_names_and_says_how_to_list() -> None:
    """An unknown voice is a VoiceError that points at `exporter voices`."""
    with pytest.raises(VoiceError, match="exporter voices"):
        tts.resolve_voice("xx-nowhere", VOICES, "gmw/en")


@pytest.mark.parametrize("rate", [79, 451, 0, -5])
def test_open_engine_rejects_rates_out_of_range(rate: int) -> None:
    """Rates outside 80..450 words per minute are refused before eSpeak is touched."""
    with pytest.raises(VoiceError, match=r"80\.\.450"):
        tts.open_engine(rate=rate)


def test_list_voices_has_english_voices() -> None:
    """eSpeak NG from the wheel lists many voices, American English among them."""
    voices = tts.list_voices()
    assert len(voices) > 50
    us = [v for v in voices if v.id == "gmw/en-us"]
    assert us and us[0].languages == ("en-us",) and us[0].name


def test_open_engine_reports_identity() -> None:
    """The engine names itself, its library versions, its voice, rate and sample rate."""
    engine = tts.open_engine("en-us", 180)
    assert engine.name == "espeak-ng"
    assert "pyttsx3-2.99" in engine.version and engine.version[0].isdigit()
    assert (engine.voice, engine.rate, engine.sample_rate) == ("gmw/en-us", 180, 22050)


def test_open_engine_rejects_an_unknown_voice() -> None:
    """pyttsx3 silently ignores bad voices; open_engine does not."""
    with pytest.raises(VoiceError, match="exporter voices"):
        tts.open_engine("no-such-voice-at-all")


@pytest.mark.slow
def test_synthesize_gives_speech_pcm_and_prints_nothing(capfd: pytest.CaptureFixture[str]) -> None:
    """One sentence becomes a few seconds of audible mono PCM; stdout stays clean."""
    engine = tts.open_engine()
    pcm = engine.synthesize(SENTENCE)
    assert len(pcm) % 2 == 0
    assert 2.0 < _seconds(pcm) < 8.0
    assert _peak(pcm) > 2000
    assert engine.synthesize("   ") == b""
    out, err = capfd.readouterr()
    assert "Audio saved" not in out + err
    assert out == ""


@pytest.mark.slow
def test_rate_and_voice_switches_take_effect_every_time() -> None:
    """Switching voices and rates back and forth in one process always applies the rate."""
    lengths: dict[int, list[float]] = {120: [], 400: []}
    for round_ in range(6):
        voice = ("gmw/en-us", "gmw/en")[round_ % 2]
        for rate in (120, 400):
            lengths[rate].append(_seconds(tts.open_engine(voice, rate).synthesize(SENTENCE)))
    assert min(lengths[120]) > 2.5 * max(lengths[400])


@pytest.mark.slow
def test_twenty_sentences_are_fast_and_whole() -> None:
    """Sentence-at-a-time synthesis is far faster than real time and loses no sentence."""
    engine = tts.open_engine()
    texts = [f"This is sentence number {i}, spoken in a calm and even voice." for i in range(20)]
    started = time.perf_counter()
    pcms = [engine.synthesize(text) for text in texts]
    elapsed = time.perf_counter() - started
    assert all(2.0 < _seconds(pcm) < 8.0 for pcm in pcms)
    assert elapsed < 10.0  # measured ~0.25 s on 2 cores


@pytest.mark.skipif(
    ctypes.util.find_library("espeak-ng") is not None, reason="a system eSpeak NG is installed"
)
def test_missing_engine_is_a_narration_error_with_a_remedy() -> None:
    """Without the wheel (and no system eSpeak NG) the error names what to install."""
    code = (
        "import sys; sys.modules['espeakng_loader'] = None\n"
        "from exporter.narrate.engines import espeak as tts\n"
        "from exporter.errors import NarrationError\n"
        "try:\n    tts.open_engine()\n"
        "except NarrationError as exc:\n    print('ERR', exc)\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "ERR" in run.stdout, run.stderr
    assert "pip install espeakng-loader" in run.stdout
    assert issubclass(VoiceError, NarrationError)
