"""Run DAISY Ace (the EPUB accessibility checker) on built books, many in one Node process.

Ace's own command line (`ace-cli`) checks one book a run and starts Node and Chromium each
time. A tiny Node program loads the same Ace packages that `ace-cli` uses, starts Chromium
once and checks the books two at a time, writing one JSON report per book. Ace is an npm
package: `ace-cli` is looked for in $EXPORTER_ACE_CLI, then in the project's `tools/ace`
folder (`npm ci` there), then on PATH; Chromium in $PUPPETEER_EXECUTABLE_PATH, then on PATH.
`ace_missing()` says what is absent.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACE_CLI_ENV = "EXPORTER_ACE_CLI"
TOOLS_DIR = Path(__file__).resolve().parents[2] / "tools" / "ace"
INSTALL_HINT = (
    "install DAISY Ace: `npm ci` in tools/ace (with ELECTRON_SKIP_BINARY_DOWNLOAD=1 "
    "PUPPETEER_SKIP_DOWNLOAD=1) and a Chromium (Debian: apt-get install chromium)"
)
_CHROMIUM_ENV = "PUPPETEER_EXECUTABLE_PATH"
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

# Arguments: the @daisy/ace-cli package folder, then (book, report file) pairs; two books
# are checked at a time. A book Ace cannot check gets `<report file>.error` instead.
_PROGRAM = """\
'use strict';
const fs = require('fs');
const path = require('path');
const { createRequire } = require('module');
const [cliDir, ...pairs] = process.argv.slice(2);
const fromCli = createRequire(path.join(cliDir, 'package.json'));
const fromShared = createRequire(fromCli.resolve('@daisy/ace-cli-shared'));
const ace = fromShared('@daisy/ace-core');
const logger = fromShared('@daisy/ace-logger');
const runner = fromCli('@daisy/ace-axe-runner-puppeteer');
// Ace launches and closes its browser for every book; keep one open for them all.
const shared = { ...runner, launch: async () => {}, close: async () => {} };
const jobs = [];
for (let i = 0; i + 1 < pairs.length; i += 2) jobs.push([pairs[i], pairs[i + 1]]);
async function check([book, report]) {
  try {
    // Without an outdir Ace skips its HTML report and resolves with the JSON one.
    const [, json] = await ace(book, { cwd: process.cwd(), silent: true }, shared);
    fs.writeFileSync(report, JSON.stringify(json));
  } catch (err) {
    const why = (err && err.message) || String(err) || 'Ace could not read the book';
    fs.writeFileSync(report + '.error', why);
  }
}
async function worker() {
  for (let job = jobs.shift(); job; job = jobs.shift()) await check(job);
}
async function main() {
  logger.initLogger({ silent: true, fileName: 'ace-batch.log' });
  await runner.launch();
  try {
    await Promise.all([worker(), worker()]);
  } finally {
    await runner.close();
  }
}
main().then(() => process.exit(0), (err) => { console.error(String(err)); process.exit(1); });
"""


@dataclass(frozen=True)
class AceViolation:
    """One rule Ace found broken: the rule, its impact, the file, and what is wrong."""

    rule: str
    impact: str
    file: str
    description: str = ""

    def line(self) -> str:
        """`rule [impact] file: description`."""
        said = f": {self.description}" if self.description else ""
        return f"{self.rule} [{self.impact}] {self.file}{said}"


@dataclass(frozen=True)
class AceResult:
    """Ace's verdict on one book: its violations, or why Ace could not check it."""

    violations: tuple[AceViolation, ...] = ()
    error: str = ""

    @property
    def clean(self) -> bool:
        """True when Ace checked the book and found nothing."""
        return not (self.violations or self.error)

    def summary(self) -> str:
        """`Ace 0 violations`, or the count and the first problem."""
        if self.error:
            return f"Ace could not check it: {self.error}"
        count = len(self.violations)
        first = f": {self.violations[0].line()}" if self.violations else ""
        return f"Ace {count} violation{'s' if count != 1 else ''}{first}"


def ace_cli() -> Path | None:
    """The `ace-cli` command: $EXPORTER_ACE_CLI if set, else tools/ace's, else one on PATH."""
    given = os.environ.get(ACE_CLI_ENV, "")
    if given:
        return Path(given) if Path(given).is_file() else None
    local = TOOLS_DIR / "node_modules" / ".bin" / "ace-cli"
    if local.is_file():
        return local
    found = shutil.which("ace-cli")
    return Path(found) if found else None


def chromium() -> str | None:
    """The Chromium Ace drives: $PUPPETEER_EXECUTABLE_PATH, else one on PATH."""
    given = os.environ.get(_CHROMIUM_ENV, "")
    if given:
        return given if Path(given).is_file() else None
    return next((found for name in _CHROMIUM_NAMES if (found := shutil.which(name))), None)


def _cli_package(command: Path) -> Path:
    """The `@daisy/ace-cli` package folder behind an `ace-cli` command (a link to bin/ace.js)."""
    return command.resolve().parent.parent


def _is_ace_cli(package: Path) -> bool:
    """True when the folder is the `@daisy/ace-cli` npm package."""
    try:
        manifest = json.loads((package / "package.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and manifest.get("name") == "@daisy/ace-cli"


def ace_missing() -> str:
    """'' when Ace can run here; else what is absent and how to install it."""
    command = ace_cli()
    if command is None and os.environ.get(ACE_CLI_ENV):
        return f"${ACE_CLI_ENV} is not a file: {os.environ[ACE_CLI_ENV]}"
    if command is None:
        return f"DAISY Ace is not installed (no ace-cli); {INSTALL_HINT}"
    if not _is_ace_cli(_cli_package(command)):
        return f"{command} is not DAISY Ace's ace-cli; {INSTALL_HINT}"
    if not shutil.which("node"):
        return f"DAISY Ace needs Node.js (not found on PATH); {INSTALL_HINT}"
    if chromium() is None and os.environ.get(_CHROMIUM_ENV):
        return f"${_CHROMIUM_ENV} is not a file: {os.environ[_CHROMIUM_ENV]}"
    if chromium() is None:
        return f"DAISY Ace needs Chromium (not found on PATH); {INSTALL_HINT}"
    return ""


def _test_title(test: Mapping[str, Any]) -> str:
    """The rule's name in an EARL test record."""
    return str(test.get("dct:title") or test.get("dct:description") or "?")


def violations_in(report: Mapping[str, Any]) -> tuple[AceViolation, ...]:
    """Every failed assertion of an Ace `report.json`, one per rule and file, in report order."""
    found: list[AceViolation] = []
    for subject in report.get("assertions", []):
        file = str(subject.get("earl:testSubject", {}).get("url", "?"))
        for assertion in subject.get("assertions", []):
            result = assertion.get("earl:result", {})
            if result.get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            found.append(
                AceViolation(
                    rule=_test_title(test),
                    impact=str(test.get("earl:impact", "?")),
                    file=file,
                    description=" ".join(str(result.get("dct:description", "")).split()),
                )
            )
    if not found and report.get("earl:result", {}).get("earl:outcome") != "pass":
        found.append(AceViolation("ace", "?", "?", "Ace's report does not say 'pass'"))
    return tuple(found)


def _result(report: Path) -> AceResult:
    """Ace's verdict from one book's report file (or the error written beside it)."""
    error = report.with_name(report.name + ".error")
    if error.is_file():
        return AceResult(error=error.read_text(encoding="utf-8").strip() or "unknown error")
    if not report.is_file():
        return AceResult(error="Ace wrote no report")
    try:
        return AceResult(violations_in(json.loads(report.read_text(encoding="utf-8"))))
    except (ValueError, AttributeError) as exc:
        return AceResult(error=f"unreadable report: {exc}")


def _environment(home: Path, browser: str) -> dict[str, str]:
    """The environment for Node: Ace's config, logs and temporary files kept in `home`."""
    environ = dict(os.environ)
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        environ[name] = str(home / name.lower())
    environ.update({"HOME": str(home), _CHROMIUM_ENV: browser, "TMPDIR": str(home)})
    return environ


def _run_node(arguments: list[str], work: Path, browser: str, timeout: float) -> str:
    """Run the batch program in its own process group; '' on success, else why it failed."""
    with subprocess.Popen(
        ["node", *arguments],
        cwd=work,
        env=_environment(work, browser),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            _, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # Node and the Chromium it started
            process.communicate()
            return f"Ace took longer than {timeout:.0f} s"
    if process.returncode == 0:
        return ""
    last = (stderr.strip().splitlines() or [""])[-1]
    return last or f"node exited with code {process.returncode}"


def run_ace_many(paths: Iterable[Path], timeout: float = 900) -> dict[Path, AceResult]:
    """Check every EPUB file with Ace in one Node process and one browser; results by file.

    When Ace cannot run here every book gets `ace_missing()`'s reason as its error.
    """
    books = list(paths)
    command, browser, missing = ace_cli(), chromium(), ace_missing()
    if missing or command is None or browser is None:
        return {book: AceResult(error=missing or "DAISY Ace is not installed") for book in books}
    with tempfile.TemporaryDirectory(prefix="exporter-ace-") as work:
        folder = Path(work)
        program = folder / "ace-batch.js"
        program.write_text(_PROGRAM, encoding="utf-8")
        reports = [folder / f"report-{n}.json" for n in range(len(books))]
        pairs = [str(p) for b, r in zip(books, reports, strict=True) for p in (b.resolve(), r)]
        failure = _run_node(
            [str(program), str(_cli_package(command)), *pairs], folder, browser, timeout
        )
        results = [_result(report) for report in reports]
    return {
        book: AceResult(error=failure) if failure and result.error else result
        for book, result in zip(books, results, strict=True)
    }
