"""`--chapter-files`: one MP3 per chapter, named, tagged and cut where the book's chapters are."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import mutagen.id3

from exporter.cli import main
from exporter.write.audio.assemble import decode_pcm, read_chapters
from exporter.write.audio.chapter_files import member_name

POST = """---
post_title: 'Two Rivers'
author: Ann Ferry
post_date: '2021-06-01 10:00:00'
---
<p>The first river is short, and its banks are green all year.</p>
<h2>The Second River</h2>
<p>The second river is longer. It floods in spring and dries in August.</p>
<h2>Bridges &amp; Fords</h2>
<p>Two bridges cross them both.</p>
"""


def _samples(data: bytes, folder: Path) -> tuple[int, int]:
    """The sample rate and decoded sample count of one MP3's bytes."""
    path = folder / "one.mp3"
    path.write_bytes(data)
    rate, chunks = decode_pcm(path)
    return rate, sum(len(chunk) for chunk in chunks) // 4  # float32


def test_each_chapter_is_its_own_tagged_mp3_in_order(tmp_path: Path) -> None:
    post = tmp_path / "rivers.md"
    post.write_text(POST)
    out = tmp_path / "out"
    args = ["build", str(post), "-o", str(out), "--cache", str(tmp_path / "cache"),
            "--engine=espeak"]
    assert main([*args, "--audio-format", "mp3", "--no-read-along", "--chapter-files"]) == 0
    chapters = read_chapters(out / "rivers.mp3")
    with zipfile.ZipFile(out / "rivers.chapters.zip") as archive:
        names = archive.namelist()
        assert names == ["01 Two Rivers.mp3", "02 The Second River.mp3", "03 Bridges & Fords.mp3"]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
        tracks = [archive.read(name) for name in names]
    for number, (data, (title, start, end)) in enumerate(zip(tracks, chapters, strict=True), 1):
        (tmp_path / "tag.mp3").write_bytes(data)
        tags = mutagen.id3.ID3(tmp_path / "tag.mp3")
        assert str(tags["TIT2"]) == title
        assert str(tags["TRCK"]) == f"{number}/3" and str(tags["TALB"]) == "Two Rivers"
        assert str(tags["TPE1"]) == "Ann Ferry"
        rate, samples = _samples(data, tmp_path)
        assert abs(samples - round((end - start) * rate)) <= rate // 1000 + 1  # within a ms
    page = (out / "rivers.html").read_text()
    assert 'href="rivers.chapters.zip"' in page and "Chapters (MP3, zip)" in page
    report = json.loads((out / "report.json").read_text())
    assert "rivers.chapters.zip" in report["posts"][0]["outputs"]
    # not asked for: no zip, and the one from before is removed as stale
    assert main([*args, "--audio-format", "mp3", "--no-read-along"]) == 0
    assert not (out / "rivers.chapters.zip").exists()


def test_member_names_are_portable_and_sort_in_order() -> None:
    assert member_name(3, 12, "Día 3: ¿qué?/*") == "03 Día 3 qué.mp3"
    assert member_name(7, 140, "") == "007 Chapter.mp3"
    assert member_name(1, 2, "..") == "01 Chapter.mp3"
