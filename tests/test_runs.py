"""Whole runs from the command line: bad posts fail alone, faults leave nothing half-made."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter import signals
from exporter.cli import main
from exporter.errors import NarrationError
from exporter.narrate.engines import espeak as tts

SHORT = (
    "---\npost_title: A Short Post\nauthor: Ann\npost_date: 2021-03-04 05:06:07\n"
    "permalink: https://example.org/a-short-post/\n---\n"
    "<h2>One</h2>\n<p>First sentence here. Second sentence here.</p>\n"
    "<h2>Two</h2>\n<p>Third sentence here.</p>\n"
)


def _post(folder: Path, name: str, text: str | bytes) -> Path:
    """Write a post file."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


SITE = ["feed.xml", "find.js", "index.html", "site.css", "site.js"]  # download page, feed, assets


def _listing(out: Path) -> list[str]:
    """The output folder's files, without the build-state file."""
    return sorted(p.name for p in out.iterdir() if p.name != ".exporter-state.json")


def _report(out: Path) -> dict[str, object]:
    """The run's report.json."""
    data: dict[str, object] = json.loads((out / "report.json").read_text())
    return data


def test_bad_posts_fail_alone_with_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Broken posts are reported in one line naming file and line; the good one is built."""
    src = tmp_path / "src"
    _post(src, "good.md", SHORT)
    bad = {
        "no-fence.md": "---\npost_title: x\n<p>Body</p>\n",
        "bad-yaml.md": "---\npost_title: x\nfoo: [1, 2\n---\n<p>Body</p>\n",
        "tag.md": "---\npost_title: !!python/object/apply:os.system ['echo']\n---\n<p>Hi</p>\n",
        "latin1.md": b"---\npost_title: x\n---\n<p>caf\xe9</p>\n",
    }
    for name, text in bad.items():
        _post(src, name, text)
    out = tmp_path / "out"
    code = main(["build", str(src), "-o", str(out), "--no-audio"])
    captured = capsys.readouterr()
    assert code == 1
    assert (out / "a-short-post.epub").is_file()
    expected = ["a-short-post.cover.jpg", "a-short-post.epub", "a-short-post.html", "report.json"]
    assert _listing(out) == sorted([*expected, *SITE])
    failed = [line for line in captured.out.splitlines() if line.startswith("failed: ")]
    assert len(failed) == len(bad)
    for name in bad:
        assert any(str(src / name) in line for line in failed), name
    assert f"{src / 'bad-yaml.md'}:4:" in captured.out
    assert f"{src / 'latin1.md'}:4: not UTF-8" in captured.out
    assert "Traceback" not in captured.out + captured.err
    report = _report(out)
    assert report["built"] == 1 and report["failed"] == len(bad)


@pytest.mark.parametrize(
    "args",
    [["--jobs", "0"], ["--audio-format", "wav"], ["--rate", "fast"], ["--bogus"]],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str]) -> None:
    """Impossible options are usage errors: exit 2, nothing built."""
    with pytest.raises(SystemExit) as caught:
        main(["build", "--engine=espeak", str(tmp_path), "-o", str(tmp_path / "out"), *args])
    assert caught.value.code == 2
    assert not (tmp_path / "out").exists()


def test_missing_engine_still_builds_the_epub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No speech engine: one clear error, the EPUB is still built, the run fails."""

    def no_engine(voice: str | None, rate: int | None) -> None:
        raise NarrationError("eSpeak NG is not installed; pip install espeakng-loader")

    monkeypatch.setattr(tts, "open_engine", no_engine)
    post = _post(tmp_path, "p.md", SHORT)
    out = tmp_path / "out"
    assert main(["build", "--engine=espeak",
        str(post), "-o", str(out), "--cache", str(tmp_path / "c")]) == 1
    text = capsys.readouterr().out
    assert text.count("eSpeak NG is not installed") >= 1
    expected = ["a-short-post.cover.jpg", "a-short-post.epub", "a-short-post.html", "report.json"]
    assert _listing(out) == sorted([*expected, *SITE])


def test_bad_voice_is_an_error_not_a_fallback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A voice that does not exist stops narration with a message; the EPUB is built."""
    post = _post(tmp_path, "p.md", SHORT)
    out = tmp_path / "out"
    args = ["build", "--engine=espeak", str(post), "-o", str(out), "--cache", str(tmp_path / "c")]
    assert main([*args, "--voice", "no-such-voice"]) == 1
    text = capsys.readouterr().out
    assert "no-such-voice" in text and "exporter voices" in text
    assert (out / "a-short-post.epub").is_file()
    assert not (out / "a-short-post.mp3").exists()


def test_cache_reuses_and_resynthesizes_only_edits(tmp_path: Path) -> None:
    """Rebuilding synthesizes nothing; editing one sentence synthesizes that sentence only."""
    post = _post(tmp_path, "p.md", SHORT)
    out, cache = tmp_path / "out", tmp_path / "cache"
    args = ["build", "--engine=espeak",
        str(post), "-o", str(out), "--cache", str(cache), "--jobs", "1"]
    assert main(args) == 0
    first = _report(out)["posts"][0]  # type: ignore[index]
    assert first["sentences_synthesized"] > 0 and first["sentences_reused"] == 0
    assert main(args) == 0
    assert _report(out)["posts"][0]["sentences_synthesized"] == 0  # type: ignore[index]
    post.write_text(SHORT.replace("Second sentence here.", "Second sentence, edited."))
    assert main(args) == 0
    third = _report(out)["posts"][0]  # type: ignore[index]
    assert third["sentences_synthesized"] == 1


def _long_post(sentences: int) -> str:
    """A post of two chapters holding `sentences` distinct sentences (none shared in the cache)."""
    half = sentences // 2
    words = ["river", "stone", "window", "garden", "letter", "morning", "autumn", "candle"]
    lines = [f"The {words[n % len(words)]} of line {n} is here." for n in range(sentences)]
    return (
        "---\npost_title: A Long Post\nauthor: Ann\npost_date: 2021-03-04 05:06:07\n---\n"
        f"<h2>One</h2>\n<p>{' '.join(lines[:half])}</p>\n"
        f"<h2>Two</h2>\n<p>{' '.join(lines[half:])}</p>\n"
    )


INTERRUPTED_SENTENCES = 40  # enough that the build is still narrating when Ctrl-C comes


def test_interrupted_build_leaves_no_partial_audio(tmp_path: Path) -> None:
    """Ctrl-C mid-narration leaves no .m4b/.mp3/.part in OUT; the next run reuses the work."""
    post = _post(tmp_path, "long.md", _long_post(INTERRUPTED_SENTENCES))
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "exporter", "build", "--engine=espeak",
        str(post), "-o", str(out)]
    command += ["--cache", str(cache), "--jobs", "1"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if cache.exists() and sum(1 for _ in cache.rglob("*.wav")) >= 5:
            break
        time.sleep(0.005)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert b"Traceback" not in err
    left = [p.name for p in out.iterdir()] if out.exists() else []
    assert not [n for n in left if n.endswith((".m4b", ".mp3", ".part", ".read-along.epub"))]
    done = sum(1 for _ in cache.rglob("*.wav"))
    assert done >= 5
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    subprocess.run(command, check=True, capture_output=True, env=env, timeout=300)
    report = _report(out)["posts"][0]  # type: ignore[index]
    assert report["sentences_reused"] >= done
    # the title, the two headings and every sentence
    assert report["sentences_synthesized"] + report["sentences_reused"] == 3 + INTERRUPTED_SENTENCES


def test_an_interrupt_lost_in_a_finalizer_still_stops_the_next_utterance(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Python prints and drops a KeyboardInterrupt raised inside a `__del__` (Ctrl-C landing in
    `Wave_read.__del__`); the interrupt is still received: the next utterance does not start."""
    monkeypatch.setattr(signals, "_received", False)
    lost: list[type[BaseException] | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: lost.append(u.exc_type))

    class Finalized:
        """An object whose finalizer is where Ctrl-C lands."""

        def __del__(self) -> None:
            signals._handler(signal.SIGINT, None)

    Finalized()
    assert lost == [KeyboardInterrupt]
    spoken: list[str] = []
    with pytest.raises(KeyboardInterrupt), signals.deferred():
        spoken.append("an utterance after Ctrl-C")
    assert spoken == []


def test_an_interrupt_during_an_utterance_waits_for_its_end(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl-C inside a deferred section lets the utterance finish, then raises."""
    monkeypatch.setattr(signals, "_received", False)
    spoken: list[str] = []
    with pytest.raises(KeyboardInterrupt), signals.deferred():
        signals._handler(signal.SIGINT, None)
        spoken.append("the rest of the utterance")
    assert spoken == ["the rest of the utterance"]


def test_unchanged_posts_are_not_rebuilt(tmp_path: Path) -> None:
    """A second run reuses unchanged outputs; --force and a changed post rebuild."""
    src = tmp_path / "src"
    first, second = _post(src, "a.md", SHORT), _post(src, "b.md", SHORT.replace("short", "b"))
    out = tmp_path / "out"
    args = ["build", str(src), "-o", str(out), "--no-audio"]
    assert main(args) == 0
    stamp = (out / "a-short-post.epub").stat().st_mtime_ns
    assert main(args) == 0
    assert _report(out)["unchanged"] == 2
    assert (out / "a-short-post.epub").stat().st_mtime_ns == stamp
    second.write_text(second.read_text() + "<p>More.</p>\n")
    assert main(args) == 0
    assert (_report(out)["built"], _report(out)["unchanged"]) == (1, 1)
    assert main([*args, "--force"]) == 0
    assert _report(out)["built"] == 2
    (out / "a-short-post.epub").unlink()
    assert main(args) == 0
    assert (_report(out)["built"], _report(out)["unchanged"]) == (1, 1)
    assert first.exists()


def test_output_is_the_same_whatever_the_jobs(tmp_path: Path) -> None:
    """Posts built by two worker processes come out byte for byte as built by one."""
    src = tmp_path / "src"
    for number in range(3):
        _post(src, f"p{number}.md", SHORT.replace("a-short-post", f"post-{number}"))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert main(["build", str(src), "-o", str(out), "--no-audio", "--jobs", jobs]) == 0
        outputs.append({p.name: p.read_bytes() for p in out.glob("*.epub")})
    assert len(outputs[0]) == 3
    assert outputs[0] == outputs[1]
