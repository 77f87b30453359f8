"""EPUB 3 Media Overlays: one SMIL document per chapter from the narration's time line."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import quoteattr

from exporter.narrate.timeline import Timeline, clock


@dataclass(frozen=True)
class Clip:
    """One `<par>`: the element shown and the span of the chapter's audio that voices it."""

    ref: str
    begin: float
    end: float


@dataclass(frozen=True)
class ChapterOverlay:
    """The overlay of one chapter: its clips in reading order and their summed length."""

    chapter: int
    clips: tuple[Clip, ...]
    audio_samples: tuple[int, int]

    @property
    def duration(self) -> float:
        """The overlay's playing time: the sum of its clips, in seconds."""
        return sum(round(c.end, 3) - round(c.begin, 3) for c in self.clips)


def chapter_overlay(timeline: Timeline, chapter: int, *, absolute: bool = False) -> ChapterOverlay:
    """Clips for the sentences and headings of one chapter.

    Times count from the chapter's own audio file, or with `absolute` from the start of one
    audio file holding the whole narration. What the narration adds (the opening, quote
    announcements) has no element, so no clip.
    """
    start, end = timeline.chapter_span(chapter)
    origin = 0 if absolute else start
    clips = tuple(
        Clip(cue.ref, timeline.seconds(cue.start - origin), timeline.seconds(cue.end - origin))
        for cue in timeline.chapter_cues(chapter)
        if cue.ref is not None
    )
    return ChapterOverlay(chapter, clips, (start, end))


def smil_document(overlay: ChapterOverlay, text_href: str, audio_href: str) -> str:
    """The SMIL 3.0 document for one chapter (hrefs relative to the SMIL file)."""
    pars = [
        f'    <par id="par-{clip.ref}">\n'
        f"      <text src={quoteattr(f'{text_href}#{clip.ref}')}/>\n"
        f"      <audio src={quoteattr(audio_href)} clipBegin={quoteattr(clock(clip.begin))}"
        f" clipEnd={quoteattr(clock(clip.end))}/>\n"
        f"    </par>"
        for clip in overlay.clips
    ]
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' version="3.0">\n'
        "  <body>\n"
        f'  <seq id="seq-{overlay.chapter + 1}" epub:textref={quoteattr(text_href)}'
        ' epub:type="chapter">\n' + "\n".join(pars) + "\n  </seq>\n  </body>\n</smil>\n"
    )
