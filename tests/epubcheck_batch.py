"""Run EPUBCheck on many EPUB files in one Java process (one JVM start instead of one per file).

EPUBCheck's command line checks one file per run and a run costs about 8 s, nearly all of it
starting Java. A tiny Java program, run from source, calls EPUBCheck's own command-line
entry point once per file and writes one JSON report per file.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from .epubcheck import EpubcheckResult, epubcheck_jar, java_executable

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


def run_epubcheck_batch(
    paths: list[Path], work_dir: Path, timeout: float = 900
) -> dict[Path, EpubcheckResult]:
    """Check every EPUB file with EPUBCheck in one Java process; messages by file."""
    program = work_dir / "EpubcheckBatch.java"
    program.write_text(_PROGRAM, encoding="utf-8")
    reports = [work_dir / f"report-{n}.json" for n in range(len(paths))]
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
