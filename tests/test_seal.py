"""The seal around the post, end to end: dead workers, renamed posts, runs sharing one cache.

Real runs of the `exporter` console script. A worker that dies costs only the post it was
building (the posts queued behind it are built again, once, in a fresh worker); files a post
wrote under a name it no longer has are removed by the next run, files the run never wrote are
kept; several runs narrating overlapping sentences into one cache at once (real eSpeak NG, two
workers each) all succeed, and each book is exactly the book a lone run makes from that cache.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

EXPORTER = Path(sys.executable).parent / "exporter"

# Fault injection for the dead-worker test: loaded at start-up by every interpreter of the run
# (the fork server too, so its workers inherit it). A post named `killer` kills its worker with
# SIGKILL every time; a post named `once` kills it the first time only.
_SITECUSTOMIZE = """
import os, signal
from pathlib import Path
import exporter.run.post as _post
_real = _post.build_in_worker
def _dying(source):
    name = Path(source.path).stem
    once = Path(os.environ["EXPORTER_TEST_ONCE"])
    if name == "killer" or (name == "once" and not once.exists()):
        once.touch()
        os.kill(os.getpid(), signal.SIGKILL)
    return _real(source)
_post.build_in_worker = _dying
"""


@pytest.fixture
def env(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A child environment with a short temporary folder (see tests/test_faults.py) and a
    private cache."""
    return {
        **os.environ,
        "TMPDIR": str(tmp_path_factory.mktemp("t")),
        "XDG_CACHE_HOME": str(tmp_path / "xdg"),
    }


def _write(folder: Path, name: str, title: str, body: str, permalink: str = "") -> None:
    """Write one post file."""
    folder.mkdir(parents=True, exist_ok=True)
    link = f"permalink: {permalink}\n" if permalink else ""
    (folder / f"{name}.md").write_text(
        f"---\npost_title: {title}\npost_date: 2015-02-03 04:05:06\n{link}---\n{body}\n"
    )


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the exporter console script, capturing what it prints."""
    return subprocess.run([str(EXPORTER), *args], env=env, capture_output=True, text=True)


def _rows(out: Path) -> dict[str, dict[str, Any]]:
    """report.json's rows by the post file's stem."""
    report = json.loads((out / "report.json").read_text())
    return {Path(row["post"]).stem: row for row in report["posts"]}


@pytest.mark.parametrize("executor", ["local", "dask"])
def test_a_dead_worker_fails_only_the_post_it_was_building(
    executor: str, tmp_path: Path, env: dict[str, str]
) -> None:
    """`killer` kills its worker each time, `once` the first time: only `killer` fails (also
    in the local pool that builds posts for a Dask cluster)."""
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(_SITECUSTOMIZE)
    env = {**env, "PYTHONPATH": str(hooks), "EXPORTER_TEST_ONCE": str(tmp_path / "once-died")}
    posts = tmp_path / "posts"
    for name in ["a", "b", "killer", "c", "once", "d"]:
        _write(posts, name, f"Post {name}", f"<p>The text of post {name} is short.</p>")
    out = tmp_path / "out"
    args = ["build", str(posts), "-o", str(out), "--no-audio", "--jobs", "2"]
    run = _run([*args, "--executor", executor], env)
    assert (tmp_path / "once-died").exists(), "the fault was never injected"
    assert run.returncode == 1, run.stdout + run.stderr
    rows = _rows(out)
    assert {name: row["status"] for name, row in rows.items()} == {
        "a": "built", "b": "built", "c": "built", "d": "built", "once": "built", "killer": "failed",
    }  # fmt: skip
    assert "its worker process died" in str(rows["killer"]["reason"])
    output = run.stdout + run.stderr
    assert "Traceback" not in output, output[output.index("Traceback") - 200 :]  # shown whole
    assert not list(Path(env["TMPDIR"]).glob("exporter-*"))


def test_files_under_a_post_s_old_name_are_removed_and_others_kept(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Permalink changed, post deleted: their old files go; a failed post keeps its files;
    a file the run never wrote stays."""
    posts, out = tmp_path / "posts", tmp_path / "out"
    _write(posts, "moving", "Moving", "<p>It moves.</p>", "https://e.org/first-name/")
    _write(posts, "going", "Going", "<p>It goes.</p>", "https://e.org/going-away/")
    _write(posts, "breaking", "Breaking", "<p>It breaks.</p>", "https://e.org/breaking/")
    args = ["build", str(posts), "-o", str(out), "--no-audio"]
    assert _run(args, env).returncode == 0
    first = {name: row["outputs"] for name, row in _rows(out).items()}
    assert "first-name.epub" in first["moving"] and "going-away.epub" in first["going"]
    (out / "my-notes.txt").write_text("mine")
    _write(posts, "moving", "Moving", "<p>It moves.</p>", "https://e.org/second-name/")
    (posts / "going.md").unlink()
    (posts / "breaking.md").write_bytes(b"---\npost_title: [unclosed\n---\n<p>x</p>\n")
    again = _run(args, env)
    assert again.returncode == 1, again.stdout + again.stderr
    assert not (out / "first-name.epub").exists() and (out / "second-name.epub").is_file()
    assert not (out / "going-away.epub").exists()
    assert all((out / name).is_file() for name in first["breaking"]), "a failed post lost files"
    assert (out / "my-notes.txt").read_text() == "mine"
    assert "first-name.epub" in again.stdout and "removed" in again.stdout
    settled = _run(args, env)  # the files stay removed, the notes stay kept
    assert "removed" not in settled.stdout and (out / "my-notes.txt").exists()


_POOL = [
    f"Sentence {n} is one the {kind} posts share." for n in range(14) for kind in ("red", "blue")
]


def _overlapping(folder: Path, offset: int) -> None:
    """Two posts whose sentences overlap those of the other folders' posts, in another order."""
    for post in range(2):
        picked = [_POOL[(offset * 5 + post * 7 + n * 3) % len(_POOL)] for n in range(12)]
        _write(
            folder,
            f"p{offset}-{post}",
            f"Folder {offset} post {post}",
            f"<p>{' '.join(picked)}</p>",
        )


def test_runs_sharing_one_cache_all_succeed_and_agree_with_a_lone_run(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """Three runs (two workers each) narrate overlapping sentences into one cache at once: all
    succeed, and each book is byte for byte what a lone run makes from that cache."""
    cache = tmp_path / "cache"
    folders = [tmp_path / f"posts{n}" for n in range(3)]
    for offset, folder in enumerate(folders):
        _overlapping(folder, offset)
    common = ["--jobs", "2", "--audio-format", "mp3", "--cache", str(cache)]
    runs = [
        subprocess.Popen(
            [str(EXPORTER), "build", "--engine=espeak",
                str(folder), "-o", str(tmp_path / f"out{n}"), *common],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for n, folder in enumerate(folders)
    ]
    printed = [run.communicate(timeout=400)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], printed
    for n, folder in enumerate(folders):
        alone = tmp_path / f"alone{n}"
        again = _run(["build", "--engine=espeak",
            str(folder), "-o", str(alone), "--jobs", "1", *common], env)
        assert again.returncode == 0, again.stdout + again.stderr
        assert {row["sentences_synthesized"] for row in _rows(alone).values()} == {0}
        for name in sorted(
            p.name for p in alone.iterdir() if p.suffix in {".epub", ".vtt", ".mp3"}
        ):
            assert (alone / name).read_bytes() == (tmp_path / f"out{n}" / name).read_bytes(), name
