"""The reader's door: no field of a post carries a code point that a document cannot hold.

Lone surrogates (from bytes that encode one, `&#xD800;`, a YAML `\\uD800` escape, a file name
that is not UTF-8) and noncharacters become U+FFFD here, each field with one warning naming it,
so naming, hashing, XML, JSON and the terminal downstream never meet one (`exporter.safetext`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from exporter import log
from exporter.safetext import has_unsafe, safe_references, safe_text, shown, undecodable_name

_KEY = re.compile(r"^([^\s:#'\"-][^:]*):")


def _replaced(field: str, count: int) -> None:
    """Warn that `count` code points of `field` were replaced."""
    log.warn(
        "unencodable-text",
        f"{field}: {count} character(s) that no document can hold (a lone surrogate or a"
        " noncharacter) replaced by U+FFFD",
    )


def safe_front_matter(front: str) -> str:
    """Front matter with unsafe characters replaced (YAML refuses them), each key warned once."""
    if not has_unsafe(front):
        return front
    lines = front.split("\n")
    key = "front matter"
    counts: dict[str, int] = {}
    for number, line in enumerate(lines):
        if found := _KEY.match(line):
            key = found.group(1).strip()
        lines[number], count = safe_text(line)
        if count:
            counts[key] = counts.get(key, 0) + count
    for name, count in counts.items():
        _replaced(name, count)
    return "\n".join(lines)


def safe_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Front-matter values with unsafe characters replaced (YAML's escapes make them)."""
    return {key: _safe_value(key, value) for key, value in fields.items()}


def _safe_value(key: str, value: Any) -> Any:
    """One value, its strings made safe (lists and mappings walked)."""
    if isinstance(value, str):
        fixed, count = safe_text(value)
        if count:
            _replaced(key, count)
        return fixed
    if isinstance(value, list):
        return [_safe_value(key, item) for item in value]
    if isinstance(value, dict):
        return {_safe_value(key, k): _safe_value(key, v) for k, v in value.items()}
    return value


def safe_body(body: str) -> str:
    """The body with unsafe characters and numeric references to them replaced."""
    fixed, count = safe_text(body)
    fixed, references = safe_references(fixed)
    if count + references:
        _replaced("body", count + references)
    return fixed


def safe_path(path: Path) -> Path:
    """The path with a name safe to derive a title, slug or identifier from (warned once)."""
    if not undecodable_name(path) and not has_unsafe(path.name):
        return path
    log.warn("undecodable-name", f"the file name is not UTF-8 text: shown as {shown(path.name)}")
    return path.with_name(safe_text(path.name)[0])
