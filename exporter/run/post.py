"""Build one post: read → clean → Book → EPUB, then narration, audiobooks and read-along."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exporter import log
from exporter.atomic import write_atomic
from exporter.clean.images import featured_image
from exporter.errors import EmptyPostError, ExporterError, NotAPost, PostError
from exporter.log import LogMessage
from exporter.model.book import Book, Resource
from exporter.model.language import long_date
from exporter.model.text import word_count
from exporter.narrate.cache import AudioCache, default_cache_dir
from exporter.narrate.engines import (
    AUTO,
    ENGINE_CHOICES,
    FROM_FRONT_MATTER,
    VoiceChoice,
    choose_voice,
)
from exporter.narrate.lexicon import Lexicon
from exporter.read.post import Post, read_post
from exporter.run.lexicons import load_lexicon
from exporter.run.load import book_from_post, load_book, site_config
from exporter.run.names import skip_reason
from exporter.run.progress import Reporter
from exporter.run.report import NOT_A_POST, PostResult
from exporter.run.sandbox import describe, failure
from exporter.run.settings import Settings, Source, lexicon_files
from exporter.safetext import shown
from exporter.write.cover import MEDIA_TYPE, CoverText, render_cover
from exporter.write.epub.package import write_epub
from exporter.write.outputs import Outputs
from exporter.write.site.card import make_card
from exporter.write.site.chapters import write_chapters
from exporter.write.site.page import write_page

if TYPE_CHECKING:  # the audiobook stage loads meter and encoders: only narrated builds import it
    from exporter.run.audiobook import Narrated

COVER_HREF = "cover.jpg"  # beside the text, never where embedded images go (images/)


@dataclass
class BuildContext:
    """What the posts of one process share: settings, cache, lexicons by folder, progress."""

    settings: Settings
    reporter: Reporter
    cache: AudioCache
    lexicons: dict[tuple[Path, str, str], Lexicon] = field(default_factory=dict)

    def lexicon_for(self, post: Path, language: str, engine: str) -> Lexicon:
        """The shipped lexicon, then a `lexicon.yaml` beside the post, then --lexicon files.

        Built for the post's language, its engine, and the site's way of writing dates.
        """
        key = (post.parent.resolve(), language, engine)
        if key not in self.lexicons:
            dates = site_config(post, self.settings.language, self.settings.dates).dates
            files = lexicon_files(post, self.settings)
            self.lexicons[key] = load_lexicon(files, language, engine, dates)
        return self.lexicons[key]


def voice_choice(book: Book, post: Path, settings: Settings) -> VoiceChoice:
    """Which engine and voice narrate a book, and why: its front matter, --voice/--engine,
    its language's Piper voice (from --voices, exporter.yaml's voices:, the user's folder or
    an installed package), else eSpeak NG."""
    folders = settings.voice_dirs + site_config(post).voices
    meta = book.meta
    front = VoiceChoice(meta.engine or AUTO, meta.voice or None, FROM_FRONT_MATTER)
    if meta.engine and meta.engine not in ENGINE_CHOICES:
        raise PostError(
            post, f"engine: {meta.engine!r} is not a speech engine "
            f"(choose one of {', '.join(ENGINE_CHOICES)})",
        )  # fmt: skip
    return choose_voice(settings.engine, settings.voice, meta.language, folders, front)


def read_source(source: Source, settings: Settings) -> Post | PostResult:
    """Read a post, or say why it is skipped or failed."""
    try:
        post = read_post(source.path)
    except NotAPost as exc:
        if not source.explicit:
            reason = f"{source.path}: {NOT_A_POST}"
            return PostResult(source.path, "skipped", reason)
        return PostResult(source.path, "failed", str(exc))
    except PostError as exc:
        return PostResult(source.path, "failed", str(exc))
    except OSError as exc:
        return PostResult(source.path, "failed", f"{source.path}: cannot read: {exc.strerror}")
    if skip := skip_reason(post, settings):
        return PostResult(source.path, "skipped", f"{source.path}: {skip}")
    return post


def _narrate(book: Book, lexicon_from: Path, ctx: BuildContext, result: PostResult) -> Narrated:
    """Write the audiobooks, transcript and read-along EPUB of a built book into the result."""
    from exporter.run.audiobook import (
        AudiobookCheck,
        narrate_book,
        read_along_overlays,
        write_audiobooks,
        write_chapter_zip,
        write_transcript,
    )

    settings = ctx.settings
    slug = book.meta.slug
    names = Outputs(settings.out_dir, slug)
    targets = [(fmt, names.audiobook(fmt)) for fmt in settings.audio_formats]
    scratch = names.narration_scratch
    if settings.read_along and "mp3" not in settings.audio_formats:
        targets.append(("mp3", scratch))  # the read-along needs MP3 even when not asked for
    choice = voice_choice(book, lexicon_from, settings)
    narrated = narrate_book(
        book,
        lexicon=ctx.lexicon_for(lexicon_from, book.meta.language, choice.engine),
        cache=ctx.cache,
        voice=choice.voice,
        rate=settings.rate,
        jobs=settings.jobs,
        engine=choice.engine,
        on_done=ctx.reporter.advance,
        on_start=lambda total: ctx.reporter.stage(slug, "narrating sentences", total),
        formats=[fmt for fmt, _ in targets],  # encoded while later sentences are synthesized
        target_lufs=settings.loudness,
    )
    result.engine, result.voice, result.voice_reason = choice.engine, narrated.voice, choice.reason
    result.audio_seconds = narrated.timeline.seconds(narrated.timeline.total)
    result.synthesized, result.reused = narrated.stats.synthesized, narrated.stats.reused
    check: AudiobookCheck | None = None
    try:
        if targets:
            ctx.reporter.stage(slug, f"encoding {', '.join(f for f, _ in targets)}", len(targets))
            written = write_audiobooks(book, narrated, ctx.cache, targets)
            ctx.reporter.advance(len(targets))
            result.outputs += [path for path in written if path != scratch]
            result.narration_lufs, result.gain_db = narrated.narration_lufs, narrated.gain_db
            check = AudiobookCheck([path for _, path in targets], ctx.cache)  # runs beside
        if settings.chapter_files:
            ctx.reporter.stage(slug, "encoding one MP3 per chapter", 1)
            result.outputs.append(
                write_chapter_zip(book, narrated, ctx.cache, names.chapter_files)
            )
            ctx.reporter.advance(1)
        result.outputs.append(write_transcript(book, narrated, names.transcript))
        if settings.read_along:
            mp3 = next(path for fmt, path in targets if fmt == "mp3")
            read_along = names.read_along
            write_epub(book, read_along, media=read_along_overlays(book, narrated, mp3))
            result.outputs.append(read_along)
        if check is not None:
            labels = ["read-along mp3" if path == scratch else fmt for fmt, path in targets]
            result.loudness.update(zip(labels, check.results(settings.loudness), strict=True))
    finally:
        if check is not None:
            check.close()
        scratch.unlink(missing_ok=True)
    return narrated


def _web_page(book: Book, ctx: BuildContext, result: PostResult, narrated: Narrated | None,
              kind: str) -> None:  # fmt: skip
    """Write the book's chapters file and listen-and-read page; keep its card in the result."""
    names = Outputs(ctx.settings.out_dir, book.meta.slug)
    timeline = narrated.timeline if narrated is not None else None
    titles = narrated.script.chapter_titles if narrated is not None else ()
    if timeline is not None:
        result.outputs.append(write_chapters(names.chapters, titles, timeline))
    card = make_card(
        book,
        names,
        result.outputs,
        words_shown=result.words,
        audio_seconds=result.audio_seconds,
        cover=names.cover if names.cover in result.outputs else None,
        kind=kind,
    )
    settings = ctx.settings
    page = write_page(names.page, book, card, timeline, titles, settings.site_title,
                      settings.base_url)  # fmt: skip
    result.outputs.append(page)
    result.card = card


def _narrate_and_publish(book: Book, lexicon_from: Path, ctx: BuildContext, result: PostResult,
                         label: Path, kind: str = "post") -> None:  # fmt: skip
    """Narrate a built book (when asked), then write its web page; a failure fails the result."""
    try:
        narrated = _narrate(book, lexicon_from, ctx, result) if ctx.settings.narrate else None
        _web_page(book, ctx, result, narrated, kind)
    except ExporterError as exc:
        result.status = "failed"
        result.reason = f"{label}: narration failed: {exc} (the EPUB was built)"


def with_cover(book: Book, images_dir: Path | None, path: Path) -> Book:
    """Give the book its cover (the featured image from --images, else a generated one).

    The cover is also written beside the book's other files, for download pages and feeds.
    """
    meta = book.meta
    featured = featured_image(images_dir, meta.featured_image, meta.site)
    if meta.featured_image and images_dir is not None and featured is None:
        log.warn("cover", f"featured image {meta.featured_image} is not in {images_dir}")
    date = long_date(meta.date.date(), meta.language) if meta.date else ""
    text = CoverText(meta.title, meta.site, date, meta.slug)
    data, note = render_cover(text, featured)
    if note:
        log.warn("cover", note)
    write_atomic(path, data)
    return dataclasses.replace(book, cover=Resource(COVER_HREF, MEDIA_TYPE, data))


def build_source(source: Source, ctx: BuildContext) -> PostResult:
    """Build one post, collecting its warnings; with --strict a warning fails the post."""
    with log.collecting() as messages:
        for note in source.notes:
            log.warn("output-name-clash", note)
        try:
            result = _build_source(source, ctx)
        except Exception as exc:  # the post is a sealed unit: it fails alone, in one line
            result = failure(source.path, exc, ctx.settings.debug)
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
    if source.slug:
        post = dataclasses.replace(post, meta=dataclasses.replace(post.meta, slug=source.slug))
    try:
        site = site_config(post.path, ctx.settings.language, ctx.settings.dates)
        book = book_from_post(post, ctx.settings.images_dir, site, ctx.cache)
        names = Outputs(ctx.settings.out_dir, book.meta.slug)
        book = with_cover(book, ctx.settings.images_dir, names.cover)
        write_epub(book, names.epub)
    except EmptyPostError as exc:  # nothing a reader could read: not a failure
        return PostResult(source.path, "skipped", str(exc))
    except ExporterError as exc:
        return PostResult(source.path, "failed", str(exc))
    outputs = [names.epub, names.cover]
    result = PostResult(source.path, "built", outputs=outputs, words=word_count(book))
    kind = "page" if post.post_type == "page" else "post"
    _narrate_and_publish(book, post.path, ctx, result, source.path, kind)
    return result


def build_anthology(title: str, slug: str, posts: list[Path], ctx: BuildContext) -> PostResult:
    """Build one book of all the given posts: EPUB, and with narration its audio and read-along."""
    label = Path(f"anthology “{title}”")
    with log.collecting() as messages:
        try:
            result = _build_anthology(title, slug, posts, label, ctx)
        except Exception as exc:  # as for a post: one line, the run goes on
            result = failure(label, exc, ctx.settings.debug)
    return _with_warnings(result, messages, ctx.settings.strict)


def _build_anthology(
    title: str, slug: str, posts: list[Path], label: Path, ctx: BuildContext
) -> PostResult:
    """Build the anthology's outputs; an expected problem becomes a failed result."""
    from exporter.clean.anthology import make_anthology  # only anthology runs need it

    try:
        settings = ctx.settings
        books = [book for path in posts if (book := _member(path, settings)) is not None]
        if not books:
            return PostResult(label, "failed", f"{label}: none of its posts could be read")
        book = make_anthology(title, slug, books, settings.anthology_by)
        names = Outputs(ctx.settings.out_dir, slug)
        book = with_cover(book, None, names.cover)
        ctx.reporter.stage(slug, "writing the anthology EPUB", 1)
        write_epub(book, names.epub)
    except ExporterError as exc:
        return PostResult(label, "failed", f"{label}: {exc}")
    outputs = [names.epub, names.cover]
    result = PostResult(label, "built", outputs=outputs, words=word_count(book))
    _narrate_and_publish(book, posts[0], ctx, result, label)
    return result


def _member(path: Path, settings: Settings) -> Book | None:
    """One post of the anthology; a post that cannot be loaded is left out with a warning."""
    try:
        return load_book(
            path, settings.images_dir, site_config(path, settings.language, settings.dates)
        )
    except Exception as exc:  # sealed: the anthology goes on without it
        log.warn("anthology-member", f"{shown(path)} is left out of the anthology: {describe(exc)}")
        return None


# ---------------------------------------------------------------- worker processes

_worker: BuildContext | None = None
_busy = False  # a worker building a post: a stop then interrupts it; otherwise it just leaves


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

    signals.install(idle=lambda: not _busy)
    cache = AudioCache(settings.cache_dir or default_cache_dir())
    _worker = BuildContext(settings, _Silent(), cache)


def build_in_worker(source: Source) -> PostResult:
    """Build one post in a worker process."""
    global _busy
    if _worker is None:
        raise RuntimeError("init_worker was not called")
    _busy = True
    try:
        return build_source(source, _worker)
    finally:
        _busy = False
