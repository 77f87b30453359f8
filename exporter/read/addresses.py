"""Safe addresses and media a book cannot play: which URLs may be kept, and what an embed is.

Every address the cleaner keeps goes through `safe_link` or `safe_media`: only http(s),
mailto and relative addresses survive (control characters and whitespace that browsers
ignore are removed first, so `java\tscript:` is caught). Embedded players become `Embed`
nodes whose kind comes from the provider or the file type.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from exporter import log
from exporter.model.book import Embed

_IGNORED = re.compile(r"[\x00-\x20\x7f\u00a0\u200b-\u200f\u2028\u2029\ufeff]")
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_YOUTUBE_ID = re.compile(r"^[\w-]{6,20}$")
_VIDEO_FILES = (".mp4", ".m4v", ".webm", ".ogv", ".mov", ".avi", ".wmv", ".flv", ".mkv")
_AUDIO_FILES = (".mp3", ".m4a", ".ogg", ".oga", ".opus", ".wav", ".flac", ".aac")
_GENERIC_TITLE = re.compile(
    r"^\s*(?:\w+\s+)?(?:video\s+)?(?:player|embed(?:ded)?(?:\s+content)?|iframe|video|audio)\s*$",
    re.IGNORECASE,
)
# host suffix → (kind, provider name)
_PROVIDERS: dict[str, tuple[str, str]] = {
    "youtube.com": ("video", "YouTube"),
    "youtu.be": ("video", "YouTube"),
    "youtube-nocookie.com": ("video", "YouTube"),
    "vimeo.com": ("video", "Vimeo"),
    "dailymotion.com": ("video", "Dailymotion"),
    "dai.ly": ("video", "Dailymotion"),
    "ted.com": ("video", "TED"),
    "wistia.com": ("video", "Wistia"),
    "twitch.tv": ("video", "Twitch"),
    "soundcloud.com": ("audio", "SoundCloud"),
    "spotify.com": ("audio", "Spotify"),
    "mixcloud.com": ("audio", "Mixcloud"),
    "bandcamp.com": ("audio", "Bandcamp"),
    "google.com": ("media", "Google"),
    "twitter.com": ("media", "Twitter"),
    "x.com": ("media", "X"),
    "instagram.com": ("media", "Instagram"),
    "facebook.com": ("media", "Facebook"),
    "slideshare.net": ("media", "SlideShare"),
    "github.com": ("media", "GitHub"),
    "codepen.io": ("media", "CodePen"),
}
OEMBED_HOSTS = frozenset(
    h for h, (kind, _) in _PROVIDERS.items() if kind in ("video", "audio") and h != "google.com"
)


def _scrub(url: str) -> str:
    """The address with the whitespace and control characters browsers ignore removed."""
    return _IGNORED.sub("", url)


def parses(url: str) -> bool:
    """True when an address is a well-formed URL: a closed `[IPv6]` host, a port that exists."""
    try:
        urlsplit(url).port  # noqa: B018  (reading the port validates host and port)
    except ValueError:
        return False
    return True


def safe_link(url: str) -> str | None:
    """A link target that is http(s), mailto, an in-page `#anchor` or relative; else None."""
    url = _scrub(url)
    if not url or not parses(url):
        return None
    scheme = _SCHEME.match(url)
    if scheme is None:
        return url
    if scheme.group(1).lower() in ("http", "https") and urlsplit(url).hostname:
        return url
    if scheme.group(1).lower() == "mailto" and len(url) > 7:
        return url
    return None


def safe_media(url: str) -> str | None:
    """A media or image address: http(s), protocol-relative (made https) or site-relative."""
    url = _scrub(url)
    if url.startswith("//"):
        url = "https:" + url
    if not url or url.startswith("#") or url.lower().startswith("mailto:"):
        return None
    return safe_link(url)


def host_of(url: str) -> str:
    """The host name of an address, lower case, without `www.`; '' when it has none."""
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def provider(url: str) -> tuple[str, str] | None:
    """(kind, provider name) for an address on a known media site, else None."""
    host = host_of(url)
    for suffix, found in _PROVIDERS.items():
        if host == suffix or host.endswith("." + suffix):
            return found
    return None


def youtube_url(value: str) -> str | None:
    """The watch address for a YouTube ID or any YouTube address (embed, short, watch)."""
    value = _scrub(value).split("&w=")[0]
    if _YOUTUBE_ID.match(value):
        return f"https://www.youtube.com/watch?v={value}"
    if value.startswith("//"):
        value = "https:" + value
    host = host_of(value)
    if not parses(value):
        return None
    parts = urlsplit(value)
    if host == "youtu.be":
        video = parts.path.strip("/")
    elif host.endswith(("youtube.com", "youtube-nocookie.com")):
        video = parse_qs(parts.query).get("v", [""])[0]
        if not video and "/embed/" in parts.path:
            video = parts.path.split("/embed/")[1].split("/")[0]
    else:
        return None
    return f"https://www.youtube.com/watch?v={video}" if _YOUTUBE_ID.match(video) else None


def canonical(url: str) -> str:
    """A player address turned into the page a reader can open (YouTube, Vimeo embeds)."""
    youtube = youtube_url(url) if provider(url) == ("video", "YouTube") else None
    if youtube:
        return youtube
    if host_of(url) == "player.vimeo.com" and "/video/" in url:
        video = urlsplit(url).path.split("/video/")[1].split("/")[0]
        if video.isdigit():
            return f"https://vimeo.com/{video}"
    return url


def embed_for(element: str, src: str, title: str = "") -> Embed | None:
    """The Embed for a player element (`iframe`, `video`, `audio`, `object`, `embed`)."""
    url = safe_media(src)
    if url is None:
        return None
    url = canonical(url)
    known = provider(url)
    path = urlsplit(url).path.lower()
    if element in ("video", "audio"):
        kind = element
    elif known:
        kind = known[0]
    elif path.endswith(_VIDEO_FILES):
        kind = "video"
    elif path.endswith(_AUDIO_FILES):
        kind = "audio"
    else:
        kind = "media"
    title = " ".join(title.split())
    if not title or _GENERIC_TITLE.match(title):
        title = known[1] if known else (host_of(url) if element in ("iframe", "object") else "")
    log.warn("embed", f"{kind} {url} cannot play in a book: kept as a link")
    return Embed(kind, url, title)


def script_embed(src: str) -> Embed | None:
    """What a `<script src>` embed shows, as a link: a gist's code (`Code: gist user/id`), else
    a widget named by its host; None for an address that is not a safe web address."""
    url = safe_media(src)
    if url is None or not re.match(r"https?://", url, re.IGNORECASE):
        return None
    parts = urlsplit(url)
    if host_of(url) == "gist.github.com":
        path = re.sub(r"\.js$", "", parts.path).strip("/")
        return Embed("code", f"https://gist.github.com/{path}", f"gist {path}")
    return Embed("widget", url, host_of(url))


def is_oembed_line(text: str) -> bool:
    """True for a lone address of a video or audio site, which WordPress shows as a player."""
    text = text.strip()
    if not re.fullmatch(r"https?://\S+", text):
        return False
    host = host_of(text)
    return any(host == h or host.endswith("." + h) for h in OEMBED_HOSTS)
