"""`exporter check`: prove built books whole (every word in book, speech and EPUB) and valid."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exporter.check.epubcheck import epubcheck_missing, run_epubcheck_many
from exporter.check.fidelity import check_post
from exporter.errors import EmptyPostError, NotAPost, PostError
from exporter.read.post import read_post
from exporter.run.names import name_sources
from exporter.run.settings import Settings, Source, discover
from exporter.write.outputs import Outputs


@dataclass(frozen=True)
class PostCheck:
    """What checking one post found: its problems, the books checked, and whether it is a post."""

    source: Path
    problems: tuple[str, ...]
    books: tuple[Path, ...]
    epubchecked: bool = False
    post: bool = True
    skipped: str = ""  # why a post with nothing readable in it has no book to check

    def line(self) -> str:
        """One line for the user."""
        if not self.post:
            return f"skipped: {self.source}: not a post (no front matter)"
        if self.skipped:
            return f"skipped: {self.skipped}"
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


def _books(source: Source, out_dir: Path) -> tuple[Path, ...] | None:
    """The built EPUBs of a post (the e-book, then the read-along); None when it is not a post."""
    try:
        names = Outputs(out_dir, source.slug or read_post(source.path).meta.slug)
    except NotAPost:
        return None if not source.explicit else ()
    except (PostError, OSError):
        return ()
    return tuple(p for p in (names.epub, names.read_along) if p.is_file())


def check_posts(
    paths: list[Path], out_dir: Path, images_dir: Path | None, epubcheck: bool
) -> tuple[list[PostCheck], str]:
    """Check every post found under the paths; also the reason EPUBCheck was not run ('')."""
    checks: list[PostCheck] = []
    for source in name_sources(discover(paths), Settings(out_dir=out_dir)):
        books = _books(source, out_dir)
        if books is None:
            checks.append(PostCheck(source.path, (), (), post=False))
            continue
        epub = next(
            (b for b in books if not b.name.endswith(Outputs(out_dir, "").read_along.name)), None
        )
        prefix = f"{source.path}: "
        try:
            found = check_post(source.path, epub, images_dir)
        except EmptyPostError as exc:
            checks.append(PostCheck(source.path, (), (), skipped=str(exc)))
            continue
        problems = [p.removeprefix(prefix) for p in found]
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
                skipped=c.skipped,
            )
            for c in checks
        ]
    return checks, missing
