"""Read WordPress <--> GitHub Sync post files (and other YAML inputs) into plain data; the only yaml user."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import ExporterError


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Load a YAML file that must hold a mapping (a lexicon, say) with `yaml.safe_load` only."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ExporterError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ExporterError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ExporterError(f"{path}: expected a mapping at the top level")
    return data
