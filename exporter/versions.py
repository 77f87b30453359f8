"""What is installed: a distribution's version, for cache keys, fingerprints and reports."""

from __future__ import annotations

import functools
from importlib import metadata

MISSING = "-"  # the version of a distribution that is not installed


@functools.cache
def installed_version(name: str) -> str:
    """The installed version of distribution `name`, or MISSING when it is not installed."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return MISSING
