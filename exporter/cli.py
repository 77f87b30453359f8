"""The `exporter` command line: parse arguments, run the pipeline, print one line per problem."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from exporter import __version__, signals
from exporter.errors import ExporterError, UsageError
from exporter.narrate.remote import is_url
from exporter.run.pipeline import Settings, run
from exporter.run.progress import PlainReporter, RichReporter, is_interactive

DESCRIPTION = """\
Turn WordPress posts (WordPress <--> GitHub Sync files: YAML front matter, then the post's
HTML) into EPUB 3 books, narrated audiobooks and read-along EPUBs, offline.

For each post, `exporter build` writes into OUT:
  <slug>.epub             the e-book (EPUB 3, accessible)
  <slug>.m4b, <slug>.mp3  the audiobook, chaptered like the e-book (eSpeak NG via pyttsx3)
  <slug>.vtt              a WebVTT transcript of exactly what is spoken, with its times
  <slug>.read-along.epub  the e-book with its narration; each sentence lights up as spoken

A post that cannot be built is reported in one line naming the file (and line); the other
posts are still built. Exit status: 0 when every post was built, 1 when some failed, 2 for
usage errors.
"""


def _jobs(value: str) -> int:
    """Parse --jobs: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def _formats(value: str) -> tuple[str, ...]:
    """Parse --audio-format: a comma-separated subset of m4b and mp3, or 'none'."""
    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    if names == ("none",):
        return ()
    unknown = [n for n in names if n not in ("m4b", "mp3")]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from m4b,mp3 (or none), not {value!r}")
    return names


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="exporter",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"exporter {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    build = commands.add_parser(
        "build",
        help="build books from post files or folders",
        description="Build every post named (or found recursively in the folders named).\n\n"
        + DESCRIPTION.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    build.add_argument(
        "sources",
        nargs="*",
        type=Path,
        metavar="SOURCE",
        help="a post file or a folder of posts (default: source/)",
    )
    build.add_argument(
        "-o", "--out", type=Path, default=Path("output"), help="output folder (default: output/)"
    )
    build.add_argument(
        "--include-drafts",
        action="store_true",
        help="also build drafts (_drafts/ and published: false)",
    )
    build.add_argument("--posts-only", action="store_true", help="leave out pages (_pages/)")
    build.add_argument(
        "--strict", action="store_true", help="a post with any warning counts as failed"
    )
    build.add_argument(
        "--images",
        type=Path,
        metavar="DIR",
        help="a copy of the site's images: site-relative images found here are embedded "
        "(remote images are never fetched; they stay links)",
    )
    build.add_argument(
        "--anthology",
        metavar="TITLE",
        help="also write one book of every built post, in date order, by year "
        "(with narration: its audiobook and read-along book too)",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="rebuild every post, even those whose source and settings did not change",
    )
    audio = build.add_argument_group("narration")
    audio.add_argument(
        "--no-audio", action="store_true", help="build the EPUB only: no narration at all"
    )
    audio.add_argument(
        "--audio-format",
        type=_formats,
        default=("m4b", "mp3"),
        metavar="LIST",
        help="audiobook formats, comma-separated, from m4b,mp3 (default: m4b,mp3); "
        "'none' writes no audiobook but still narrates the read-along EPUB",
    )
    audio.add_argument(
        "--read-along",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also write <slug>.read-along.epub (default: on whenever narration is on)",
    )
    audio.add_argument(
        "--voice", help="eSpeak NG voice: id, name or language (see `exporter voices`)"
    )
    audio.add_argument("--rate", type=int, help="speaking rate in words per minute (default 200)")
    audio.add_argument(
        "--lexicon",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="a YAML pronunciation lexicon overriding the shipped one (repeatable); a "
        "lexicon.yaml beside the posts is used too",
    )
    audio.add_argument(
        "--cache",
        metavar="DIR|URL",
        help="sentence audio cache (default: $XDG_CACHE_HOME/exporter/audio); with --executor "
        "dask also an fsspec URL (s3://bucket/prefix) that every worker reaches",
    )
    audio.add_argument(
        "-j",
        "--jobs",
        type=_jobs,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes for synthesis and encoding (default: the number of cores)",
    )
    cluster = build.add_argument_group("distributed builds")
    cluster.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where sentences are synthesized: local processes (default) or a Dask cluster "
        "(needs the dask extra; encoding and writing stay on this machine)",
    )
    cluster.add_argument(
        "--scheduler",
        metavar="tcp://HOST:PORT",
        help="the Dask scheduler to use with --executor dask (default: start a local "
        "cluster of --jobs worker processes); its workers must reach --cache",
    )

    check = commands.add_parser(
        "check",
        help="check built books: every word of each post in its book, speech and EPUB; EPUBCheck",
        description="For each post, check that every visible word of the post appears, in "
        "order, in its Book, its speech script and its built EPUB; then run EPUBCheck on the "
        "built EPUBs when it is installed. One line per post; exit 1 on any problem.",
    )
    check.add_argument("sources", nargs="*", type=Path, metavar="SOURCE", help="posts or folders")
    check.add_argument("-o", "--out", type=Path, default=Path("output"), help="where the books are")
    check.add_argument("--images", type=Path, metavar="DIR", help="as given to build")
    check.add_argument("--no-epubcheck", action="store_true", help="skip EPUBCheck")

    commands.add_parser("voices", help="list the installed text-to-speech voices")
    clean = commands.add_parser("clean-cache", help="delete the sentence audio cache")
    clean.add_argument("--cache", type=Path, metavar="DIR", help="the cache folder to clear")

    dump = commands.add_parser(
        "dump", help="print the cleaned book model of a post (for debugging a post)"
    )
    dump.add_argument("post", type=Path, help="a post file")
    return parser


def _build(args: argparse.Namespace) -> int:
    """Run `exporter build`."""
    settings = Settings(
        out_dir=args.out,
        narrate=not args.no_audio,
        audio_formats=args.audio_format,
        read_along=args.read_along,
        voice=args.voice,
        rate=args.rate,
        lexicons=tuple(args.lexicon),
        cache_dir=None if args.cache is None or is_url(args.cache) else Path(args.cache),
        cache_url=args.cache if args.cache is not None and is_url(args.cache) else None,
        jobs=args.jobs,
        include_drafts=args.include_drafts,
        posts_only=args.posts_only,
        strict=args.strict,
        force=args.force,
        anthology=args.anthology,
        images_dir=args.images,
        executor=args.executor,
        scheduler=args.scheduler,
    )
    if settings.scheduler and settings.executor != "dask":
        raise UsageError("--scheduler needs --executor dask")
    if settings.cache_url and settings.executor != "dask":
        raise UsageError(f"--cache {settings.cache_url}: a URL cache needs --executor dask")
    for lexicon in settings.lexicons:
        if not lexicon.is_file():
            raise UsageError(f"--lexicon {lexicon}: no such file")
    sources = args.sources or [Path("source")]
    if is_interactive(sys.stderr):
        with RichReporter() as reporter:
            report = run(sources, settings, reporter)
    else:
        report = run(sources, settings, PlainReporter(sys.stdout))
    report.write_json(settings.out_dir)
    for line in report.summary_lines():
        print(line)
    return report.return_code


def _check(args: argparse.Namespace) -> int:
    """Run `exporter check`."""
    from exporter.check.command import check_posts

    checks, missing = check_posts(
        args.sources or [Path("source")], args.out, args.images, not args.no_epubcheck
    )
    for check in checks:
        print(check.line())
    if missing and not args.no_epubcheck:
        print(f"note: EPUBCheck was not run: {missing}")
    bad = sum(1 for c in checks if c.problems)
    posts = sum(1 for c in checks if c.post)
    print(f"Checked {posts} post(s): {posts - bad} ok, {bad} with problems")
    return 1 if bad else 0


def _voices(args: argparse.Namespace) -> int:
    """Run `exporter voices`."""
    from exporter.narrate.engines.espeak import list_voices

    for voice in list_voices():
        print(f"{voice.id:<24} {voice.name:<28} {', '.join(voice.languages)}")
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
        "clean-cache": _clean_cache,
    }
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"exporter: error: {exc}", file=sys.stderr)
        return 2
    except ExporterError as exc:
        print(f"exporter: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("exporter: interrupted; finished work is kept for the next run", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
