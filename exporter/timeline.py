"""Place every utterance on the narration's time line; write the WebVTT transcript from it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .speech import Script


@dataclass(frozen=True)
class Cue:
    """One utterance on the time line, in samples from the start of the whole narration."""

    index: int
    text: str
    ref: str | None
    chapter: int
    start: int
    end: int
    pause_end: int


@dataclass(frozen=True)
class Timeline:
    """Where each utterance and chapter starts; the book's total length; all in samples."""

    sample_rate: int
    cues: tuple[Cue, ...]
    chapter_starts: tuple[int, ...]
    total: int

    def seconds(self, samples: int) -> float:
        """Samples as seconds."""
        return samples / self.sample_rate

    def chapter_span(self, chapter: int) -> tuple[int, int]:
        """First and one-past-last sample of a chapter's audio."""
        start = self.chapter_starts[chapter]
        last = chapter + 1 == len(self.chapter_starts)
        return start, self.total if last else self.chapter_starts[chapter + 1]

    def chapter_cues(self, chapter: int) -> tuple[Cue, ...]:
        """The cues that belong to one chapter."""
        return tuple(c for c in self.cues if c.chapter == chapter)


def pause_samples(pause_ms: int, sample_rate: int) -> int:
    """A pause in whole samples."""
    return pause_ms * sample_rate // 1000


def build_timeline(script: Script, lengths: Sequence[int], sample_rate: int) -> Timeline:
    """Lay the utterances end to end with their pauses; chapter 1 starts at zero.

    Every later chapter starts where its title is spoken; the opening announcement belongs to
    the first chapter, so players show no nameless lead-in.
    """
    if len(lengths) != len(script.utterances):
        raise ValueError("one audio length is needed per utterance")
    cues: list[Cue] = []
    starts: dict[int, int] = {}
    position = 0
    for index, (utterance, length) in enumerate(zip(script.utterances, lengths, strict=True)):
        starts.setdefault(utterance.chapter, 0 if not starts else position)
        end = position + length
        pause_end = end + pause_samples(utterance.pause_ms, sample_rate)
        cues.append(
            Cue(index, utterance.text, utterance.ref, utterance.chapter, position, end, pause_end)
        )
        position = pause_end
    chapters = len(script.chapter_titles)
    chapter_starts = tuple(starts.get(c, position) for c in range(chapters))
    return Timeline(sample_rate, tuple(cues), chapter_starts, position)


def _stamp(seconds: float) -> str:
    """A WebVTT timestamp, HH:MM:SS.mmm."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def webvtt(timeline: Timeline, title: str) -> str:
    """The transcript as WebVTT: one cue per utterance, exactly what is spoken, exact times."""
    lines = ["WEBVTT", f"NOTE {title}".replace("-->", "→"), ""]
    for cue in timeline.cues:
        lines.append(f"{cue.ref or f'u{cue.index:04d}'}")
        lines.append(
            f"{_stamp(timeline.seconds(cue.start))} --> {_stamp(timeline.seconds(cue.end))}"
        )
        lines.append(cue.text.replace("-->", "→"))
        lines.append("")
    return "\n".join(lines)
