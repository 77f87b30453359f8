"""Write the WebVTT transcript: one cue per utterance, exactly what is spoken, at its exact time."""

from __future__ import annotations

from exporter.narrate.timeline import Timeline


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
