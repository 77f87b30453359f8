"""Text every output can hold: unencodable code points made U+FFFD, undecodable names escaped.

A post can smuggle code points that no UTF-8 file, XML document or JSON report may carry: lone
surrogates (from bytes that encode one, from `\\uD800` in a YAML string, from a file name that is
not UTF-8 and so reached Python through `surrogateescape`) and Unicode's noncharacters (U+FDD0
to U+FDEF, U+FFFE and U+FFFF in every plane). The readers pass every field through `safe_text`
at the door, so nothing downstream ever sees one; `shown` is how a path is printed or stored.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

REPLACEMENT = "\ufffd"
_NONCHARACTERS = "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNSAFE = re.compile(f"[\ud800-\udfff\ufdd0-\ufdef{_NONCHARACTERS}]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# a numeric character reference (&#55296; &#xD800;) to a code point that _UNSAFE refuses
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));?")


def safe_text(text: str) -> tuple[str, int]:
    """The text with every unencodable or noncharacter code point as U+FFFD, and how many."""
    return _UNSAFE.subn(REPLACEMENT, text)


def safe_references(html: str) -> tuple[str, int]:
    """HTML whose numeric references to such code points are `&#xFFFD;`, and how many."""
    if "&#" not in html:
        return html, 0
    replaced = 0

    def fix(match: re.Match[str]) -> str:
        """The reference, or U+FFFD's when it names a code point no document may hold."""
        nonlocal replaced
        hexa, decimal = match.groups()
        number = int(hexa, 16) if hexa else int(decimal)
        if number <= 0x10FFFF and not _UNSAFE.match(chr(number)):
            return match.group()
        replaced += 1
        return "&#xFFFD;"

    return _REFERENCE.sub(fix, html), replaced


def shown(path: Path | str) -> str:
    """A path as text any terminal, report or log can hold: bytes that are not UTF-8 as \\xNN."""
    text = os.fspath(path)
    if not _UNSAFE.search(text):
        return text
    try:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (from `\\uD800`, say)
        return text.encode("utf-8", "backslashreplace").decode("ascii")


def has_unsafe(text: str) -> bool:
    """Tell whether the text holds a code point `safe_text` would replace."""
    return bool(_UNSAFE.search(text))


def undecodable_name(path: Path) -> bool:
    """Tell whether a file's name reached Python from bytes that are not UTF-8."""
    return bool(_SURROGATE.search(path.name))
