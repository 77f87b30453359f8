"""Loudness of every audiobook the exporter writes, measured by its own meter and by FFmpeg's.

    .venv/bin/python benchmarks/loudness.py [POST]     (default: the seed in source/)

Builds the post, and a longer one (its body three times, sentences changed so nothing is
cached), with eSpeak NG, and with Piper when `exporter.narrate.engines.piper` exists; prints
for m4b, mp3 and the read-along's MP3 the integrated loudness and true peak that report.json
gives (FFmpeg's ebur128 and a 4x-oversampled peak on the decoded file) and that FFmpeg's
ebur128 filter with its own 192 kHz true peak (via PyAV, the tests' meter) measures. Then
edits one sentence of the post and rebuilds: prints whether the book gain moved and how
many segments were encoded again.
Not a timed test: numbers for the README.
"""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tempfile
import zipfile
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from exporter.cli import main as exporter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the meter the tests use
from tests.measure import ebur128

ROOT = Path(__file__).resolve().parent.parent


def build(post: Path, out: Path, cache: Path, engine: str | None) -> dict[str, Any]:
    """Build one post quietly; return its entry of report.json."""
    args = ["build", str(post), "-o", str(out), "--cache", str(cache), "--jobs", "2"]
    if engine:
        args += ["--engine", engine]
    with redirect_stdout(io.StringIO()) as said:
        code = exporter(args)
    if code != 0:
        raise SystemExit(f"build failed:\n{said.getvalue()}")
    entry: dict[str, Any] = json.loads((out / "report.json").read_text())["posts"][0]
    return entry


def lengthen(post: Path, target: Path) -> None:
    """The post with its body three times over, each copy's sentences changed a little."""
    head, _, body = post.read_text(encoding="utf-8").partition("\n---\n")
    copies = [body] + [body.replace(". ", f", take {n}. ") for n in ("two", "three")]
    target.write_text(head + "\n---\n" + "".join(copies), encoding="utf-8")


def edit_one_sentence(post: Path, target: Path) -> None:
    """The post with one sentence's words changed."""
    text = post.read_text(encoding="utf-8")
    index = text.index(". ", len(text) // 2)
    target.write_text(text[:index] + ", as it happens" + text[index:], encoding="utf-8")


def show(label: str, entry: dict[str, Any], out: Path, work: Path) -> None:
    """One line per audiobook file: the exporter's numbers and FFmpeg's."""
    level = entry["loudness"]
    print(f"{label}: {entry['audio_seconds']:.0f} s of audio, narration "
          f"{level['narration_lufs']} LUFS, book gain {level['gain_db']:+} dB")  # fmt: skip
    files = {Path(p).suffix[1:]: out / p for p in entry["outputs"] if p.endswith((".m4b", ".mp3"))}
    with zipfile.ZipFile(next(out.glob("*.read-along.epub"))) as epub:
        name = next(n for n in epub.namelist() if n.endswith(".mp3"))
        files["read-along mp3"] = work / "read-along.mp3"
        files["read-along mp3"].write_bytes(epub.read(name))
    for fmt, path in files.items():
        ours = level["outputs"].get(fmt, level["outputs"].get("mp3", {}))
        lufs, peak = ebur128(path)
        print(f"  {fmt:<15} exporter {ours.get('lufs')} LUFS {ours.get('true_peak_dbtp')} dBTP"
              f"   ffmpeg ebur128 {lufs:.2f} LUFS {peak:.2f} dBTP")  # fmt: skip


def segments_in(cache: Path) -> set[Path]:
    """The encoded segment files in a cache."""
    return set((cache / "segments").rglob("*seg"))


def main() -> None:
    """Build, measure and print."""
    post = Path(sys.argv[1]) if len(sys.argv) > 1 else next((ROOT / "source").glob("*.md"))
    engines: list[str | None] = [None]
    if importlib.util.find_spec("exporter.narrate.engines.piper") is not None:
        engines.append("piper")
    else:
        print("Piper: skipped (exporter.narrate.engines.piper is not in this tree)")
    with tempfile.TemporaryDirectory(prefix="exporter-loudness-") as folder:
        work = Path(folder)
        long_post = work / "long.md"
        lengthen(post, long_post)
        for engine in engines:
            name = engine or "espeak"
            cache = work / f"cache-{name}"
            for label, source in (("seed", post), ("long (body x3)", long_post)):
                out = work / f"out-{name}-{len(label)}"
                show(f"{name}, {label}", build(source, out, cache, engine), out, work)
            before = segments_in(cache)
            first = build(post, work / f"again-{name}", cache, engine)
            edited = work / post.name
            edit_one_sentence(post, edited)
            after = build(edited, work / f"edited-{name}", cache, engine)
            fresh = len(segments_in(cache) - before)
            print(f"{name}, one sentence edited: gain {first['loudness']['gain_db']:+} dB -> "
                  f"{after['loudness']['gain_db']:+} dB, {fresh} segment files encoded again "
                  f"(m4b and mp3 together)")  # fmt: skip


if __name__ == "__main__":
    main()
