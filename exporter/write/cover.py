"""Each book's cover: a 1400x1400 RGB JPEG with title, site and date, or the post's featured image.

The only module importing Pillow. The text is set in the TrueType font that ships inside
Pillow's wheel (`ImageFont.load_default(size=...)`, Pillow >= 10.1), so no system font is needed
and the same Pillow gives the same bytes on every machine: no timestamps or metadata are
written. The title is set as large as it fits (at most six lines) so it stays readable as a
thumbnail; the background colour comes from the book's slug, so books differ at a glance.
"""

from __future__ import annotations

import colorsys
import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

SIZE = 1400  # podcast directories ask for 1400 to 3000 pixels, square
MEDIA_TYPE = "image/jpeg"
_QUALITY = 90
_MARGIN = 110
_TITLE_SIZES = range(170, 59, -10)  # largest first
_TITLE_LINES = 6
_SMALL = 58
_INK = (255, 255, 255)

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True)
class CoverText:
    """What a generated cover says."""

    title: str
    site: str
    date: str
    slug: str


def render_cover(text: CoverText, featured: bytes | None = None) -> tuple[bytes, str]:
    """The cover as JPEG bytes and a note ('' or why the featured image was not used)."""
    if featured is not None:
        try:
            return _encode(_square(featured)), ""
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as exc:
            note = f"the featured image cannot be read ({exc}); a cover was generated instead"
            return _encode(_generated(text)), note
    return _encode(_generated(text)), ""


def _square(data: bytes) -> Image.Image:
    """A featured image cropped to its centre square and scaled to SIZE, in RGB."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        rgb = ImageOps.exif_transpose(image).convert("RGB")
    return ImageOps.fit(rgb, (SIZE, SIZE), Image.Resampling.LANCZOS)


def _encode(image: Image.Image) -> bytes:
    """Baseline JPEG bytes: no EXIF, no timestamps, fixed settings."""
    out = io.BytesIO()
    image.save(out, "JPEG", quality=_QUALITY, subsampling="4:2:0", optimize=False)
    return out.getvalue()


def _background(slug: str) -> tuple[int, int, int]:
    """A dark colour picked by the slug, so every book gets its own."""
    hue = hashlib.sha256(slug.encode()).digest()[0] / 256
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.55, 0.32)
    return round(red * 255), round(green * 255), round(blue * 255)


def _font(size: int) -> Font:
    """Pillow's bundled TrueType font at a pixel size."""
    return ImageFont.load_default(size=size)


def _width(draw: ImageDraw.ImageDraw, text: str, font: Font) -> float:
    """How wide a line of text is set."""
    left, _, right, _ = draw.textbbox((0, 0), text, font=font)
    return right - left


def wrap(draw: ImageDraw.ImageDraw, text: str, font: Font, width: float) -> list[str]:
    """Greedy line breaks at spaces; a word too long for a line is broken between letters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if _width(draw, candidate, font) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for letter in word:
            if line and _width(draw, line + letter, font) > width:
                lines.append(line)
                line = ""
            line += letter
    if line:
        lines.append(line)
    return lines


def _generated(text: CoverText) -> Image.Image:
    """Title in large type in the middle, the site above it and the date below."""
    image = Image.new("RGB", (SIZE, SIZE), _background(text.slug))
    draw = ImageDraw.Draw(image)
    width = SIZE - 2 * _MARGIN
    small = _font(_SMALL)
    if text.site:
        site = wrap(draw, text.site, small, width)[:1]
        draw.text((_MARGIN, _MARGIN), site[0] if site else "", font=small, fill=_INK)
    draw.rectangle((_MARGIN, _MARGIN + 100, _MARGIN + 160, _MARGIN + 112), fill=_INK)
    size, lines = _TITLE_SIZES[-1], [text.title]
    for size in _TITLE_SIZES:
        lines = wrap(draw, text.title or text.slug, _font(size), width)
        if len(lines) <= _TITLE_LINES:
            break
    lines = lines[:_TITLE_LINES]
    font, leading = _font(size), round(size * 1.18)
    top = (SIZE - leading * len(lines)) // 2
    for index, line in enumerate(lines):
        draw.text((_MARGIN, top + index * leading), line, font=font, fill=_INK)
    if text.date:
        draw.text((_MARGIN, SIZE - _MARGIN - _SMALL), text.date, font=small, fill=_INK)
    return image
