"""`exporter check`: prove built books whole (every word in book, speech and EPUB), valid
(EPUBCheck) and, when asked, free of what DAISY Ace finds."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol

from exporter.check.ace import ace_missing, run_ace_many
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
    ace_checked: bool = False

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
        accessible = "; Ace 0 violations" if self.ace_checked else ""
        return f"ok: {self.source}: every word in its book, speech and {names}{valid}{accessible}"


class _Verdict(Protocol):
    """A checker's verdict on one book (EPUBCheck's or Ace's)."""

    @property
    def clean(self) -> bool:
        """True when the checker found nothing."""
        ...

    def summary(self) -> str:
        """One line: what the checker found."""
        ...


@dataclass(frozen=True)
class _Checker:
    """A checker run over every built book at once, and the PostCheck field marking it run."""

    name: str
    missing: Callable[[], str]  # '' when it can run here, else what to install
    run_many: Callable[[list[Path]], Mapping[Path, _Verdict]]
    marks: Literal["epubchecked", "ace_checked"]


_EPUBCHECK = _Checker("EPUBCheck", epubcheck_missing, run_epubcheck_many, "epubchecked")
_ACE = _Checker("DAISY Ace", ace_missing, run_ace_many, "ace_checked")


def _add_verdicts(
    checks: list[PostCheck], verdicts: Mapping[Path, _Verdict], marks: str
) -> list[PostCheck]:
    """The checks with each book's findings added as problems, and the checker marked as run."""
    return [
        replace(
            check,
            problems=check.problems
            + tuple(
                f"{book.name}: {verdicts[book].summary()}"
                for book in check.books
                if not verdicts[book].clean
            ),
            epubchecked=check.epubchecked or marks == "epubchecked",
            ace_checked=check.ace_checked or marks == "ace_checked",
        )
        for check in checks
    ]


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
    paths: list[Path],
    out_dir: Path,
    images_dir: Path | None,
    epubcheck: bool,
    accessibility: bool = False,
) -> tuple[list[PostCheck], list[str]]:
    """Check every post found under the paths; also a note for each checker that could not run."""
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
    all_books = [book for check in checks for book in check.books]
    notes: list[str] = []
    for checker, wanted in ((_EPUBCHECK, epubcheck), (_ACE, accessibility)):
        missing = checker.missing() if wanted else "not asked for"
        if wanted and missing:
            notes.append(f"{checker.name} was not run: {missing}")
        elif wanted:
            checks = _add_verdicts(checks, checker.run_many(all_books), checker.marks)
    return checks, notes
