#!/usr/bin/env python3
"""Benchmark the language detectors: py3langid against pycld2 (CLD2), accuracy, time, memory.

    .venv/bin/python benchmarks/language.py

The texts: the project's own (tests/test_language.py, tests/cases, tests/sites, the seed post,
each post cut into stretches of ~600 letters the way `exporter.clean.language` cuts them) and
tests/language_texts.py (paragraphs of ~600 letters, short texts of ~40 letters, tiny ones of
~20, mixed ones: mostly one language with an English quote; in en, nb, nn, sv, da, es, de,
fr). Prints per language how many texts each detector got right; CLD2's "unreliable" answers
are counted as no vote (the way `detect_language` treats them) and shown apart. Then, for each
detector in a fresh process: seconds to the first result (import and model load), resident
memory after it (VmRSS, against a bare interpreter's) and the mean time of one call. Writes
nothing (the child processes read and print only); `--calls N` sets the timed calls per text.
The third column, "exporter", is `detect_language` itself, one text at a time. py3langid is no
longer a dependency: `pip install py3langid` to compare against it (left out when missing).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exporter.model.language import normalize_tag  # noqa: E402
from tests import test_language  # noqa: E402
from tests.language_texts import MIXED, PARAGRAPHS, SHORT, TINY  # noqa: E402

CHUNK_LETTERS = 600
_TAGS = re.compile(r"<[^>]+>")
# (file, language) of the project's posts in one language; front matter and tags are dropped.
POSTS = [
    ("source/2012-04-15-nmda-antagonist-memantines-effect-on-mood-2.md", "en"),
    ("tests/cases/spanish-post.md", "es"),
    ("tests/sites/blogs/_posts/2018-10-03-laeringsressursar.md", "nn"),
    ("tests/sites/blogs/_posts/2019-04-22-huerto-urbano.md", "es"),
    ("tests/sites/blogs/_posts/2014-02-01-compost.md", "en"),
    ("tests/sites/blogs/_posts/2013-05-02-notes-on-keeping-a-garden-diary-through-the-seasons-"
     "first-part.md", "en"),
    ("tests/data/jekyll/_posts/2012-04-02-the-ferry.md", "en"),
    ("tests/data/hugo/content/posts/ferry-crossing.md", "en"),
]

Classify = Callable[[str], str | None]


def _body(path: Path) -> list[str]:
    """A post's paragraphs without front matter and markup."""
    text = path.read_text("utf-8")
    for fence in ("---", "+++"):
        if text.startswith(fence):
            text = text.split(fence, 2)[2]
    paragraphs = (_TAGS.sub(" ", p).strip() for p in re.split(r"\n\s*\n|</p>|<h\d>", text))
    return [" ".join(p.split()) for p in paragraphs if p.strip()]


def _stretches(paragraphs: list[str]) -> list[str]:
    """Paragraphs joined into stretches of about CHUNK_LETTERS letters."""
    out: list[str] = []
    chunk: list[str] = []
    size = 0
    for paragraph in paragraphs:
        chunk.append(paragraph)
        size += sum(1 for c in paragraph if c.isalpha())
        if size >= CHUNK_LETTERS:
            out.append(" ".join(chunk))
            chunk, size = [], 0
    if chunk:
        out.append(" ".join(chunk))
    return out


def samples() -> list[tuple[str, str, str]]:
    """Every (kind, language, text) the detectors are judged on."""
    found = [("project", "es", test_language.SPANISH), ("project", "nn", test_language.NORWEGIAN),
             ("project", "en", test_language.ENGLISH)]
    for name, language in POSTS:
        path = ROOT / name
        if path.exists():
            found += [("project", language, s) for s in _stretches(_body(path))]
    for kind, table in (("paragraph", PARAGRAPHS), ("short", SHORT), ("tiny", TINY),
                        ("mixed", MIXED)):
        found += [(kind, language, text) for language, texts in table.items() for text in texts]
    return found


def py3langid_classifier() -> Classify:
    """py3langid's answer as a BCP 47 tag."""
    import py3langid

    return lambda text: normalize_tag(str(py3langid.classify(text)[0])) or None


def pycld2_classifier() -> Classify:
    """CLD2's answer as a BCP 47 tag; None when it is unreliable or unknown."""
    import pycld2

    def classify(text: str) -> str | None:
        """One call."""
        reliable, _, details = pycld2.detect(text, bestEffort=True)
        code = str(details[0][1])
        return normalize_tag(code) or None if reliable and code != "un" else None

    return classify


def exporter_classifier() -> Classify:
    """The project's own `detect_language`, one text at a time (pycld2, shares of a stretch)."""
    from exporter.clean.language import detect_language

    return lambda text: detect_language([text])


DETECTORS = {"py3langid": py3langid_classifier, "pycld2": pycld2_classifier,
             "exporter": exporter_classifier}
MODULES = {"py3langid": "py3langid", "pycld2": "pycld2", "exporter": "pycld2"}


def child(name: str, calls: int) -> None:
    """In a fresh process: load one detector, classify, print the figures as JSON."""
    bare = _rss_mib()
    start = time.perf_counter()
    classify = DETECTORS[name]()
    classify("This is the first sentence the detector reads, to load its model.")
    first = time.perf_counter() - start
    loaded = _rss_mib()
    texts = samples()
    answers = [classify(text) for _, _, text in texts]
    start = time.perf_counter()
    for _ in range(calls):
        for _, _, text in texts:
            classify(text)
    per_call = (time.perf_counter() - start) / (calls * len(texts))
    print(json.dumps({"bare": bare, "loaded": loaded, "first": first, "call": per_call,
                      "answers": answers}))


def _rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    """Run each detector in its own process and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        child(options.child, options.calls)
        return
    texts = samples()
    results = {}
    for name, module in MODULES.items():
        if importlib.util.find_spec(module) is None:
            print(f"{name}: {module} is not installed (pip install {module}), left out")
            continue
        run = subprocess.run([sys.executable, __file__, "--child", name, "--calls",
                              str(options.calls)], capture_output=True, text=True, check=True)
        results[name] = json.loads(run.stdout)
    names = list(results)
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0] * (2 * len(names) + 1))
    misses: list[str] = []
    for index, (kind, language, text) in enumerate(texts):
        row = tally[(language, kind)]
        for column, name in enumerate(names):
            answer = results[name]["answers"][index]
            row[column * 2] += answer == language
            row[column * 2 + 1] += answer is None
            if answer != language:
                misses.append(f"  {name:9} {kind:9} {language}: {answer}  {text[:60]!r}")
        row[-1] += 1
    print("right (no vote) of texts, per language and kind of text")
    print(f"{'language':9} {'kind':10} {'texts':>5}" + "".join(f" {n:>12}" for n in names))
    totals = [0] * (2 * len(names) + 1)
    by_language: dict[str, list[int]] = defaultdict(lambda: [0] * (2 * len(names) + 1))
    for (language, kind), row in sorted(tally.items()):
        print(f"{language:9} {kind:10} {row[-1]:5}" + _cells(row))
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        by_language[language] = [a + b for a, b in zip(by_language[language], row, strict=True)]
    print("\nper language")
    for language, row in sorted(by_language.items()):
        print(f"{language:9} {'':10} {row[-1]:5}" + _cells(row))
    print(f"{'all':9} {'':10} {totals[-1]:5}" + _cells(totals))
    print("\nwrong or no answer:\n" + "\n".join(misses) if misses else "\nno mistakes")
    print("\ndetector   first result  per call   VmRSS loaded (bare)  loaded - bare")
    for name, figures in results.items():
        print(f"{name:10} {figures['first']:10.3f} s {figures['call'] * 1e3:7.3f} ms "
              f"{figures['loaded']:8.1f} MiB ({figures['bare']:.1f})  "
              f"{figures['loaded'] - figures['bare']:8.1f} MiB")
    if "py3langid" in results and "pycld2" in results:
        old, new = results["py3langid"], results["pycld2"]
        load = old["first"] / max(new["first"], 1e-9)
        memory = (old["loaded"] - old["bare"]) / max(new["loaded"] - new["bare"], 1e-9)
        call = old["call"] / max(new["call"], 1e-9)
        print(f"\npy3langid / pycld2: first result {load:.0f}x, memory {memory:.0f}x, "
              f"call {call:.1f}x")


def _cells(row: list[int]) -> str:
    """Right (no vote) for each detector of a tally row."""
    return "".join(f" {f'{row[2 * i]} ({row[2 * i + 1]})':>12}" for i in range(len(row) // 2))


if __name__ == "__main__":
    main()
