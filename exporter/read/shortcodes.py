"""Expand WordPress shortcodes into plain HTML, or remove them and keep their inner text.

Which brackets are shortcodes, by rule (outside tags, `<pre>`, `<code>`, scripts and styles):
- a known name (caption, youtube, embed, video, audio, gallery, footnote, code, forms) or a
  page-builder family (`vc_…`, `et_pb_…`, `fusion_…` and the like);
- otherwise an all-lower-case name that closes itself (`[x /]`), has a closing `[/x]`
  later, carries a quoted attribute (`[x a="1"]`), joins words with `-`/`_`
  (`[jbp-job-browse-btn]`), or stands alone on its line (`[newsletter]`): an unknown one
  is dropped with a warning, never read aloud;
- never a bracket followed by `(`, `[` or `:` (Markdown links and references) unless its name
  is known, and never a capitalised one: `[string]`, `[Parameter()]`, `[K in keyof T]`,
  `[Insert name]` and `[text][1]` stay as written. `[[x]]` is WordPress's escape for `[x]`.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from urllib.parse import unquote

from exporter import log
from exporter.read.addresses import canonical, embed_for, is_oembed_line, youtube_url
from exporter.read.htmlscan import outside_tags, sub_elements

_TAG = re.compile(r"\[(\[?)(/?)([A-Za-z][\w-]*)(?![\w-])([^\[\]]*?)(/?)\](\]?)")
_ATTR = re.compile(
    r"""([\w-]+)\s*=\s*"([^"]*)"|([\w-]+)\s*=\s*'([^']*)'|([\w-]+)\s*=\s*([^\s'"]+)"""
    r"""|"([^"]*)"|'([^']*)'|(\S+)"""
)
_PLUGIN_NAME = re.compile(r"[a-z][a-z0-9]+(?:[_-][a-z0-9]+)+")
_QUOTED_ATTR = re.compile(r"[\w-]+\s*=\s*[\"'\u201c\u201d\u2033]")
_CURLY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2033": '"', "\u2018": "'", "\u2019": "'"})
_SKIP = frozenset({"pre", "code", "script", "style", "textarea", "kbd", "samp", "tt"})
_BLOCKISH = re.compile(r"\n|<(?:p|div|ul|ol|table|h[1-6]|blockquote|figure|pre|iframe)[\s>]", re.I)
_IMG = re.compile(r"(?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?", re.IGNORECASE)
_LINE_NOISE = re.compile(r"<[^>]*>|&nbsp;|&#160;|\u00a0")
_EDGE_BREAKS = re.compile(r"^(?:\s|<br\s*/?>|</?p>)+|(?:\s|<br\s*/?>|</?p>)+$", re.IGNORECASE)

CAPTIONS = frozenset({"caption", "wp_caption"})
NOTES = frozenset({"footnote", "efn_note", "ref"})
CODES = frozenset({"code", "sourcecode", "source", "plain"})
_HIGHLIGHTER_PRE = re.compile(
    r"""<(pre)\s[^>]*?(?:\blang(?:uage)?\s*=|\bclass\s*=\s*["'][^"']*brush:)""", re.IGNORECASE
)
_CODE_NAMES = re.compile(r"\[(?:code|sourcecode|source|plain)\b", re.IGNORECASE)
_HEADING_ATTRS = {"vc_custom_heading": "text", "vc_text_separator": "title", "vc_cta": "h2"}
_BUTTON = re.compile(r"(?:^|_|-)(?:btn|button)(?:$|_|-|\d)")
_BUTTON_LABELS = ("title", "text", "label", "button_text", "btn_title")
_BUTTON_LINKS = ("link", "url", "href", "button_url", "btn_link")
VIDEO_SITES = {"vimeo": "https://vimeo.com/", "dailymotion": "https://www.dailymotion.com/video/"}
MEDIA = frozenset({"youtube", "embed", "video", "audio", "soundcloud", *VIDEO_SITES})
DROPPED = frozenset(
    [
        "gallery",
        "playlist",
        "contact-form",
        "contact-form-7",
        "gravityform",
        "gravityforms",
        "wpforms",
        "mc4wp_form",
        "ninja_form",
        "ninja_forms",
        "table",
        "instagram-feed",
        "wpdiscuz",
    ]
)
KNOWN = CAPTIONS | NOTES | MEDIA | DROPPED | frozenset({"code", "sourcecode"})
BUILDERS = (
    "vc_", "et_pb_", "fusion_", "av_", "cs_", "su_", "mk_", "tatsu_", "kc_", "themify_", "tm_",
    "bt_bb_", "us_", "fl_", "x_", "ux_", "row", "col", "one_half", "one_third", "two_third",
)  # fmt: skip


@dataclass(frozen=True)
class Shortcode:
    """One shortcode tag as written: its name, attributes and form."""

    name: str
    attrs: dict[str, str]
    positional: tuple[str, ...]
    closing: bool = False
    self_closing: bool = False


@dataclass
class Expansion:
    """The HTML a body's shortcodes expand to, how many there were, and collected footnotes."""

    html: str
    count: int = 0
    notes: list[str] = field(default_factory=list)


def parse_attrs(text: str) -> tuple[dict[str, str], tuple[str, ...]]:
    """Named and positional attributes of a shortcode (`[youtube=URL]` gives positional URL)."""
    text = html.unescape(text).translate(_CURLY).strip()
    if text.startswith("="):
        text = text[1:].strip()
    named: dict[str, str] = {}
    positional: list[str] = []
    for match in _ATTR.finditer(text):
        key = match.group(1) or match.group(3) or match.group(5)
        if key:
            value = match.group(2) or match.group(4) or match.group(6) or ""
            named[key.lower()] = value
        else:
            positional.append(next(g for g in match.groups()[6:] if g is not None))
    return named, tuple(positional)


def _known(name: str) -> bool:
    """True for a shortcode name exporter knows or a page-builder family."""
    return name in KNOWN or name.startswith(BUILDERS)


def _alone(source: str, start: int, end: int) -> bool:
    """True when the text from `start` to `end` is all its line holds, tags and spaces aside."""
    line_start = source.rfind("\n", 0, start) + 1
    line_end = source.find("\n", end)
    line_end = len(source) if line_end < 0 else line_end
    around = source[line_start:start] + source[end:line_end]
    return not _LINE_NOISE.sub("", around).strip()


def _is_shortcode(match: re.Match[str], next_char: str, closes_later: bool, is_open: bool,
                  alone: bool = False) -> bool:  # fmt: skip
    """Apply the module's rule to one bracketed tag (`is_open`: a closer whose opener is open;
    `alone`: the tag is all its line holds)."""
    name, attrs = match.group(3), match.group(4)
    known = _known(name.lower())
    if next_char == "(" or (next_char in ("[", ":") and not known and not closes_later):
        return False
    if known:
        return True
    if name != name.lower():
        return False
    if match.group(2):
        return bool(_PLUGIN_NAME.fullmatch(name)) or is_open
    return bool(
        match.group(5)
        or closes_later
        or _PLUGIN_NAME.fullmatch(name)
        or _QUOTED_ATTR.search(html.unescape(attrs))
        or alone
    )


def _pieces(source: str) -> list[tuple[str, re.Match[str] | None]]:
    """The body split into markup/text pieces and bracket tags found in text (in order)."""
    pieces: list[tuple[str, re.Match[str] | None]] = []
    for is_text, piece in outside_tags(source, _SKIP):
        if not is_text:
            pieces.append((piece, None))
            continue
        position = 0
        for match in _TAG.finditer(piece):
            pieces.append((piece[position : match.start()], None))
            pieces.append((match.group(0), match))
            position = match.end()
        pieces.append((piece[position:], None))
    return pieces


def expand(source: str) -> Expansion:
    """Expand or remove every shortcode of an HTML body; footnotes are appended as a list."""
    if "[" not in source:
        return Expansion(source)
    pieces = _pieces(source)
    closers: dict[str, list[int]] = {}
    for index, (_, match) in enumerate(pieces):
        if match and match.group(2):
            closers.setdefault(match.group(3).lower(), []).append(index)
    result = Expansion("")
    out: list[str] = []
    stack: list[tuple[Shortcode, int]] = []
    offset = 0
    for index, (text, match) in enumerate(pieces):
        start, offset = offset, offset + len(text)
        if match is None:
            out.append(text)
            continue
        name = match.group(3).lower()
        later = closers.get(name, [])
        closes_later = bisect_right(later, index) < len(later)
        following = pieces[index + 1][0][:1] if index + 1 < len(pieces) else ""
        is_open = any(tag.name == name for tag, _ in stack)
        alone = _alone(source, start, offset)
        if not _is_shortcode(match, following, closes_later, is_open, alone):
            out.append(text)
        elif match.group(1) and match.group(6):
            out.append(text[1:-1])  # [[x]] is the escape for a literal [x]
        elif match.group(2):
            result.count += 1
            _close(name, out, stack, result)
        else:
            result.count += 1
            named, positional = parse_attrs(match.group(4))
            tag = Shortcode(name, named, positional, self_closing=bool(match.group(5)))
            if closes_later and not tag.self_closing:
                stack.append((tag, len(out)))
                out.append("")
            else:
                out.append(_render(tag, None, result))
    while stack:
        tag, slot = stack.pop()
        out[slot] = _render(tag, None, result)
    result.html = "".join(out)
    if result.notes:
        items = "".join(
            f'<li id="sc-fn-{n}">{note}</li>' for n, note in enumerate(result.notes, start=1)
        )
        result.html += f'\n<ol class="footnotes">{items}</ol>\n'
    return result


def _close(
    name: str, out: list[str], stack: list[tuple[Shortcode, int]], result: Expansion
) -> None:
    """Close the nearest open shortcode of this name, rendering it around its content."""
    if not any(tag.name == name for tag, _ in stack):
        return  # a stray closing tag vanishes
    while stack:
        tag, slot = stack.pop()
        if tag.name == name:
            content = "".join(out[slot + 1 :])
            del out[slot:]
            out.append(_render(tag, content, result))
            return
        out[slot] = _render(tag, None, result)


def _render(tag: Shortcode, content: str | None, result: Expansion) -> str:
    """The HTML one shortcode stands for (content None for a tag without a closing tag)."""
    name = tag.name
    if name in CAPTIONS:
        return _caption(tag, content or "")
    if name in NOTES and content is not None and content.strip():
        result.notes.append(_EDGE_BREAKS.sub("", content))
        n = len(result.notes)
        return f'<sup class="fn"><a href="#sc-fn-{n}" id="sc-fnref-{n}">{n}</a></sup>'
    if name in CODES and content is not None:
        return code_block(tag, content)
    if name in MEDIA:
        return _media(tag, content)
    if name in _HEADING_ATTRS:
        return _attribute_heading(tag, content)
    if _BUTTON.search(name):
        return _button(tag, content)
    if name in DROPPED or content is None:
        if name in DROPPED or not name.startswith(BUILDERS):
            log.warn("shortcode", f"shortcode [{name}] dropped: it shows nothing a book can hold")
        return ""
    if name.startswith(BUILDERS) or _BLOCKISH.search(content):
        return f"<div>{content}</div>"
    return content


def _attribute_heading(tag: Shortcode, content: str | None) -> str:
    """A page-builder heading whose words live in an attribute (`[vc_custom_heading text=…]`),
    at the level its `font_container` names (h2 when it names none), then any content."""
    text = tag.attrs.get(_HEADING_ATTRS[tag.name], "")
    level = re.search(r"tag:h([1-6])", tag.attrs.get("font_container", ""))
    h = f"h{level.group(1) if level else 2}"
    heading = f"<{h}>{html.escape(html.unescape(text))}</{h}>" if text.strip() else ""
    return f"<div>{heading}{content or ''}</div>"


def _button(tag: Shortcode, content: str | None) -> str:
    """A button shortcode as a link: its label (an attribute or its content) to its address."""
    attrs = tag.attrs
    label = next((attrs[k] for k in _BUTTON_LABELS if attrs.get(k, "").strip()), "")
    label = html.escape(html.unescape(label)) if label else (content or "").strip()
    address = next((attrs[k] for k in _BUTTON_LINKS if attrs.get(k, "").strip()), "")
    if address.startswith("url:"):  # Visual Composer: url:ENCODED|title:…|target:…
        address = unquote(address.split("|", 1)[0].removeprefix("url:"))
    if not re.sub(r"<[^>]*>", "", label).strip():
        return ""
    href = f' href="{html.escape(address)}"' if address.strip() else ""
    return f"<p><a{href}>{label}</a></p>" if href else f"<p>{label}</p>"


def _caption(tag: Shortcode, content: str) -> str:
    """A `[caption]` as a figure: the image, then the caption attribute and any text after it."""
    image = _IMG.search(content)
    rest = content[: image.start()] + content[image.end() :] if image else content
    caption = " ".join(
        part for part in (tag.attrs.get("caption", ""), _EDGE_BREAKS.sub("", rest)) if part
    )
    figcaption = f"<figcaption>{caption}</figcaption>" if caption.strip() else ""
    if image is None:
        return f"<div>{figcaption}</div>" if figcaption else ""
    return f'<figure class="wp-caption">{image.group(0)}{figcaption}</figure>'


def _media(tag: Shortcode, content: str | None) -> str:
    """A video, audio or embed shortcode as the player element the cleaner turns into a link."""
    value = tag.attrs.get("url") or tag.attrs.get("src") or tag.attrs.get("id") or ""
    value = value or (tag.positional[0] if tag.positional else "") or html.unescape(content or "")
    for key in ("mp4", "m4v", "webm", "ogv", "mp3", "ogg", "wav", "m4a"):
        value = value or tag.attrs.get(key, "")
    value = re.sub(r"<[^>]*>", "", value).strip()
    if tag.name == "youtube":
        value = youtube_url(value) or ""
    elif tag.name in VIDEO_SITES and re.fullmatch(r"[\w-]+", value):
        value = VIDEO_SITES[tag.name] + value
    element = tag.name if tag.name in ("video", "audio") else "iframe"
    embed = embed_for(element, canonical(value), tag.attrs.get("title", "")) if value else None
    if embed is None:
        return ""
    title = f' title="{html.escape(embed.title)}"' if embed.title else ""
    return f'<{element} src="{html.escape(embed.url)}"{title}></{element}>'


def code_block(tag: Shortcode, content: str) -> str:
    """A `[code]`/`[sourcecode]` block as `<pre><code>`, its text shown exactly as typed."""
    language = tag.attrs.get("language") or tag.attrs.get("lang") or ""
    language = re.sub(r"[^\w+#.-]", "", language)[:20]
    css = f' class="language-{language}"' if language else ""
    text = html.unescape(re.sub(r"<br\s*/?>", "\n", content, flags=re.IGNORECASE)).strip("\n")
    return f"\n\n<pre><code{css}>{html.escape(text, quote=False)}</code></pre>\n\n"


def _raw_code_pre(element: str) -> str:
    """A syntax-highlighter `<pre lang="php">` (or `class="brush: php"`): its content is code
    typed as is, so `<video` inside a PHP string is text, never a tag."""
    start = element.index(">") + 1
    opening, inner = element[:start], element[start : -len("</pre>")]
    attrs = dict(re.findall(r"""([\w-]+)\s*=\s*["']([^"']*)["']""", opening))
    brush = re.search(r"brush:\s*([\w+#.-]+)", attrs.get("class", ""))
    language = attrs.get("lang") or attrs.get("language") or (brush.group(1) if brush else "")
    return code_block(Shortcode("code", {"lang": language}, ()), inner)


def expand_code(source: str) -> str:
    """Turn code shortcodes and syntax-highlighter `<pre lang>` blocks into `<pre><code>`
    blocks of escaped text (before paragraphs are added)."""
    if _HIGHLIGHTER_PRE.search(source):
        source = sub_elements(source, _HIGHLIGHTER_PRE, _raw_code_pre)
    if not _CODE_NAMES.search(source):
        return source
    out: list[str] = []
    pieces = _pieces(source)
    index = 0
    while index < len(pieces):
        text, match = pieces[index]
        name = match.group(3).lower() if match else ""
        if match and name in CODES and not match.group(2) and not match.group(1):
            end = next(
                (
                    j
                    for j in range(index + 1, len(pieces))
                    if (m := pieces[j][1]) and m.group(2) and m.group(3).lower() == name
                ),
                None,
            )
            if end is not None:
                named, positional = parse_attrs(match.group(4))
                content = "".join(piece for piece, _ in pieces[index + 1 : end])
                out.append(code_block(Shortcode(name, named, positional), content))
                index = end + 1
                continue
        out.append(text)
        index += 1
    return "".join(out)


def oembed_lines(source: str) -> str:
    """Lone lines holding a video or audio address become players, as WordPress shows them."""
    lines = source.split("\n")
    for index, line in enumerate(lines):
        bare = re.sub(r"^\s*(?:<p>)?|(?:</p>)?\s*$", "", line)
        if "http" in line and is_oembed_line(bare):
            embed = embed_for("iframe", html.unescape(bare))
            if embed is not None:
                lines[index] = f'<iframe src="{html.escape(embed.url)}"></iframe>'
    return "\n".join(lines)
