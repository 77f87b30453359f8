"""Load speech lexicons: the shipped one and the user's files, read via exporter.read."""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from exporter.narrate.lexicon import Lexicon, LexiconSource, build_lexicon
from exporter.read.config import read_lexicon_file


def lexicon_sources(extra: Sequence[Path] = ()) -> list[LexiconSource]:
    """The shipped lexicon, then each user lexicon file, read as plain data, in override order."""
    packaged = resources.files("exporter") / "data" / "lexicon.yaml"
    with resources.as_file(packaged) as path:
        sources = [(path, read_lexicon_file(path))]
    return sources + [(path, read_lexicon_file(path)) for path in extra]


def load_lexicon(
    extra: Sequence[Path] = (),
    language: str = "en",
    engine: str = "espeak",
    dates: str | None = None,
) -> Lexicon:
    """The lexicon for one language and engine: shipped entries, then the user's, key by key."""
    return build_lexicon(lexicon_sources(extra), language, engine, dates)
