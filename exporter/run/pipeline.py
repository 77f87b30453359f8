"""Run a build: find posts, skip the unchanged, build the rest (in parallel), report each."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

from exporter.errors import NarrationError
from exporter.model.book import Metadata
from exporter.narrate.cache import AudioCache, default_cache_dir
from exporter.read.config import find_site_config
from exporter.read.site_settings import SiteSettings, read_site_settings, settings_path
from exporter.read.wxr import split_entry
from exporter.read.wxr_items import export_facts, left_out
from exporter.run.executors import executor_for
from exporter.run.lock import check_out_dir, holding
from exporter.run.names import name_sources
from exporter.run.progress import PlainReporter, Reporter
from exporter.run.report import NOT_A_POST, PostResult, Report
from exporter.run.sandbox import failure
from exporter.run.settings import Settings, Source, discover, lexicon_files
from exporter.run.stale import remove_stale, sweep
from exporter.run.state import BuildState, BuiltPost, fingerprint
from exporter.versions import installed_version
from exporter.write.outputs import Claims, Outputs, SiteOutputs
from exporter.write.site.identity import SiteIdentity, site_identity
from exporter.write.site.publish import card_renders, publish_site

__all__ = ["Settings", "Source", "discover", "run"]


def post_fingerprint(path: Path, settings: Settings, slug: str = "") -> str:
    """What decides a post's outputs: its bytes, name, output settings, engine and lexicons."""
    engine = [installed_version("pyttsx3"), installed_version("espeakng-loader")]
    fields: list[object] = [
        settings.narrate,
        settings.audio_formats,
        settings.chapter_files,
        settings.read_along,
        settings.voice,
        settings.rate,
        settings.loudness,
        str(settings.images_dir or ""),
        engine,
        settings.language,
        settings.dates,
        slug,
        settings.base_url or "",  # the page's preview addresses
        settings.site_title,  # the page's header
    ]
    if settings.engine != "espeak":  # an eSpeak NG build keeps the fingerprint it had
        versions = [installed_version(name) for name in ("piper-tts", "onnxruntime")]
        fields.append([settings.engine, *versions])
    if settings.voice_dirs:
        fields.append([str(folder) for folder in settings.voice_dirs])
    shape = json.dumps(fields, sort_keys=True)
    config = find_site_config(path)
    extra = lexicon_files(path, settings) if settings.narrate else []
    return fingerprint(path, shape, extra + ([config] if config else []), _own_digest(path))


def _own_digest(path: Path) -> str | None:
    """An export item's own digest (`site.xml#123`), hashed instead of the file's bytes."""
    from exporter.read.wxr import item_digest

    entry = split_entry(path)
    return item_digest(*entry) if entry is not None else None


def check_narration(settings: Settings) -> str:
    """'' when the speech engine, voice and rate work; else the one-line reason they don't.

    With the default engine and no --voice only eSpeak NG (every post's fallback) is checked
    here: a post whose Piper voice cannot be opened fails on its own."""
    from exporter.narrate.engines import AUTO, DEFAULT_ENGINE, choose_voice, open_engine

    engine, voice = settings.engine, settings.voice
    try:
        if engine == AUTO:
            choice = choose_voice(AUTO, voice, None, settings.voice_dirs) if voice else None
            engine, voice = (choice.engine, choice.voice) if choice else (DEFAULT_ENGINE, None)
        open_engine(engine, voice, settings.rate)
    except NarrationError as exc:
        return str(exc)
    return ""


def run(paths: Iterable[Path], settings: Settings, reporter: Reporter | None = None) -> Report:
    """Check OUT, then build into it holding its lock (see `_run`)."""
    reporter = reporter or PlainReporter()
    check_out_dir(settings.out_dir)
    with holding(settings.out_dir, reporter.message):
        return _run(paths, settings, reporter)


def _run(paths: Iterable[Path], settings: Settings, reporter: Reporter) -> Report:
    """Build every post found under the given paths; one failure never stops the others.

    Every step that touches a post's data is sealed (`run/sandbox.py`): naming, the unchanged
    check, the build, the state record, its site card; whatever goes wrong in one is that
    post's one line, and the report and the state are always written. Posts whose source,
    settings and tool are unchanged since the last good build keep their outputs; files left
    under a post's old name are removed (`run/stale.py`). When narration was asked for but
    the engine or voice is missing, every EPUB is still built, the problem is reported once,
    and the run fails.
    """
    report = Report()
    settings = dataclasses.replace(settings, cache_dir=settings.cache_dir or default_cache_dir())
    state = BuildState.load(settings.out_dir)
    before = dict(state.entries)
    paths = list(paths)
    # a bad settings file stops the run before any post is built
    site_settings = read_site_settings(settings_path(paths))
    metas: list[Metadata] = []
    sources = name_sources(_discover(paths, report), settings, metas)
    channel = export_facts(source.path for source in sources)
    identity = site_identity(
        [meta.source_url for meta in metas], [meta.author for meta in metas], site_settings,
        channel_title=channel.title, channel_description=channel.description,
        language=channel.language,
    )  # fmt: skip
    settings = dataclasses.replace(settings, site_title=identity.title)
    results: dict[Path, PostResult] = {}
    todo: list[Source] = []
    for source in sources:
        try:
            settled = _settle(source, settings, state)
        except Exception as exc:  # sealed: this post's one line
            settled = failure(source.path, exc, settings.debug)
        if settled is None:
            todo.append(source)
        else:
            results[source.path] = settled
    if todo and settings.narrate and (problem := check_narration(settings)):
        report.problems.append(f"no narration: {problem}")
        reporter.message(f"error: no narration: {problem}")
        settings = dataclasses.replace(settings, narrate=False)
    for source, result in executor_for(settings).build(todo, settings, reporter):
        try:
            _remember(state, source, result, settings)
        except Exception as exc:
            result = failure(source.path, exc, settings.debug)
            state.invalidate(_key(source))
        results[source.path] = result
        reporter.message(result.line())
    for source in sources:
        report.add(results[source.path])
    if all(r.status == "skipped" and r.reason.endswith(NOT_A_POST) for r in report.results):
        report.problems.append(f"no posts found in {', '.join(map(str, paths))}")
    anthology = None
    if settings.anthology is not None:
        anthology = f"anthology:{settings.anthology}"
        try:
            result = _anthology(settings.anthology, report, settings, state, reporter)
        except Exception as exc:
            result = failure(Path(f"anthology “{settings.anthology}”"), exc, settings.debug)
        report.add(result)
        reporter.message(result.line())
    _sweep(before, state, sources, anthology, report, settings.out_dir)
    try:
        state.save()
    except OSError as exc:
        report.problems.append(f"cannot save the build state {state.path}: {exc.strerror}")
    _publish(report, site_settings, settings, identity)
    return report


def _discover(paths: list[Path], report: Report) -> list[Source]:
    """The sources under every path; a folder that cannot be read is a problem, not a stop."""
    found: list[Source] = []
    for path in paths:
        try:
            found.extend(discover([path]))
        except OSError as exc:
            report.problems.append(f"{path}: cannot read: {exc.strerror or exc}")
    exports = dict.fromkeys(entry[0] for s in found if (entry := split_entry(s.path)) is not None)
    report.notes += [note for export in exports if (note := left_out(export))]
    return found


def _settle(source: Source, settings: Settings, state: BuildState) -> PostResult | None:
    """The result of a post that needs no build (gone, a duplicate, unchanged); None to build."""
    if not _exists(source.path):
        return PostResult(source.path, "failed", f"{source.path}: no such file or folder")
    if source.duplicate_of is not None:
        reason = f"{source.path}: same title and body as {source.duplicate_of} (built once)"
        state.forget(_key(source))
        return PostResult(source.path, "skipped", reason)
    if settings.force:
        return None
    stamp = post_fingerprint(source.path, settings, source.slug)
    earlier = state.unchanged(_key(source), stamp)
    if earlier is None:
        return None
    return PostResult(
        source.path,
        "unchanged",
        outputs=[settings.out_dir / name for name in earlier.outputs],
        words=earlier.words,
        audio_seconds=earlier.audio_seconds,
        warnings=list(source.notes),
        card=earlier.card,
        engine=earlier.narration[0] if earlier.narration else "",
        voice=earlier.narration[1] if earlier.narration else "",
        voice_reason=earlier.narration[2] if earlier.narration else "",
    )


def _spoken(result: PostResult) -> tuple[str, ...]:
    """What a state entry keeps of a post's narration: engine, voice and why (or nothing)."""
    return (result.engine, result.voice, result.voice_reason) if result.engine else ()


def _exists(path: Path) -> bool:
    """True when a post file, or the export holding an item `site.xml#123`, exists."""
    entry = split_entry(path)
    return (entry[0] if entry is not None else path).exists()


def _sweep(
    before: dict[str, BuiltPost],
    state: BuildState,
    sources: list[Source],
    anthology: str | None,
    report: Report,
    out_dir: Path,
) -> None:
    """Remove the files posts wrote under names they no longer have (see `run/stale.py`)."""
    claimed = [p.name for r in report.results for p in r.outputs]
    seen = {_key(s) for s in sources}
    try:
        removed = remove_stale(out_dir, sweep(before, state, seen, anthology, claimed))
    except OSError as exc:
        report.problems.append(f"cannot remove stale outputs in {out_dir}: {exc.strerror}")
        return
    if removed:
        report.notes.append(f"removed outputs no post writes any more: {', '.join(removed)}")


def _publish(
    report: Report, site_settings: SiteSettings, settings: Settings, identity: SiteIdentity
) -> None:
    """Write the site pages; a book whose card cannot be shown fails alone, the site is written."""
    shown = [r for r in report.results if r.status in ("built", "unchanged") and r.card]
    while True:
        cards = [r.card for r in shown if r.card]
        try:
            report.notes += publish_site(
                cards, SiteOutputs(settings.out_dir), site_settings, settings.base_url, identity
            )
            return
        except OSError as exc:
            where = settings.out_dir
            report.problems.append(f"cannot write the site pages in {where}: {exc.strerror}")
            return
        except Exception:
            bad = [r for r in shown if r.card and not card_renders(r.card, site_settings)]
            if not bad:
                raise
            for result in bad:
                result.status = "failed"
                result.reason = f"{result.source}: its card cannot be shown on the site"
                shown.remove(result)


def _anthology(
    title: str, report: Report, settings: Settings, state: BuildState, reporter: Reporter
) -> PostResult:
    """Build (or keep, when no member changed) the one book of every built post."""
    from exporter.read.post import slug_for
    from exporter.run import post as builder

    members = [r.source for r in report.results if r.status in ("built", "unchanged")]
    label = Path(f"anthology “{title}”")
    if not members:
        return PostResult(label, "skipped", f"{label}: no post was built to put in it")
    claims = Claims()
    for r in report.results:
        for p in r.outputs:
            claims.owners.setdefault(p.name, r.source)
    slug = slug_for(title)
    if claims.holder(Outputs(settings.out_dir, slug)) is not None:
        slug += "-anthology"
    key = f"anthology:{title}"
    stamp = fingerprint(
        Path(title),
        json.dumps([slug, settings.anthology_by, [post_fingerprint(m, settings) for m in members]]),
        [],
    )
    earlier = None if settings.force else state.unchanged(key, stamp)
    if earlier is not None:
        outputs = [settings.out_dir / name for name in earlier.outputs]
        return PostResult(
            label,
            "unchanged",
            outputs=outputs,
            words=earlier.words,
            audio_seconds=earlier.audio_seconds,
            card=earlier.card,
        )
    context = builder.BuildContext(
        settings, reporter, AudioCache(settings.cache_dir or default_cache_dir())
    )
    result = builder.build_anthology(title, slug, members, context)
    if result.status == "built":
        names = tuple(p.name for p in result.outputs)
        seconds, spoken = result.audio_seconds, _spoken(result)
        state.record(key, BuiltPost(stamp, names, result.words, seconds, result.card, spoken))
    else:
        state.forget(key)
    return result


def _key(source: Source) -> str:
    """The build-state key of a post: its absolute path."""
    return str(source.path.resolve())


def _remember(state: BuildState, source: Source, result: PostResult, settings: Settings) -> None:
    """Record a good build's fingerprint and outputs; forget a post that did not build."""
    if result.status == "built":
        names = tuple(p.name for p in result.outputs)
        stamp = post_fingerprint(source.path, settings, source.slug)
        seconds, spoken = result.audio_seconds, _spoken(result)
        entry = BuiltPost(stamp, names, result.words, seconds, result.card, spoken)
        state.record(_key(source), entry)
    elif result.status == "failed":
        state.invalidate(_key(source))  # its earlier files stay until it builds again
    else:
        state.forget(_key(source))
