"""Measurements shared by the tests and the benchmarks: FFmpeg's loudness meter, process trees.

The benchmarks import this module too (`from tests.measure import ...`, with the project root
on `sys.path`), so the README's figures and the tests' bounds come from one meter.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any


def ebur128(path: Path) -> tuple[float, float]:
    """FFmpeg's own meter (libavfilter ebur128, peak=true) on a decoded file: LUFS, dBTP."""
    import av  # here: the benchmarks' processes import this module for `descendants` alone
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        graph: Any = av.filter.Graph()
        source = graph.add_abuffer(template=stream)
        meter = graph.add("ebur128", "peak=true:metadata=1")
        sink = graph.add("abuffersink")
        source.link_to(meter)
        meter.link_to(sink)
        graph.configure()
        last: dict[str, str] = {}

        def drain() -> None:
            """Keep the newest frame's running measurements."""
            while True:
                try:
                    frame = graph.pull()
                except (av.BlockingIOError, av.EOFError):
                    return
                if frame.metadata:
                    last.update(frame.metadata)

        for frame in container.decode(stream):
            graph.push(frame)
            drain()
        graph.push(None)
        drain()
    peak = float(last["lavfi.r128.true_peak"])  # linear
    return float(last["lavfi.r128.I"]), 20 * math.log10(peak)


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents[int(entry.name)] = int(fields[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found
