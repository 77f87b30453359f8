"""Write the WebVTT transcript: one cue per utterance, exactly what is spoken, at its exact time."""

from __future__ import annotations

from exporter.narrate.timeline import Timeline, clock


def webvtt(timeline: Timeline, title: str) -> str:
    """The transcript as WebVTT: one cue per utterance, exactly what is spoken, exact times."""
    lines = ["WEBVTT", f"NOTE {title}".replace("-->", "→"), ""]
    for cue in timeline.cues:
        lines.append(f"{cue.ref or f'u{cue.index:04d}'}")
        lines.append(
            f"{clock(timeline.seconds(cue.start), 2)} --> {clock(timeline.seconds(cue.end), 2)}"
        )
        lines.append(cue.text.replace("-->", "→"))
        lines.append("")
    return "\n".join(lines)
