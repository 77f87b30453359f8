"""Embed a post's own images from a local folder; remote images are kept as links, never fetched.

A figure's image is embedded when it is a `data:` image in the post, or when its address is
site-relative (`/images/x.png`), relative, or on the post's own site and the `--images`
folder holds that path (or that file name, or the name without WordPress's `-300x200`
size suffix). The file must stay inside the folder, be at most `MAX_BYTES`, and its bytes
must be PNG, JPEG, GIF or WebP (SVG is not embedded: it can carry scripts).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import posixpath
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from exporter import log
from exporter.model.book import (
    Block,
    Chapter,
    Figure,
    Resource,
)
from exporter.model.walk import map_blocks, map_chapter
from exporter.read.addresses import host_of

MAX_BYTES = 20 * 1024 * 1024
_SIZED = re.compile(r"-\d{2,5}x\d{2,5}(?=\.\w+$)")
_DATA = re.compile(r"data:image/[\w.+-]+;base64,(.*)", re.IGNORECASE | re.DOTALL)
_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
}


def sniff(data: bytes) -> str | None:
    """The media type of image bytes (PNG, JPEG, GIF, WebP), or None for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def safe_name(name: str, media_type: str) -> str:
    """An ASCII file name for a resource, with the extension its bytes call for."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_name.rsplit(".", 1)[0]).strip("-.")[:60]
    return (stem or "image") + _EXTENSIONS[media_type]


def site_path(src: str, site: str) -> str | None:
    """The path of an image on the post's own site, or None for a remote or odd address."""
    try:
        parts = urlsplit(src)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        if parts.scheme.lower() not in ("http", "https") or not site:
            return None
        if host_of(src) != site.lower().removeprefix("www."):
            return None
    path = posixpath.normpath("/" + unquote(parts.path)).lstrip("/")
    if not path or path == "." or ".." in path.split("/"):
        return None
    return path


def find_image(images_dir: Path, path: str) -> bytes | None:
    """The bytes of a site image found in the folder, or None (never outside the folder)."""
    root = images_dir.resolve()
    name = posixpath.basename(path)
    uploaded = path.partition("wp-content/uploads/")[2]  # the folder may be a copy of uploads/
    names = [path, uploaded, name, *(_SIZED.sub("", n) for n in (path, uploaded, name))]
    for candidate in dict.fromkeys(n for n in names if n):
        try:
            file = (root / candidate).resolve()
            if file.is_relative_to(root) and file.is_file() and file.stat().st_size <= MAX_BYTES:
                return file.read_bytes()
        except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop
            continue
    return None


def featured_image(images_dir: Path | None, src: str, site: str) -> bytes | None:
    """The post's featured image from the --images folder, or None (never fetched)."""
    path = site_path(src, site) if images_dir is not None and src else None
    if images_dir is None or path is None:
        return None
    data = find_image(images_dir, path)
    return data if data is not None and sniff(data) is not None else None


class _Collector:
    """Turns figure addresses into book resources, one resource per distinct image."""

    def __init__(self, images_dir: Path | None, site: str) -> None:
        self.images_dir = images_dir
        self.site = site
        self.resources: list[Resource] = []
        self.by_digest: dict[str, str] = {}
        self.names: set[str] = set()

    def resolve(self, src: str) -> str:
        """The href of the embedded image for an address, or the address unchanged."""
        data, name = self._load(src)
        media_type = sniff(data) if data else None
        if data is None or media_type is None:
            if host_of(src):
                log.warn("image", f"image {src} is not in the book: kept as a link")
            return src
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.by_digest:
            return self.by_digest[digest]
        file_name = safe_name(name or f"image-{digest[:10]}", media_type)
        stem, ext = file_name.rsplit(".", 1)
        count = 1
        while file_name.lower() in self.names:
            count += 1
            file_name = f"{stem}-{count}.{ext}"
        self.names.add(file_name.lower())
        href = f"images/{file_name}"
        self.resources.append(Resource(href, media_type, data))
        self.by_digest[digest] = href
        return href

    def _load(self, src: str) -> tuple[bytes | None, str]:
        """The image bytes behind an address (a data: image or a file in the folder)."""
        match = _DATA.match(src)
        if match:
            try:
                data = base64.b64decode(re.sub(r"\s+", "", match.group(1)), validate=True)
            except (binascii.Error, ValueError):
                return None, ""
            return (data if len(data) <= MAX_BYTES else None), ""
        path = site_path(src, self.site) if self.images_dir is not None else None
        if path is None or self.images_dir is None:
            return None, ""
        return find_image(self.images_dir, path), posixpath.basename(path)

    def figure(self, block: Block) -> Block:
        """A block with its address resolved when it is a figure."""
        if isinstance(block, Figure) and block.src:
            return Figure(self.resolve(block.src), block.alt, block.caption)
        return block


def embed_images(
    chapters: tuple[Chapter, ...], images_dir: Path | None, site: str = ""
) -> tuple[tuple[Chapter, ...], tuple[Resource, ...]]:
    """Embed the images the post carries or the folder holds; return chapters and resources."""
    collector = _Collector(images_dir, site)
    out = tuple(
        map_chapter(chapter, lambda blocks: map_blocks(blocks, collector.figure))
        for chapter in chapters
    )
    return out, tuple(collector.resources)
