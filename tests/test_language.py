"""The language of every post: where it comes from, and what it sets in the book and narration."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import pytest

from exporter import log
from exporter.clean.language import detect_language
from exporter.errors import ExporterError
from exporter.model.book import Book
from exporter.model.language import long_date, month_first, normalize_tag
from exporter.narrate.cache import AudioCache
from exporter.narrate.labels import spoken_labels
from exporter.narrate.normalize import normalize, speak_url
from exporter.narrate.script import speech_script
from exporter.read.config import SiteConfig
from exporter.run import load as loading
from exporter.run.lexicons import load_lexicon
from exporter.run.load import load_book, site_config
from exporter.write.epub.package import write_epub
from exporter.write.markup import labels_for
from exporter.write.site.words import site_labels
from tests.language_texts import MIXED, PARAGRAPHS, SHORT

SPANISH = (
    "El café de olla lleva canela y piloncillo. Se prepara en una olla de barro y se sirve "
    "muy caliente, con un poco de azúcar morena, en las mañanas frías de diciembre."
)
NORWEGIAN = (
    "Læringsressursar på nett gjer det lettare for elevane å øve heime. Her er ei liste over "
    "dei beste videoane vi har funne, med ei kort forklaring til kvar av dei."
)
ENGLISH = (
    "Memantine is a drug that blocks a receptor in the brain. It has been studied for mood "
    "disorders, and the results so far are mixed but worth a closer look by anyone curious."
)


def _post(folder: Path, name: str, body: str, front: str = "") -> Path:
    """A post file in `folder` with the given body and extra front matter lines."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.md"
    path.write_text(
        f"---\nID: 7\npost_title: {name}\nauthor: Ana\npost_date: 2012-04-15 10:00:00\n"
        f"permalink: https://blog.example/{name}/\n{front}---\n{body}\n",
        encoding="utf-8",
    )
    return path


def test_detected_when_the_front_matter_is_silent(tmp_path: Path) -> None:
    """Spanish and Norwegian posts without `lang` get their language from their text."""
    assert load_book(_post(tmp_path, "cafe", SPANISH)).meta.language == "es"
    assert load_book(_post(tmp_path, "laering", NORWEGIAN)).meta.language in ("nn", "nb")
    assert load_book(_post(tmp_path, "drug", ENGLISH)).meta.language == "en"


def test_a_detection_is_remembered_in_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same text is not read by the detector twice; another text is; damage is a miss."""
    cache = AudioCache(tmp_path / "cache")
    calls: list[int] = []
    real = loading.detect_language

    def counted(texts: list[str]) -> str | None:
        """Count the detector's calls."""
        calls.append(1)
        return real(texts)

    monkeypatch.setattr(loading, "detect_language", counted)
    cafe = _post(tmp_path, "cafe", SPANISH)
    assert load_book(cafe, cache=cache).meta.language == "es"
    assert load_book(cafe, cache=cache).meta.language == "es"
    assert len(calls) == 1
    assert load_book(_post(tmp_path, "drug", ENGLISH), cache=cache).meta.language == "en"
    assert len(calls) == 2
    for record in (cache.root / "records").rglob("*.json"):
        record.write_bytes(record.read_bytes()[:-1] + b" ")
    assert load_book(cafe, cache=cache).meta.language == "es"
    assert len(calls) == 3


def test_front_matter_wins_then_the_site_setting(tmp_path: Path) -> None:
    """`lang` beats --language, which beats exporter.yaml, which beats detection."""
    (tmp_path / "exporter.yaml").write_text("language: sv\ndates: day-first\n", encoding="utf-8")
    posts = tmp_path / "_posts"
    plain = _post(posts, "plain", SPANISH)
    tagged = _post(posts, "tagged", SPANISH, "lang: es_MX\n")
    assert load_book(plain).meta.language == "sv"  # the file, found in a folder above
    assert load_book(tagged).meta.language == "es-MX"
    assert site_config(plain, "nb").language == "nb"
    assert site_config(plain).dates == "day-first"
    assert load_book(plain, site=SiteConfig(language="nb")).meta.language == "nb"


def test_a_post_in_two_languages_gets_the_language_of_most_of_its_text() -> None:
    """Each passage is weighed by its letters: two Spanish paragraphs outweigh one English."""
    assert detect_language([SPANISH, ENGLISH, SPANISH]) == "es"
    assert detect_language([ENGLISH, SPANISH, ENGLISH]) == "en"
    assert detect_language(["Hi", "Ok"]) is None


@pytest.mark.parametrize("language", ["en", "nb", "nn", "sv", "es", "da", "de", "fr"])
def test_real_prose_is_told_right(language: str) -> None:
    """Blog paragraphs, a post of them, and a short comment are each told right; nb is not da."""
    paragraphs = PARAGRAPHS[language]
    assert [detect_language([p]) for p in paragraphs] == [language] * len(paragraphs)
    assert detect_language(paragraphs) == language
    assert detect_language(SHORT[language][:1]) == language


def test_too_little_or_no_prose_is_none() -> None:
    """Under 20 letters, or only digits, signs and controls, there is nothing to go on."""
    assert detect_language(["Tack!"]) is None
    assert detect_language(["2012-04-15 10:00", "$ 42 000 000", "--> ::"]) is None
    assert detect_language([]) is None
    assert detect_language(["\x00\x07\x85\ufffe\udc80"]) is None


def test_characters_cld2_refuses_are_left_out() -> None:
    """Controls, noncharacters and lone surrogates in a text do not stop it being read."""
    text = PARAGRAPHS["sv"][0]
    assert detect_language([f"\x00{text[:300]}\x1f\x85\ufdd0\udc80\U0010ffff{text[300:]}"]) == "sv"


@pytest.mark.parametrize("language", ["nb", "nn", "sv", "es"])
def test_a_quote_in_english_does_not_change_the_language(language: str) -> None:
    """A Norwegian (Swedish, Spanish) post with an English quote in it is Norwegian."""
    for text in MIXED[language]:
        assert "the best way to learn a language" in text
        assert detect_language([text]) == language
        assert detect_language(text.split(". ")) == language


def test_too_little_text_is_english_with_a_warning(tmp_path: Path) -> None:
    """A post of a few words cannot be told: English, and the warning says so."""
    with log.collecting() as messages:
        book = load_book(_post(tmp_path, "short", "Hi there"))
    assert book.meta.language == "en"
    assert [m.kind for m in messages] == ["language"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [("language: 12\n", "language"), ("dates: sideways\n", "dates"), ("colour: red\n", "colour")],
)
def test_bad_site_settings_name_the_file(tmp_path: Path, text: str, problem: str) -> None:
    """A bad exporter.yaml is one error naming the file and the setting."""
    (tmp_path / "exporter.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ExporterError) as caught:
        load_book(_post(tmp_path, "post", ENGLISH))
    assert str(tmp_path / "exporter.yaml") in str(caught.value)
    assert problem in str(caught.value)


def test_tags_and_dates() -> None:
    """Tags are normalized; each language writes a date its own way."""
    assert normalize_tag("en_us") == "en-US"
    assert normalize_tag("no") == "nb"
    assert normalize_tag("not a tag") == ""
    assert month_first("en") and month_first("en-US") and not month_first("en-GB")
    day = date(2012, 4, 15)
    assert long_date(day, "en") == "April 15, 2012"
    assert long_date(day, "es") == "15 de abril de 2012"
    assert long_date(day, "nb") == "15. april 2012"
    assert long_date(day, "sv") == "15 april 2012"
    assert long_date(day, "fi") == "2012-04-15"


@pytest.mark.parametrize("tag", ["en", "es", "nb", "nn", "no", "sv", "fi"])
def test_every_language_has_every_word(tag: str) -> None:
    """Each table of `data/words.toml` builds every part's labels; a missing word is English."""
    spoken, book, site = spoken_labels(tag), labels_for(tag), site_labels(tag)
    assert all(isinstance(value, str | tuple) for value in vars(spoken).values())
    assert book.guide == ("Guía" if tag == "es" else "Guide")  # nb and sv have none of their own
    assert len(site.months) == 12 and site.date("2012-04-15").count("2012") == 1


def _script_texts(book: Book) -> list[str]:
    """What the narrator says for a book, in order."""
    language = book.meta.language
    lexicon = load_lexicon(language=language)
    script = speech_script(
        book, lambda text: normalize(text, lexicon), lambda url: speak_url(url, language)
    )
    return [u.text for u in script.utterances]


def test_spanish_book_labels_dates_and_narration(tmp_path: Path) -> None:
    """A Spanish post: dc:language and xml:lang es, Spanish labels and date, Spanish narration."""
    body = f"<p>{SPANISH}</p><blockquote>{SPANISH}</blockquote><img src='x.png' alt='Una olla'>"
    book = load_book(_post(tmp_path, "cafe", body))
    assert book.meta.language == "es"
    said = _script_texts(book)
    assert said[0] == "cafe. Por Ana. Publicado el quince de abril de dos mil doce."
    assert "Cita." in said and "Fin de la cita." in said and "Imagen: Una olla." in said
    epub = tmp_path / "cafe.epub"
    write_epub(book, epub)
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        opf = archive.read(next(n for n in names if n.endswith(".opf"))).decode()
        pages = "".join(archive.read(n).decode() for n in names if n.endswith(".xhtml"))
    assert "<dc:language>es</dc:language>" in opf
    assert 'xml:lang="es"' in pages and 'xml:lang="en"' not in pages
    assert '<time datetime="2012-04-15">15 de abril de 2012</time>' in pages


def test_norwegian_and_swedish_narration_labels(tmp_path: Path) -> None:
    """The opening and a quote's announcement in Norwegian and Swedish."""
    body = "<blockquote cite='https://kilde.example/a'>Dette er et sitat fra en kilde.</blockquote>"
    norwegian = load_book(_post(tmp_path, "nb", body, "lang: nb\n"))
    said = _script_texts(norwegian)
    assert said[0] == "nb. Av Ana. Publisert femtende april to tusen og tolv."
    assert "Sitat fra kilde punktum example." in said and "Slutt på sitatet." in said
    swedish = load_book(_post(tmp_path, "sv", body, "lang: sv\n"))
    assert _script_texts(swedish)[0] == "sv. Av Ana. Publicerad femtonde april tvåtusentolv."


@pytest.mark.slow
def test_the_voice_follows_the_language_or_warns() -> None:
    """eSpeak NG's Spanish and Norwegian voices are chosen; a language without one warns."""
    from exporter.narrate.engines import open_engine

    def voice(language: str, asked: str | None = None) -> str:
        """The eSpeak NG voice chosen for a book in a language."""
        return open_engine("espeak", asked, None, language).voice

    with log.collecting() as messages:
        default = voice("en")
        assert voice("es") != default and "es" in voice("es")
        assert voice("nb") != default and voice("nb").endswith(("nb", "no"))
        assert voice("es", "gmw/en") == "gmw/en"  # --voice wins
        assert messages == []
        assert voice("tlh") == default
    assert [m.kind for m in messages] == ["voice"]


def test_long_posts_are_judged_stretch_by_stretch() -> None:
    """Stretches are classified apart: four Spanish pages outweigh three English ones."""
    spanish, english = [SPANISH] * 4, [ENGLISH] * 4
    assert detect_language(spanish * 4 + english * 3) == "es"
    assert detect_language(english * 4 + spanish * 3) == "en"


def test_a_bad_language_option_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--language` must be a language tag: exit 2 with one line, nothing built."""
    from exporter.cli import main

    post = _post(tmp_path / "src", "post", ENGLISH)
    out = tmp_path / "out"
    assert main(["build", str(post), "-o", str(out), "--no-audio", "--language", "x y"]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert not (out / "post.epub").exists()


def test_the_site_setting_reaches_the_built_book(tmp_path: Path) -> None:
    """`exporter build --language nb` makes a post without `lang` a Norwegian book."""
    from exporter.cli import main

    post = _post(tmp_path / "src", "post", ENGLISH)
    out = tmp_path / "out"
    assert main(["build", str(post), "-o", str(out), "--no-audio", "--language", "nb"]) == 0
    with zipfile.ZipFile(out / "post.epub") as archive:
        opf = archive.read(next(n for n in archive.namelist() if n.endswith(".opf"))).decode()
    assert "<dc:language>nb</dc:language>" in opf
