"""Hostile and unlucky input, each beside a good post, built by the real command in a child.

Each case is one input from `tests/hostile/` (or made here: too big, or not a plain file) put
into a folder with `good.md`, built by `exporter build --no-audio` in a subprocess with
resource limits. For every case: the expected exit status, one `failed:` line per failed
post, no traceback, no control character on the terminal, the good post built, a valid
report.json, and CPU time and peak memory under generous bounds.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

HOSTILE = Path(__file__).parent / "hostile"
EXPORTER = Path(sys.executable).parent / "exporter"
GOOD_EPUB = "a-good-post.epub"
MAX_CPU_SECONDS = 60.0  # per build; the slowest case (4,000 footnotes) needs about 6
MAX_RSS_MB = 1024  # per build; a bounded build stays near 100 MB
MAX_ADDRESS_SPACE = 4 << 30  # RLIMIT_AS of the child: a runaway allocation fails fast
WALL_TIMEOUT = 600  # the CPU is shared; this only stops a hung build


@dataclass(frozen=True)
class Run:
    """What one child build did."""

    code: int
    out: str
    err: str
    cpu: float
    rss_mb: float


def _limits() -> None:
    """Resource limits of the child (runs in the child before exec)."""
    resource.setrlimit(resource.RLIMIT_AS, (MAX_ADDRESS_SPACE, MAX_ADDRESS_SPACE))
    resource.setrlimit(resource.RLIMIT_CPU, (300, 300))


def run_exporter(args: list[str], cwd: Path, tmp: Path, limited: bool = True) -> Run:
    """Run the installed `exporter` command; measure the child with wait4's rusage (the JVM
    of EPUBCheck reserves more address space than the limit: `limited=False` for `check`)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp / "xdg"), "COLUMNS": "200"}
    env.pop("SOURCE_DATE_EPOCH", None)
    with (tmp / "stdout").open("w+") as out, (tmp / "stderr").open("w+") as err:
        child = subprocess.Popen(
            [str(EXPORTER), *args], cwd=cwd, stdout=out, stderr=err, env=env,
            preexec_fn=_limits if limited else None, stdin=subprocess.DEVNULL,
        )  # fmt: skip
        started = time.monotonic()
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > WALL_TIMEOUT:
                child.kill()
                pytest.fail(f"exporter {args} hung for {WALL_TIMEOUT} s")
            time.sleep(0.05)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(
            child.returncode,
            out.read(),
            err.read(),
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
        )


@dataclass(frozen=True)
class Case:
    """One hostile input: how to set it up, and what the build must do with it."""

    setup: Callable[[Path, Path], list[str]]  # (posts folder, OUT) → extra arguments
    code: int  # expected exit status
    failed: int = 0  # posts (or anthology) expected to fail, one line each


def _copy(name: str) -> Callable[[Path, Path], list[str]]:
    """Put one corpus file into the posts folder."""

    def setup(posts: Path, out: Path) -> list[str]:
        shutil.copy(HOSTILE / name, posts / name)
        return []

    return setup


def _write(name: str, make: Callable[[], str]) -> Callable[[Path, Path], list[str]]:
    """Put a generated post into the posts folder."""

    def setup(posts: Path, out: Path) -> list[str]:
        (posts / name).write_text(make(), encoding="utf-8")
        return []

    return setup


_FRONT = "---\npost_title: Generated\npost_date: 2012-01-01 00:00:00\n---\n"


_NOTES = 4_000  # 10,000 took 277 s before notes became linear; this many keeps the suite quick


def _footnotes() -> str:
    """Thousands of footnote references, then their notes."""
    refs = "".join(
        f'<p>Text {i}.<sup><a href="#fn{i}" id="r{i}">{i}</a></sup></p>\n' for i in range(_NOTES)
    )
    notes = "".join(f'<li id="fn{i}">Note {i}. <a href="#r{i}">↩</a></li>' for i in range(_NOTES))
    return f"{_FRONT}{refs}<ol>{notes}</ol>\n"


def _huge(posts: Path, out: Path) -> list[str]:
    """A sparse 9 MiB post: over the size limit, costs nothing to make."""
    with (posts / "huge.md").open("wb") as file:
        file.write(_FRONT.encode())
        file.truncate(9 * 1024 * 1024)
    return []


def _fifo(posts: Path, out: Path) -> list[str]:
    """A FIFO named as a source: nobody writes to it, so reading would block forever."""
    os.mkfifo(posts.parent / "fifo.md")
    return [str(posts.parent / "fifo.md")]


def _dev_zero(posts: Path, out: Path) -> list[str]:
    """`/dev/zero` named as a source: endless."""
    return ["/dev/zero"]


def _escape_name(posts: Path, out: Path) -> list[str]:
    """A broken post whose file name holds terminal escapes (clear screen, bell)."""
    (posts / "bad\x1b[2J\x07.md").write_text("---\npost_title: [unclosed\n---\n<p>x</p>\n")
    return []


def _state(text: str) -> Callable[[Path, Path], list[str]]:
    """A build state file in OUT holding `text`."""

    def setup(posts: Path, out: Path) -> list[str]:
        out.mkdir()
        (out / ".exporter-state.json").write_text(text)
        return []

    return setup


def _folder_in_way(name: str) -> Callable[[Path, Path], list[str]]:
    """A folder in OUT where the output `name` goes (`generated.md` makes `generated.*`)."""

    def setup(posts: Path, out: Path) -> list[str]:
        (out / name).mkdir(parents=True)
        (posts / "generated.md").write_text(f"{_FRONT}<p>A post called generated.</p>\n")
        return []

    return setup


def _leftovers(posts: Path, out: Path) -> list[str]:
    """What `kill -9` leaves: a `.*.part` file in OUT and a dead run's temporary folder."""
    out.mkdir()
    (out / ".a-good-post.m4b.k2j4.part").write_bytes(b"\0" * 1000)
    return []


def _long_anthology(posts: Path, out: Path) -> list[str]:
    """An anthology title of 256 characters (longer than a file name may be)."""
    return ["--anthology", "A" * 256]


def _image_loop(posts: Path, out: Path) -> list[str]:
    """--images holding a symlink loop, and a post that uses an image inside it."""
    images = posts.parent / "images"
    images.mkdir()
    (images / "loop").symlink_to(images / "loop")
    (images / "a").symlink_to("b")
    (images / "b").symlink_to("a")
    (posts / "img.md").write_text(
        f'{_FRONT}<p>See <img src="/loop/x.png" alt="loop"> and <img src="/a" alt="a">.</p>\n'
    )
    return ["--images", str(images)]


def _lexicon(name: str) -> Callable[[Path, Path], list[str]]:
    """A --lexicon file (narration on): refused before anything is built."""

    def setup(posts: Path, out: Path) -> list[str]:
        return ["--lexicon", str(HOSTILE / name), "--audio-format", "none", "--no-read-along"]

    return setup


def _out_is_file(posts: Path, out: Path) -> list[str]:
    """-o naming an existing file."""
    out.write_text("not a folder")
    return []


def _missing_source(posts: Path, out: Path) -> list[str]:
    """A source path that does not exist."""
    return [str(posts / "no-such-post.md")]


def _shadowing_folder(posts: Path, out: Path) -> list[str]:
    """Run from a folder holding a directory `exporter/` (a stray checkout), with --jobs 2."""
    shutil.copy(HOSTILE / "bad-links.md", posts / "bad-links.md")
    shadow = posts.parent / "exporter"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('the wrong exporter package')\n")
    return ["--jobs", "2"]


def _worst(posts: Path, out: Path) -> list[str]:
    """The worst of them in one folder, beside the good post."""
    for name in ("alias-bomb.md", "deep-front-matter.md", "yaml-tag.md", "bad-links.md"):
        shutil.copy(HOSTILE / name, posts / name)
    (posts / "brackets.md").write_text(_FRONT + "[" * 600_000)
    _huge(posts, out)
    return ["--jobs", "2"]


CASES: dict[str, Case] = {
    "alias-bomb": Case(_copy("alias-bomb.md"), 1, 1),
    "deep-front-matter": Case(_copy("deep-front-matter.md"), 1, 1),
    "yaml-tag": Case(_copy("yaml-tag.md"), 1, 1),
    "not-utf8": Case(_copy("not-utf8.md"), 1, 1),
    "no-closing-fence": Case(_copy("no-closing-fence.md"), 1, 1),
    "ipv6-permalink": Case(_copy("ipv6-permalink.md"), 0),
    "bad-links": Case(_copy("bad-links.md"), 0),
    "date-0999": Case(_copy("date-0999.md"), 0),
    "date-10000": Case(_copy("date-10000.md"), 1, 1),
    "keep-text": Case(_copy("keep-text.md"), 0),
    "control-title": Case(_copy("control-title.md"), 0),
    "escape-in-file-name": Case(_escape_name, 1, 1),
    "brackets-600k": Case(_write("brackets.md", lambda: _FRONT + "[" * 600_000), 0),  # skipped
    "footnotes-4000": Case(_write("notes.md", _footnotes), 0),
    "deep-html": Case(_write("deep.md", lambda: _FRONT + "<div>" * 20_000 + "deep"), 0),
    "over-size-limit": Case(_huge, 1, 1),
    "fifo-source": Case(_fifo, 1, 1),
    "dev-zero-source": Case(_dev_zero, 1, 1),
    "state-list": Case(_state("[]"), 0),
    "state-null": Case(_state("null"), 0),
    "state-string": Case(_state('"str"'), 0),
    "state-deep": Case(_state("[" * 100_000 + "]" * 100_000), 0),
    "state-wrong-shape": Case(_state('{"x": {"fingerprint": 1, "outputs": ["../../etc"]}}'), 0),
    "report-is-folder": Case(_folder_in_way("report.json"), 1),
    "state-is-folder": Case(_folder_in_way(".exporter-state.json"), 1),
    "epub-is-folder": Case(_folder_in_way("generated.epub"), 1, 1),
    "kill-9-leftovers": Case(_leftovers, 0),
    "anthology-long-title": Case(_long_anthology, 0),
    "images-symlink-loop": Case(_image_loop, 0),
    "lexicon-alias-bomb": Case(_lexicon("lexicon-bomb.yaml"), 2),
    "lexicon-deep": Case(_lexicon("lexicon-deep.yaml"), 2),
    "out-is-a-file": Case(_out_is_file, 2),
    "missing-source": Case(_missing_source, 2),
    "shadowing-exporter-folder-jobs-2": Case(_shadowing_folder, 0),
    "worst-of-folder": Case(_worst, 1, 4),  # the brackets post has nothing to read: skipped
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_input(name: str, tmp_path: Path) -> None:
    """The input fails only its own post, in one line, inside the bounds; the rest builds."""
    case = CASES[name]
    posts, out = tmp_path / "posts", tmp_path / "out"
    posts.mkdir()
    shutil.copy(HOSTILE / "good.md", posts / "good.md")
    extra = case.setup(posts, out)
    before = sorted(p.name for p in out.iterdir()) if out.is_dir() else None
    audio = [] if "--lexicon" in extra else ["--no-audio"]
    run = run_exporter(["build", "--engine=espeak",
        str(posts), *extra, "-o", str(out), *audio], tmp_path, tmp_path)
    shown = run.out + run.err
    assert run.code == case.code, shown
    assert "Traceback" not in shown and "\x1b" not in shown and "\x07" not in shown, shown
    assert run.cpu < MAX_CPU_SECONDS, f"{run.cpu:.1f} s of CPU"
    assert run.rss_mb < MAX_RSS_MB, f"{run.rss_mb:.0f} MB"
    assert all(len(line) <= 1000 for line in shown.splitlines()), "an over-long line"
    if case.code == 2:  # a usage error: one line, and OUT as it was
        assert len(run.err.strip().splitlines()) == 1 and not run.out, shown
        after = sorted(p.name for p in out.iterdir()) if out.is_dir() else None
        assert after == before
        return
    failed = [line for line in run.out.splitlines() if line.startswith("failed: ")]
    assert len(failed) == case.failed, shown
    assert (out / GOOD_EPUB).is_file(), shown
    assert not list(out.glob(".*.part")), "a half-written file stayed in OUT"
    if name not in ("report-is-folder",):
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert report["failed"] == case.failed
        assert report["built"] + report["unchanged"] >= 1
    if name in ("report-is-folder", "state-is-folder"):
        assert "cannot" in run.out, shown


def test_books_from_odd_dates_links_and_kept_text_pass_epubcheck(tmp_path: Path) -> None:
    """The corpus posts that build make valid books whose every word is checked (real
    EPUBCheck): a year before 1000, unparseable links and permalinks, kept form/SVG/MathML text."""
    posts = tmp_path / "posts"
    posts.mkdir()
    names = ["bad-links", "date-0999", "ipv6-permalink", "keep-text"]
    for name in names:
        shutil.copy(HOSTILE / f"{name}.md", posts)
    out = tmp_path / "out"
    built = run_exporter(["build", str(posts), "--no-audio", "-o", str(out)], tmp_path, tmp_path)
    assert built.code == 0, built.out + built.err
    checked = run_exporter(["check", str(posts), "-o", str(out)], tmp_path, tmp_path, False)
    if "EPUBCheck was not run" in checked.out:
        pytest.skip("EPUBCheck is not installed")
    assert checked.code == 0, checked.out + checked.err
    assert checked.out.count("EPUBCheck 0 errors, 0 warnings") == len(names), checked.out
