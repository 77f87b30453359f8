"""Turn one item of a WordPress export into the same Post the post-file reader makes."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from exporter.errors import ExporterError, PostError
from exporter.read.door import safe_body, safe_fields, safe_path
from exporter.read.post import Post, clean_title, post_metadata, post_slug
from exporter.read.wxr import (
    Channel,
    Node,
    _thumbnail_id,
    buildable,
    item_node,
    scan,
    split_entry,
)

_NO_DATE = ("", "0000-00-00 00:00:00")


@dataclass(frozen=True)
class SiteFacts:
    """The site's own words, as its export's channel gives them."""

    title: str
    description: str
    language: str
    base_url: str


def site_facts(path: Path) -> SiteFacts:
    """The channel's title, description, language and address of an export."""
    channel = scan(path)
    return SiteFacts(channel.title, channel.description, channel.language, channel.link)


NO_FACTS = SiteFacts("", "", "", "")


def export_facts(sources: Iterable[Path]) -> SiteFacts:
    """The channel's words of the first export an item of these sources comes from, if any."""
    for source in sources:
        if (entry := split_entry(source)) is not None:
            try:
                return site_facts(entry[0])
            except (ExporterError, OSError):  # the export's own build says why
                return NO_FACTS
    return NO_FACTS


def item_entries(path: Path) -> list[str]:
    """The ids of the posts and pages of an export that may be built (drafts included)."""
    return [ref.entry for ref in scan(path).items if buildable(ref)]


def read_item(path: Path, entry: str) -> Post:
    """Read item `entry` (its wp:post_id) of the export at `path` into a Post."""
    label = Path(f"{path}#{entry}")
    channel, ref, node, _raw = item_node(path, entry)
    if not buildable(ref):
        raise PostError(label, f"a {ref.status or 'protected'} item is never built", ref.line)
    fields = safe_fields(_fields(channel, node))
    meta = post_metadata(safe_path(label), fields)
    name = unquote(node.first("wp:post_name").strip())
    if name:
        meta = dataclasses.replace(meta, slug=post_slug(label, "/" + name.replace("/", "-")))
    meta = dataclasses.replace(
        meta,
        categories=_terms(node, "category"),
        tags=_terms(node, "post_tag"),
    )
    content = next((c for c in node.children if c.kind == "content:encoded"), None)
    body = content.value() if content is not None else ""
    return Post(
        path=label,
        meta=meta,
        body=safe_body(body.replace("\r\n", "\n").replace("\r", "\n")),
        body_line=content.line if content is not None else ref.line,
        published=ref.status == "publish",
        post_type="page" if ref.post_type == "page" else "post",
        post_id=entry,
    )


def _fields(channel: Channel, node: Node) -> dict[str, Any]:
    """The item as the front-matter fields `post_metadata` reads."""
    login = node.first("dc:creator").strip()
    date = node.first("wp:post_date_gmt").strip()
    if date in _NO_DATE:
        date = node.first("wp:post_date").strip()
    url, _attached = channel.attachments.get(_thumbnail_id(node), ("", ""))
    fields: dict[str, Any] = {
        "post_title": node.first("title"),
        "author": channel.authors.get(login, login),
        "permalink": node.first("link").strip(),
        "post_excerpt": node.first("excerpt:encoded"),
        "ID": node.first("wp:post_id").strip(),
        "post_date": None if date in _NO_DATE else date,
        "featured_image": url,
    }
    return fields  # no `lang`: the channel's language is the site's default (`export_facts`)


def _terms(node: Node, domain: str) -> tuple[str, ...]:
    """The display names of an item's categories (WXR 1.0: no domain) or tags, in order."""
    names: list[str] = []
    for term in node.all("category"):
        kind = term.attrs.get("domain", "category")
        name = clean_title(term.value())
        if kind == domain and name and name not in names:
            names.append(name)
    return tuple(names)


def left_out(path: Path) -> str:
    """What an export holds that is never built ('' when nothing): its private, protected and
    trashed posts and pages, counted, for the run's notes."""
    try:
        refs = [ref for ref in scan(path).items if not buildable(ref)]
    except (ExporterError, OSError):
        return ""
    kinds = Counter(
        "password-protected" if ref.password else ("in the trash" if ref.status == "trash"
                                                   else ref.status)
        for ref in refs
    )  # fmt: skip
    if not kinds:
        return ""
    shown = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    return f"{path.name}: posts and pages never built: {shown}"

