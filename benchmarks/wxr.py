#!/usr/bin/env python3
"""Benchmark a WordPress export: build N items EPUB-only, print time per item and peak memory.

    .venv/bin/python benchmarks/wxr.py [--items 2000] [--scan-items 20000]

Writes a synthetic WXR 1.2 export of N published posts (tests/wxr_samples.py's items), builds
it with `exporter build --no-audio` in a fresh child process and prints seconds per item and
the child's peak resident memory; then scans an export of --scan-items items alone, to show
the scan's memory does not grow with the file. Writes only under a temporary folder.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BUILD = """
import sys
from pathlib import Path
def peak():  # VmHWM: unlike ru_maxrss, not inherited from the parent across exec
    status = Path("/proc/self/status").read_text()
    return int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
from exporter.run.pipeline import Settings, run
tmp = Path(sys.argv[1])
report = run([tmp / "big.xml"], Settings(out_dir=tmp / "out", narrate=False, read_along=False))
print(sum(r.status == "built" for r in report.results))
print(peak())
"""

SCAN = """
import sys
from pathlib import Path
def peak():  # VmHWM: unlike ru_maxrss, not inherited from the parent across exec
    status = Path("/proc/self/status").read_text()
    return int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
from exporter.read.wxr import scan
channel = scan(Path(sys.argv[1]) / "huge.xml")
print(len(channel.items))
print(peak())
"""


def write_export(path: Path, count: int) -> None:
    """A WXR 1.2 export of `count` published posts, written item by item."""
    sys.path.insert(0, str(ROOT))
    from tests import wxr_samples as wxr

    with path.open("w", encoding="utf-8") as file:
        file.write(wxr.header())
        for number in range(1, count + 1):
            file.write(wxr.item(number, f"Post number {number}"))
        file.write(wxr.FOOTER)


def child(code: str, folder: Path) -> tuple[int, float, float]:
    """Run one step in a fresh Python; its count, seconds and peak MiB."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", code, str(folder)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    count, peak_kib = (int(n) for n in done.stdout.split()[-2:])
    return count, seconds, peak_kib / 1024


def main() -> None:
    """Build, scan, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=2000)
    parser.add_argument("--scan-items", type=int, default=20000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_export(folder / "big.xml", args.items)
        size = (folder / "big.xml").stat().st_size / 2**20
        built, seconds, peak = child(BUILD, folder)
        print(
            f"build: {built}/{args.items} items of a {size:.1f} MiB export in {seconds:.1f} s "
            f"({1000 * seconds / max(built, 1):.0f} ms/item), peak {peak:.0f} MiB"
        )
        write_export(folder / "huge.xml", args.scan_items)
        size = (folder / "huge.xml").stat().st_size / 2**20
        found, seconds, peak = child(SCAN, folder)
        print(f"scan: {found} items of a {size:.1f} MiB export in {seconds:.1f} s, peak {peak:.0f} MiB")  # noqa: E501


if __name__ == "__main__":
    main()
