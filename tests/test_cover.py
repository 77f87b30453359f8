"""Covers: generated or from the featured image, and carried by the EPUB, the m4b and the mp3."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import mutagen.id3
import mutagen.mp4
from PIL import Image

from exporter.cli import main
from exporter.write.cover import SIZE, CoverText, render_cover

from .conftest import Built

_id3: Any = mutagen.id3
_mp4: Any = mutagen.mp4
TEXT = CoverText("A Title Long Enough To Wrap Over Some Lines", "example.org", "1 May 2020", "a")


def opened(data: bytes) -> Image.Image:
    """Decode image bytes."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_generated_cover_is_a_square_rgb_jpeg_and_always_the_same() -> None:
    """1400x1400 RGB JPEG, the same bytes each time, with text on it."""
    data, note = render_cover(TEXT)
    assert note == ""
    assert data == render_cover(TEXT)[0]
    image = opened(data)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (SIZE, SIZE))
    assert len(image.resize((140, 140)).getcolors(140 * 140) or []) > 20  # not a blank square
    other = render_cover(CoverText("Another", "example.org", "", "b"))[0]
    assert other != data


def pixel(image: Image.Image) -> tuple[int, int, int]:
    """The image's average colour."""
    found: Any = image.resize((1, 1)).getpixel((0, 0))
    return found[0], found[1], found[2]


def _png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    """A plain PNG."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def test_featured_image_is_cropped_to_a_square() -> None:
    """A wide featured image becomes the 1400x1400 cover, its own colours kept."""
    data, note = render_cover(TEXT, _png((2000, 1000), (200, 30, 30)))
    image = opened(data)
    assert note == "" and image.size == (SIZE, SIZE)
    red, green, blue = pixel(image)
    assert red > 180 and green < 50 and blue < 50


def test_unreadable_featured_image_gives_a_generated_cover_and_says_so() -> None:
    """Bytes that are no image: the generated cover, with a note why."""
    data, note = render_cover(TEXT, b"\x89PNG\r\n\x1a\nnot really")
    assert data == render_cover(TEXT)[0]
    assert "featured image" in note


def test_seed_cover_is_in_the_epub_m4b_and_mp3(built: Built) -> None:
    """One cover file, and the same bytes as the EPUB cover-image, the m4b covr, the mp3 APIC."""
    cover = built.file(".cover.jpg").read_bytes()
    assert opened(cover).size == (SIZE, SIZE)
    with zipfile.ZipFile(built.file(".epub")) as epub:
        opf_name = next(n for n in epub.namelist() if n.endswith(".opf"))
        opf = epub.read(opf_name).decode()
        item = re.search(r'<item href="([^"]+)"[^>]*properties="cover-image"', opf)
        assert item is not None
        folder = opf_name.rpartition("/")[0]
        assert epub.read(f"{folder}/{item.group(1)}" if folder else item.group(1)) == cover
    assert [bytes(c) for c in _mp4.MP4(str(built.file(".m4b"))).tags["covr"]] == [cover]
    assert [f.data for f in _id3.ID3(str(built.file(".mp3"))).getall("APIC")] == [cover]


def test_featured_image_from_images_folder_becomes_the_cover(tmp_path: Path) -> None:
    """`featured_image` pointing into --images: that picture is the EPUB's cover."""
    images = tmp_path / "site"
    (images / "wp-content" / "uploads").mkdir(parents=True)
    (images / "wp-content" / "uploads" / "pic.png").write_bytes(_png((1600, 1600), (20, 40, 220)))
    post = tmp_path / "post.md"
    post.write_text(
        "---\npost_title: Featured\npermalink: https://example.org/featured/\n"
        "featured_image: https://example.org/wp-content/uploads/pic.png\n---\n"
        "<p>Some words to read.</p>\n"
    )
    out = tmp_path / "out"
    assert main(["build", str(post), "-o", str(out), "--no-audio", "--images", str(images)]) == 0
    red, _, blue = pixel(opened((out / "featured.cover.jpg").read_bytes()))
    assert blue > 200 and red < 40
