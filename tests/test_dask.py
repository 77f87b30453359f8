"""The Dask executor, on a real LocalCluster of worker processes with the real engine."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from exporter.cli import main
from exporter.run import executors
from exporter.write.site.templates import STATIC_FILES

distributed = pytest.importorskip("distributed")

pytestmark = pytest.mark.slow

WORDS = ["river", "stone", "window", "garden", "letter", "morning", "autumn", "candle"]


def _site(folder: Path, posts: int, sentences: int) -> Path:
    """Write `posts` small posts of `sentences` distinct sentences each."""
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(posts):
        lines = [
            f"The {WORDS[(number + i) % len(WORDS)]} number {i} of post {number} is here."
            for i in range(sentences)
        ]
        (folder / f"post-{number}.md").write_text(
            f"---\npost_title: Post {number}\nauthor: Ann\npost_date: 2021-03-04 05:06:07\n"
            f"permalink: https://example.org/post-{number}/\n---\n"
            f"<h2>Part</h2>\n<p>{' '.join(lines)}</p>\n",
            encoding="utf-8",
        )
    return folder


def _outputs(out: Path) -> dict[str, bytes]:
    """Every output file's bytes, by name (not the report or build state)."""
    return {
        p.name: p.read_bytes()
        for p in out.iterdir()
        if p.is_file() and p.name not in ("report.json", ".exporter-state.json")
    }


def _report(out: Path) -> dict[str, Any]:
    """The run's report.json."""
    data: dict[str, Any] = json.loads((out / "report.json").read_text())
    return data


@pytest.fixture
def cluster() -> Iterator[Any]:
    """A LocalCluster of two worker processes (one thread each), closed after the test."""
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as local:
        yield local


def test_dask_build_is_identical_to_a_local_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--executor dask` (its own LocalCluster): the workers synthesize (this process does not),
    a long post in parts; EPUBs come out as a local build writes them, and every file as a
    local build writes it from the same cached sentences."""
    monkeypatch.setattr(executors, "PART_SENTENCES", 8)  # each post's 12 utterances: 2 parts
    src = _site(tmp_path / "src", posts=3, sentences=10)
    local, dask, cache = tmp_path / "local", tmp_path / "dask", tmp_path / "cache"
    args = ["build", "--engine=espeak", str(src), "--jobs"]
    assert main([*args, "1", "-o", str(local), "--cache", str(tmp_path / "c1")]) == 0
    assert main([*args, "2", "-o", str(dask), "--cache", str(cache), "--executor", "dask"]) == 0
    posts = _report(dask)["posts"]
    assert [p["sentences_synthesized"] for p in posts] == [0, 0, 0]
    assert [p["sentences_reused"] for p in posts] == [12, 12, 12]
    built = _outputs(dask)
    # EPUB, cover, m4b, mp3, VTT, read-along EPUB, page and chapters of each post; the site's
    # index and feed and its static files
    assert len(built) == 3 * 8 + 2 + len(STATIC_FILES)
    epubs = {name for name in built if name.endswith(".epub") and "read-along" not in name}
    assert {name: built[name] for name in epubs} == {n: _outputs(local)[n] for n in epubs}
    again = tmp_path / "again"
    assert main([*args, "1", "-o", str(again), "--cache", str(cache)]) == 0
    assert _outputs(again) == built


def test_killed_worker_loses_nothing(tmp_path: Path, cluster: Any) -> None:
    """A worker killed mid-part: the scheduler reruns its part elsewhere and the build ends well;
    a rerun with --force synthesizes nothing anywhere."""
    src = _site(tmp_path / "src", posts=4, sentences=60)
    out, cache = tmp_path / "out", tmp_path / "cache"
    command = [sys.executable, "-m", "exporter", "build", "--engine=espeak",
        str(src), "-o", str(out),
               "--cache", str(cache), "--executor", "dask", "--scheduler",
               cluster.scheduler_address, "--audio-format", "none", "--no-read-along"]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    with distributed.Client(cluster) as client:
        pids = client.run(os.getpid)
        victim = None
        deadline = time.monotonic() + 60
        while victim is None and time.monotonic() < deadline and process.poll() is None:
            busy = client.processing()
            victim = next((w for w, keys in busy.items() if keys and pids.get(w)), None)
            time.sleep(0.05)
        assert victim is not None, "no part was ever running on a worker"
        while sum(1 for _ in cache.rglob("*.wav")) < 3 and time.monotonic() < deadline:
            time.sleep(0.01)  # until the victim is mid-part
        os.kill(pids[victim], signal.SIGKILL)
        stdout, stderr = process.communicate(timeout=240)
        assert process.returncode == 0, stdout + stderr
        assert pids[victim] not in client.run(os.getpid).values()
    report = _report(out)
    assert report["built"] == 4
    assert sum(p["sentences_synthesized"] for p in report["posts"]) == 0
    assert main([*command[3:], "--force"]) == 0
    again = _report(out)["posts"]
    assert [p["sentences_reused"] for p in again] == [62, 62, 62, 62]


def test_unreachable_scheduler_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A scheduler nobody listens on: exit 2 with one line, not a traceback."""
    post = _site(tmp_path / "src", posts=1, sentences=1)
    code = main(["build", "--engine=espeak",
        str(post), "-o", str(tmp_path / "out"), "--executor", "dask",
                 "--scheduler", "tcp://127.0.0.1:9", "--cache", str(tmp_path / "c")])  # fmt: skip
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_url_cache_is_shared_through_fsspec(
    tmp_path: Path, cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--cache file://…` (a real fsspec store): workers push whole entries to it, the client
    pulls them into its own local cache; a rerun synthesizes and pushes nothing."""
    src = _site(tmp_path / "src", posts=2, sentences=4)
    store, client_xdg = tmp_path / "store", tmp_path / "client-xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(client_xdg))  # not the workers' local cache
    args = ["build", "--engine=espeak",
        str(src), "-o", str(tmp_path / "out"), "--cache", f"file://{store}",
            "--executor", "dask", "--scheduler", cluster.scheduler_address,
            "--audio-format", "none", "--no-read-along"]  # fmt: skip
    assert main(args) == 0
    entries = sorted(store.rglob("*.wav"))
    assert len(entries) == 11  # 2 x 6 utterances, one heading ("Part") shared
    assert not list(store.rglob("*.part"))
    pulled = {p.name for p in client_xdg.rglob("*.wav")}  # and the client's leveled copies
    assert {p.name for p in entries} <= pulled
    assert [p["sentences_synthesized"] for p in _report(tmp_path / "out")["posts"]] == [0, 0]
    stamps = {p: p.stat().st_mtime_ns for p in entries}
    assert main([*args, "--force"]) == 0
    assert {p: p.stat().st_mtime_ns for p in store.rglob("*.wav")} == stamps


def test_url_cache_needs_the_dask_executor(tmp_path: Path) -> None:
    """A URL cache with the local executor is a usage error (exit 2), not a folder named s3:."""
    post = _site(tmp_path / "src", posts=1, sentences=1)
    assert main(["build", "--engine=espeak",
        str(post), "-o", str(tmp_path / "o"), "--cache", "s3://b/p"]) == 2
