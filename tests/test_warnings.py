"""The warnings channel: what a reader should know reaches the summary and report.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exporter import log
from exporter.cli import main

POST = """---
ID: 7
post_title: Links and players
post_date: 2020-01-02 10:00:00
permalink: https://example.org/links-and-players/
---
<p>A photo from elsewhere: <img src="https://cdn.example.net/photo.jpg" alt="a photo"></p>
<p>The talk itself:</p>
<iframe src="https://www.youtube.com/embed/abcdefghijk" title="The talk"></iframe>
<p>Write to us: [contact-form-7 id="3"]</p>
"""


def _write(tmp_path: Path) -> Path:
    post = tmp_path / "src" / "2020-01-02-links.md"
    post.parent.mkdir()
    post.write_text(POST)
    return post


def test_collecting_gathers_each_warning_once_and_only_inside() -> None:
    log.warn("x", "said outside: dropped")
    with log.collecting() as messages:
        log.warn("image", "one")
        log.warn("image", "one")
        log.warn("embed", "two")
    assert [(m.kind, m.text) for m in messages] == [("image", "one"), ("embed", "two")]


def test_warnings_reach_the_summary_and_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    post = _write(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(post.parent), "-o", str(out), "--no-audio"]) == 0
    report = json.loads((out / "report.json").read_text())
    (entry,) = report["posts"]
    assert entry["status"] == "built"
    warnings = entry["warnings"]
    assert any("https://cdn.example.net/photo.jpg" in w and "kept as a link" in w for w in warnings)
    assert any("youtube.com" in w and "cannot play" in w for w in warnings)
    assert any("[contact-form-7] dropped" in w for w in warnings)
    printed = capsys.readouterr().out
    assert f"warning: {post}: image https://cdn.example.net/photo.jpg" in printed


def test_strict_turns_a_warning_into_a_failure(tmp_path: Path) -> None:
    post = _write(tmp_path)
    out = tmp_path / "out"
    assert main(["build", str(post.parent), "-o", str(out), "--no-audio", "--strict"]) == 1
    (entry,) = json.loads((out / "report.json").read_text())["posts"]
    assert entry["status"] == "failed"
    assert entry["reason"].endswith("(--strict)")
