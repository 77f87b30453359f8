"""Faults around a build: killed runs, concurrent runs, a damaged cache. Real engine, real runs.

`kill -9` (or SIGTERM) in the middle of a narrated `--jobs 2` build must leave no process and
no temporary folder behind, and the next run must leave OUT exactly as a clean run does; two
runs into one OUT must lose nothing; a damaged sentence in the audio cache is dropped and
synthesized again, never shipped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter import log
from exporter.narrate.cache import AudioCache

from .measure import descendants

EXPORTER = Path(sys.executable).parent / "exporter"


def _sentences(post: int, count: int) -> str:
    """Sentences of their own (posts sharing sentences would share cache entries)."""
    return " ".join(f"Sentence {n} of post {post} is here." for n in range(count))


def _posts(folder: Path, count: int = 2, sentences: int = 40) -> Path:
    """A folder of `count` posts of `sentences` sentences each (forty: long enough for a
    narrated build to be killed while its workers speak)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        (folder / f"post-{n}.md").write_text(
            f"---\npost_title: Post {n}\npost_date: 2012-01-0{n + 1} 00:00:00\n---\n"
            f"<p>{_sentences(n, sentences)}</p>\n<p>The end of post {n}.</p>\n"
        )
    return folder


@pytest.fixture
def env(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A child environment whose temporary folder and cache are under pytest's tmp. The
    temporary folder's path is short: multiprocessing's socket goes in it and must stay under
    AF_UNIX's 108 bytes, which a pytest-xdist worker's tmp_path leaves no room for."""
    temp = tmp_path_factory.mktemp("t")
    return {**os.environ, "TMPDIR": str(temp), "XDG_CACHE_HOME": str(tmp_path / "xdg")}


def _alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _contents(out: Path) -> dict[str, bytes]:
    """The files of an output folder (report.json aside: it holds this run's counts)."""
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != "report.json"}


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_killed_run_leaves_nothing_and_rerun_equals_clean_run(
    how: signal.Signals, tmp_path: Path, env: dict[str, str]
) -> None:
    """Kill a narrated --jobs 2 build once its workers run; nothing stays; a rerun is clean."""
    posts, out, clean = _posts(tmp_path / "posts"), tmp_path / "out", tmp_path / "clean"
    args = [str(EXPORTER), "build", "--engine=espeak",
        str(posts), "--jobs", "2", "--audio-format", "mp3"]
    child = subprocess.Popen([*args, "-o", str(out)], env=env, stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    tree: set[int] = set()
    while time.monotonic() < deadline and len(tree) < 3:  # fork server and two workers
        time.sleep(0.2)
        tree |= descendants(child.pid)
    assert len(tree) >= 3, "the build never started its workers"
    time.sleep(1.0)
    tree |= descendants(child.pid)
    child.send_signal(how)
    child.wait(60)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in tree):
        time.sleep(0.2)
    assert not [p for p in tree if _alive(p)], "processes outlived the killed run"
    for folder in (out, clean):
        rerun = subprocess.run([*args, "-o", str(folder)], env=env, capture_output=True, text=True)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert _contents(out).keys() == _contents(clean).keys()
    for name in _contents(out):
        if name.endswith((".epub", ".vtt")):
            assert _contents(out)[name] == _contents(clean)[name], name
    assert not list(Path(env["TMPDIR"]).glob("exporter-*")), "temporary folders were left"


def test_two_concurrent_runs_into_one_out_lose_nothing(tmp_path: Path, env: dict[str, str]) -> None:
    """Two runs of different folders into one OUT at once: both posts' state survives."""
    out = tmp_path / "out"
    first, second = _posts(tmp_path / "a", 1), tmp_path / "b"
    second.mkdir()
    (second / "other.md").write_text("---\npost_title: Other\n---\n<p>Another post.</p>\n")
    runs = [
        subprocess.Popen(
            [str(EXPORTER), "build", str(folder), "--no-audio", "-o", str(out)],
            env=env,
            stdout=subprocess.PIPE,
            text=True,
        )
        for folder in (first, second)
    ]
    assert [run.wait(300) for run in runs] == [0, 0]
    state = json.loads((out / ".exporter-state.json").read_text())
    assert len(state) == 2
    again = subprocess.run(
        [str(EXPORTER), "build", str(first), str(second), "--no-audio", "-o", str(out)],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Summary: 0 built, 2 unchanged, 0 failed" in again.stdout


def _damage(entry: Path, how: str) -> None:
    """Damage one cache entry: flip samples, zero them, cut the file, or claim two channels."""
    raw = bytearray(entry.read_bytes())
    if how == "flipped":
        raw[60:80] = bytes(b ^ 0xFF for b in raw[60:80])
    elif how == "zeroed":
        raw[44:-40] = bytes(len(raw) - 84)
    elif how == "truncated":
        del raw[len(raw) // 2 :]
    else:
        raw[22] = 2
    entry.write_bytes(bytes(raw))


@pytest.mark.parametrize("how", ["flipped", "zeroed", "truncated", "two-channel"])
def test_damaged_cache_entry_is_dropped(how: str, tmp_path: Path) -> None:
    """A damaged entry is found, deleted and reported once; a good one is kept."""
    cache = AudioCache(tmp_path / "cache")
    good, bad = (cache.key(t, "v", 200, "e", "1") for t in ("good", "bad"))
    cache.put(good, b"\x01\x02" * 500)
    cache.put(bad, b"\x03\x04" * 500)
    _damage(cache.path(bad), how)
    with log.collecting() as messages:
        assert cache.verify(good) and not cache.verify(bad)
    assert cache.get(bad) is None and not cache.path(bad).exists()
    assert [m.kind for m in messages] == ["cache-damaged"]


def test_damaged_cache_is_synthesized_again_not_shipped(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Build, damage every cached sentence, rebuild: one warning, every sentence made again
    (eSpeak's lengths vary by a sample or so between runs, so the audio is not compared)."""
    posts = _posts(tmp_path / "posts", 1, sentences=10)
    args = [str(EXPORTER), "build", "--engine=espeak",
        str(posts), "--audio-format", "mp3", "--no-read-along"]
    subprocess.run([*args, "-o", str(tmp_path / "one")], env=env, check=True, capture_output=True)
    first = json.loads((tmp_path / "one" / "report.json").read_text())["posts"][0]
    entries = list((tmp_path / "xdg").rglob("*.wav"))  # sentences, and their leveled copies
    assert entries
    for n, entry in enumerate(entries):
        _damage(entry, ["flipped", "zeroed", "truncated", "two-channel"][n % 4])
    again = subprocess.run(
        [*args, "-o", str(tmp_path / "two")], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("damaged entries in the audio cache") == 1
    report = json.loads((tmp_path / "two" / "report.json").read_text())
    # every sentence was damaged, so every one is made again: none was shipped
    assert report["posts"][0]["sentences_synthesized"] == first["sentences_synthesized"]
    third = subprocess.run(
        [*args, "-o", str(tmp_path / "three")], env=env, capture_output=True, text=True
    )
    assert third.returncode == 0, third.stdout + third.stderr
    assert "damaged entries" not in third.stdout  # what the build reads is whole again
    assert (
        json.loads((tmp_path / "three" / "report.json").read_text())["posts"][0][
            "sentences_synthesized"
        ]
        == 0
    )


def _mount_small(folder: Path) -> bool:
    """Mount a 200 KiB tmpfs on `folder` (root only); False when this system does not allow it."""
    folder.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)], capture_output=True
        )
    except OSError:
        return False
    return done.returncode == 0


def test_full_disk_then_read_only_out(tmp_path: Path, env: dict[str, str]) -> None:
    """A full disk fails the posts in one line each and keeps the earlier books; a read-only
    OUT is a usage error (exit 2) before anything is tried."""
    small = tmp_path / "small"
    if not _mount_small(small):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        posts, out = _posts(tmp_path / "posts", 1), small / "out"
        args = [str(EXPORTER), "build", str(posts), "--no-audio", "-o", str(out), "--force"]
        subprocess.run(args, env=env, check=True, capture_output=True)
        before = _contents(out)
        fill = os.open(small / "fill", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fill, b"\0" * 4096):
                pass
        except OSError:  # the disk is full
            pass
        finally:
            os.close(fill)
        full = subprocess.run(args, env=env, capture_output=True, text=True)
        assert full.returncode == 1 and "Traceback" not in full.stdout + full.stderr
        assert "No space left on device" in full.stdout
        assert _contents(out) == before and not list(out.glob(".*.part"))
        (small / "fill").unlink()
        subprocess.run(["mount", "-o", "remount,ro", str(small)], check=True)
        read_only = subprocess.run(args, env=env, capture_output=True, text=True)
        assert read_only.returncode == 2, read_only.stdout + read_only.stderr
        assert read_only.stderr.count("\n") == 1 and "read-only" in read_only.stderr
    finally:
        subprocess.run(["umount", str(small)], capture_output=True)


def test_unexpected_error_is_one_line_and_traceback_only_with_debug() -> None:
    """A bug inside a post's build fails that post in one line; --debug keeps the traceback."""
    from exporter.run.sandbox import failure

    try:
        raise KeyError("x" * 5000 + "\nsecond line")
    except KeyError as exc:
        quiet, loud = failure(Path("p.md"), exc, False), failure(Path("p.md"), exc, True)
    assert quiet.status == "failed" and "\n" not in quiet.line() and len(quiet.line()) < 500
    assert "--debug" in quiet.reason and not quiet.trace
    assert "Traceback" in loud.trace and "raise KeyError" in loud.trace
