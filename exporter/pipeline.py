"""Run posts through reader → Book → transforms → writers, one post at a time, into a report."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .audiobook import (
    narrate_book,
    read_along_overlays,
    write_audiobooks,
    write_transcript,
)
from .cache import AudioCache, default_cache_dir
from .epub import write_epub
from .errors import ExporterError, FrontMatterError, NarrationError, PostError
from .load import book_from_post
from .model import Book
from .normalize import Lexicon, load_lexicon
from .progress import PlainReporter, Reporter
from .reader import Post, read_post
from .report import PostResult, Report
from .state import BuildState, fingerprint
from .state import Entry as StateEntry
from .text import word_count
from .tts import open_engine

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")
LEXICON_NAME = "lexicon.yaml"


@dataclass(frozen=True)
class Settings:
    """Everything a build may be asked to do, as given on the command line."""

    out_dir: Path = Path("output")
    narrate: bool = True
    audio_formats: tuple[str, ...] = ("m4b", "mp3")
    read_along: bool = True
    voice: str | None = None
    rate: int | None = None
    lexicons: tuple[Path, ...] = ()
    cache_dir: Path | None = None
    jobs: int = 1
    include_drafts: bool = False
    posts_only: bool = False
    force: bool = False


@dataclass(frozen=True)
class Source:
    """A post file to build; `explicit` when the user named the file itself."""

    path: Path
    explicit: bool


@dataclass
class _Run:
    """What one run shares between posts: settings, cache, lexicons by folder, progress."""

    settings: Settings
    reporter: Reporter
    cache: AudioCache
    state: BuildState
    engine: str = ""
    lexicons: dict[Path, Lexicon] = field(default_factory=dict)

    def lexicon_files(self, post: Path) -> list[Path]:
        """The lexicon files a post's narration reads, besides the shipped one."""
        beside = post.parent.resolve() / LEXICON_NAME
        return ([beside] if beside.is_file() else []) + list(self.settings.lexicons)

    def fingerprint(self, post: Path) -> str:
        """What decides a post's outputs: its bytes, the output settings, engine, lexicons."""
        s = self.settings
        shape = json.dumps(
            [s.narrate, s.audio_formats, s.read_along, s.voice, s.rate, self.engine],
            sort_keys=True,
        )
        return fingerprint(post, shape, self.lexicon_files(post) if s.narrate else [])

    def lexicon_for(self, post: Path) -> Lexicon:
        """The shipped lexicon, then a `lexicon.yaml` beside the post, then --lexicon files."""
        folder = post.parent.resolve()
        if folder not in self.lexicons:
            self.lexicons[folder] = load_lexicon(self.lexicon_files(post))
        return self.lexicons[folder]


def discover(paths: Sequence[Path]) -> list[Source]:
    """Post files named, or found recursively in the folders named, in a stable order."""
    found: list[Source] = []
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in POST_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            found.extend(Source(p, explicit=False) for p in files)
        else:
            found.append(Source(path, explicit=True))
    return found


def _skip_reason(post: Post, settings: Settings) -> str:
    """Why a post is left out of this build ('' when it is built)."""
    if not settings.include_drafts and (post.post_type == "draft" or not post.published):
        return "draft (use --include-drafts to build it)"
    if settings.posts_only and post.post_type == "page":
        return "page (left out by --posts-only)"
    return ""


def _read(source: Source, settings: Settings) -> Post | PostResult:
    """Read a post, or say why it is skipped or failed."""
    try:
        post = read_post(source.path)
    except FrontMatterError as exc:
        if not source.explicit and exc.line == 1 and "no front matter" in exc.reason:
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


def _narrate(book: Book, post: Post, run: _Run, result: PostResult) -> None:
    """Write the audiobooks, transcript and read-along EPUB of a built book into the result."""
    settings = run.settings
    narrated = narrate_book(
        book,
        lexicon=run.lexicon_for(post.path),
        cache=run.cache,
        voice=settings.voice,
        rate=settings.rate,
        jobs=settings.jobs,
        on_done=run.reporter.advance,
        on_start=lambda total: run.reporter.stage(book.meta.slug, "narrating sentences", total),
    )
    result.audio_seconds = narrated.timeline.seconds(narrated.timeline.total)
    result.synthesized, result.reused = narrated.stats.synthesized, narrated.stats.reused
    out, slug = settings.out_dir, book.meta.slug
    targets = [(fmt, out / f"{slug}.{fmt}") for fmt in settings.audio_formats]
    scratch = out / f".{slug}.narration.mp3.part"
    if settings.read_along and "mp3" not in settings.audio_formats:
        targets.append(("mp3", scratch))  # the read-along needs MP3 even when not asked for
    try:
        if targets:
            names = ", ".join(fmt for fmt, _ in targets)
            run.reporter.stage(slug, f"encoding {names}", len(targets))
            written = write_audiobooks(book, narrated, run.cache, targets, settings.jobs)
            result.outputs += [path for path in written if path != scratch]
        result.outputs.append(write_transcript(book, narrated, out / f"{slug}.vtt"))
        if settings.read_along:
            mp3 = next(path for fmt, path in targets if fmt == "mp3")
            read_along = out / f"{slug}.read-along.epub"
            write_epub(book, read_along, media=read_along_overlays(book, narrated, mp3))
            result.outputs.append(read_along)
    finally:
        scratch.unlink(missing_ok=True)


def build_post(source: Source, run: _Run) -> PostResult:
    """Build one post unless its outputs are up to date; remember what a good build made."""
    key = str(source.path.resolve())
    stamp = run.fingerprint(source.path)
    earlier = None if run.settings.force else run.state.unchanged(key, stamp)
    if earlier is not None:
        outputs = [run.settings.out_dir / name for name in earlier.outputs]
        return PostResult(
            source.path,
            "unchanged",
            outputs=outputs,
            words=earlier.words,
            audio_seconds=earlier.audio_seconds,
        )
    result = _build_post(source, run)
    if result.status == "built":
        names = tuple(p.name for p in result.outputs)
        run.state.record(key, StateEntry(stamp, names, result.words, result.audio_seconds))
    else:
        run.state.forget(key)
    run.state.save()
    return result


def _build_post(source: Source, run: _Run) -> PostResult:
    """Build one post's outputs; every expected problem becomes a failed or skipped result."""
    read = _read(source, run.settings)
    if isinstance(read, PostResult):
        return read
    post = read
    try:
        book = book_from_post(post)
        epub_path = run.settings.out_dir / f"{book.meta.slug}.epub"
        write_epub(book, epub_path)
    except ExporterError as exc:
        return PostResult(source.path, "failed", str(exc))
    result = PostResult(source.path, "built", outputs=[epub_path], words=word_count(book))
    if run.settings.narrate:
        try:
            _narrate(book, post, run, result)
        except ExporterError as exc:
            result.status = "failed"
            result.reason = f"{source.path}: narration failed: {exc} (the EPUB was built)"
    return result


def check_narration(settings: Settings) -> tuple[str, str]:
    """(engine identity, '') when engine, voice and rate work; else ('', the reason why not)."""
    if not settings.narrate:
        return "", ""
    try:
        engine = open_engine(settings.voice, settings.rate)
    except NarrationError as exc:
        return "", str(exc)
    return f"{engine.name} {engine.version} {engine.voice} {engine.rate}", ""


def run(
    paths: Iterable[Path],
    settings: Settings,
    reporter: Reporter | None = None,
) -> Report:
    """Build every post found under the given paths; one failure never stops the others.

    When narration was asked for but the engine or voice is missing, every EPUB is still
    built, the problem is reported once, and the run fails.
    """
    report = Report()
    reporter = reporter or PlainReporter()
    settings.out_dir.mkdir(parents=True, exist_ok=True)
    engine, problem = check_narration(settings)
    if problem:
        report.problems.append(f"no narration: {problem}")
        reporter.message(f"error: no narration: {problem}")
        settings = dataclasses.replace(settings, narrate=False)
    cache = AudioCache(settings.cache_dir or default_cache_dir())
    state = _Run(settings, reporter, cache, BuildState.load(settings.out_dir), engine)
    for source in discover(list(paths)):
        if not source.path.exists():
            result = PostResult(source.path, "failed", f"{source.path}: no such file or folder")
        else:
            result = build_post(source, state)
        report.add(result)
        reporter.message(result.line())
    return report
