"""Scan a WordPress export (WXR 1.0-1.2) item by item with expat: safe, streaming, flat memory.

The scan keeps only the channel's facts, the authors and attachments, and where each post or
page item sits in the file (byte span, line); `item_node` parses one item again from its span.
Expat (2.4+) fetches nothing and limits entity amplification; any entity declaration in a
DTD is refused outright, so neither an external entity nor an expansion bomb is ever read.
"""

from __future__ import annotations

import hashlib
import os
import re
import xml.parsers.expat as expat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from exporter.errors import NotAPost, PostError

CHUNK = 1 << 20
MAX_ITEM_BYTES = 16 * 1024 * 1024
_WP = "http://wordpress.org/export/"
_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
}
_ENTRY = re.compile(r"^(?P<file>.+)#(?P<entry>\d+)$")
WXR_SUFFIXES = (".xml", ".wxr")


@dataclass
class Node:
    """One element of an item or the channel: its `prefix:name`, attributes, text, children."""

    kind: str
    attrs: dict[str, str]
    line: int
    text: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)

    def value(self) -> str:
        """The element's own text, CDATA sections joined."""
        return "".join(self.text)

    def first(self, kind: str) -> str:
        """The text of the first child of this kind ('' when there is none)."""
        return next((c.value() for c in self.children if c.kind == kind), "")

    def all(self, kind: str) -> list[Node]:
        """The children of this kind."""
        return [c for c in self.children if c.kind == kind]


@dataclass(frozen=True)
class ItemRef:
    """Where one post or page item sits in the export, and what the scan learned of it."""

    entry: str
    start: int
    end: int
    line: int
    post_type: str
    status: str
    password: bool


@dataclass
class Channel:
    """What a scan of one export keeps: the site's words, authors, attachments, item places."""

    path: Path
    encoding: str = "utf-8"
    namespaces: dict[str, str] = field(default_factory=dict)
    title: str = ""
    description: str = ""
    language: str = ""
    link: str = ""
    version: str = ""
    authors: dict[str, str] = field(default_factory=dict)
    attachments: dict[str, tuple[str, str]] = field(default_factory=dict)
    items: list[ItemRef] = field(default_factory=list)
    error: PostError | None = None  # a break after some items (a truncated file, say)


def _kind(name: str) -> str:
    """`uri local` (expat's namespace form) as `prefix:local`: wp, excerpt, content, dc."""
    uri, _, local = name.rpartition(" ")
    if not uri:
        return local
    if uri.startswith(_WP):
        return f"excerpt:{local}" if uri.rstrip("/").endswith("excerpt") else f"wp:{local}"
    return f"{_PREFIXES.get(uri, uri)}:{local}"


def _refuse_entity(name: str, *_: object) -> None:
    """Expat handler: any entity declaration stops the parse."""
    raise _Refused(f"the file declares an entity ({name}); exports with entities are refused")


class _Refused(Exception):
    """An entity declaration was met."""


def _parse(
    path: Path,
    chunks: Iterator[bytes],
    on_node: Callable[[Node, int, int], None],
    on_root: Callable[[str, int], None],
    line_offset: int = 0,
) -> expat.XMLParserType:
    """Feed the chunks to expat; call on_node(node, start, end) for each child of <channel>."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    stack: list[Node] = []
    starts: list[int] = []
    depth = [0]

    def start(name: str, attrs: dict[str, str]) -> None:
        depth[0] += 1
        if depth[0] == 1:
            on_root(_kind(name), parser.CurrentLineNumber + line_offset)
        if depth[0] < 3:
            return
        node = Node(_kind(name), attrs, parser.CurrentLineNumber + line_offset)
        if stack:
            stack[-1].children.append(node)
        else:
            starts.append(parser.CurrentByteIndex)
        stack.append(node)

    def end(name: str) -> None:
        depth[0] -= 1
        if stack:
            node = stack.pop()
            if not stack:
                on_node(node, starts.pop(), parser.CurrentByteIndex)

    def text(data: str) -> None:
        if stack:
            stack[-1].text.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as exc:
        reason = f"not well-formed XML: {expat.ErrorString(exc.code)}"
        raise PostError(path, reason, exc.lineno + line_offset) from None
    except _Refused as exc:
        raise PostError(path, str(exc), parser.CurrentLineNumber + line_offset) from None
    return parser


def _chunks(path: Path) -> Iterator[bytes]:
    """The file's bytes, a chunk at a time."""
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            yield chunk


def scan(path: Path) -> Channel:
    """Scan an export (cached per file version); NotAPost when it is not WXR."""
    info = path.stat()
    return _scan(path.resolve(), info.st_mtime_ns, info.st_size)


@lru_cache(maxsize=4)
def _scan(path: Path, mtime: int, size: int) -> Channel:
    """Scan one version of an export file."""
    channel = Channel(path)
    with path.open("rb") as file:
        head = file.read(200).decode("latin-1")
    declared = re.match(r"<\?xml[^>]*encoding=[\"']([A-Za-z0-9._-]+)", head)
    channel.encoding = declared.group(1) if declared else "utf-8"

    def on_root(kind: str, line: int) -> None:
        if kind != "rss":
            raise NotAPost(path, f"not a WordPress export (WXR): the root is <{kind}>", line)

    def on_node(node: Node, start: int, end: int) -> None:
        _channel_node(channel, node, start, end)

    try:
        _parse(path, _chunks(path), on_node, on_root)
    except NotAPost:
        raise
    except PostError as exc:
        if not channel.items and not channel.version:
            raise
        channel.error = exc
        return channel
    if not channel.version:
        raise NotAPost(path, "not a WordPress export (WXR): no wp:wxr_version in the channel")
    return channel


def _channel_node(channel: Channel, node: Node, start: int, end: int) -> None:
    """Keep what the scan needs of one child of <channel>."""
    kind = node.kind
    if kind in ("title", "description", "language", "link"):
        setattr(channel, kind, node.value().strip())
    elif kind == "wp:wxr_version":
        channel.version = node.value().strip()
    elif kind == "wp:author":
        login = node.first("wp:author_login").strip()
        channel.authors[login] = node.first("wp:author_display_name").strip() or login
    elif kind == "item":
        post_type = node.first("wp:post_type").strip()
        entry = node.first("wp:post_id").strip()
        if post_type == "attachment":
            attached = next(
                (m.first("wp:meta_value") for m in node.all("wp:postmeta")
                 if m.first("wp:meta_key") == "_wp_attached_file"),
                "",
            )  # fmt: skip
            channel.attachments[entry] = (node.first("wp:attachment_url").strip(), attached)
        elif post_type in ("post", "page") and entry.isdigit():
            status = node.first("wp:status").strip()
            password = bool(node.first("wp:post_password").strip())
            ref = ItemRef(entry, start, end, node.line, post_type, status, password)
            channel.items.append(ref)


def buildable(ref: ItemRef) -> bool:
    """True for an item exporter may build: never a private or password-protected one."""
    return ref.status != "private" and not ref.password and ref.status != "trash"


def split_entry(path: Path) -> tuple[Path, str] | None:
    """(export file, item id) for a source path `site.xml#123`; None for a plain file."""
    match = _ENTRY.match(str(path))
    if match is None or path.exists():
        return None
    return Path(match["file"]), match["entry"]


def item_node(path: Path, entry: str) -> tuple[Channel, ItemRef, Node, bytes]:
    """The channel, place, parsed element and raw bytes of one item of an export."""
    channel = scan(path)
    ref = next((r for r in channel.items if r.entry == entry), None)
    if ref is None:
        raise PostError(f"{path}#{entry}", "no such post or page in the export")
    if ref.end - ref.start > MAX_ITEM_BYTES:
        raise PostError(f"{path}#{entry}", "the item is too large", ref.line)
    with path.open("rb") as file:
        file.seek(ref.start)
        raw = file.read(ref.end - ref.start)
    found: list[Node] = []
    names = " ".join(f'xmlns:{p}="{u}"' for p, u in _namespaces(path, channel).items())
    head = f'<?xml version="1.0" encoding="{channel.encoding}"?><rss {names}><channel>'.encode()
    wrapped = head + raw + b"</item></channel></rss>"
    _parse(
        Path(f"{path}#{entry}"),
        iter([wrapped]),
        lambda node, _s, _e: found.append(node),
        lambda _k, _l: None,
        ref.line - 1,
    )
    return channel, ref, found[0], raw


def _namespaces(path: Path, channel: Channel) -> dict[str, str]:
    """The namespace declarations of the export's root element (read from its first bytes)."""
    if not channel.namespaces:
        with path.open("rb") as file:
            head = file.read(64 * 1024).decode("latin-1")
        root = head[head.find("<rss") :]
        root = root[: root.find(">")]
        channel.namespaces = dict(re.findall(r"xmlns:([A-Za-z_][\w.-]*)=[\"']([^\"']*)[\"']", root))
    return channel.namespaces


def item_digest(path: Path, entry: str) -> str:
    """A hash of one item's own bytes and of what it borrows from the channel."""
    channel, _ref, node, raw = item_node(path, entry)
    digest = hashlib.sha256(raw)
    thumbnail = _thumbnail_id(node)
    borrowed = [
        channel.authors.get(node.first("dc:creator").strip(), ""),
        channel.attachments.get(thumbnail, ("", "")),
        channel.language,
        channel.encoding,
    ]
    digest.update(repr(borrowed).encode())
    return digest.hexdigest()


def _thumbnail_id(node: Node) -> str:
    """The attachment id an item names as its featured image ('' when none)."""
    for meta in node.all("wp:postmeta"):
        if meta.first("wp:meta_key") == "_thumbnail_id":
            return meta.first("wp:meta_value").strip()
    return ""


def looks_like_wxr(path: Path) -> bool:
    """True for a file named like an export (`.xml`, `.wxr`)."""
    return path.suffix.lower() in WXR_SUFFIXES


def holds_export(path: Path) -> bool:
    """True for a file named like an export whose first bytes name the WXR namespace."""
    if not looks_like_wxr(path):
        return False
    try:
        with open(path, "rb", opener=lambda p, f: os.open(p, f | os.O_NONBLOCK)) as file:
            head = file.read(64 * 1024)
    except OSError:
        return False
    return b"wordpress.org/export/" in head
