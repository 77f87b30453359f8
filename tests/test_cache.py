"""Tests of the sentence audio cache and of narration's reuse, de-duplication and parallelism."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from exporter.errors import NarrationError
from exporter.narrate import synthesis as narration
from exporter.narrate.cache import AudioCache, default_cache_dir

# ---------------------------------------------------------------- the cache


def test_key_is_sha256_hex_and_depends_on_every_field() -> None:
    """The key is 64 hex digits, stable, and changes with any input."""
    base = ("Hello.", "gmw/en", 200, "espeak-ng", "1.52.0")
    key = AudioCache.key(*base)
    assert len(key) == 64 and set(key) <= set("0123456789abcdef")
    assert AudioCache.key(*base) == key
    variants = [
        ("Hello!", "gmw/en", 200, "espeak-ng", "1.52.0"),
        ("Hello.", "gmw/en-us", 200, "espeak-ng", "1.52.0"),
        ("Hello.", "gmw/en", 201, "espeak-ng", "1.52.0"),
        ("Hello.", "gmw/en", 200, "piper", "1.52.0"),
        ("Hello.", "gmw/en", 200, "espeak-ng", "1.51"),
    ]
    assert len({AudioCache.key(*v) for v in variants} | {key}) == 6


def test_put_get_round_trip_keeps_pcm_and_rate(tmp_path: Path) -> None:
    """PCM comes back byte for byte with its sample rate; nothing temporary is left."""
    cache = AudioCache(tmp_path / "audio")
    key = cache.key("x", "v", 200, "e", "1")
    pcm = bytes(range(256)) * 10
    assert cache.get(key) is None and cache.info(key) is None and key not in cache
    cache.put(key, pcm, 16000)
    assert cache.get(key) == pcm
    assert cache.info(key) == (16000, len(pcm) // 2)
    assert cache.sample_rate(key) == 16000 and key in cache
    assert [p.name for p in cache.path(key).parent.iterdir()] == [f"{key}.wav"]


def test_first_writer_wins_and_half_samples_are_refused(tmp_path: Path) -> None:
    """A second put keeps the stored entry (False); a damaged one is replaced; odd PCM refused."""
    cache = AudioCache(tmp_path)
    key = cache.key("x", "v", 200, "e", "1")
    assert cache.put(key, b"\x01\x00") is True
    assert cache.put(key, b"\x02\x00\x03\x00") is False
    assert cache.get(key) == b"\x01\x00"
    cache.path(key).write_bytes(cache.path(key).read_bytes()[:-1])
    assert cache.put(key, b"\x02\x00\x03\x00") is True
    assert cache.get(key) == b"\x02\x00\x03\x00"
    assert not list(cache.path(key).parent.glob("*.part"))
    with pytest.raises(ValueError):
        cache.put(key, b"\x01")


def test_damaged_entry_reads_as_missing(tmp_path: Path) -> None:
    """A truncated or foreign file is a cache miss, not a crash."""
    cache = AudioCache(tmp_path)
    key = cache.key("x", "v", 200, "e", "1")
    cache.path(key).parent.mkdir(parents=True)
    cache.path(key).write_bytes(b"RIFF\x00")
    assert cache.get(key) is None and cache.info(key) is None


def test_record_round_trip_and_damage_reads_as_missing(tmp_path: Path) -> None:
    """A record comes back as stored; a flipped byte or a cut one is a miss; clear() takes it."""
    cache = AudioCache(tmp_path / "audio")
    key = cache.key("record", "v", 200, "e", "1")
    assert cache.get_record(key) is None
    cache.put_record(key, {"gain_db": -2.5, "narration_lufs": -float("inf")})
    assert cache.get_record(key) == {"gain_db": -2.5, "narration_lufs": -float("inf")}
    path = cache.record_path(key)
    raw = path.read_bytes()
    path.write_bytes(raw[:-2] + bytes([raw[-2] ^ 1]) + raw[-1:])
    assert cache.get_record(key) is None
    path.write_bytes(raw[: len(raw) // 2])
    assert cache.get_record(key) is None
    cache.put_record(key, [1, 2])
    assert cache.get_record(key) == [1, 2]
    assert cache.clear() == 1 and not path.exists()


def test_clear_counts_removed_files(tmp_path: Path) -> None:
    """clear() removes entries and stray temp files and says how many."""
    cache = AudioCache(tmp_path / "audio")
    assert cache.clear() == 0
    for i in range(5):
        cache.put(cache.key(str(i), "v", 200, "e", "1"), b"\x00\x00" * 10)
    stray = cache.path(cache.key("0", "v", 200, "e", "1")).parent / ".abc.part"
    stray.write_bytes(b"")
    (tmp_path / "audio" / "notes.txt").write_text("keep me")
    assert cache.clear() == 6
    assert cache.clear() == 0
    assert (tmp_path / "audio" / "notes.txt").exists()


def test_bad_key_is_refused(tmp_path: Path) -> None:
    """Only keys made by key() address files (no path tricks)."""
    with pytest.raises(ValueError):
        AudioCache(tmp_path).path("../../etc/passwd")


def test_default_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """$XDG_CACHE_HOME wins when absolute; otherwise ~/.cache/exporter/audio."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "exporter" / "audio"
    assert AudioCache.default_cache_dir() == default_cache_dir()
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "exporter" / "audio"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "exporter" / "audio"


# ---------------------------------------------------------------- narration with a fake engine


@dataclass
class FakeEngine:
    """A stand-in engine: PCM length follows the text; each synthesis is logged to a file."""

    log: str
    voice: str
    rate: int
    name: str = "fake"
    version: str = "1"
    sample_rate: int = 8000
    parallel: bool = True

    def synthesize(self, text: str) -> bytes:
        """Return one sample per character, logging the text; 'BOOM' fails like an engine."""
        if "BOOM" in text:
            raise RuntimeError("engine exploded")
        with open(self.log, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\t{text}\n")
        return len(text).to_bytes(2, "little") * len(text)


@dataclass(frozen=True)
class FakeFactory:
    """A picklable engine factory, so spawned workers can open fake engines too."""

    log: str

    def __call__(self, voice: str | None, rate: int | None) -> FakeEngine:
        """Open a fake engine with the given (or default) voice and rate."""
        return FakeEngine(self.log, voice or "fake-voice", rate or 200)


def _syntheses(log: Path) -> list[str]:
    """The texts synthesized so far, in log order (empty before any)."""
    if not log.exists():
        return []
    return [line.split("\t", 1)[1] for line in log.read_text(encoding="utf-8").splitlines()]


def _narrate(texts: list[str], cache: AudioCache, log: Path, jobs: int = 1) -> narration.Narration:
    """Run narration with the fake engine, collecting progress calls."""
    calls: list[int] = []
    result = narration.narrate(
        texts,
        voice=None,
        rate=None,
        cache=cache,
        jobs=jobs,
        on_done=calls.append,
        engine_factory=FakeFactory(str(log)),
    )
    assert sum(calls) == len(texts)
    return result


def test_warm_run_synthesizes_nothing_and_an_edit_synthesizes_one(tmp_path: Path) -> None:
    """Unchanged texts come from the cache; an edited text alone is synthesized again."""
    cache, log = AudioCache(tmp_path / "cache"), tmp_path / "log"
    texts = [f"Sentence {i}." for i in range(10)]
    first = _narrate(texts, cache, log)
    assert first.stats.synthesized == 10 and first.stats.reused == 0
    assert _narrate(texts, cache, log).stats.synthesized == 0
    assert len(_syntheses(log)) == 10
    texts[4] = "Sentence four, edited."
    again = _narrate(texts, cache, log)
    assert (again.stats.synthesized, again.stats.reused) == (1, 9)
    assert _syntheses(log)[-1] == "Sentence four, edited."
    assert again.keys[:4] == first.keys[:4] and again.keys[4] != first.keys[4]


def test_duplicates_are_synthesized_once_and_keys_follow_input(tmp_path: Path) -> None:
    """Repeated texts share one key and one synthesis; keys come back in input order."""
    cache, log = AudioCache(tmp_path / "cache"), tmp_path / "log"
    texts = ["A.", "Bee.", "A.", "A.", "Bee."]
    result = _narrate(texts, cache, log)
    assert (result.stats.texts, result.stats.unique, result.stats.synthesized) == (5, 2, 2)
    assert result.keys[0] == result.keys[2] == result.keys[3] != result.keys[1]
    assert sorted(_syntheses(log)) == ["A.", "Bee."]
    assert narration.read_pcm(cache, result.keys[1]) == (4).to_bytes(2, "little") * 4
    assert narration.sample_count(cache, result.keys[1]) == 4
    assert narration.duration_of(cache, result.keys[1]) == 4 / 8000
    assert result.sample_rate == 8000


def test_parallel_run_uses_workers_and_synthesizes_each_text_once(tmp_path: Path) -> None:
    """With jobs=2 spawned workers do the work; every unique text is synthesized exactly once."""
    cache, log = AudioCache(tmp_path / "cache"), tmp_path / "log"
    texts = [f"Parallel sentence {i % 60}." for i in range(80)]
    result = _narrate(texts, cache, log, jobs=2)
    assert result.stats.synthesized == 60
    lines = log.read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("\t")[1] for line in lines) == sorted(set(texts))
    assert str(os.getpid()) not in {line.split("\t")[0] for line in lines}
    assert all(key in cache for key in result.keys)
    assert _narrate(texts, cache, log, jobs=2).stats.synthesized == 0


@pytest.mark.parametrize("jobs", [1, 2])
def test_engine_failure_is_a_narration_error_and_finished_work_is_kept(
    tmp_path: Path, jobs: int
) -> None:
    """A failing sentence stops the run with NarrationError; sentences done before it stay."""
    cache, log = AudioCache(tmp_path / "cache"), tmp_path / "log"
    texts = [f"Good sentence {i}." for i in range(40)]
    with pytest.raises(NarrationError, match="engine exploded"):
        _narrate([*texts, "BOOM goes the engine."], cache, log, jobs=jobs)
    done_before = len(_syntheses(log))
    assert done_before >= 1
    rerun = _narrate(texts, cache, log, jobs=jobs)
    assert rerun.stats.synthesized == 40 - done_before
    assert rerun.stats.reused == done_before


def test_missing_audio_is_a_narration_error(tmp_path: Path) -> None:
    """Asking for audio the cache does not hold is a NarrationError."""
    cache = AudioCache(tmp_path)
    key = cache.key("x", "v", 200, "e", "1")
    with pytest.raises(NarrationError, match="missing"):
        narration.read_pcm(cache, key)
    with pytest.raises(NarrationError, match="missing"):
        narration.sample_count(cache, key)


def test_narrate_returns_keys_and_jobs_must_be_positive(tmp_path: Path) -> None:
    """narrate() gives each text's cache key; jobs < 1 is a programming error."""
    cache, log = AudioCache(tmp_path / "cache"), tmp_path / "log"
    factory = FakeFactory(str(log))
    keys = narration.narrate(
        ["One.", "Two."], voice="v", rate=150, cache=cache, jobs=1, engine_factory=factory
    ).keys
    assert keys == [cache.key(t, "v", 150, "fake", "1") for t in ["One.", "Two."]]
    with pytest.raises(ValueError):
        narration.narrate(
            ["One."], voice=None, rate=None, cache=cache, jobs=0, engine_factory=factory
        )


@pytest.mark.slow
def test_real_engine_in_parallel_workers(tmp_path: Path) -> None:
    """Real eSpeak NG in two spawned workers fills the cache with 22.05 kHz sentence audio."""
    cache = AudioCache(tmp_path / "cache")
    texts = [f"Sentence number {i} is read aloud by a worker process." for i in range(24)]
    result = narration.narrate(texts, voice="en-us", rate=220, cache=cache, jobs=2)
    assert (result.stats.synthesized, result.sample_rate) == (24, 22050)
    assert all(1.0 < narration.duration_of(cache, key) < 8.0 for key in result.keys)
    warm = narration.narrate(texts, voice="gmw/en-us", rate=220, cache=cache, jobs=2)
    assert warm.stats.synthesized == 0 and warm.keys == result.keys
