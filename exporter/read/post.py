"""Read WordPress <--> GitHub Sync post files and other YAML inputs; the only module using yaml."""

from __future__ import annotations

import html
import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from slugify import slugify

from exporter.errors import ExporterError, FrontMatterError, NotAPost, PostEncodingError
from exporter.model.book import Metadata

_FENCE = re.compile(r"^---[ \t]*$", re.MULTILINE)
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_SPACES = re.compile(r"\s+")
_DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}-")
_TAG = re.compile(r"<[^>]*>")
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])$")


@dataclass(frozen=True)
class Post:
    """One post file, read: its metadata, raw body and where the body starts in the file."""

    path: Path
    meta: Metadata
    body: str
    body_line: int
    published: bool
    post_type: str


def read_post(path: Path) -> Post:
    """Read one post file; raise a PostError subclass naming the file (and line) when it can't."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise PostEncodingError(path, "not UTF-8 text", line) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, body, body_line = split_front_matter(path, text)
    fields = _parse_front_matter(path, front)
    return Post(
        path=path,
        meta=post_metadata(path, fields),
        body=body,
        body_line=body_line,
        published=_truthy(fields.get("published", True)),
        post_type=_post_type(path, fields),
    )


def split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    """Split `---` front matter from the body; return (front, body, body's first line number)."""
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


def _parse_front_matter(path: Path, front: str) -> dict[str, Any]:
    """Parse the front matter with `yaml.safe_load`; errors carry the line in the file."""
    try:
        data = yaml.safe_load(front) if front.strip() else {}
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
            yaml.safe_load(text)
        except (ValueError, TypeError, OverflowError):
            return number
        except yaml.YAMLError:
            continue
    return None


_FAST_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml_mapping(path: Path) -> dict[str, Any]:
    """Load a YAML file that must hold a mapping (a lexicon, say) with a safe loader only.

    libyaml's safe loader when PyYAML has it: the shipped lexicon parses 10x faster with it.
    """
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_FAST_SAFE_LOADER)
    except (OSError, UnicodeDecodeError) as exc:
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
    permalink = _scalar(fields.get("permalink"))
    site = urlsplit(permalink).hostname or "" if permalink else ""
    site = site.removeprefix("www.")
    title = clean_title(_scalar(fields.get("post_title")))
    if not _TAG.sub("", title).strip():
        title = _title_from_file(path)
    author = clean_title(_scalar(fields.get("author"))) or site or "Unknown author"
    language = _scalar(fields.get("lang") or fields.get("language")) or "en"
    return Metadata(
        title=title,
        author=author,
        language=language.replace("_", "-"),
        slug=post_slug(path, permalink),
        identifier=_identifier(path, permalink, fields.get("ID")),
        date=_post_date(path, fields.get("post_date")),
        source_url=permalink or None,
        description=_excerpt(_scalar(fields.get("post_excerpt"))),
        site=site,
    )


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
