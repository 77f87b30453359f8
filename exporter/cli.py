"""The `exporter` command line: run what the arguments ask, print one line per problem."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from dataclasses import fields
from pathlib import Path

from exporter import signals
from exporter.arguments import build_parser
from exporter.errors import ExporterError, NarrationError, UsageError, brief
from exporter.model.language import normalize_tag
from exporter.narrate.engines import ENGINES, engine_module
from exporter.narrate.remote import is_url
from exporter.run.pipeline import Settings, run
from exporter.run.progress import PlainReporter, RichReporter, is_interactive, printable
from exporter.run.settings import names_an_item
from exporter.safetext import shown


def _settings(args: argparse.Namespace) -> Settings:
    """The build's Settings: each option is stored under the field it sets (see arguments.py)."""
    given = {f.name: getattr(args, f.name) for f in fields(Settings) if f.name in vars(args)}
    cache = args.cache
    return Settings(
        **{
            **given,
            "lexicons": tuple(args.lexicons),
            "voice_dirs": tuple(args.voice_dirs),
            "cache_dir": None if cache is None or is_url(cache) else Path(cache),
            "cache_url": cache if cache is not None and is_url(cache) else None,
            "language": normalize_tag(args.language) if args.language else None,
        }
    )


def _build(args: argparse.Namespace) -> int:
    """Run `exporter build`."""
    settings = _settings(args)
    if args.language and not settings.language:
        raise UsageError(f"--language {args.language}: not a language tag such as es or en-GB")
    if settings.scheduler and settings.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    if settings.cache_url and settings.executor != "dask":
        raise UsageError(f"--cache {settings.cache_url}: a URL cache needs --executor dask")
    for lexicon in settings.lexicons:
        if not lexicon.is_file():
            raise UsageError(f"--lexicon {lexicon}: no such file")
    if settings.narrate and settings.lexicons:
        from exporter.run.lexicons import load_lexicon

        try:  # a broken lexicon would fail every post: say it once, before building
            load_lexicon(settings.lexicons)
        except ExporterError as exc:
            raise UsageError(f"--lexicon: {exc}") from None
    sources = args.sources or [Path("source")]
    for source in sources:
        if not source.exists() and not names_an_item(source):
            raise UsageError(f"{source}: no such file or folder")
    if is_interactive(sys.stderr):
        with RichReporter() as reporter:
            report = run(sources, settings, reporter)
    else:
        report = run(sources, settings, PlainReporter(sys.stdout))
    try:
        report.write_json(settings.out_dir)
    except OSError as exc:
        report.problems.append(f"cannot write {settings.out_dir / 'report.json'}: {exc.strerror}")
    for line in report.summary_lines():
        print(printable(line))
    for result in report.results:
        if result.trace:
            print(f"{shown(result.source)}:\n{result.trace}", file=sys.stderr)
    return report.return_code


def _check(args: argparse.Namespace) -> int:
    """Run `exporter check`."""
    from exporter.check.command import check_posts

    checks, notes = check_posts(
        args.sources or [Path("source")],
        args.out,
        args.images,
        not args.no_epubcheck,
        args.accessibility,
    )
    for check in checks:
        print(printable(check.line()))
    for note in notes:
        print(f"note: {printable(note)}")
    bad = sum(1 for c in checks if c.problems)
    posts = sum(1 for c in checks if c.post and not c.skipped)
    skipped = sum(1 for c in checks if c.skipped)
    also = f", {skipped} skipped (nothing to read)" if skipped else ""
    print(f"Checked {posts} post(s): {posts - bad} ok, {bad} with problems{also}")
    if not posts and not skipped:  # `exporter check output/`, say: nothing was checked
        print("exporter: error: no post to check: name the posts (files or folders, or a"
              " WordPress export) and give the books' folder with -o", file=sys.stderr)
        return 1
    ace_not_run = args.accessibility and not all(c.ace_checked for c in checks)
    return 1 if bad or ace_not_run else 0


def _say(args: argparse.Namespace) -> int:
    """Run `exporter say`."""
    from exporter.run.say import default_lexicons, say

    for lexicon in args.lexicon:
        if not lexicon.is_file():
            raise UsageError(f"--lexicon {lexicon}: no such file")
    language = normalize_tag(args.language)
    if not language:
        raise UsageError(f"--language {args.language}: not a language tag such as es or en-GB")
    lexicons = args.lexicon or default_lexicons()
    said = say(
        args.text, args.out, lexicons=lexicons, language=language, voice=args.voice,
        rate=args.rate, engine=args.engine,
    )  # fmt: skip
    used = ", ".join(str(p) for p in lexicons) or "the shipped lexicon only"
    print(f"said: {said.spoken}")
    print(f"wrote {said.path} ({said.seconds:.1f} s, voice {said.voice}; lexicon: {used})")
    return 0


def _voices(args: argparse.Namespace) -> int:
    """Run `exporter voices`."""
    folders = tuple(args.voice_dirs)
    for engine in ENGINES:
        try:
            voices = engine_module(engine).list_voices(folders)
        except NarrationError as exc:
            print(f"{engine:<7} (not available: {exc})")
            continue
        for voice in voices:
            languages = ", ".join(voice.languages)
            source = f"  ({voice.source})" if voice.source else ""
            print(f"{engine:<7} {voice.id:<24} {voice.name:<28} {languages}{source}")
    return 0


def _clean_cache(args: argparse.Namespace) -> int:
    """Run `exporter clean-cache`."""
    from exporter.narrate.cache import AudioCache, default_cache_dir

    root = args.cache or default_cache_dir()
    removed = AudioCache(root).clear()
    print(f"removed {removed} cached sentence(s) from {root}")
    return 0


def _dump(args: argparse.Namespace) -> int:
    """Run `exporter dump`."""
    from exporter.model.dump import dump_book
    from exporter.run.load import load_book

    sys.stdout.write(dump_book(load_book(args.post)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: exit 0 on success, 1 when posts failed, 2 for usage errors."""
    parser = build_parser()
    args = parser.parse_args(argv)
    signals.install()
    handlers = {
        "build": _build,
        "dump": _dump,
        "check": _check,
        "voices": _voices,
        "say": _say,
        "clean-cache": _clean_cache,
    }
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"exporter: error: {printable(brief(str(exc)))}", file=sys.stderr)
        return 2
    except ExporterError as exc:
        print(f"exporter: error: {printable(brief(str(exc)))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("exporter: interrupted; finished work is kept for the next run", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:  # a bug: still one line, the traceback only under --debug
        if getattr(args, "debug", False):
            traceback.print_exc()
        print(f"exporter: error: {printable(_unexpected(exc))}", file=sys.stderr)
        return 1


def _unexpected(exc: Exception) -> str:
    """One line for an exception nobody expected (an OSError names its file)."""
    from exporter.run.sandbox import describe as describe_error

    return describe_error(exc)
