"""Read WordPress <--> GitHub Sync post files and other YAML inputs; the only module using yaml."""

from __future__ import annotations

import html
import re
import tomllib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml
from slugify import slugify
from yaml.composer import ComposerError

from exporter import log
from exporter.errors import ExporterError, FrontMatterError, NotAPost, PostEncodingError, PostError
from exporter.model.book import Metadata
from exporter.model.language import normalize_tag
from exporter.read.addresses import parses
from exporter.read.door import safe_body, safe_fields, safe_front_matter, safe_path
from exporter.read.limits import (
    MAX_LEXICON_BYTES,
    MAX_NESTING,
    MAX_POST_BYTES,
    LimitError,
    read_bounded,
)

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_TAG = re.compile(r"<[^>]*>")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$")
FRONT_MATTER_ALIASES = {  # the plugin's key: Jekyll's and Hugo's names for it
    "post_title": ("title",),
    "post_date": ("date",),
    "post_excerpt": ("excerpt", "description", "summary"),
}
FEATURED_IMAGE_KEYS = ("featured_image", "post_thumbnail", "thumbnail", "image")


@dataclass(frozen=True)
class Post:
    """One post file, read: its metadata, raw body and where the body starts in the file."""

    path: Path
    meta: Metadata
    body: str
    body_line: int
    published: bool
    post_type: str
    post_id: str = ""


class _BoundedLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that refuses aliases (no expansion bombs) and deep nesting."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, refusing an alias or a node nested deeper than MAX_NESTING."""
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
            raise ComposerError(None, None, "YAML aliases (*name) are not allowed", mark)
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                problem = f"nested deeper than {MAX_NESTING} levels"
                raise ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _load_yaml(text: str) -> Any:
    """Parse YAML with safe types only, no aliases and bounded nesting."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_post(path: Path) -> Post:
    """Read one post file, or one item `site.xml#123` of a WordPress export; raise a PostError
    subclass naming the file (and line) when it can't."""
    if (entry := _export_entry(path)) is not None:
        from exporter.read.wxr_items import read_item

        return read_item(*entry)
    try:
        raw = read_bounded(path, MAX_POST_BYTES)
    except LimitError as exc:
        raise PostError(path, str(exc)) from None
    try:  # bytes that encode a lone surrogate decode, to be replaced below; others are refused
        text = raw.decode("utf-8-sig", errors="surrogatepass")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PostEncodingError(path, "not UTF-8 text", line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, body, body_line = split_front_matter(path, text)
    fields = _aliased(safe_fields(_parse_front_matter(path, safe_front_matter(front))))
    return Post(
        path=path,
        meta=post_metadata(safe_path(path), fields),
        body=safe_body(body),
        body_line=body_line,
        published=_truthy(fields.get("published", True)) and not _truthy(fields.get("draft")),
        post_type=_post_type(path, fields),
        post_id=_scalar(fields.get("ID")),
    )


def _export_entry(path: Path) -> tuple[Path, str] | None:
    """(export, item id) for an item of a WordPress export; None for a post file.

    A file named like an export that is not one raises NotAPost with the reason."""
    from exporter.read.wxr import looks_like_wxr, scan, split_entry

    if (entry := split_entry(path)) is not None:
        return entry
    if looks_like_wxr(path):
        channel = scan(path)
        if channel.error is not None:
            raise channel.error
        raise NotAPost(path, "a WordPress export: build it as a whole, not as one post")
    return None


def _aliased(fields: dict[str, Any]) -> dict[str, Any]:
    """Jekyll's and Hugo's front-matter keys under the names the plugin writes, when absent."""
    for canonical, aliases in FRONT_MATTER_ALIASES.items():
        if fields.get(canonical) in (None, ""):
            found = next((fields[a] for a in aliases if fields.get(a) not in (None, "")), None)
            if found is not None:
                fields = {**fields, canonical: found}
    return fields


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Split `---` front matter from the body; return (front, body, body's first line number)."""
    if text.startswith("+++"):
        return _split_toml(path, text)
    if not text.startswith("---"):
        raise NotAPost(path, "no front matter: the file must start with a '---' line", 1)
    first_end = text.find("\n")
    if first_end == -1 or text[:first_end].strip() != "---":
        raise NotAPost(path, "no front matter: the file must start with a '---' line", 1)
    closing = _FENCE.search(text, first_end + 1)
    if closing is None:
        raise FrontMatterError(path, "front matter has no closing '---' line", 1)
    front = text[first_end + 1 : closing.start()]
    body_start = closing.end() + 1 if closing.end() < len(text) else closing.end()
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line


def _split_toml(path: Path, text: str) -> tuple[str, str, int]:
    """Hugo's `+++` TOML front matter, parsed, given back as the YAML of the same mapping."""
    lines = text.split("\n")
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() == "+++"), None)
    if lines[0].strip() != "+++" or closing is None:
        raise FrontMatterError(path, "TOML front matter has no closing '+++' line", 1)
    try:
        data = tomllib.loads("\n".join(lines[1:closing]))
    except tomllib.TOMLDecodeError as exc:
        raise FrontMatterError(path, f"invalid front matter TOML: {exc}", 2) from None
    front = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return front, "\n".join(lines[closing + 1 :]), closing + 2


def _parse_front_matter(path: Path, front: str) -> dict[str, Any]:
    """Parse the front matter with YAML's safe loader (libyaml's when installed, about ten
    times faster: every run reads every post's front matter to decide output names); errors
    carry the line in the file."""
    try:
        data = _load_yaml(front) if front.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise FrontMatterError(path, f"invalid front matter YAML: {problem}", line) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. a date such as 2012-13-45
        line = _bad_value_line(front)
        raise FrontMatterError(path, f"invalid front matter value: {exc}", line) from None
    if not isinstance(data, dict):
        raise FrontMatterError(path, "front matter is not a mapping of keys to values", 2)
    return {str(k): v for k, v in data.items()}


def _bad_value_line(front: str) -> int | None:
    """The file line of the first front-matter line whose value YAML cannot construct."""
    for number, text in enumerate(front.splitlines(), start=2):
        try:
            _load_yaml(text)
        except (ValueError, TypeError, OverflowError):
            return number
        except yaml.YAMLError:
            continue
    return None


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Load a YAML file that must hold a mapping (a lexicon, say): safe types, no aliases."""
    try:
        data = _load_yaml(read_bounded(path, MAX_LEXICON_BYTES).decode("utf-8"))
    except OSError as exc:
        raise ExporterError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except (LimitError, UnicodeDecodeError) as exc:
        raise ExporterError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise ExporterError(f"{where}: invalid YAML: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ExporterError(f"{path}: expected a mapping at the top level")
    return data


def clean_title(value: object) -> str:
    """Decode entities, drop invisible marks and newlines, collapse spaces; markup stays text."""
    if value is None:
        return ""
    text = html.unescape(html.unescape(str(value)))
    text = _INVISIBLE.sub("", text)
    return _SPACES.sub(" ", text).strip()


def post_metadata(path: Path, fields: dict[str, Any]) -> Metadata:
    """Derive the book's metadata from front-matter fields and the file name."""
    permalink = _decoded(_valid_url(_scalar(fields.get("permalink"))))
    site = urlsplit(permalink).hostname or "" if permalink else ""
    site = site.removeprefix("www.")
    title = clean_title(_scalar(fields.get("post_title")))
    if not _TAG.sub("", title).strip():
        title = _title_from_file(path)
    author = clean_title(_scalar(fields.get("author"))) or site or "Unknown author"
    language = normalize_tag(_scalar(fields.get("lang") or fields.get("language")))
    slug = _scalar(fields.get("slug"))
    return Metadata(
        title=title,
        author=author,
        language=language,  # '' when the front matter does not say: settled by run.load
        slug=post_slug(path, "/" + slug.replace("/", "-") if slug else permalink),
        identifier=_identifier(path, permalink, fields.get("ID")),
        date=_post_date(path, fields.get("post_date")),
        source_url=permalink or None,
        description=_excerpt(_scalar(fields.get("post_excerpt"))),
        site=site,
        featured_image=_featured_image(fields),
        categories=_names(fields.get("categories"), fields.get("category")),
        tags=_names(fields.get("tags"), fields.get("tag")),
        voice=_scalar(fields.get("voice")).strip(),
        engine=_scalar(fields.get("engine")).strip().lower(),
    )


def _names(many: object, one: object) -> tuple[str, ...]:
    """Front-matter categories or tags as display names, once each: a list; one string split on
    commas, or Jekyll-style on spaces; or the singular key's one name."""
    items: list[object]
    if isinstance(many, list):
        items = many
    elif isinstance(many, str):
        items = list(many.split(",") if "," in many else many.split())
    elif isinstance(one, str | int | float) and not isinstance(one, bool):
        items = [one]
    else:
        items = []
    names = (clean_title(_scalar(item)) for item in items)
    return tuple(dict.fromkeys(name for name in names if name))


def _decoded(permalink: str) -> str:
    """A permalink with its percent-encoded UTF-8 decoded (`l%C3%A6ring` → `læring`), once;
    left as it is when the escapes are not UTF-8 or would decode to spaces or controls."""
    try:
        text = unquote(permalink, errors="strict")
    except UnicodeDecodeError:
        return permalink
    return permalink if any(c.isspace() or ord(c) < 32 for c in text) else text


def _valid_url(url: str) -> str:
    """The URL when it can be parsed (brackets, port), else '' with a warning."""
    if parses(url):
        return url
    log.warn("bad-permalink", f"the permalink is not a valid URL and was ignored: {url!r:.80}")
    return ""


def _featured_image(fields: dict[str, Any]) -> str:
    """The first image address among the front-matter keys that name a featured image.

    `_thumbnail_id` is only an attachment number, which no exported file maps to an image,
    so it is not used.
    """
    for name in FEATURED_IMAGE_KEYS:
        found = fields.get(name)
        value = _scalar(found[0] if isinstance(found, list) and len(found) == 1 else found)
        if value and not value.isdigit():
            return value
    return ""


def post_slug(path: Path, permalink: str) -> str:
    """The permalink's last path segment, else the file name without its date: ASCII-safe."""
    segments = [s for s in urlsplit(permalink).path.split("/") if s not in ("", ".", "..")]
    candidate = segments[-1] if segments else ""
    slug = slugify(candidate, max_length=80, word_boundary=True) if candidate else ""
    if not slug:
        slug = slugify(_DATE_PREFIX.sub("", path.stem), max_length=80, word_boundary=True)
    if _RESERVED.match(slug):  # names Windows will not create
        slug += "-post"
    return slug or "post"


def slug_for(text: str) -> str:
    """A safe ASCII file name stem for any text, such as an anthology's title."""
    return slugify(text, max_length=80, word_boundary=True) or "book"


def _identifier(path: Path, permalink: str, post_id: object) -> str:
    """A stable `urn:uuid:` from the permalink, else the post ID, else the file name."""
    if permalink:
        seed = permalink
    elif isinstance(post_id, int | str) and str(post_id).strip():
        seed = f"wordpress-post:{post_id}"
    else:
        seed = f"file:{path.name}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}"


def _post_date(path: Path, value: object) -> datetime | None:
    """`post_date` as a naive datetime; a value that is not a date is a front-matter error."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    try:
        return datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
    except ValueError:
        raise FrontMatterError(path, f"post_date is not a date: {value!r}") from None


def _excerpt(value: object) -> str:
    """The excerpt as plain text: entities decoded, tags and extra spaces removed."""
    return clean_title(_TAG.sub(" ", str(value))) if value else ""


def _scalar(value: object) -> str:
    """A front-matter value as a stripped string ('' for lists, maps and null)."""
    if value is None or isinstance(value, list | dict):
        return ""
    return str(value).strip()


def _truthy(value: object) -> bool:
    """Read `published`-style flags written as booleans or strings."""
    if isinstance(value, str):
        return value.strip().lower() not in ("false", "no", "0", "off", "")
    return bool(value)


def _post_type(path: Path, fields: dict[str, Any]) -> str:
    """'draft', 'page' or 'post', from the folder (`_drafts/`, `_pages/`) or the front matter."""
    parts = set(path.parts)
    if "_drafts" in parts:
        return "draft"
    if "_pages" in parts or _scalar(fields.get("layout")) == "page":
        return "page"
    return "post"


def _title_from_file(path: Path) -> str:
    """A readable title from a file name such as `2012-04-15-my-post.md`."""
    stem = _DATE_PREFIX.sub("", path.stem).replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else path.stem
