#!/usr/bin/env python3
"""Benchmark whole folders: EPUB-only time per post and peak memory for N = 10, 100, 1000.

    .venv/bin/python benchmarks/folders.py [--sizes 10 100 1000] [--pandoc-sample 40]

Generates N synthetic posts (this script's own generator: a realistic mix of sizes and of
classic-editor text, headings, lists, tables, quotes, code, shortcodes and entities), builds
them with `exporter build --no-audio --force` in a fresh child process, and prints time per
post and peak memory. Beside it, when pandoc is found (on PATH, or the binary bundled by the
`pypandoc-binary` wheel: `pip install pypandoc-binary`, for the benchmark only), pandoc's
HTML → EPUB 3 time for the same post bodies, on a sample. Also --jobs 2 against --jobs 1 on
N = 100. Writes only under a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = Path(__file__).resolve().parent / "_child.py"
WORDS = [
    "garden",
    "memory",
    "brain",
    "study",
    "results",
    "winter",
    "coffee",
    "code",
    "server",
    "python",
    "release",
    "notes",
    "patients",
    "trial",
    "dose",
    "effect",
    "summer",
    "travel",
    "family",
    "recipe",
    "bread",
    "music",
    "guitar",
    "chapter",
    "theory",
    "evidence",
    "question",
    "answer",
    "morning",
    "evening",
    "market",
    "price",
    "energy",
    "water",
    "light",
]


def sentence(rng: random.Random) -> str:
    """A sentence of 6 to 24 words, now and then with a number or an entity."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 24))]
    if rng.random() < 0.2:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 90)} mg")
    if rng.random() < 0.1:
        words.append("&#8211; really")
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", "!"])


def paragraph(rng: random.Random) -> str:
    """Two to eight sentences."""
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 8)))


def body(rng: random.Random, size: int) -> str:
    """A post body of about `size` bytes in one of the editors' styles."""
    parts: list[str] = []
    style = rng.choice(["classic", "html", "html", "gutenberg"])
    while sum(map(len, parts)) < size:
        roll = rng.random()
        if roll < 0.12:
            parts.append(f"<h2>{sentence(rng).rstrip('.?!')}</h2>")
        elif roll < 0.2:
            items = "".join(f"<li>{sentence(rng)}</li>" for _ in range(rng.randint(2, 6)))
            parts.append(f"<ul>{items}</ul>")
        elif roll < 0.25:
            rows = "".join(
                f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 99)}</td></tr>"
                for _ in range(rng.randint(2, 5))
            )
            parts.append(f"<table><tr><th>Name</th><th>Value</th></tr>{rows}</table>")
        elif roll < 0.3:
            parts.append(f"<blockquote>{paragraph(rng)}</blockquote>")
        elif roll < 0.33:
            parts.append("<pre><code>for x in range(3):\n    print(x)</code></pre>")
        elif roll < 0.36:
            image = f'<img src="https://x.example/{rng.randint(1, 9)}.jpg" alt="A photo" />'
            parts.append(f'[caption id="a" width="300"]{image} {sentence(rng)}[/caption]')
        elif style == "classic":
            parts.append(paragraph(rng))
        elif style == "gutenberg":
            parts.append(f"<!-- wp:paragraph -->\n<p>{paragraph(rng)}</p>\n<!-- /wp:paragraph -->")
        else:
            parts.append(f"<p>{paragraph(rng)}</p>")
    return "\n\n".join(parts) + "\n"


def generate(folder: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` posts under folder/_posts; sizes mostly small, a few large."""
    rng = random.Random(seed)
    posts = folder / "_posts"
    posts.mkdir(parents=True)
    paths = []
    for number in range(count):
        size = int(min(rng.lognormvariate(8.3, 0.9), 120_000))  # median ~4 KB
        year = 2010 + number % 12
        slug = f"post-{number:04d}"
        text = (
            f"---\nID: {number}\npost_title: 'Post {number} &#8211; {rng.choice(WORDS)}'\n"
            f'author: ""\npost_date: {year}-0{1 + number % 9}-1{number % 9} 10:00:00\n'
            f"permalink: >\n  https://blog.example/{slug}/\npublished: true\n---\n"
            + body(rng, size)
        )
        path = posts / f"{year}-01-01-{slug}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def child(*args: str) -> dict[str, float]:
    """Run one measured step in a fresh process; its seconds and peak memory (MiB)."""
    done = subprocess.run([sys.executable, str(CHILD), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"step failed:\n{done.stdout}\n{done.stderr}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def find_pandoc() -> str | None:
    """pandoc on PATH, else the binary inside the pypandoc-binary wheel, else None."""
    found = shutil.which("pandoc")
    if found:
        return found
    try:
        import pypandoc  # type: ignore[import-not-found]

        return str(pypandoc.get_pandoc_path())
    except (ImportError, OSError):
        return None


def pandoc_per_post(pandoc: str, posts: list[Path], work: Path) -> float:
    """pandoc's mean seconds per post for HTML → EPUB 3 of the same bodies."""
    started = time.perf_counter()
    for number, post in enumerate(posts):
        html = work / f"{number}.html"
        html.write_text(post.read_text(encoding="utf-8").split("\n---\n", 1)[1])
        subprocess.run(
            [
                pandoc,
                "-f",
                "html",
                "-t",
                "epub3",
                "-o",
                str(work / f"{number}.epub"),
                "--metadata",
                f"title=Post {number}",
                str(html),
            ],
            check=True,
            capture_output=True,
        )
    return (time.perf_counter() - started) / len(posts)


def main() -> None:
    """Generate, build, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--pandoc-sample", type=int, default=40)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="exporter-folders-"))
    pandoc = find_pandoc()
    try:
        print(f"{'posts':>6} {'total s':>8} {'ms/post':>8} {'peak MiB':>9} {'pandoc ms/post':>15}")
        for count in args.sizes:
            site = work / f"site{count}"
            posts = generate(site, count)
            numbers = child("build-epub", str(site), str(work / f"out{count}"), "1")
            sample = posts[: args.pandoc_sample]
            theirs = "-"
            if pandoc:
                scratch = work / f"pandoc{count}"
                scratch.mkdir()
                theirs = f"{1000 * pandoc_per_post(pandoc, sample, scratch):.1f}"
            per_post = 1000 * numbers["seconds"] / count
            print(
                f"{count:>6} {numbers['seconds']:>8.2f} {per_post:>8.1f} "
                f"{numbers['peak_mib']:>9.1f} {theirs:>15}"
            )
        if 100 in args.sizes:
            one = child("build-epub", str(work / "site100"), str(work / "j1"), "1")
            two = child("build-epub", str(work / "site100"), str(work / "j2"), "2")
            print(
                f"N=100: --jobs 1 {one['seconds']:.2f} s, --jobs 2 {two['seconds']:.2f} s: "
                f"{one['seconds'] / two['seconds']:.2f}x faster"
            )
        if not pandoc:
            print("pandoc not found: pip install pypandoc-binary to compare")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
