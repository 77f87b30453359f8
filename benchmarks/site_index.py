#!/usr/bin/env python3
"""Benchmark the site index's load: the 690-card index against the 40-card one, same browser.

    .venv/bin/python benchmarks/site_index.py [--loads 5]

Builds the two synthetic indexes the browser tests use (tests/test_site_find.py: no book is
built), serves them over HTTP on 127.0.0.1, loads each one `--loads` times in headless
Chromium (Playwright's own, or /usr/bin/chromium) and prints the HTML and fetched bytes, the
covers fetched and DOMContentLoaded (median and best) of each, and the big/small ratio. The
load time is a benchmark and not a test: on a loaded 2-core machine it swings by 3x between
loads. Writes only under a temporary folder.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.test_site import CHROMIUM, CHROMIUM_FLAGS  # noqa: E402
from tests.test_site_find import LOAD_FIGURES, _card, _Quiet, _site  # noqa: E402


class _Server(http.server.ThreadingHTTPServer):
    """Quiet about the browser closing a connection early."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Say nothing."""


def _launch(playwright: Any) -> Any:
    """Playwright's Chromium when it is installed, else the system one."""
    try:
        return playwright.chromium.launch(args=CHROMIUM_FLAGS)
    except Exception:
        return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)


def main() -> None:
    """Build, serve, load, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loads", type=int, default=5)
    loads = parser.parse_args().loads
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _site(root / "big", [_card(n) for n in range(1, 691)])
        _site(root / "small", [_card(n) for n in range(1, 41)])
        handler = functools.partial(_Quiet, directory=str(root))
        httpd = _Server(("127.0.0.1", 0), handler)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_port}/"
        results: dict[str, list[dict[str, float]]] = {"small": [], "big": []}
        with sync_playwright() as playwright:
            browser = _launch(playwright)
            for _ in range(loads):  # interleaved, so both see the same machine
                for name, figures in results.items():
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(f"{base}{name}/index.html", wait_until="load")
                    figures.append(page.evaluate(LOAD_FIGURES))
                    page.close()
            browser.close()
        httpd.shutdown()
        httpd.server_close()
    ready = {}
    for name, figures in results.items():
        times = [f["ready"] for f in figures]
        ready[name] = statistics.median(times)
        first = figures[0]
        print(f"{name:5} index: HTML {first['html'] / 1e6:.2f} MB, fetched "
              f"{first['bytes'] / 1e6:.2f} MB, {first['covers']} covers; DOMContentLoaded "
              f"median {ready[name]:.0f} ms, best {min(times):.0f} ms "
              f"({', '.join(f'{t:.0f}' for t in times)})")  # fmt: skip
    print(f"big/small DOMContentLoaded (medians): {ready['big'] / ready['small']:.1f}x")


if __name__ == "__main__":
    main()
