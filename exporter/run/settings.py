"""What a build is asked to do, and which files it reads besides the posts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporter.errors import ExporterError
from exporter.read.wxr import buildable, holds_export, looks_like_wxr, scan, split_entry

POST_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".txt")
LEXICON_NAME = "lexicon.yaml"


@dataclass(frozen=True)
class Settings:
    """Everything a build may be asked to do, as given on the command line."""

    out_dir: Path = Path("output")
    narrate: bool = True
    audio_formats: tuple[str, ...] = ("m4b", "mp3")
    chapter_files: bool = False  # also a zip of one MP3 per chapter, for distributors
    read_along: bool = True
    engine: str = "auto"  # Piper where the post's language has a voice, else eSpeak NG
    voice: str | None = None
    voice_dirs: tuple[Path, ...] = ()  # folders of Piper voices (--voices), searched first
    rate: int | None = None
    lexicons: tuple[Path, ...] = ()
    cache_dir: Path | None = None
    cache_url: str | None = None  # a cache shared through fsspec (with --executor dask)
    jobs: int = 1
    include_drafts: bool = False
    posts_only: bool = False
    force: bool = False
    anthology: str | None = None
    anthology_by: str = "year"  # how the anthology groups its parts: year or category
    images_dir: Path | None = None
    strict: bool = False
    language: str | None = None
    dates: str | None = None
    base_url: str | None = None
    debug: bool = False
    loudness: float = -19.0  # target integrated loudness of every audiobook, LUFS
    executor: str = "local"
    scheduler: str | None = None
    site_title: str = ""  # the site's name as the run derived it: each page's header and title


@dataclass(frozen=True)
class Source:
    """A post file to build; `explicit` when the user named the file itself.

    `slug` is the name the run gave its outputs ('' until names are decided), `notes` the
    warnings that decision raised, `duplicate_of` the post it repeats (then it is not built).
    """

    path: Path
    explicit: bool
    slug: str = ""
    notes: tuple[str, ...] = ()
    duplicate_of: Path | None = None


def lexicon_files(post: Path, settings: Settings) -> list[Path]:
    """The lexicon files a post's narration reads besides the shipped one, in override order."""
    beside = post.parent.resolve() / LEXICON_NAME
    return ([beside] if beside.is_file() else []) + list(settings.lexicons)


def discover(paths: list[Path]) -> list[Source]:
    """Post files named, or found recursively in the folders named, in a stable order."""
    found: list[Source] = []
    for path in paths:
        if path.is_dir():
            files = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and (p.suffix.lower() in POST_SUFFIXES or holds_export(p))
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in files:
                found.extend(export_sources(file, explicit=False) or [Source(file, False)])
        elif names_an_item(path):  # `site.xml#ID`, as the run's own lines name it
            found.append(Source(path, explicit=True))
        else:
            found.extend(export_sources(path, explicit=True) or [Source(path, explicit=True)])
    return found


def names_an_item(path: Path) -> bool:
    """True for `site.xml#ID` naming an item of an export file that exists."""
    entry = split_entry(path)
    return entry is not None and entry[0].is_file()


def export_sources(path: Path, explicit: bool) -> list[Source]:
    """One source `site.xml#ID` per post or page of a WordPress export, plus the file itself
    when the export breaks after some items (its build says why); [] for any other file."""
    if not looks_like_wxr(path) or not path.is_file():
        return []
    try:
        channel = scan(path)
    except ExporterError:  # not an export, or refused: the file's build says why
        return [Source(path, explicit)]
    sources = [Source(Path(f"{path}#{ref.entry}"), explicit) for ref in channel.items
               if buildable(ref)]  # fmt: skip
    return sources + ([Source(path, explicit)] if channel.error else [])
