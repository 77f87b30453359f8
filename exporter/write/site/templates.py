"""The site's Jinja2 templates (autoescaped) and static files; the only module using Jinja2."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

import jinja2

STATIC_FILES = ("site.css", "site.js", "find.js")

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.PackageLoader("exporter.write.site", "templates"),
    autoescape=True,  # every value is text; only pre-rendered book markup is marked |safe
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render(template: str, **context: Any) -> str:
    """Render one template of templates/ with the given values."""
    return _ENVIRONMENT.get_template(template).render(**context)


def static_file(name: str) -> bytes:
    """The bytes of one shipped static file (stylesheet or script)."""
    return files("exporter.write.site").joinpath("static", name).read_bytes()
