"""Read the `site:` mapping of the source folder's `exporter.yaml` (download page, podcast).

Other top-level keys belong to the main settings reader; this one reads only `site:`.

    site:
      title: My blog's books      # the site's name: index, each page's header, the feed
      description: …              # the index's and the feed's description
      author: Jane Doe            # the feed's author (itunes:author)
      language: en                # the language of the site's own words
      category: Education         # itunes:category
      explicit: false             # itunes:explicit
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exporter.errors import ExporterError, UsageError
from exporter.model.language import normalize_tag
from exporter.read.post import clean_title, read_yaml_mapping

CONFIG_NAME = "exporter.yaml"
_TEXT_KEYS = ("title", "description", "author", "category", "language")


@dataclass(frozen=True)
class SiteSettings:
    """The download page's and the podcast channel's metadata; empty text means 'use a default'."""

    title: str = ""
    description: str = ""
    author: str = ""
    category: str = "Education"
    explicit: bool = False
    language: str = ""


def settings_path(sources: list[Path]) -> Path:
    """Where the settings of a run live: in the first source folder (or a file's folder)."""
    first = sources[0] if sources else Path("source")
    return (first if first.is_dir() else first.parent) / CONFIG_NAME


def read_site_settings(path: Path) -> SiteSettings:
    """The `site:` settings of a settings file; defaults when the file does not exist."""
    if not path.is_file():
        return SiteSettings()
    try:
        data = read_yaml_mapping(path)
    except ExporterError as exc:  # names the file and, for bad YAML, the line
        raise UsageError(str(exc)) from None
    return site_settings(path, data.get("site", {}))


def site_settings(path: Path, site: Any) -> SiteSettings:
    """Check the value of a settings file's `site:` key; a bad one names the file."""
    if not isinstance(site, dict):
        raise UsageError(f"{path}: `site:` must be a mapping of settings")
    unknown = sorted(str(key) for key in site if key not in (*_TEXT_KEYS, "explicit"))
    if unknown:
        raise UsageError(f"{path}: unknown `site:` setting {unknown[0]!r}")
    values: dict[str, str] = {}
    for key in _TEXT_KEYS:
        value = site.get(key)
        if value is not None and not isinstance(value, str | int | float):
            raise UsageError(f"{path}: `site: {key}` must be text")
        if value is not None:
            values[key] = clean_title(value)
    explicit = site.get("explicit", False)
    if not isinstance(explicit, bool):
        raise UsageError(f"{path}: `site: explicit` must be true or false")
    if "language" in values:
        values["language"] = normalize_tag(values["language"])
    if "language" in values and not values["language"]:
        raise UsageError(f"{path}: `site: language` must be a language tag such as en or nb")
    return SiteSettings(**values, explicit=explicit)
