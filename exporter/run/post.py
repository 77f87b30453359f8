"""Build one post: read → clean → Book → EPUB, then narration, audiobooks and read-along."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from exporter import log
from exporter.errors import ExporterError, NotAPost, PostError
from exporter.log import LogMessage
from exporter.model.book import Book
from exporter.model.text import word_count
from exporter.narrate.cache import AudioCache, default_cache_dir
from exporter.narrate.normalize import Lexicon, load_lexicon
from exporter.read.post import Post, read_post
from exporter.run.audiobook import (
    narrate_book,
    read_along_overlays,
    write_audiobooks,
    write_transcript,
)
from exporter.run.load import book_from_post, load_book
from exporter.run.progress import Reporter
from exporter.run.report import PostResult
from exporter.run.settings import Settings, Source, lexicon_files
from exporter.write.epub.package import write_epub
from exporter.write.outputs import Outputs


@dataclass
class BuildContext:
    """What the posts of one process share: settings, cache, lexicons by folder, progress."""

    settings: Settings
    reporter: Reporter
    cache: AudioCache
    lexicons: dict[Path, Lexicon] = field(default_factory=dict)

    def lexicon_for(self, post: Path) -> Lexicon:
        """The shipped lexicon, then a `lexicon.yaml` beside the post, then --lexicon files."""
        folder = post.parent.resolve()
        if folder not in self.lexicons:
            self.lexicons[folder] = load_lexicon(lexicon_files(post, self.settings))
        return self.lexicons[folder]


def _skip_reason(post: Post, settings: Settings) -> str:
    """Why a post is left out of this build ('' when it is built)."""
    if not settings.include_drafts and (post.post_type == "draft" or not post.published):
        return "draft (use --include-drafts to build it)"
    if settings.posts_only and post.post_type == "page":
        return "page (left out by --posts-only)"
    return ""


def read_source(source: Source, settings: Settings) -> Post | PostResult:
    """Read a post, or say why it is skipped or failed."""
    try:
        post = read_post(source.path)
    except NotAPost as exc:
        if not source.explicit:
            reason = f"{source.path}: not a post (no front matter)"
            return PostResult(source.path, "skipped", reason)
        return PostResult(source.path, "failed", str(exc))
    except PostError as exc:
        return PostResult(source.path, "failed", str(exc))
    except OSError as exc:
        return PostResult(source.path, "failed", f"{source.path}: cannot read: {exc.strerror}")
    if skip := _skip_reason(post, settings):
        return PostResult(source.path, "skipped", f"{source.path}: {skip}")
    return post


def _narrate(book: Book, lexicon_from: Path, ctx: BuildContext, result: PostResult) -> None:
    """Write the audiobooks, transcript and read-along EPUB of a built book into the result."""
    settings = ctx.settings
    slug = book.meta.slug
    names = Outputs(settings.out_dir, slug)
    targets = [(fmt, names.audiobook(fmt)) for fmt in settings.audio_formats]
    scratch = names.narration_scratch
    if settings.read_along and "mp3" not in settings.audio_formats:
        targets.append(("mp3", scratch))  # the read-along needs MP3 even when not asked for
    narrated = narrate_book(
        book,
        lexicon=ctx.lexicon_for(lexicon_from),
        cache=ctx.cache,
        voice=settings.voice,
        rate=settings.rate,
        jobs=settings.jobs,
        engine=settings.engine,
        on_done=ctx.reporter.advance,
        on_start=lambda total: ctx.reporter.stage(slug, "narrating sentences", total),
        formats=[fmt for fmt, _ in targets],  # encoded while later sentences are synthesized
    )
    result.audio_seconds = narrated.timeline.seconds(narrated.timeline.total)
    result.synthesized, result.reused = narrated.stats.synthesized, narrated.stats.reused
    try:
        if targets:
            ctx.reporter.stage(slug, f"encoding {', '.join(f for f, _ in targets)}", len(targets))
            written = write_audiobooks(book, narrated, ctx.cache, targets, settings.jobs)
            ctx.reporter.advance(len(targets))
            result.outputs += [path for path in written if path != scratch]
        result.outputs.append(write_transcript(book, narrated, names.transcript))
        if settings.read_along:
            mp3 = next(path for fmt, path in targets if fmt == "mp3")
            read_along = names.read_along
            write_epub(book, read_along, media=read_along_overlays(book, narrated, mp3))
            result.outputs.append(read_along)
    finally:
        scratch.unlink(missing_ok=True)


def build_source(source: Source, ctx: BuildContext) -> PostResult:
    """Build one post, collecting its warnings; with --strict a warning fails the post."""
    with log.collecting() as messages:
        result = _build_source(source, ctx)
    return _with_warnings(result, messages, ctx.settings.strict)


def _with_warnings(result: PostResult, messages: list[LogMessage], strict: bool) -> PostResult:
    """Put the collected warnings into a result; under --strict they fail a built post."""
    result.warnings = [m.text for m in messages]
    if strict and messages and result.status == "built":
        result.status = "failed"
        result.reason = f"{result.source}: {messages[0].text} (--strict)"
    return result


def _build_source(source: Source, ctx: BuildContext) -> PostResult:
    """Build one post's outputs; every expected problem becomes a failed or skipped result."""
    read = read_source(source, ctx.settings)
    if isinstance(read, PostResult):
        return read
    post = read
    try:
        book = book_from_post(post, ctx.settings.images_dir)
        epub_path = Outputs(ctx.settings.out_dir, book.meta.slug).epub
        write_epub(book, epub_path)
    except ExporterError as exc:
        return PostResult(source.path, "failed", str(exc))
    result = PostResult(source.path, "built", outputs=[epub_path], words=word_count(book))
    if ctx.settings.narrate:
        try:
            _narrate(book, post.path, ctx, result)
        except ExporterError as exc:
            result.status = "failed"
            result.reason = f"{source.path}: narration failed: {exc} (the EPUB was built)"
    return result


def build_anthology(title: str, slug: str, posts: list[Path], ctx: BuildContext) -> PostResult:
    """Build one book of all the given posts: EPUB, and with narration its audio and read-along."""
    label = Path(f"anthology “{title}”")
    with log.collecting() as messages:
        result = _build_anthology(title, slug, posts, label, ctx)
    return _with_warnings(result, messages, ctx.settings.strict)


def _build_anthology(
    title: str, slug: str, posts: list[Path], label: Path, ctx: BuildContext
) -> PostResult:
    """Build the anthology's outputs; an expected problem becomes a failed result."""
    from exporter.clean.anthology import make_anthology  # only anthology runs need it

    try:
        books = [load_book(path, ctx.settings.images_dir) for path in posts]
        book = make_anthology(title, slug, books)
        epub_path = Outputs(ctx.settings.out_dir, slug).epub
        ctx.reporter.stage(slug, "writing the anthology EPUB", 1)
        write_epub(book, epub_path)
    except ExporterError as exc:
        return PostResult(label, "failed", f"{label}: {exc}")
    result = PostResult(label, "built", outputs=[epub_path], words=word_count(book))
    if ctx.settings.narrate:
        try:
            _narrate(book, posts[0], ctx, result)
        except ExporterError as exc:
            result.status = "failed"
            result.reason = f"{label}: narration failed: {exc} (the EPUB was built)"
    return result


# ---------------------------------------------------------------- worker processes

_worker: BuildContext | None = None


class _Silent:
    """A reporter for worker processes: the parent reports each post as it finishes."""

    def stage(self, post: str, what: str, total: int) -> None:
        """Say nothing."""

    def advance(self, steps: int = 1) -> None:
        """Say nothing."""

    def message(self, text: str) -> None:
        """Say nothing."""


def init_worker(settings: Settings) -> None:
    """Set up a worker process that builds whole posts, one at a time (pool initializer)."""
    global _worker
    from exporter import signals

    signals.install()
    cache = AudioCache(settings.cache_dir or default_cache_dir())
    _worker = BuildContext(settings, _Silent(), cache)


def build_in_worker(source: Source) -> PostResult:
    """Build one post in a worker process."""
    if _worker is None:
        raise RuntimeError("init_worker was not called")
    return build_source(source, _worker)
