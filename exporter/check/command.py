"""`exporter check`: prove built books whole (every word in book, speech and EPUB) and valid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporter.check.epubcheck import epubcheck_missing, run_epubcheck_many
from exporter.check.fidelity import check_post
from exporter.errors import PostError
from exporter.read.post import read_post
from exporter.run.settings import Source, discover


@dataclass(frozen=True)
class PostCheck:
    """What checking one post found: its problems, the books checked, and whether it is a post."""

    source: Path
    problems: tuple[str, ...]
    books: tuple[Path, ...]
    epubchecked: bool = False
    post: bool = True

    def line(self) -> str:
        """One line for the user."""
        if not self.post:
            return f"skipped: {self.source}: not a post (no front matter)"
        if self.problems:
            said = "; ".join(self.problems)
            return (
                f"problem: {said}"
                if said.startswith(str(self.source))
                else (f"problem: {self.source}: {said}")
            )
        if not self.books:
            return f"ok: {self.source}: every word in its book and speech (no EPUB built)"
        names = ", ".join(p.name for p in self.books)
        valid = "; EPUBCheck 0 errors, 0 warnings" if self.epubchecked else ""
        return f"ok: {self.source}: every word in its book, speech and {names}{valid}"


def _has_front_matter(path: Path) -> bool:
    """True when a file starts like a post (a `---` line), so folders can hold other files."""
    try:
        with path.open("rb") as stream:
            return stream.read(8).lstrip(b"\xef\xbb\xbf").startswith(b"---")
    except OSError:
        return True


def _books(source: Source, out_dir: Path) -> tuple[Path, ...]:
    """The built EPUBs of a post in the output folder (the e-book, then the read-along)."""
    try:
        slug = read_post(source.path).meta.slug
    except (PostError, OSError):
        return ()
    names = (f"{slug}.epub", f"{slug}.read-along.epub")
    return tuple(out_dir / n for n in names if (out_dir / n).is_file())


def check_posts(
    paths: list[Path], out_dir: Path, images_dir: Path | None, epubcheck: bool
) -> tuple[list[PostCheck], str]:
    """Check every post found under the paths; also the reason EPUBCheck was not run ('')."""
    checks: list[PostCheck] = []
    for source in discover(paths):
        if not source.explicit and not _has_front_matter(source.path):
            checks.append(PostCheck(source.path, (), (), post=False))
            continue
        books = _books(source, out_dir)
        epub = next((b for b in books if not b.name.endswith(".read-along.epub")), None)
        prefix = f"{source.path}: "
        problems = [p.removeprefix(prefix) for p in check_post(source.path, epub, images_dir)]
        checks.append(PostCheck(source.path, tuple(problems), books))
    missing = epubcheck_missing() if epubcheck else "EPUBCheck not asked for"
    if epubcheck and not missing:
        all_books = [book for check in checks for book in check.books]
        results = run_epubcheck_many(all_books)
        checks = [
            PostCheck(
                c.source,
                c.problems
                + tuple(
                    f"{book.name}: {results[book].summary()}"
                    for book in c.books
                    if not results[book].clean
                ),
                c.books,
                epubchecked=True,
                post=c.post,
            )
            for c in checks
        ]
    return checks, missing
