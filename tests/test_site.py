"""The site: download page, listen-and-read page and podcast feed, checked in real tools.

The browser tests drive the machine's Chromium with Playwright (skipped, with the reason, when
either is missing; under CI=true they fail instead), run axe-core from axe-playwright-python,
and the feed is read by feedparser.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import av
import feedparser
import pytest

from exporter.cli import main
from tests.conftest import SEED, SLUG, Built

BASE = "https://example.org/books/"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
PODCAST = "{https://podcastindex.org/namespace/1.0}"
ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"


# ---------------------------------------------------------------- the seed, built for real


@pytest.fixture(scope="module")
def site(built: Built, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed's outputs rebuilt with --base-url (its page's preview addresses change), then
    built again, unchanged, from the build state."""
    out = tmp_path_factory.mktemp("site") / "out"
    shutil.copytree(built.out, out)
    args = ["build", "--engine=espeak",
        str(SEED), "-o", str(out), "--cache", str(built.cache), "--base-url", BASE]
    assert main(args) == 0
    assert main(args) == 0
    return out


@pytest.mark.slow
def test_feed_has_every_required_tag(site: Path) -> None:
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["unchanged"] == 1 and report["built"] == 0  # the feed came from the state
    parsed = feedparser.parse(str(site / "feed.xml"))
    assert not parsed.bozo, parsed.get("bozo_exception")
    channel = parsed.feed
    assert channel.title and channel.link == BASE + "index.html" and channel.language == "en"
    assert not channel.itunes_explicit and channel.tags[0].term == "Education"
    (entry,) = parsed.entries
    mp3 = site / f"{SLUG}.mp3"
    (enclosure,) = entry.enclosures
    assert enclosure.href == BASE + mp3.name and enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == mp3.stat().st_size
    assert entry.id.startswith("urn:uuid:") and entry.guidislink is False
    assert entry.published_parsed[:6] == (2012, 4, 15, 13, 50, 10)
    assert entry.link == BASE + f"{SLUG}.html" and entry.summary.startswith("Your brain cells")
    seconds = _m4b_seconds(site)
    hours, minutes, secs = map(int, entry.itunes_duration.split(":"))
    assert abs(hours * 3600 + minutes * 60 + secs - seconds) <= 0.5 + 1e-9
    root = ET.parse(site / "feed.xml").getroot()
    assert root.findtext(f"channel/{ITUNES}explicit") == "false"  # Apple's current values
    cover = BASE + f"{SLUG}.cover.jpg"
    channel_image = root.find(f"channel/{ITUNES}image")
    assert channel_image is not None and channel_image.get("href") == cover
    assert (site / f"{SLUG}.cover.jpg").is_file()
    item = root.find("channel/item")
    assert item is not None
    item_image = item.find(f"{ITUNES}image")
    assert item_image is not None and item_image.get("href") == cover
    for tag, media_type in (("chapters", "application/json+chapters"), ("transcript", "text/vtt")):
        element = item.find(PODCAST + tag)
        assert element is not None and element.get("type") == media_type
        url = element.get("url", "")
        assert url.startswith(BASE) and (site / url[len(BASE) :]).is_file()
    chapters = json.loads((site / f"{SLUG}.chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in chapters["chapters"]][1] == "Studies"


@pytest.mark.slow
def test_index_and_feed_are_rewritten_only_when_they_change(site: Path, built: Built) -> None:
    before = {name: (site / name).stat().st_mtime_ns for name in ("index.html", "feed.xml")}
    args = ["build", "--engine=espeak", str(SEED), "-o", str(site), "--cache", str(built.cache)]
    assert main([*args, "--base-url", BASE]) == 0
    assert {n: (site / n).stat().st_mtime_ns for n in before} == before
    assert main(args) == 0  # without the base URL the addresses are relative, og:url is gone
    assert f'url="{SLUG}.mp3"' in (site / "feed.xml").read_text(encoding="utf-8")
    assert 'property="og:url"' not in (site / "index.html").read_text(encoding="utf-8")
    assert main([*args, "--base-url", BASE]) == 0
    assert f'content="{BASE}index.html"' in (site / "index.html").read_text(encoding="utf-8")


# ---------------------------------------------------------------- in the browser


class _RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static server that answers byte ranges, as every web host does (media seek with it)."""

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet."""

    def send_head(self) -> Any:
        """Serve `Range: bytes=a-b` as 206 Partial Content; everything else as usual."""
        match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = Path(self.translate_path(self.path))
        if not match or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        first = int(match[1])
        last = min(int(match[2]) if match[2] else size - 1, size - 1)
        handle = path.open("rb")
        handle.seek(first)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {first}-{last}/{size}")
        self.send_header("Content-Length", str(last - first + 1))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.range_left = last - first + 1
        return handle

    def copyfile(self, source: Any, outputfile: Any) -> None:
        """Copy only the requested range when one was asked for."""
        left = getattr(self, "range_left", None)
        if left is None:
            super().copyfile(source, outputfile)
            return
        while left > 0 and (chunk := source.read(min(left, 65536))):
            outputfile.write(chunk)
            left -= len(chunk)


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The output folder served over HTTP on 127.0.0.1; yields its base address."""
    handler = functools.partial(_RangeHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright; skipped (failed under CI=true) when missing."""
    problem = ""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "Playwright for Python is not installed"
    if not problem and not CHROMIUM.is_file():
        problem = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests cannot run: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _open(browser: Any, url: str) -> tuple[Any, list[str]]:
    """A new page at `url` and the list its console errors and page errors land in."""
    page = browser.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    return page, errors


def _wait_for_audio(page: Any) -> float:
    """Wait until the player knows the narration's duration; return it."""
    page.wait_for_function("document.getElementById('narration').readyState >= 1")
    return float(page.evaluate("document.getElementById('narration').duration"))


def _m4b_seconds(site: Path) -> float:
    """The m4b's duration as PyAV reads it."""
    with av.open(str(site / f"{SLUG}.m4b")) as container:
        assert container.duration is not None
        return float(container.duration / av.time_base)


def _timings(page: Any) -> list[list[Any]]:
    """The page's cue list: [element id, start, end] in spoken order."""
    return list(page.evaluate("JSON.parse(document.getElementById('timings').textContent).cues"))


def _speaking(page: Any, element_id: str) -> None:
    """Wait until `element_id` is the one element highlighted."""
    page.wait_for_function(
        "id => [...document.querySelectorAll('.speaking')].map(e => e.id).join() === id",
        arg=element_id,
        timeout=5000,
    )


@pytest.mark.slow
def test_page_plays_highlights_and_seeks_over_http(browser: Any, server: str, site: Path) -> None:
    page, errors = _open(browser, server + f"{SLUG}.html")
    assert abs(_wait_for_audio(page) - _m4b_seconds(site)) < 0.1
    cues = _timings(page)
    assert all(page.locator(f"[id='{cue_id}']").count() == 1 for cue_id, _, _ in cues)
    page.wait_for_function("document.getElementById('narration').textTracks[0]?.cues?.length > 0")
    vtt_cues = (site / f"{SLUG}.vtt").read_text(encoding="utf-8").count(" --> ")
    assert page.evaluate("document.getElementById('narration').textTracks[0].cues.length") == (
        vtt_cues
    )
    studies = [c for c in cues if c[0] == "ch02" or c[0].startswith("ch02-")]
    page.get_by_role("link", name="Studies", exact=True).click()
    _speaking(page, studies[0][0])  # the chapter's title is the first thing it says
    page.evaluate("document.getElementById('narration').pause()")
    sentence = next(c for c in studies if page.locator(f"[id='{c[0]}'].s").count())
    page.evaluate(f"document.getElementById('narration').currentTime = {sentence[1]}")
    _speaking(page, sentence[0])  # seeking to its cue highlights the chapter's first sentence
    later = cues[len(cues) // 2]
    page.locator(f"[id='{later[0]}']").click()
    _speaking(page, later[0])
    position = page.evaluate("document.getElementById('narration').currentTime")
    assert later[1] - 0.01 <= position < later[2]  # the click seeked to the sentence's cue
    assert errors == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["index.html", f"{SLUG}.html"])
def test_every_link_and_media_file_resolves(browser: Any, server: str, name: str) -> None:
    page, errors = _open(browser, server + name)
    addresses = page.evaluate(
        "[...document.querySelectorAll('[href], [src]')].map(e => e.href || e.src)"
    )
    local = [a for a in addresses if a.startswith(server)]
    assert len(local) >= 5
    for address in local:
        response = page.request.get(address.split("#")[0])
        assert response.status == 200, address
        fragment = urlsplit(address).fragment
        if fragment and address.startswith(server + name):
            assert page.locator(f"[id='{fragment}']").count() == 1, address
    others = [a for a in addresses if not a.startswith(server) and not a.startswith("data:")]
    assert all(urlsplit(a).scheme == "https" for a in others), others  # links out, never fetched
    assert errors == []


@pytest.mark.slow
@pytest.mark.parametrize("name", ["index.html", f"{SLUG}.html"])
def test_axe_finds_no_violations(browser: Any, server: str, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page, _ = _open(browser, server + name)
    results = Axe().run(page)
    violations = results.response["violations"]
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]


@pytest.mark.slow
def test_page_works_from_file_urls(browser: Any, site: Path) -> None:
    page, errors = _open(browser, (site / f"{SLUG}.html").as_uri())
    assert abs(_wait_for_audio(page) - _m4b_seconds(site)) < 0.1
    page.get_by_role("link", name="Studies", exact=True).click()
    _speaking(page, "ch02")
    index, index_errors = _open(browser, urljoin((site / "index.html").as_uri(), "index.html"))
    assert index.get_by_role("link", name=re.compile("Memantine")).count() == 1
    assert errors == [] and index_errors == []


def _audio(page: Any, expression: str) -> Any:
    """Evaluate an expression over the page's audio element, named `a`."""
    return page.evaluate(f"(() => {{ const a = document.getElementById('narration'); "
                         f"return {expression}; }})()")  # fmt: skip


@pytest.mark.slow
def test_speed_skips_and_keys_reach_the_player_and_the_highlight_keeps_step(
    browser: Any, server: str
) -> None:
    page, errors = _open(browser, server + f"{SLUG}.html")
    _wait_for_audio(page)
    page.get_by_label("Speed").select_option("1.5")
    assert _audio(page, "a.playbackRate") == 1.5
    page.get_by_role("button", name="Forward 30 seconds").click()
    assert abs(_audio(page, "a.currentTime") - 30) < 0.5
    page.get_by_role("button", name="Back 15 seconds").click()
    assert abs(_audio(page, "a.currentTime") - 15) < 0.5
    page.locator("main.book").click(position={"x": 1, "y": 1})  # the keys go to the page
    page.keyboard.press("ArrowRight")
    assert abs(_audio(page, "a.currentTime") - 45) < 0.5
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('narration').currentTime > 46.5")
    page.keyboard.press("Space")
    assert _audio(page, "a.paused") and _audio(page, "a.playbackRate") == 1.5
    cues = _timings(page)
    now = _audio(page, "a.currentTime")
    spoken = [c for c in cues if c[1] <= now + 0.001][-1][0]
    _speaking(page, spoken)  # the highlight follows the faster narration
    page.reload()
    _wait_for_audio(page)  # the speed is remembered across pages
    assert _audio(page, "a.playbackRate") == 1.5 and page.locator("#speed").input_value() == "1.5"
    assert errors == []


@pytest.mark.slow
def test_reload_resumes_where_the_listener_was(browser: Any, server: str) -> None:
    page, errors = _open(browser, server + f"{SLUG}.html")
    _wait_for_audio(page)
    _audio(page, "(a.currentTime = 123.4, a.dispatchEvent(new Event('pause')))")
    page.reload()
    _wait_for_audio(page)
    page.wait_for_function("document.getElementById('narration').currentTime > 123")
    resume = page.locator(".player .resume")
    assert resume.is_visible() and "2:03" in resume.inner_text()
    resume.get_by_role("button", name="Start over").click()
    assert _audio(page, "a.currentTime") == 0 and not resume.is_visible()
    page.reload()
    _wait_for_audio(page)
    assert _audio(page, "a.currentTime") == 0
    assert errors == []


@pytest.mark.slow
def test_the_phone_player_stays_in_reach_while_the_text_scrolls(browser: Any, server: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server + f"{SLUG}.html")
    _wait_for_audio(page)
    violations = Axe().run(page).response["violations"]
    assert violations == [], [(v["id"], v["nodes"][0]["html"]) for v in violations]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.wait_for_function("document.getElementById('player').classList.contains('docked')")
    box = page.locator("#player").bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert page.get_by_label("Speed").is_visible()
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function("!document.getElementById('player').classList.contains('docked')")
