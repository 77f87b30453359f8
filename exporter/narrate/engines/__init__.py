"""Speech engines: the Engine interface and a registry choosing one module per engine.

Each engine is one module (`espeak.py`, `piper.py`) offering `list_voices()`,
`voice_for_language(language)` and `open_engine(voice, rate)`; only that module imports its
engine's libraries, and it is imported only when its engine is used.

The default engine (AUTO) is Piper for a language with an installed Piper voice, else eSpeak
NG; `choose_voice` makes that choice per post and says why.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, cast

from exporter import log
from exporter.errors import NarrationError

ENGINES = ("espeak", "piper")
DEFAULT_ENGINE = "espeak"  # the engine of the `say` command and of a language Piper lacks
AUTO = "auto"  # the build's default: Piper where the language has a voice, else eSpeak NG
ENGINE_CHOICES = (AUTO, *ENGINES)
FROM_FRONT_MATTER = "front matter"
FROM_VOICE_OPTION = "--voice"
FROM_ENGINE_OPTION = "--engine"
FROM_LANGUAGE = "language default"
FALLBACK = "fallback"


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: its engine, identifier, display name, language codes and source
    (the package or folder it comes from; '' for an engine's built-in voice)."""

    id: str
    name: str
    languages: tuple[str, ...]
    engine: str = DEFAULT_ENGINE
    source: str = ""


@dataclass(frozen=True)
class VoiceChoice:
    """Which engine and voice narrate a post (voice None: the engine's own choice) and why."""

    engine: str
    voice: str | None
    reason: str


class Engine(Protocol):
    """A speech synthesizer bound to one voice and rate."""

    name: str
    version: str
    voice: str
    rate: int
    sample_rate: int
    # whether one post's sentences go faster in several worker processes: False for an engine
    # far faster than encoding (eSpeak NG), whose one process keeps up while threads encode
    parallel: bool

    def synthesize(self, text: str) -> bytes:
        """Speak `text` into mono signed 16-bit little-endian PCM at `sample_rate`."""
        ...


class EngineModule(Protocol):
    """What every engine module offers the registry."""

    def list_voices(self, folders: tuple[Path, ...] = ()) -> list[VoiceInfo]:
        """List the engine's installed voices."""
        ...

    def voice_for_language(self, language: str, folders: tuple[Path, ...] = ()) -> str | None:
        """The engine's voice for a BCP-47 language code (also from voice folders), or None."""
        ...

    def default_voice(self) -> str:
        """The voice the engine uses when none is asked for."""
        ...

    def open_engine(self, voice: str | None = None, rate: int | None = None) -> Engine:
        """Open the engine with a voice (None: its default) and a rate in words per minute."""
        ...


def engine_module(engine: str) -> EngineModule:
    """Import the module of the engine called `engine` (one of ENGINES)."""
    if engine not in ENGINES:
        raise NarrationError(
            f"there is no speech engine called {engine!r}; choose one of {', '.join(ENGINES)}"
        )
    return cast(EngineModule, importlib.import_module(f"{__name__}.{engine}"))


def open_engine(
    engine: str, voice: str | None, rate: int | None, language: str | None = None
) -> Engine:
    """Open `engine` with a voice; with none, the engine's voice for `language` if it has one,
    else (with a warning) its default voice."""
    module = engine_module(engine)
    if not (voice and voice.strip()) and language:
        voice = module.voice_for_language(language)
        if voice is None:
            log.warn(
                "voice",
                f"{engine} has no voice for language {language!r}; "
                f"using its default voice {module.default_voice()!r}",
            )
    return module.open_engine(voice, rate)


def choose_voice(
    engine: str,
    voice: str | None,
    language: str | None,
    folders: tuple[Path, ...] = (),
    front_matter: VoiceChoice | None = None,
) -> VoiceChoice:
    """The engine and voice for one post: its front matter's, else --voice/--engine, else the
    language's Piper voice, else (with a warning) eSpeak NG."""
    if front_matter is not None and (front_matter.engine != AUTO or front_matter.voice):
        engine, voice = front_matter.engine, front_matter.voice
        reason = FROM_FRONT_MATTER
    elif voice and voice.strip():
        reason = FROM_VOICE_OPTION
    elif engine != AUTO:
        reason = FROM_ENGINE_OPTION
    else:
        reason = FROM_LANGUAGE
    if engine != AUTO:
        if engine == "piper" and not (voice and voice.strip()) and language:
            voice = _piper_voice(language, folders) or voice
        engine_module(engine)  # an unknown engine fails here, naming the choices
        return VoiceChoice(engine, voice, reason)
    wanted = voice.strip() if voice and voice.strip() else language or ""
    found = _piper_voice(wanted, folders) if wanted else None
    if voice and voice.strip() and found is None and not voice.strip().endswith(".onnx"):
        return VoiceChoice(DEFAULT_ENGINE, voice, reason)  # an eSpeak NG voice
    if found is not None or (voice and voice.strip().endswith(".onnx")):
        return VoiceChoice("piper", found or voice, reason)
    log.warn("voice", f"no Piper voice for {language or 'this language'}: narrated by eSpeak NG")
    return VoiceChoice(DEFAULT_ENGINE, None, FALLBACK)


def _piper_voice(wanted: str, folders: tuple[Path, ...]) -> str | None:
    """Piper's voice for an id or language, as a model path for a folder voice; None when
    Piper or such a voice is not installed."""
    try:
        return engine_module("piper").voice_for_language(wanted, folders)
    except NarrationError:
        return None
