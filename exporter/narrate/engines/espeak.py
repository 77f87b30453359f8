"""Offline text-to-speech: eSpeak NG through pyttsx3, one sentence at a time, as 16-bit PCM.

This is the only module that imports pyttsx3 and espeakng_loader. pyttsx3 2.99's espeak driver
has traps this module works around (each was seen on this machine):

- the library is found only by fixed names, so the espeakng-loader wheel's copy is loaded first
  (RTLD_GLOBAL, its SONAME is libespeak-ng.so.1) and ESPEAK_DATA_PATH points at its data;
- synthesis runs on eSpeak's own thread: a file is complete only once `finished-utterance`
  fires, and a second `save_to_file` before that steals the first one's audio;
- every later `runAndWait()` re-synthesizes the last text, so properties are never set in a loop
  here; they go straight to the driver and are confirmed with `espeak_Synchronize` and
  `espeak_GetParameter(..., current=1)` (pyttsx3 declares that call without its second argument);
- each loop calls `espeak_Cancel` if eSpeak still looks busy: that drops a rate just set (hence
  the check) or kills the new utterance (hence waiting for `espeak_IsPlaying() == 0` first);
- the driver prints "Audio saved to ..." for every file; its module-level `print` is silenced.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import importlib
import importlib.metadata
import os
import shutil
import tempfile
import threading
import time
import wave
from pathlib import Path
from typing import Any

from exporter import signals
from exporter.errors import NarrationError, VoiceError
from exporter.narrate.engines import Engine, VoiceInfo

ENGINE_NAME = "espeak-ng"
MIN_RATE = 80
MAX_RATE = 450
DEFAULT_RATE = 200
_ESPEAK_RATE = 1  # espeak_PARAMETER espeakRATE
_INSTALL_HINT = (
    "install it with `pip install espeakng-loader` (or the system package libespeak-ng1)"
)
_VOICES_HINT = "run `exporter voices` to see the installed voices"


def _load_wheel_library() -> None:
    """Load the espeakng-loader wheel's eSpeak NG globally and point eSpeak at its data."""
    try:
        import espeakng_loader
    except ImportError:
        return  # fall back to a system eSpeak NG, if there is one
    try:
        ctypes.CDLL(espeakng_loader.get_library_path(), mode=ctypes.RTLD_GLOBAL)
        os.environ["ESPEAK_DATA_PATH"] = espeakng_loader.get_data_path()
    except (OSError, RuntimeError) as exc:
        raise NarrationError(f"the eSpeak NG from espeakng-loader does not load: {exc}") from exc


def _quiet_print(*args: object, **kwargs: object) -> None:
    """Stand in for `print` inside pyttsx3's espeak driver, which announces every saved file."""


class _LoopClock:
    """Stands in for `time` inside pyttsx3's espeak driver, whose run loop naps 10 ms a turn:
    the nap ends as soon as the utterance finishes, instead of up to 10 ms later."""

    def __init__(self, done: threading.Event) -> None:
        """Wake on `done`."""
        self.done = done

    def sleep(self, seconds: float) -> None:
        """Wait at most `seconds`, less when the utterance has finished."""
        self.done.wait(seconds)


class _Backend:
    """The process's single pyttsx3 engine; eSpeak NG can only be initialised once per process."""

    def __init__(self) -> None:
        """Load eSpeak NG, start pyttsx3 and hook its completion and error callbacks."""
        _load_wheel_library()
        try:
            import pyttsx3
            import pyttsx3.drivers._espeak as espeak_lib
            import pyttsx3.drivers.espeak as espeak_driver
        except (ImportError, RuntimeError, OSError) as exc:
            raise NarrationError(f"eSpeak NG is not available ({exc}); {_INSTALL_HINT}") from exc
        setattr(espeak_driver, "print", _quiet_print)  # noqa: B010  (module global, not attr)
        self.done = threading.Event()
        setattr(espeak_driver, "time", _LoopClock(self.done))  # noqa: B010  (the loop's only use)
        # The driver passes `CHARS_UTF8` as its flags: adding PHONEMES makes `[[...]]` eSpeak
        # phoneme mnemonics (the lexicon's `espeak:` pronunciations); normalize() keeps "[["
        # of the text itself from ever reaching the engine.
        setattr(espeak_lib, "CHARS_UTF8", espeak_lib.CHARS_UTF8 | espeak_lib.PHONEMES)  # noqa: B010
        self.dll: Any = espeak_lib.dll
        self.dll.espeak_Info.restype = ctypes.c_char_p
        self.dll.espeak_Info.argtypes = [ctypes.c_void_p]
        self.dll.espeak_GetParameter.argtypes = [ctypes.c_int, ctypes.c_int]
        self.dll.espeak_GetParameter.restype = ctypes.c_int
        self.dll.espeak_Synchronize.restype = ctypes.c_int
        self.dll.espeak_IsPlaying.restype = ctypes.c_int
        self.driver: Any = espeak_driver.EspeakDriver
        try:
            self.engine: Any = pyttsx3.init()
        except (RuntimeError, OSError) as exc:
            raise NarrationError(f"eSpeak NG failed to start ({exc}); {_INSTALL_HINT}") from exc
        raw = self.dll.espeak_Info(None) or b"unknown"
        self.version = (
            f"{raw.decode(errors='replace')} pyttsx3-{importlib.metadata.version('pyttsx3')}"
        )
        self.lock = threading.Lock()
        self.completed = False
        self.errors: list[BaseException] = []
        self.engine.connect("finished-utterance", self._on_finished)
        self.engine.connect("error", self._on_error)
        self.tmpdir = Path(tempfile.mkdtemp(prefix=f"exporter-tts-{os.getpid()}-"))
        atexit.register(shutil.rmtree, self.tmpdir, True)
        self.wav = self.tmpdir / "utterance.wav"
        self.default_voice = str(self.driver.getProperty("voice") or "gmw/en")
        self.voice: str | None = None
        self.rate: int | None = None
        self.broken = False

    def _on_finished(self, name: object = None, completed: bool = True) -> None:
        """Note that the current utterance ended (on eSpeak's thread)."""
        self.completed = bool(completed)
        self.done.set()

    def _on_error(self, name: object = None, exception: BaseException | None = None) -> None:
        """Keep an error pyttsx3 reported instead of raising it."""
        self.errors.append(exception or RuntimeError("unknown pyttsx3 error"))

    def voices(self) -> list[VoiceInfo]:
        """List eSpeak NG's voices as pyttsx3 reports them."""
        return [
            VoiceInfo(str(v.id), str(v.name), tuple(str(lang) for lang in (v.languages or ())))
            for v in self.driver.getProperty("voices")
        ]

    def _current_rate(self) -> int:
        """Read the rate eSpeak NG actually uses, once its command queue is empty."""
        self.dll.espeak_Synchronize()
        return int(self.dll.espeak_GetParameter(_ESPEAK_RATE, 1))

    def apply(self, voice: str, rate: int) -> None:
        """Make `voice` and then `rate` current, confirming each took effect."""
        if self.voice != voice:
            try:
                self.driver.setProperty("voice", voice)
            except ValueError as exc:
                raise VoiceError(f"eSpeak NG refused voice {voice!r}; {_VOICES_HINT}") from exc
            if self.driver.getProperty("voice") != voice:
                raise VoiceError(f"eSpeak NG did not switch to voice {voice!r}; {_VOICES_HINT}")
            self.voice, self.rate = voice, None
        if self.rate == rate:
            return
        for _ in range(5):
            self.driver.setProperty("rate", rate)
            if self._current_rate() == rate:
                self.rate = rate
                return
        raise NarrationError(f"eSpeak NG did not accept the rate {rate} words per minute")

    def _abort(self) -> None:
        """Break a pyttsx3 loop that waits for an utterance which will never finish."""
        with contextlib.suppress(Exception):
            self.engine.stop()
        driver = getattr(self.engine.proxy, "_driver", None)
        if driver is not None:
            driver.endLoop()

    def _wait_idle(self) -> None:
        """Wait until eSpeak's thread has wound down the last utterance.

        pyttsx3's next loop calls `espeak_Cancel` if eSpeak still looks busy, which kills the
        new utterance (seen about once in 1,500 sentences on a loaded machine).
        """
        deadline = time.monotonic() + 5.0
        while self.dll.espeak_IsPlaying() and time.monotonic() < deadline:
            time.sleep(0.0005)

    def _utter(self, text: str, timeout: float) -> bool:
        """Run one save_to_file loop; tell whether the utterance completed."""
        with contextlib.suppress(FileNotFoundError):
            self.wav.unlink()
        self._wait_idle()
        self.done.clear()
        self.errors.clear()
        watchdog = threading.Timer(timeout, self._abort)
        watchdog.start()
        try:
            self.engine.save_to_file(text, str(self.wav))
            self.engine.runAndWait()
            finished = self.done.wait(timeout)
        finally:
            watchdog.cancel()
        if self.errors:
            raise NarrationError(f"eSpeak NG failed on {text[:60]!r}: {self.errors[0]}")
        if not finished:
            raise NarrationError(f"eSpeak NG did not finish {text[:60]!r} in {timeout:.0f} s")
        return self.completed and self.wav.exists()

    def synthesize(self, text: str, voice: str, rate: int) -> tuple[bytes, int]:
        """Speak one text into a temporary WAV, wait until it is complete, return PCM and rate."""
        with self.lock:
            if self.broken:
                raise NarrationError("eSpeak NG is unusable after an interrupted utterance")
            self.apply(voice, rate)
            self.broken = True  # until an utterance ends normally: pyttsx3 state is unknown
            if not any(self._utter(text, 30.0 + len(text) / 50) for _ in range(3)):
                raise NarrationError(f"eSpeak NG produced no audio for {text[:60]!r}")
            self.broken = False
            try:
                with wave.open(str(self.wav), "rb") as wav:
                    if wav.getnchannels() != 1 or wav.getsampwidth() != 2:
                        raise NarrationError("eSpeak NG wrote audio that is not mono 16-bit")
                    return wav.readframes(wav.getnframes()), wav.getframerate()
            except (wave.Error, EOFError) as exc:
                raise NarrationError(f"eSpeak NG wrote an unreadable file: {exc}") from exc


_backend: _Backend | None = None
_backend_lock = threading.Lock()


def _get_backend() -> _Backend:
    """Start eSpeak NG on first use and return the process's backend."""
    global _backend
    with _backend_lock:
        if _backend is None:
            _backend = _Backend()
        return _backend


def list_voices(folders: tuple[Path, ...] = ()) -> list[VoiceInfo]:
    """List the voices eSpeak NG offers, by identifier (`folders` hold Piper voices only)."""
    return sorted(_get_backend().voices(), key=lambda v: v.id)


def resolve_voice(voice: str | None, voices: list[VoiceInfo], default: str) -> str:
    """Find the voice identifier meant by an id, a name or a language code (any case)."""
    if voice is None or not voice.strip():
        return default
    wanted = voice.strip().lower()
    for match in (
        lambda v: v.id.lower() == wanted,
        lambda v: v.name.lower() == wanted,
        lambda v: any(lang.lower() == wanted for lang in v.languages),
        lambda v: v.id.lower().rsplit("/", 1)[-1] == wanted,
    ):
        found = [v.id for v in voices if match(v)]
        if found:
            return sorted(found)[0]
    raise VoiceError(f"no voice called {voice!r}; {_VOICES_HINT}")


class _EspeakEngine:
    """A pyttsx3/eSpeak NG engine bound to one voice and rate."""

    name = ENGINE_NAME
    parallel = False  # the seed, --jobs 2 against 1: 9.9 s against 8.2 s (worker start-up)

    def __init__(self, backend: _Backend, voice: str, rate: int) -> None:
        """Bind the shared backend to a voice and rate; probe the sample rate once."""
        self._backend = backend
        self.version = backend.version
        self.voice = voice
        self.rate = rate
        self.sample_rate = 22050
        _, self.sample_rate = backend.synthesize("a", voice, rate)

    def synthesize(self, text: str) -> bytes:
        """Speak `text` into mono signed 16-bit little-endian PCM; blank text gives no audio."""
        if not text.strip():
            return b""
        with signals.deferred():
            pcm, rate = self._backend.synthesize(text, self.voice, self.rate)
        if rate != self.sample_rate:
            raise NarrationError(f"eSpeak NG changed its sample rate to {rate} Hz")
        return pcm


def voice_for_language(language: str, folders: tuple[Path, ...] = ()) -> str | None:
    """eSpeak NG's voice for a language code (or its primary subtag), or None if it has none
    (voice folders hold Piper voices only: `folders` is not used)."""
    voices = list_voices()
    names = {v.id.lower() for v in voices} | {lang.lower() for v in voices for lang in v.languages}
    wanted = language.strip().lower()
    for candidate in (wanted, wanted.split("-")[0]):
        if candidate and (candidate in names or f"gmw/{candidate}" in names):
            return resolve_voice(candidate, voices, default_voice())
    return None


def default_voice() -> str:
    """The voice eSpeak NG starts with."""
    return _get_backend().default_voice


def open_engine(voice: str | None = None, rate: int | None = None) -> Engine:
    """Open eSpeak NG with a voice (id, name or language code) and a rate in words per minute."""
    if rate is None:
        rate = DEFAULT_RATE
    if not MIN_RATE <= rate <= MAX_RATE:
        raise VoiceError(f"rate {rate} is outside {MIN_RATE}..{MAX_RATE} words per minute")
    backend = _get_backend()
    voice_id = resolve_voice(voice, backend.voices(), backend.default_voice)
    return _EspeakEngine(backend, voice_id, rate)
