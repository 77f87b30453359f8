#!/usr/bin/env python3
"""Benchmark a whole synthetic site with audio: --jobs 1, --jobs 2, and a 2-worker Dask cluster.

    .venv/bin/python benchmarks/cluster.py [--posts 100] [--words 150] [--engine NAME]
                                           [--scheduler tcp://HOST:PORT]

Generates N posts of about W words each (the sentence generator of folders.py), then builds the
whole site cold (empty cache, empty output folder), each in a fresh child process:
  --jobs 1            one process
  --jobs 2            two local worker processes, whole posts each
  dask, 2 workers     --executor dask --jobs 2: a LocalCluster of two worker processes (or the
                      cluster at --scheduler) synthesizes, this process encodes and writes
and prints seconds, CPU seconds, speed-up over --jobs 1, x real time and peak memory. CPU is
the child's own and its reaped children's: worker processes come from the fork server (or
are a LocalCluster's), not children of the child, so for --jobs 2 and dask it covers the
main process only; peak memory is the whole process tree's, sampled. Also checks that the
dask build's EPUBs are byte-identical to the --jobs 1 build's. Writes only under a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from folders import child, paragraph
from narration import engine_available


def generate(folder: Path, posts: int, words: int, seed: int = 11) -> None:
    """Write `posts` posts of about `words` words each, with a heading every few paragraphs."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for number in range(posts):
        body: list[str] = []
        count = 0
        while count < words:
            if len(body) % 4 == 0:
                body.append(f"<h2>Part {len(body) // 4 + 1}</h2>")
            text = paragraph(rng)
            count += len(text.split())
            body.append(f"<p>{text}</p>")
        (folder / f"post-{number:04d}.md").write_text(
            f"---\npost_title: Synthetic post {number}\nauthor: Bench\n"
            f"post_date: 2022-01-{1 + number % 28:02d} 10:00:00\n"
            f"permalink: https://example.org/p{number}/\n---\n" + "\n".join(body) + "\n",
            encoding="utf-8",
        )


def main() -> None:
    """Generate the site, run the three builds, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100)
    parser.add_argument("--words", type=int, default=150)
    parser.add_argument("--engine", default="espeak", help="speech engine (espeak, piper)")
    parser.add_argument("--scheduler", help="an existing Dask scheduler instead of a LocalCluster")
    args = parser.parse_args()
    if not engine_available(args.engine):
        raise SystemExit(f"this exporter has no --engine {args.engine}: rows pending")
    engine = ["--engine", args.engine]  # always named: the default engine is Piper's
    cluster = ["--executor", "dask"] + (["--scheduler", args.scheduler] if args.scheduler else [])
    work = Path(tempfile.mkdtemp(prefix="exporter-cluster-"))
    try:
        site = work / "site"
        generate(site, args.posts, args.words)
        rows = []
        for label, jobs, extra in (
            ("--jobs 1", "1", []),
            ("--jobs 2", "2", []),
            ("dask, 2 workers", "2", cluster),
        ):
            out, cache = work / f"out-{len(rows)}", work / f"cache-{len(rows)}"
            numbers = child("build", str(site), str(out), str(cache), jobs, *engine, *extra)
            rows.append((label, numbers, out))
        report = json.loads((rows[0][2] / "report.json").read_text(encoding="utf-8"))
        audio = sum(post.get("audio_seconds") or 0.0 for post in report["posts"])
        epubs = [
            {p.name: p.read_bytes() for p in out.glob("*.epub") if ".read-along." not in p.name}
            for _, _, out in rows
        ]
        same = epubs[0] == epubs[2] and len(epubs[0]) == args.posts
    finally:
        shutil.rmtree(work, ignore_errors=True)
    one = rows[0][1]["seconds"]
    print(f"{args.posts} posts of ~{args.words} words, {audio:.0f} s of audio; engine "
          f"{args.engine}; cold builds")  # fmt: skip
    print(f"{'build':<18} {'seconds':>8} {'CPU s':>7} {'speed-up':>9} {'x real time':>12} "
          f"{'peak MiB':>9}")  # fmt: skip
    for label, numbers, _ in rows:
        print(
            f"{label:<18} {numbers['seconds']:>8.2f} {numbers.get('cpu', 0.0):>7.1f} "
            f"{one / numbers['seconds']:>8.2f}x {audio / numbers['seconds']:>11.0f}x "
            f"{numbers['peak_mib']:>9.1f}"
        )
    print(f"dask EPUBs byte-identical to --jobs 1: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
