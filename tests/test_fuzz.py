"""Whole folders of generated posts, built in this process: the run always finishes and says why.

Hypothesis makes a folder of posts from arbitrary Unicode (lone surrogates as bytes, as YAML
escapes and as entities), arbitrary bytes, broken front matter and HTML/entity soup, beside one
well-formed post, under names that may not even be UTF-8. Whatever it makes, the run ends with
exit 0 or 1, report.json is valid JSON naming every post file, the well-formed post is built, no
line printed is longer than 400 characters, no traceback is printed, no part file is left and no
two posts share an output. The test command runs a bounded number of folders (EPUB and site only:
narration is sealed by the same code and covered by the narrated tests);
`python3 make.py fuzz` runs many more (EXPORTER_FUZZ_EXAMPLES, default 300 there).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exporter.cli import main
from exporter.safetext import shown

from .test_robust import _body as soup
from .test_robust import _front as broken_front

EXAMPLES = int(os.environ.get("EXPORTER_FUZZ_EXAMPLES", "12"))
GOOD = (
    "---\npost_title: The Good Post Beside Them\npost_date: 2020-05-06 07:08:09\n"
    "permalink: https://example.org/the-good-post-beside-them/\n---\n"
    "<p>This post is well formed. It must be built whatever its neighbours hold.</p>\n"
)
_ODD = ["\ud800", "\udfff", "\ufffe", "\uffff", "\U0010ffff", "\u0000", "\u202e", "\r", "\x85"]
_ESCAPES = ["\\uD800", "\\uDFFF", "\\x00", "\\U0010FFFF", "\\uFFFE", "\\N", "\\"]
_ENTITIES = ["&#xD800;", "&#55296;", "&#x110000;", "&#0;", "&#xFFFE;", "&#1114111;", "&bogus;"]

_odd_text = st.lists(
    st.one_of(st.text(max_size=8), st.sampled_from(_ODD), st.sampled_from(_ENTITIES)), max_size=12
).map("".join)
_title_line = st.one_of(
    _odd_text.map(lambda t: f"post_title: {json.dumps(t)}"),
    st.lists(st.one_of(st.text(max_size=4), st.sampled_from(_ESCAPES)), max_size=6).map(
        lambda parts: f'post_title: "{"".join(parts)}"'
    ),
    _odd_text.map(lambda t: f"permalink: https://example.org/{t}/"),
)
_front = st.lists(st.one_of(_title_line, broken_front), max_size=5).map("\n".join)
_post_text = st.one_of(
    st.tuples(_front, st.one_of(soup, _odd_text)).map(lambda p: f"---\n{p[0]}\n---\n{p[1]}"),
    st.tuples(st.one_of(soup, _odd_text)).map(lambda p: p[0]),
)
_content = st.one_of(
    _post_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(max_size=200),
    _post_text.map(lambda t: t.encode("utf-16", "surrogatepass")),
)
_name = st.one_of(
    st.text(min_size=1, max_size=16).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.binary(min_size=1, max_size=16),
).filter(lambda n: b"/" not in n and b"\0" not in n and not n.startswith(b"."))
_folder = st.dictionaries(_name, _content, min_size=1, max_size=5)


def _check_run(files: dict[bytes, bytes], root: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """Build `files` beside the good post in a fresh folder under `root`; check every invariant."""
    work = Path(tempfile.mkdtemp(dir=root))
    src, out = work / "src", work / "out"
    src.mkdir()
    paths = [src / "good.md"]
    paths[0].write_text(GOOD, "utf-8")
    for name, data in files.items():
        path = Path(os.fsdecode(bytes(src) + b"/" + name + b".md"))
        try:
            path.write_bytes(data)
        except OSError:  # a name the file system refuses (too long, say): not a post
            continue
        paths.append(path)
    capfd.readouterr()
    code = main(["build", str(src), "-o", str(out), "--no-audio", "--anthology", "Fuzzed"])
    printed = capfd.readouterr()
    lines = (printed.out + printed.err).splitlines()
    assert code in (0, 1), printed
    assert not [line for line in lines if len(line) > 400]
    assert "Traceback" not in printed.out + printed.err
    report = json.loads((out / "report.json").read_text("utf-8"))
    rows = {row["post"]: row for row in report["posts"]}
    assert {shown(p) for p in paths} <= rows.keys()
    good = rows[shown(paths[0])]
    assert good["status"] == "built", good
    assert all((out / name).is_file() for name in good["outputs"])
    outputs = [name for row in rows.values() for name in row["outputs"]]
    assert len(outputs) == len(set(outputs)), "two posts wrote one file"
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")]


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(files=_folder)
def test_generated_folders_always_finish_and_report_every_post(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], files: dict[bytes, bytes]
) -> None:
    """Any folder of generated posts: the run finishes, reports each file, builds the good post."""
    _check_run(files, tmp_path, capfd)


def test_a_folder_of_the_worst_characters_builds_every_good_post(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """The cases that once stopped the run: each odd post is reported, the others are built."""
    files = {
        b"surrogate-title": b'---\npost_title: "A \\uD800 title"\n---\n<p>Text here.</p>\n',
        b"surrogate-entity": b"---\npost_title: Entity\n---\n<p>A &#xD800; b.</p>\n",
        b"surrogate-bytes": b"---\npost_title: Bytes \xed\xa0\x80 here\n---\n<p>Body.</p>\n",
        b"surrogate-excerpt": b'---\npost_title: Ex\npost_excerpt: "An \\uDC00 x"\n---\n<p>E</p>\n',
        b"name\xff": b"---\npost_title: An odd name\n---\n<p>Its name is not UTF-8.</p>\n",
        b"permalink": b'---\npost_title: P\npermalink: "https://e.org/\\uDFFF/"\n---\n<p>P.</p>\n',
    }
    _check_run(files, tmp_path, capfd)
    report = json.loads(next(tmp_path.glob("*/out/report.json")).read_text("utf-8"))
    statuses = {Path(row["post"]).name: row["status"] for row in report["posts"]}
    assert set(statuses.values()) == {"built"}, statuses
    warned = " ".join(w for row in report["posts"] for w in row["warnings"])
    assert "U+FFFD" in warned and "\\xff" in json.dumps(report)
