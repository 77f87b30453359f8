"""Decide every post's output names before anything is built, so no two posts share a file."""

from __future__ import annotations

import dataclasses
import hashlib

from exporter.model.book import Metadata
from exporter.read.post import Post, read_post
from exporter.run.settings import Settings, Source
from exporter.write.outputs import Claims, Wish


def skip_reason(post: Post, settings: Settings) -> str:
    """Why a post is left out of this build by the settings ('' when it is built)."""
    if not settings.include_drafts and (post.post_type == "draft" or not post.published):
        return "draft (use --include-drafts to build it)"
    if settings.posts_only and post.post_type == "page":
        return "page (left out by --posts-only)"
    return ""


def _wish(source: Source, settings: Settings, seen: list[Metadata]) -> Wish | None:
    """What a source wants to be called; None when it will not be built (or cannot be read).

    The metadata of every post that will be built is added to `seen` (the site's identity).
    """
    try:
        post = read_post(source.path)
        if skip_reason(post, settings):
            return None
        meta = post.meta
        seen.append(meta)
        content = hashlib.sha256(f"{meta.title}\n{post.body.strip()}".encode()).hexdigest()
    except Exception:  # sealed: its build reports why (PostError, OSError, or a bug)
        return None
    return Wish(source.path, meta.slug, meta.date, post.post_id, content)


def name_sources(
    sources: list[Source], settings: Settings, seen: list[Metadata] | None = None
) -> list[Source]:
    """The sources with their output slugs decided (see `Claims.decide` for the rule)."""
    metas: list[Metadata] = [] if seen is None else seen
    wishes = [w for s in sources if (w := _wish(s, settings, metas)) is not None]
    wanted = {w.source: w.slug for w in wishes}
    decisions = Claims().decide(settings.out_dir, wishes)
    named: list[Source] = []
    for source in sources:
        decision = decisions.get(source.path)
        if decision is None:
            named.append(source)
            continue
        note: tuple[str, ...] = ()
        if decision.rival is not None and decision.duplicate_of is None:
            note = (
                f"output name clash: {decision.rival} is written as "
                f"{wanted[source.path]}.epub, so this post is written as {decision.slug}.epub",
            )
        named.append(
            dataclasses.replace(
                source, slug=decision.slug, notes=note, duplicate_of=decision.duplicate_of
            )
        )
    return named
