"""Collect what happened to each post of a run; print a summary and write `report.json`."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from exporter.atomic import write_if_changed
from exporter.errors import brief
from exporter.safetext import shown
from exporter.write.site.card import Card

if TYPE_CHECKING:
    from exporter.narrate.levels import Loudness

Status = Literal["built", "unchanged", "skipped", "failed"]
NOT_A_POST = "not a post (no front matter)"  # why a file found in a folder is passed over


@dataclass
class PostResult:
    """What one post became: its status, the reason when not built, and its outputs."""

    source: Path
    status: Status
    reason: str = ""
    outputs: list[Path] = field(default_factory=list)
    words: int = 0
    audio_seconds: float | None = None
    synthesized: int = 0
    reused: int = 0
    warnings: list[str] = field(default_factory=list)
    card: Card | None = None  # what the download page and the feed show of a built book
    trace: str = ""  # the traceback of an unexpected error, kept for --debug
    narration_lufs: float | None = None  # as synthesized, before the book's gain
    gain_db: float | None = None
    loudness: dict[str, Loudness] = field(default_factory=dict)  # by format, decoded output
    engine: str = ""  # the engine that narrated the post ('' when it was not narrated)
    voice: str = ""
    voice_reason: str = ""  # front matter, --voice, --engine, language default or fallback

    def line(self) -> str:
        """One line for the user: what was written, or why nothing was."""
        if self.status in ("built", "unchanged"):
            names = ", ".join(p.name for p in self.outputs)
            return f"{self.status}: {shown(self.source)} → {names}"
        return f"{self.status}: {brief(shown(self.reason))}"

    def as_json(self, out_dir: Path) -> dict[str, object]:
        """The result as plain JSON data, output paths relative to the output folder."""
        return {
            "post": shown(self.source),
            "status": self.status,
            "reason": brief(shown(self.reason)),
            "outputs": [_relative(p, out_dir) for p in self.outputs],
            "words": self.words,
            "audio_seconds": None if self.audio_seconds is None else round(self.audio_seconds, 3),
            "sentences_synthesized": self.synthesized,
            "sentences_reused": self.reused,
            "warnings": [shown(w) for w in self.warnings],
            "loudness": self._loudness_json(),
            "narration": self._narration_json(),
        }

    def _narration_json(self) -> dict[str, str] | None:
        """Which engine and voice narrated the post and why; None when it was not narrated."""
        if not self.engine:
            return None
        return {"engine": self.engine, "voice": self.voice, "why": self.voice_reason}

    def narration_line(self) -> str:
        """'post: engine voice (why)' for the summary; '' when the post was not narrated."""
        if not self.engine:
            return ""
        return f"{shown(self.source)}: {self.engine} {self.voice} ({self.voice_reason})"

    def _loudness_json(self) -> dict[str, object] | None:
        """The narration's level, the gain it got, and each decoded audiobook's measurement."""
        if self.gain_db is None:
            return None
        measured = {
            name: {"lufs": _rounded(found.lufs), "true_peak_dbtp": _rounded(found.true_peak)}
            for name, found in self.loudness.items()
        }
        return {
            "narration_lufs": _rounded(self.narration_lufs),
            "gain_db": self.gain_db,
            "outputs": measured,
        }


@dataclass
class Report:
    """Every post's result in the order posts were found; decides the exit code."""

    results: list[PostResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # worth knowing, not a failure (the site's)

    def add(self, result: PostResult) -> None:
        """Record one post's result."""
        self.results.append(result)

    def count(self, status: Status) -> int:
        """How many posts ended with this status."""
        return sum(1 for r in self.results if r.status == status)

    @property
    def return_code(self) -> int:
        """0 when no post failed and the run had no problem, else 1."""
        return 1 if self.count("failed") or self.problems else 0

    def summary_lines(self) -> list[str]:
        """A short human summary: the counts, then one line per skipped or failed post."""
        counts = ", ".join(
            f"{self.count(s)} {s}"
            for s in ("built", "unchanged", "skipped", "failed")
            if self.count(s) or s in ("built", "failed")
        )
        lines = [f"Summary: {counts}"]
        lines.extend(f"  error: {problem}" for problem in self.problems)
        lines.extend(f"  note: {note}" for note in self.notes)
        for result in self.results:
            if narration := result.narration_line():
                lines.append(f"  narrated: {brief(narration)}")
            if result.status in ("skipped", "failed"):
                lines.append(f"  {result.status}: {brief(shown(result.reason))}")
            for warning in result.warnings:
                lines.append(f"  warning: {shown(result.source)}: {brief(shown(warning))}")
        return lines

    def write_json(self, out_dir: Path) -> Path:
        """Write `report.json` atomically (only when it changed) and return its path."""
        path = out_dir / "report.json"
        data = {
            "built": self.count("built"),
            "unchanged": self.count("unchanged"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "problems": [shown(p) for p in self.problems],
            "notes": [shown(n) for n in self.notes],
            "posts": [r.as_json(out_dir) for r in self.results],
        }
        write_if_changed(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode())
        return path


def _rounded(value: float | None) -> float | None:
    """A level to 0.01 dB; None for an unmeasurable one (silence), as JSON has no -inf."""
    return None if value is None or not math.isfinite(value) else round(value, 2)


def _relative(path: Path, base: Path) -> str:
    """A path relative to base when it lies below it, else as given."""
    try:
        return shown(path.relative_to(base))
    except ValueError:
        return shown(path)
