"""Read a site's settings file (`exporter.yaml`) and lexicon files, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter.errors import ExporterError
from exporter.model.language import normalize_tag
from exporter.read.post import read_yaml_mapping

CONFIG_NAME = "exporter.yaml"
DATE_ORDERS = ("day-first", "month-first")


@dataclass(frozen=True)
class SiteConfig:
    """A site's settings: its language, how its numeric dates are written (None: not said),
    and its folders of Piper voices (relative to the settings file)."""

    language: str | None = None
    dates: str | None = None
    voices: tuple[Path, ...] = ()


def read_site_config(path: Path) -> SiteConfig:
    """Read and check one `exporter.yaml`; an unknown key or bad value names the file."""
    data = read_yaml_mapping(path)
    known = ("language", "dates", "site", "voices")
    unknown = sorted(str(key) for key in data if key not in known)
    if unknown:
        raise ExporterError(f"{path}: {unknown[0]}: unknown setting (known: {', '.join(known)})")
    language = data.get("language")
    if language is not None and not (isinstance(language, str) and normalize_tag(language)):
        raise ExporterError(f"{path}: language: {language!r} is not a language tag such as es")
    dates = data.get("dates")
    if dates is not None and dates not in DATE_ORDERS:
        raise ExporterError(f"{path}: dates: expected {' or '.join(DATE_ORDERS)}, not {dates!r}")
    return SiteConfig(normalize_tag(language) if language else None, dates, _voices(path, data))


def _voices(path: Path, data: dict[str, Any]) -> tuple[Path, ...]:
    """The `voices:` setting: one folder or a list of folders, relative to the file."""
    value = data.get("voices")
    folders = [value] if isinstance(value, str) else value if value is not None else []
    if not isinstance(folders, list) or not all(isinstance(f, str) and f for f in folders):
        raise ExporterError(f"{path}: voices: expected a folder or a list of folders")
    return tuple(path.parent / Path(f).expanduser() for f in folders)


def find_site_config(post: Path) -> Path | None:
    """The nearest `exporter.yaml` in the post's folder or a folder above it."""
    for folder in post.resolve().parents:
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def read_lexicon_file(path: Path) -> dict[str, Any]:
    """A lexicon file's raw sections (checked by narrate's lexicon builder)."""
    return read_yaml_mapping(path)
