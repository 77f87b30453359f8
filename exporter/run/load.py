"""Turn a post file into a finished Book: reader → cleaner → transforms, no writer involved."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Sequence
from pathlib import Path

from exporter import log
from exporter.clean.html import clean_html
from exporter.clean.images import embed_images
from exporter.clean.language import detect_language
from exporter.clean.sentences import split_sentences
from exporter.errors import EmptyPostError
from exporter.model.book import Book, Chapter, CodeBlock, Embed, Figure, Metadata
from exporter.model.text import block_texts, book_texts, words
from exporter.model.walk import body_blocks, map_chapter
from exporter.narrate.cache import AudioCache, digest
from exporter.read.body import prepare_body
from exporter.read.config import SiteConfig, find_site_config, read_site_config
from exporter.read.post import Post, read_post
from exporter.read.wxr_items import export_facts
from exporter.versions import installed_version

FALLBACK_LANGUAGE = "en"
SAMPLE_WORDS = 250  # WordPress's stock texts are shorter: a longer text was written by someone
SAMPLES = (  # (title, how the stock text begins, what it is), casefolded, punctuation aside
    ("hello world", "welcome to wordpress this is your first post", "sample post"),
    ("sample page", "this is an example page", "sample page"),
)


def site_config(post: Path, language: str | None = None, dates: str | None = None) -> SiteConfig:
    """The site settings for a post: the command line's, else its folder's `exporter.yaml`, else
    (the language) its WordPress export's channel."""
    found = find_site_config(post)
    from_file = _read_config(found) if found else SiteConfig()
    language = language or from_file.language or export_facts([post]).language
    return SiteConfig(language, dates or from_file.dates, from_file.voices)


@functools.lru_cache(maxsize=64)
def _read_config(path: Path) -> SiteConfig:
    """Read one settings file once per process."""
    return read_site_config(path)


def post_language(
    meta: Metadata, chapters: tuple[Chapter, ...], site: SiteConfig,
    cache: AudioCache | None = None,
) -> str:  # fmt: skip
    """The front matter's language, else the site's, else the language of most of the text.

    With a cache, a detection is kept there under the text's hash: the detector's model
    (about 0.8 s and 100 MiB to load) is not loaded again for a text it has read before.
    """
    if meta.language:
        return meta.language
    if site.language:
        return site.language
    prose = tuple(_without_code(chapter) for chapter in chapters)
    texts = list(book_texts(Book(meta, prose)))
    detected = _remembered_language(texts, cache)
    if detected is None:
        log.warn("language", f"too little text to tell its language: {FALLBACK_LANGUAGE} assumed")
        return FALLBACK_LANGUAGE
    return detected


def _language_key(texts: Sequence[str]) -> str:
    """The cache key of a detection: the texts and the detector's version."""
    return digest(["language", 1, installed_version("pycld2"), list(texts)])


def _remembered_language(texts: Sequence[str], cache: AudioCache | None) -> str | None:
    """The detected language of texts: from the cache when detected before, else detected."""
    if cache is None:
        return detect_language(texts)
    key = _language_key(texts)
    record = cache.get_record(key)
    if isinstance(record, dict) and isinstance(record.get("language"), str | None):
        found: str | None = record["language"]
        return found
    detected = detect_language(texts)
    cache.put_record(key, {"language": detected})
    return detected


def _without_code(chapter: Chapter) -> Chapter:
    """A chapter without its code blocks, whose words are no human language."""
    return map_chapter(
        chapter, lambda blocks: tuple(b for b in blocks if not isinstance(b, CodeBlock))
    )


def book_from_post(
    post: Post, images_dir: Path | None = None, site: SiteConfig | None = None,
    cache: AudioCache | None = None,
) -> Book:  # fmt: skip
    """Clean a read post into a segmented Book; refuse a post with nothing readable in it.

    Site-relative images (and images on the post's own site) are embedded when `images_dir`
    holds them; remote images are never fetched. The book's language is settled here (see
    `post_language`, remembered in `cache` when given), before sentences are split, which
    depends on it.
    """
    prepared = prepare_body(post.body)
    chapters = clean_html(prepared.html, post.meta.title)
    if not _readable(chapters):
        shown = [b for chapter in chapters for b in chapter.blocks]
        players = [b for b in shown if isinstance(b, Embed)]
        if not post.body.strip():
            reason = "empty body"
        elif prepared.shortcodes:
            reason = "body holds only shortcodes"
        elif shown and len(players) == len(shown):
            reason = f"body is only an embedded player or form ({players[0].url})"
        elif shown and all(isinstance(b, Figure) for b in shown):
            reason = "body is only an image, with no text or alternative text"
        else:
            reason = "body has no readable text"
        raise EmptyPostError(post.path, reason, post.body_line)
    if sample := wordpress_sample(post.meta, chapters):
        raise EmptyPostError(post.path, sample, post.body_line)
    chapters, resources = embed_images(chapters, images_dir, post.meta.site)
    language = post_language(post.meta, chapters, site or site_config(post.path), cache)
    meta = dataclasses.replace(post.meta, language=language)
    return split_sentences(Book(meta, chapters, resources))


def _folded(text: str) -> str:
    """Text casefolded with its punctuation and extra spaces gone, for comparing stock texts."""
    return " ".join("".join(c if c.isalnum() else " " for c in text.casefold()).split())


def wordpress_sample(meta: Metadata, chapters: tuple[Chapter, ...]) -> str:
    """Why a post is WordPress's default sample content left as installed ('' when it is not)."""
    title = _folded(meta.title)
    text = _folded(" ".join(book_texts(Book(meta, chapters), titles=False)))
    for stock_title, opening, what in SAMPLES:
        if title == stock_title and text.startswith(opening) and len(words(text)) <= SAMPLE_WORDS:
            return f"WordPress's default {what} (“{meta.title}”), never edited"
    return ""


def load_book(
    path: Path, images_dir: Path | None = None, site: SiteConfig | None = None,
    cache: AudioCache | None = None,
) -> Book:  # fmt: skip
    """Read and clean one post file into a Book (a detected language kept in `cache`)."""
    return book_from_post(read_post(path), images_dir, site, cache)


def _readable(chapters: tuple[Chapter, ...]) -> bool:
    """True when the chapters show a word of the post: players alone do not count, headings do."""
    for chapter in chapters:
        blocks = body_blocks(chapter)
        texts = block_texts(blocks, embeds=False)
        if any(words(text) for text in texts) or chapter.sections or not blocks:
            return True
    return False
