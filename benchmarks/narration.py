#!/usr/bin/env python3
"""Benchmark the seed's narration against a plain eSpeak NG + encode baseline, as ratios.

    .venv/bin/python benchmarks/narration.py [--post FILE] [--rounds N] [--engine NAME]

Every measurement runs in a fresh child process (time and peak memory are its own):
  baseline   the same spoken text through eSpeak NG's own synthesis in one call into one
             WAV, then a plain encode to the same formats with the same encoder settings
  cold       `exporter build` with an empty cache and output folder (--jobs 1, then --jobs 2)
  fresh OUT  the same post into a new output folder with the warm cache (CI, a clean checkout)
  no-op      the same build again: nothing changed
  edit       one sentence of the post changed, then built again (same cache and folder)
  long       the post's body four times over, cold, for peak memory against book length
Writes only under a temporary folder.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "cases" / "seed-memantine.md"
CHILD = Path(__file__).resolve().parent / "_child.py"
# as installed copies run: Python keeps compiled modules (a sandbox's PYTHONDONTWRITEBYTECODE
# would make every step compile exporter again, ~0.25 s, a tenth of a rebuild)
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def child(*args: str) -> dict[str, float]:
    """Run one measured step in a fresh process; return its seconds and peak memory (MiB)."""
    done = subprocess.run(
        [sys.executable, str(CHILD), *args], capture_output=True, text=True, check=False, env=ENV
    )
    if done.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


ENGINE: list[str] = []  # `--engine NAME` for every build


def build(post: Path, out: Path, cache: Path, jobs: int) -> dict[str, float]:
    """Time one `exporter build` of a post."""
    return child("build", str(post), str(out), str(cache), str(jobs), *ENGINE)


def engine_available(name: str) -> bool:
    """Tell whether this exporter has `--engine` and the named engine (e.g. piper) installed."""
    from exporter.cli import build_parser

    try:
        with contextlib.redirect_stderr(io.StringIO()):
            build_parser().parse_args(["build", "--engine", name])
    except SystemExit:
        return False
    return True


def edit_one_sentence(post: Path) -> None:
    """Change the words of one sentence in the post (the patent chapter's last one)."""
    text = post.read_text(encoding="utf-8")
    old = "It cost about a billion dollars"
    if old not in text:
        raise SystemExit(f"{post} lacks the sentence this benchmark edits")
    post.write_text(text.replace(old, "It cost roughly a billion dollars", 1), encoding="utf-8")


def quadruple(post: Path, target: Path) -> None:
    """Write a post whose body is the original body four times over, each copy's sentences
    changed a little (so none of them is already in the cache)."""
    text = post.read_text(encoding="utf-8")
    head, _, body = text.partition("\n---\n")
    copies = [body] + [body.replace(". ", f", take {n}. ") for n in ("two", "three", "four")]
    target.write_text(head + "\n---\n" + "".join(copies), encoding="utf-8")


def median_of(rounds: int, step: callable) -> dict[str, float]:  # type: ignore[valid-type]
    """Run a step several times; keep the median times and the largest peak memory."""
    return summary([step() for _ in range(rounds)])


def summary(runs: list[dict[str, float]]) -> dict[str, float]:
    """Median wall and CPU seconds (CPU: main process and reaped children) and the top peak."""
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "cpu": statistics.median(r.get("cpu", 0.0) for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
    }


def main() -> None:
    """Run every measurement and print the table of times and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--post", type=Path, default=SEED)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--engine", default="espeak", help="speech engine (espeak, piper)")
    args = parser.parse_args()
    if not engine_available(args.engine):
        raise SystemExit(f"this exporter has no --engine {args.engine}: rows pending")
    ENGINE.extend(["--engine", args.engine])  # always named: the default engine is Piper's
    work = Path(tempfile.mkdtemp(prefix="exporter-bench-"))
    try:
        post = work / "post.md"
        shutil.copyfile(args.post, post)

        def fresh(jobs: int, source: Path = post) -> dict[str, float]:
            out, cache = Path(tempfile.mkdtemp(dir=work)), Path(tempfile.mkdtemp(dir=work))
            return build(source, out, cache, jobs)

        baseline = median_of(args.rounds, lambda: child("baseline", str(post), str(work)))
        cold1 = median_of(args.rounds, lambda: fresh(1))
        cold2 = median_of(args.rounds, lambda: fresh(2))
        out, cache = work / "out", work / "cache"
        build(post, out, cache, 1)
        warm = median_of(args.rounds, lambda: build(post, out, cache, 1))
        fresh_out = median_of(
            args.rounds, lambda: build(post, Path(tempfile.mkdtemp(dir=work)), cache, 1)
        )
        edits = []
        for _ in range(args.rounds):
            shutil.copyfile(args.post, post)
            build(post, out, cache, 1)
            edit_one_sentence(post)
            edits.append(build(post, out, cache, 1))
        edit = summary(edits)
        shutil.copyfile(args.post, post)
        long_post = work / "long.md"
        quadruple(post, long_post)
        long = fresh(1, long_post)
        audio = child("duration", str(out))
    finally:
        shutil.rmtree(work, ignore_errors=True)

    base = baseline["seconds"]
    rows = [
        ("baseline: eSpeak NG one WAV + encode", baseline, base),
        ("cold build --jobs 1", cold1, base),
        ("cold build --jobs 2", cold2, base),
        ("fresh OUT, warm cache", fresh_out, cold1["seconds"]),
        ("no-op rebuild (nothing changed)", warm, cold1["seconds"]),
        ("one sentence edited", edit, cold1["seconds"]),
        ("cold build, body x4 (new text), --jobs 1", long, cold1["seconds"]),
    ]
    print(
        f"post: {args.post.name}; engine {args.engine}; narration {audio['seconds']:.1f} s; "
        f"median of {args.rounds}"
    )
    if args.engine != "espeak":
        print("(the baseline row is eSpeak NG's; a Piper command-line baseline is not built yet)")
    print(f"{'step':<40} {'seconds':>8} {'ratio':>8}  {'vs':<9} {'peak MiB':>9} {'CPU s':>6}")
    for label, numbers, against in rows:
        versus = "baseline" if against == base else "cold -j1"
        ratio = numbers["seconds"] / against
        print(
            f"{label:<40} {numbers['seconds']:>8.2f} {ratio:>8.2f}  {versus:<9} "
            f"{numbers['peak_mib']:>9.1f} {numbers.get('cpu', 0.0):>6.1f}"
        )


if __name__ == "__main__":
    main()
