"""The `exporter` command line's arguments: every subcommand, option, default and help text."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from urllib.parse import urlsplit

from exporter import __version__
from exporter.narrate.engines import AUTO, DEFAULT_ENGINE, ENGINE_CHOICES, ENGINES
from exporter.read.config import DATE_ORDERS
from exporter.read.limits import MAX_POST_BYTES, describe

DESCRIPTION = """\
Turn WordPress posts (WordPress <--> GitHub Sync files: YAML front matter, then the post's
HTML; a WordPress export, site.xml; Jekyll or Hugo folders) into EPUB 3 books, narrated
audiobooks and read-along EPUBs, offline.

For each post, `exporter build` writes into OUT:
  <slug>.epub             the e-book (EPUB 3, accessible)
  <slug>.m4b, <slug>.mp3  the audiobook, chaptered like the e-book (Piper, else eSpeak NG)
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


def _lufs(text: str) -> float:
    """Parse --loudness: a target in LUFS a speech audiobook can reach (-30 to -10)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not -30.0 <= value <= -10.0:
        raise argparse.ArgumentTypeError(f"{text} LUFS is outside -30 to -10")
    return value


def _formats(value: str) -> tuple[str, ...]:
    """Parse --audio-format: a comma-separated subset of m4b and mp3, or 'none'."""
    names = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    if names == ("none",):
        return ()
    unknown = [n for n in names if n not in ("m4b", "mp3")]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"choose from m4b,mp3 (or none), not {value!r}")
    return names


def _base_url(value: str) -> str:
    """An http(s) address with a host, for --base-url."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(f"{value!r} is not an http(s) address with a host")
    return value.strip()


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every sub-command."""
    parser = argparse.ArgumentParser(
        prog="exporter",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"exporter {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    # The build's options are stored under the names of the Settings fields they set (cli.py).
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
        help="a post file or a folder of posts (default: source/); a post is a regular "
        f"file of at most {describe(MAX_POST_BYTES)}",
    )
    build.add_argument(
        "-o",
        "--out",
        dest="out_dir",
        type=Path,
        default=Path("output"),
        metavar="DIR",
        help="output folder (default: output/)",
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
        "--debug", action="store_true", help="show the traceback of an unexpected error"
    )
    build.add_argument(
        "--images",
        dest="images_dir",
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
        "--anthology-by",
        choices=("year", "category"),
        default="year",
        help="group the anthology's posts by year (the default) or by each post's first category",
    )
    build.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="where the output folder will be published (https://example.org/books/): "
        "makes the podcast feed's addresses absolute",
    )
    build.add_argument(
        "--force",
        action="store_true",
        help="rebuild every post, even those whose source and settings did not change",
    )
    build.add_argument(
        "--language",
        metavar="TAG",
        help="the site's language (es, nb, en-GB, ...) for posts whose front matter has no "
        "lang; default: exporter.yaml in the source folder, else detected from the text",
    )
    build.add_argument(
        "--dates",
        choices=DATE_ORDERS,
        help="how the site writes numeric dates such as 4/5/2012 (default: exporter.yaml, "
        "else month-first for US English and day-first for other languages)",
    )
    audio = build.add_argument_group("narration")
    audio.add_argument(
        "--no-audio",
        dest="narrate",
        action="store_false",
        help="build the EPUB only: no narration at all",
    )
    audio.add_argument(
        "--audio-format",
        dest="audio_formats",
        type=_formats,
        default=("m4b", "mp3"),
        metavar="LIST",
        help="audiobook formats, comma-separated, from m4b,mp3 (default: m4b,mp3); "
        "'none' writes no audiobook but still narrates the read-along EPUB",
    )
    audio.add_argument(
        "--chapter-files",
        action="store_true",
        help="also write one MP3 per chapter, named and tagged in order, in a zip "
        "(SLUG.chapters.zip: the files audiobook distributors ask for)",
    )
    audio.add_argument(
        "--read-along",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also write <slug>.read-along.epub (default: on whenever narration is on)",
    )
    audio.add_argument(
        "--engine",
        choices=ENGINE_CHOICES,
        default=AUTO,
        help="speech engine: auto (the default: Piper when the post's language has a Piper "
        "voice, else eSpeak NG), piper (a neural voice) or espeak (eSpeak NG); a post's "
        "front matter `engine:` wins",
    )
    audio.add_argument(
        "--voice",
        help="the engine's voice: id, name or language (see `exporter voices`), for piper "
        "also a path to an .onnx model; default: a voice for the post's language (a post's "
        "front matter `voice:` wins)",
    )
    audio.add_argument(
        "--voices",
        dest="voice_dirs",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of Piper voices (.onnx + .onnx.json pairs; repeatable), searched before "
        "exporter.yaml's voices: and $XDG_DATA_HOME/exporter/voices",
    )
    audio.add_argument(
        "--rate",
        type=int,
        help="speaking rate in words per minute (default: 200 for espeak, 175 for piper)",
    )
    audio.add_argument(
        "--loudness",
        type=_lufs,
        default=-19.0,
        metavar="LUFS",
        help="integrated loudness of every audiobook, -30 to -10 LUFS (default -19; "
        "true peaks stay at or below -3 dBTP)",
    )
    audio.add_argument(
        "--lexicon",
        dest="lexicons",
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
        "built EPUBs when it is installed, and DAISY Ace with --accessibility. One line per "
        "post; exit 1 on any problem, or when --accessibility is asked and Ace is not installed.",
    )
    check.add_argument("sources", nargs="*", type=Path, metavar="SOURCE", help="posts or folders")
    check.add_argument("-o", "--out", type=Path, default=Path("output"), help="where the books are")
    check.add_argument("--images", type=Path, metavar="DIR", help="as given to build")
    check.add_argument("--no-epubcheck", action="store_true", help="skip EPUBCheck")
    check.add_argument(
        "--accessibility",
        action="store_true",
        help="also run DAISY Ace on the built EPUBs (needs Node.js, Chromium and tools/ace)",
    )

    say = commands.add_parser(
        "say",
        help="speak a word or sentence with the lexicon into a WAV file, to try a pronunciation",
    )
    say.add_argument("text", help="what to say, as it would appear in a post")
    say.add_argument(
        "-o", "--out", type=Path, default=Path("say.wav"), help="the WAV file (default say.wav)"
    )
    say.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE, help="speech engine")
    say.add_argument("--voice", help="the engine's voice (default: one for --language)")
    say.add_argument("--rate", type=int, help="speaking rate in words per minute (default 200)")
    say.add_argument("--language", default="en", metavar="TAG", help="the text's language")
    say.add_argument(
        "--lexicon",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="lexicon file over the shipped one (repeatable); default: ./lexicon.yaml, "
        "else source/lexicon.yaml, when one exists",
    )
    voices = commands.add_parser(
        "voices", help="list the installed text-to-speech voices of every engine"
    )
    voices.add_argument(
        "--voices", dest="voice_dirs", type=Path, action="append", default=[], metavar="DIR",
        help="also list the Piper voices in this folder (repeatable)",
    )  # fmt: skip
    clean = commands.add_parser("clean-cache", help="delete the sentence audio cache")
    clean.add_argument("--cache", type=Path, metavar="DIR", help="the cache folder to clear")

    dump = commands.add_parser(
        "dump", help="print the cleaned book model of a post (for debugging a post)"
    )
    dump.add_argument("post", type=Path, help="a post file")
    return parser
