"""`exporter say`: speak a word or sentence with the current lexicon into a WAV file."""

from __future__ import annotations

import io
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.atomic import write_atomic
from exporter.errors import ExporterError
from exporter.narrate.engines import DEFAULT_ENGINE, open_engine
from exporter.narrate.normalize import engine_text, normalize
from exporter.run.lexicons import load_lexicon
from exporter.run.settings import LEXICON_NAME

# Where a lexicon is looked for when none is named: the current folder, then the default
# source folder (the one `exporter build` reads when given no SOURCE).
DEFAULT_LEXICONS = (Path(LEXICON_NAME), Path("source") / LEXICON_NAME)


@dataclass(frozen=True)
class Said:
    """What `say` did: the text the engine was given, the voice, the file and its length."""

    spoken: str
    voice: str
    path: Path
    seconds: float


def default_lexicons() -> list[Path]:
    """The lexicon files `say` uses when none is named: the first that exists, if any."""
    return [path for path in DEFAULT_LEXICONS if path.is_file()][:1]


def say(
    text: str,
    out: Path,
    *,
    lexicons: Sequence[Path],
    language: str = "en",
    voice: str | None = None,
    rate: int | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Said:
    """Normalize `text` as a book would (lexicon included), synthesize it and write a WAV."""
    if not text.strip():
        raise ExporterError("say: nothing to say (the text is empty)")
    lexicon = load_lexicon(lexicons, language, engine)
    spoken = engine_text(normalize(text, lexicon), lexicon)
    speaker = open_engine(engine, voice, rate, language)
    pcm = speaker.synthesize(spoken)
    if not pcm:
        raise ExporterError(f"say: {text!r} gives nothing to speak")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(speaker.sample_rate)
        wav.writeframes(pcm)
    try:
        write_atomic(out, buffer.getvalue())
    except OSError as exc:
        raise ExporterError(f"{out}: cannot write: {exc.strerror or exc}") from None
    return Said(spoken, speaker.voice, out, len(pcm) / 2 / speaker.sample_rate)
