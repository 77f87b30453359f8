"""Speech engines: the Engine interface and a registry choosing one module per engine.

Each engine is one module (`espeak.py`, `piper.py`) offering `list_voices()`,
`voice_for_language(language)` and `open_engine(voice, rate)`; only that module imports its
engine's libraries, and it is imported only when its engine is used.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Protocol, cast

from exporter import log
from exporter.errors import NarrationError

ENGINES = ("espeak", "piper")
DEFAULT_ENGINE = "espeak"


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice: its engine, identifier, display name and language codes."""

    id: str
    name: str
    languages: tuple[str, ...]
    engine: str = DEFAULT_ENGINE


class Engine(Protocol):
    """A speech synthesizer bound to one voice and rate."""

    name: str
    version: str
    voice: str
    rate: int
    sample_rate: int

    def synthesize(self, text: str) -> bytes:
        """Speak `text` into mono signed 16-bit little-endian PCM at `sample_rate`."""
        ...


class EngineModule(Protocol):
    """What every engine module offers the registry."""

    def list_voices(self) -> list[VoiceInfo]:
        """List the engine's installed voices."""
        ...

    def voice_for_language(self, language: str) -> str | None:
        """The engine's voice for a BCP-47 language code, or None when it has none."""
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
