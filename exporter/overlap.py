"""Encode finished segments in a background thread while the rest of the book is synthesized.

eSpeak NG synthesizes in native code with the GIL released, and the narration loop mostly
waits for it, so encoders running in a thread here overlap with synthesis instead of following
it. As sentences land in the cache (in script order), they are laid out on the time line; each
segment the layout closes is final (segments depend only on their own sentences) and goes to
the thread. The book's last segment, and whatever the thread has not reached when synthesis
ends, are left to `write_audiobooks`. Failures here are only lost time: the segment is
encoded again later, where errors are reported.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from types import TracebackType

from .audiobase import read_segment
from .cache import AudioCache
from .encoding import SegmentJob, encode_job, segment_job
from .speech import Script
from .timeline import Layout


class EarlyEncoder:
    """Follows the narration into the cache and encodes each closed segment in a thread."""

    def __init__(
        self, script: Script, keys: Sequence[str], sample_rate: int, cache: AudioCache,
        formats: Sequence[str],
    ) -> None:  # fmt: skip
        """Watch for `keys` (one per utterance of `script`) and encode in `formats`."""
        self.script, self.keys, self.cache = script, list(keys), cache
        self.formats = list(formats)
        self.layout = Layout(sample_rate)
        self.jobs: queue.SimpleQueue[SegmentJob | None] = queue.SimpleQueue()
        self.closing = threading.Event()
        self.aborting = threading.Event()
        self.encoded = 0
        self.thread = threading.Thread(target=self._run, name="exporter-encoder", daemon=True)

    def __enter__(self) -> EarlyEncoder:
        """Start the encoder thread."""
        if self.formats:
            self.thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Let the thread finish its segment (or abandon it on failure) and wait for it."""
        (self.closing if kind is None else self.aborting).set()
        self.closing.set()
        self.jobs.put(None)
        if self.thread.is_alive():
            self.thread.join()

    def advance(self) -> None:
        """Lay out the sentences cached so far, in order; queue the segments they close."""
        utterances, placed = self.script.utterances, len(self.layout.cues)
        final = len(utterances) - 1
        while placed <= final and not self.closing.is_set():
            info = self.cache.info(self.keys[placed])
            if info is None:
                return
            closed = self.layout.add(utterances[placed], info[1], last=placed == final)
            placed += 1
            if closed is not None:
                for fmt in self.formats:
                    job = segment_job(
                        fmt, self.cache, self.layout.sample_rate, closed, self.layout.cues,
                        self.keys, last=False,
                    )  # fmt: skip
                    self.jobs.put(job)

    def _run(self) -> None:
        """Encode queued segments the cache lacks until told to close."""
        while not self.closing.is_set():
            job = self.jobs.get()
            if job is None:
                return
            if read_segment(job.path) is not None:
                continue
            try:
                encode_job(job, self.aborting.is_set)
                self.encoded += 1
            except Exception:  # lost time only: the segment is encoded again later
                continue
