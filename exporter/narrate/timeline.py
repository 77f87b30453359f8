"""Place every utterance on the narration's time line, sample-exact and on the encoders' grid.

The time line is cut into segments that are encoded on their own and concatenated (see
`encoding.py`). A segment ends inside a long pause and spans a whole number of GRID samples,
a multiple of every codec frame (MP3 576 and 1152, AAC 1024), so every segment starts on a frame
boundary of the file and its audio does not depend on where it lies in the book: editing one
sentence changes only its own segment. To reach the grid, the pause that ends a segment is
stretched by less than GRID samples (under 0.42 s at 22.05 kHz), or, for a chapter pause,
shortened by as much, so it stays under two seconds; every time here includes that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from exporter.narrate.script import Script, Utterance

GRID = 9216  # least common multiple of 576, 1152 and 1024 samples
LEAD = 2048  # silence before the first utterance of every segment but the first
TAIL = 2304  # silence a segment keeps after its last utterance: more than any codec leaves unfed
CUT_MS = 700  # a pause this long may end a segment (paragraphs, headings, sections)
STRETCH_MS = 1200  # cut pauses up to this long grow to the grid; longer (chapter) ones shrink
FORCED_CUT_MS = 300  # in a segment past MAX_SECONDS, a sentence pause will do
MIN_SECONDS = 10.0  # a segment ends at the first cuttable pause after this much audio
MAX_SECONDS = 30.0  # past this, a sentence pause ends the segment


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
class Segment:
    """A run of whole cues encoded on its own: cues [first, stop), samples [start, end)."""

    first: int
    stop: int
    start: int
    end: int
    lead: int


@dataclass(frozen=True)
class Timeline:
    """Where each utterance and chapter starts; the book's total length; all in samples."""

    sample_rate: int
    cues: tuple[Cue, ...]
    chapter_starts: tuple[int, ...]
    total: int
    segments: tuple[Segment, ...] = ()

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


def _ends_segment(pause_ms: int, pause: int, length: int, sample_rate: int) -> bool:
    """Whether a pause after `length` samples of a segment ends it (a rule local to it)."""
    if pause < LEAD + TAIL + (GRID if pause_ms > STRETCH_MS else 0):
        return False
    if pause_ms > STRETCH_MS:
        return True
    if pause_ms >= CUT_MS:
        return length >= MIN_SECONDS * sample_rate
    return pause_ms >= FORCED_CUT_MS and length >= MAX_SECONDS * sample_rate


class Layout:
    """Lays utterances end to end one at a time, closing each segment as soon as it is cut."""

    def __init__(self, sample_rate: int) -> None:
        """Start an empty time line."""
        self.sample_rate = sample_rate
        self.cues: list[Cue] = []
        self.segments: list[Segment] = []
        self.chapter_starts: dict[int, int] = {}
        self.position = self.first = self.segment_start = self.lead = 0

    def add(self, utterance: Utterance, length: int, *, last: bool = False) -> Segment | None:
        """Place the next utterance (`last`: nothing follows); return the segment it closes."""
        self.chapter_starts.setdefault(utterance.chapter, self.position if self.cues else 0)
        start, index = self.position, len(self.cues)
        end = start + length
        pause = pause_samples(utterance.pause_ms, self.sample_rate)
        pause_end = end + pause
        closed = None
        so_far = end - self.segment_start
        if not last and _ends_segment(utterance.pause_ms, pause, so_far, self.sample_rate):
            span = pause_end - LEAD - self.segment_start
            grow = utterance.pause_ms <= STRETCH_MS
            span = (-(-span // GRID) if grow else span // GRID) * GRID  # to the grid
            closed = Segment(self.first, index + 1, self.segment_start, self.segment_start + span,
                             self.lead)  # fmt: skip
            self.segments.append(closed)
            self.first, self.segment_start, self.lead = index + 1, closed.end, LEAD
            pause_end = closed.end + LEAD
        text, ref, chapter = utterance.text, utterance.ref, utterance.chapter
        self.cues.append(Cue(index, text, ref, chapter, start, end, pause_end))
        self.position = pause_end
        return closed

    def finish(self, chapters: int) -> Timeline:
        """Close the last segment and return the whole time line."""
        if len(self.cues) > self.first:
            end = self.position
            self.segments.append(Segment(self.first, len(self.cues), self.segment_start, end,
                                         self.lead))  # fmt: skip
        starts = tuple(self.chapter_starts.get(c, self.position) for c in range(chapters))
        return Timeline(self.sample_rate, tuple(self.cues), starts, self.position,
                        tuple(self.segments))  # fmt: skip


def build_timeline(script: Script, lengths: Sequence[int], sample_rate: int) -> Timeline:
    """Lay the utterances end to end with their pauses, cut into grid-aligned segments.

    Chapter 1 starts at zero; every later chapter starts where its title is spoken (the
    opening announcement belongs to the first chapter, so players show no nameless lead-in).
    """
    if len(lengths) != len(script.utterances):
        raise ValueError("one audio length is needed per utterance")
    layout = Layout(sample_rate)
    final = len(lengths) - 1
    for index, (utterance, length) in enumerate(zip(script.utterances, lengths, strict=True)):
        layout.add(utterance, length, last=index == final)
    return layout.finish(len(script.chapter_titles))


def clock(seconds: float, hour_digits: int = 1) -> str:
    """A time as `H:MM:SS.mmm` (SMIL clock values; WebVTT wants two hour digits)."""
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return f"{hours:0{hour_digits}d}:{minutes:02d}:{secs:02d}.{millis:03d}"
