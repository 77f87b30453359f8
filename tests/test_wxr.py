"""The WordPress export (WXR) reader: versions, items kept and left out, hostile files, builds."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from exporter.check.epubcheck import EpubcheckResult
from exporter.errors import NotAPost, PostError
from exporter.read.post import read_post
from exporter.read.wxr_items import read_item, site_facts
from exporter.run.load import site_config
from exporter.run.settings import discover
from tests import wxr_samples as wxr

SPLIT = "<p>Half of ]]]]><![CDATA[> a marker, and the rest of the ferry story to read.</p>"
THUMB = (
    "<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
    "<wp:meta_value>90</wp:meta_value></wp:postmeta>"
)
ATTACHMENT = wxr.item(
    90,
    "ferry.jpg",
    post_type="attachment",
    status="inherit",
    extra="<wp:attachment_url>https://river.example/wp-content/uploads/2012/04/ferry.jpg"
    "</wp:attachment_url><wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key>"
    "<wp:meta_value>2012/04/ferry.jpg</wp:meta_value></wp:postmeta>",
)
TERMS = (
    '<category domain="category" nicename="boats"><![CDATA[Boats]]></category>'
    '<category domain="category" nicename="travel"><![CDATA[Travel &amp; Trips]]></category>'
    '<category domain="post_tag" nicename="spring"><![CDATA[spring]]></category>'
)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8", name: str = "site.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_version_reads_posts_and_pages_only(tmp_path: Path, version: str) -> None:
    text = wxr.export(
        wxr.item(1, categories=TERMS, extra=THUMB),
        wxr.item(2, "About", post_type="page"),
        wxr.item(3, "Menu", post_type="nav_menu_item"),
        ATTACHMENT,
        wxr.item(4, "Secret", status="private"),
        wxr.item(5, "Locked", password="pw"),
        wxr.item(6, "Later", status="draft"),
        version=version,
    )
    path = _write(tmp_path, text)
    sources = [s.path.name for s in discover([path])]
    assert sources == ["site.xml#1", "site.xml#2", "site.xml#6"]
    post = read_post(tmp_path / "site.xml#1")
    assert post.meta.title == "The Ferry"
    assert post.meta.author == ("ann" if version == "1.0" else "Ann Ferry")
    assert post.meta.date == datetime(2012, 4, 2, 10, 0)  # GMT
    assert post.meta.slug == "post-1"
    assert post.meta.source_url == "https://river.example/post-1/"
    assert post.meta.description == "A ferry story."
    assert post.meta.language == ""  # the item says nothing: the channel's is the site default
    assert site_config(tmp_path / "site.xml#1").language == "en-GB"
    assert post.meta.featured_image.endswith("/uploads/2012/04/ferry.jpg")
    assert post.meta.categories == ("Boats", "Travel & Trips")
    assert post.meta.tags == ("spring",)
    assert post.published and post.post_type == "post" and post.post_id == "1"
    assert "ferry waited" in post.body
    assert read_post(tmp_path / "site.xml#2").post_type == "page"
    assert not read_post(tmp_path / "site.xml#6").published
    with pytest.raises(PostError, match="never built"):
        read_item(path, "4")
    facts = site_facts(path)
    assert (facts.title, facts.language, facts.base_url) == (
        "River Notes", "en-GB", "https://river.example",
    )  # fmt: skip


def test_cdata_split_and_percent_encoded_slug(tmp_path: Path) -> None:
    path = _write(tmp_path, wxr.export(wxr.item(7, body=SPLIT, name="l%C3%A6ring")))
    post = read_item(path, "7")
    assert "Half of ]]> a marker" in post.body
    assert post.meta.slug == "laering"
    assert post.body_line == 21  # the content:encoded line in the file


def test_latin1_export(tmp_path: Path) -> None:
    text = wxr.export(wxr.item(8, "Café à la rivière", body="<p>Déjà vu au café, encore.</p>"),
                      encoding="ISO-8859-1")  # fmt: skip
    path = _write(tmp_path, text, "latin-1")
    post = read_item(path, "8")
    assert post.meta.title == "Café à la rivière"
    assert "Déjà vu" in post.body


def test_external_entity_and_bomb_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    head = wxr.header()
    external = (
        head.replace("<rss", f'<!DOCTYPE rss [<!ENTITY leak SYSTEM "file://{secret}">]>\n<rss', 1)
        + wxr.item(1, body="&leak;").replace("<![CDATA[&leak;]]>", "&leak;")
        + wxr.FOOTER
    )
    bomb_dtd = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10 if i else "lol"}">' for i in range(10))
    bomb = head.replace("<rss", f"<!DOCTYPE rss [{bomb_dtd}]>\n<rss", 1) + wxr.FOOTER
    for name, text in (("leak.xml", external), ("bomb.xml", bomb)):
        path = _write(tmp_path, text, name=name)
        (source,) = discover([path])
        assert source.path == path
        with pytest.raises(PostError, match=rf"{name}:2: the file declares an entity") as caught:
            read_post(path)
        assert "SECRET" not in str(caught.value)


def test_truncated_export_keeps_earlier_items(tmp_path: Path) -> None:
    text = wxr.export(wxr.item(1), wxr.item(2))
    path = _write(tmp_path, text[: text.index("<item>", text.index("<item>") + 1) + 40])
    sources = [s.path.name for s in discover([path])]
    assert sources == ["site.xml#1", "site.xml"]
    assert read_post(tmp_path / "site.xml#1").meta.title == "The Ferry"
    with pytest.raises(PostError, match=r"site.xml:\d+: not well-formed XML"):
        read_post(path)


def test_not_an_export(tmp_path: Path) -> None:
    path = _write(tmp_path, "<?xml version='1.0'?><urlset></urlset>", name="sitemap.xml")
    with pytest.raises(NotAPost, match=r"sitemap.xml:1: not a WordPress export \(WXR\)"):
        read_post(path)
    assert discover([tmp_path]) == []  # a folder's other XML files are not posts


def test_build_one_item_fails_alone(
    tmp_path: Path, epubcheck: Callable[[Path], EpubcheckResult]
) -> None:
    from exporter.run.pipeline import Settings, run

    bad = wxr.item(2, "Broken").replace("2012-04-02 10:00:00", "2012-13-45 99:00:00")
    path = _write(tmp_path, wxr.export(wxr.item(1, categories=TERMS), bad))
    out = tmp_path / "out"
    settings = Settings(out_dir=out, narrate=False)
    report = run([path], settings)
    lines = {r.source.name: (r.status, r.reason) for r in report.results}
    assert lines["site.xml#1"][0] == "built"
    assert lines["site.xml#2"][0] == "failed"
    assert "site.xml#2" in lines["site.xml#2"][1] and "post_date" in lines["site.xml#2"][1]
    with zipfile.ZipFile(out / "post-1.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    assert "<dc:subject>Boats</dc:subject>" in opf and "<dc:subject>spring</dc:subject>" in opf
    checked = epubcheck(out / "post-1.epub")
    assert checked.clean, checked.errors + checked.warnings
    again = run([path], settings)
    assert {r.source.name: r.status for r in again.results}["site.xml#1"] == "unchanged"
    path.write_text(wxr.export(wxr.item(1, categories=TERMS), wxr.item(2, "Fixed")))
    third = run([path], settings)
    statuses = {r.source.name: r.status for r in third.results}
    assert statuses == {"site.xml#1": "unchanged", "site.xml#2": "built"}


def test_the_channel_names_the_site_and_the_anthology_groups_by_category(
    tmp_path: Path, epubcheck: Callable[[Path], EpubcheckResult]
) -> None:
    from exporter.run.pipeline import Settings, run

    folder = tmp_path / "blog"
    folder.mkdir()
    rowing = '<category domain="category" nicename="rowing"><![CDATA[Rowing]]></category>'
    path = _write(folder, wxr.export(
        wxr.item(1, "The Ferry", categories=TERMS, extra=THUMB),
        wxr.item(2, "Oars", categories=rowing, extra=THUMB),
        wxr.item(3, "Loose Ends"),
        ATTACHMENT,
    ))  # fmt: skip
    uploads = tmp_path / "uploads" / "2012" / "04"  # a copy of wp-content/uploads
    uploads.mkdir(parents=True)
    Image.new("RGB", (64, 48), (200, 30, 30)).save(uploads / "ferry.jpg")
    out = tmp_path / "out"
    settings = Settings(
        out_dir=out, narrate=False, anthology="River Book", anthology_by="category",
        images_dir=tmp_path / "uploads",
    )  # fmt: skip
    report = run([folder], settings)
    assert {r.status for r in report.results} == {"built"}, report.problems
    assert not [w for r in report.results for w in r.warnings if "featured image" in w]
    index = (out / "index.html").read_text()
    assert "<title>River Notes" in index and "Notes from the river" in index
    feed = (out / "feed.xml").read_text()
    assert "<title>River Notes</title>" in feed  # (items only for narrated books)
    with zipfile.ZipFile(out / "post-1.epub") as book:
        assert "<dc:language>en-GB</dc:language>" in book.read("EPUB/content.opf").decode()
    anthology = out / "river-book.epub"
    checked = epubcheck(anthology)
    assert checked.clean, checked.errors + checked.warnings
    with zipfile.ZipFile(anthology) as book:
        nav = book.read("EPUB/nav.xhtml").decode()
    groups = [nav.index(name) for name in (">Boats<", ">Rowing<", ">Uncategorized<")]
    assert groups == sorted(groups)
    assert nav.index(">The Ferry<") < nav.index(">Rowing<") < nav.index(">Oars<")
    # the site's own settings beat the channel's words
    (folder / "exporter.yaml").write_text("language: nb\nsite:\n  title: Elvebloggen\n")
    (tmp_path / "elsewhere").mkdir()
    again = run([folder], Settings(out_dir=out, narrate=False, images_dir=tmp_path / "elsewhere"))
    missing = [w for r in again.results for w in r.warnings if "featured image" in w]
    assert len(missing) == 2 and "uploads/2012/04/ferry.jpg is not in" in missing[0]
    assert "<title>Elvebloggen" in (out / "index.html").read_text()
    with zipfile.ZipFile(out / "post-1.epub") as book:
        assert "<dc:language>nb</dc:language>" in book.read("EPUB/content.opf").decode()
    del path


def test_one_item_is_built_by_the_name_the_run_gives_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from exporter.cli import main

    path = _write(tmp_path, wxr.export(wxr.item(1), wxr.item(2, "Oars"), wxr.item(4, "Secret",
                                        status="private")))  # fmt: skip
    out = tmp_path / "out"
    assert main(["build", f"{path}#2", "-o", str(out), "--no-audio"]) == 0
    assert sorted(p.name for p in out.glob("*.epub")) == ["post-2.epub"]
    assert main(["build", f"{path}#99", f"{path}#4", "-o", str(out), "--no-audio"]) == 1
    printed = capsys.readouterr().out
    assert "site.xml#99: no such post or page in the export" in printed
    assert "site.xml: posts and pages never built: 1 private" in printed
    assert "site.xml#4:46: a private item is never built" in printed  # file, item and line
    assert main(["build", f"{tmp_path / 'none.xml'}#2", "-o", str(out)]) == 2


LARGE = """
import sys
from pathlib import Path
def peak():  # VmHWM: unlike ru_maxrss, not inherited from the parent across exec
    status = Path("/proc/self/status").read_text()
    return int(next(l.split()[1] for l in status.splitlines() if l.startswith("VmHWM:")))
from exporter.read.wxr import scan
from exporter.run.pipeline import Settings, run
from tests import wxr_samples as wxr
tmp = Path(sys.argv[1])
with (tmp / "huge.xml").open("w") as file:
    file.write(wxr.header())
    for i in range(1, 20001):
        file.write(wxr.item(i, f"Post number {i}"))
    file.write(wxr.FOOTER)
print(len(scan(tmp / "huge.xml").items))
scanned = peak()
items = [wxr.item(i, f"Post number {i}") for i in range(1, 151)]
(tmp / "big.xml").write_text(wxr.export(*items))
report = run([tmp / "big.xml"], Settings(out_dir=tmp / "out", narrate=False, read_along=False))
print(sum(r.status == "built" for r in report.results))
print(scanned, peak())
"""


@pytest.mark.slow
def test_large_export_scans_and_builds_in_bounded_memory(tmp_path: Path) -> None:
    # A 20,000-item (14 MiB) export is scanned, and a 150-item one built, in one process far
    # below the 400 MiB bound; benchmarks/wxr.py builds the 2,000 items the issue names (74 MiB).
    done = subprocess.run(
        [sys.executable, "-c", LARGE, str(tmp_path)], capture_output=True, text=True, check=True
    )
    found, built, scanned_kib, peak_kib = (int(n) for n in done.stdout.split()[-4:])
    assert (found, built) == (20000, 150)
    assert scanned_kib < 100 * 1024, scanned_kib
    assert peak_kib < 400 * 1024, peak_kib


DATA = Path(__file__).parent / "data"


@pytest.mark.slow
@pytest.mark.parametrize("folder", ["jekyll", "hugo"])
def test_jekyll_and_hugo_folders_build(
    tmp_path: Path, folder: str, epubcheck: Callable[[Path], EpubcheckResult]
) -> None:
    from exporter.run.pipeline import Settings, run

    out = tmp_path / "out"
    narrate = folder == "hugo"  # one small post with audio
    settings = Settings(
        out_dir=out, narrate=narrate, engine="espeak", audio_formats=("mp3",), read_along=narrate
    )
    report = run([DATA / folder], settings)
    statuses = sorted((r.source.name, r.status) for r in report.results)
    expected = {
        "jekyll": [
            ("2012-04-02-the-ferry.md", "built"),
            ("2012-05-01-unpublished.html", "skipped"),
        ],
        "hugo": [("draft.md", "skipped"), ("ferry-crossing.md", "built")],
    }[folder]
    assert statuses == expected, report.problems
    slug = {"jekyll": "the-ferry", "hugo": "crossing-at-dawn"}[folder]
    checked = epubcheck(out / f"{slug}.epub")
    assert checked.clean, checked.errors + checked.warnings
    with zipfile.ZipFile(out / f"{slug}.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    assert ("<dc:subject>boats</dc:subject>" if folder == "jekyll" else
            "<dc:subject>morning</dc:subject>") in opf  # fmt: skip
    if narrate:
        assert (out / f"{slug}.mp3").stat().st_size > 1000
        checked = epubcheck(out / f"{slug}.read-along.epub")
        assert checked.clean, checked.errors + checked.warnings
