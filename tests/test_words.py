"""Words said right: each speech rule's exact spoken text per language, and the lexicon format."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.errors import ExporterError
from exporter.narrate.lexicon import Lexicon
from exporter.narrate.normalize import engine_text, normalize
from exporter.run.lexicons import load_lexicon

IPA = "[[m\u0259\u02c8m\u00e6nti\u02d0n]]"  # Piper's phonemes for memantine
SEED_LEXICON = Path(__file__).parent.parent / "source" / "lexicon.yaml"


@pytest.fixture(scope="module")
def lexicons() -> dict[str, Lexicon]:
    """The shipped lexicon for each language with rules, and a day-first English site."""
    return {
        "en": load_lexicon(),
        "en-GB": load_lexicon(language="en-GB"),
        "es": load_lexicon(language="es"),
        "nb": load_lexicon(language="nb"),
        "sv": load_lexicon(language="sv"),
    }


ENGLISH = [
    # dates with ordinals, in the order written; numeric dates by the site's order
    ("Published April 15, 2012.", "Published April fifteenth, twenty twelve."),
    ("It began on 15 April.", "It began on the fifteenth of April."),
    ("on 15 April 2012", "on the fifteenth of April twenty twelve"),
    ("by Apr. 3rd", "by April third"),
    ("on 12/03/2021", "on December third, twenty twenty-one"),
    ("on 25/03/2021", "on the twenty-fifth of March twenty twenty-one"),  # 25 cannot be a month
    ("on 2012-04-15", "on April fifteenth, twenty twelve"),
    ("on 31/02/2021", "on 31/02/2021"),  # no such day: left as written
    # units alone or in parentheses
    ("Weight (kg)", "Weight (kilograms)"),
    ("doses in mg", "doses in milligrams"),
    ("Dose (mg/kg)", "Dose (milligrams per kilogram)"),
    # slash compounds
    ("attention-deficit/hyperactivity disorder", "attention-deficit hyperactivity disorder"),
    ("his/her doctor", "his or her doctor"),
    ("1/2 cup", "one half cup"),  # a fraction (narrate/fractions.py), not a slash compound
    # ions, once
    ("A calcium ion (Ca2+) influx", "A calcium ion influx"),
    ("the Ca2+ influx", "the calcium ion influx"),
    ("Na+ and Mg2+", "sodium ion and magnesium ion"),
    ("sodium (Na+) channels", "sodium channels"),
    # a spaced hyphen or dash between words is a pause
    ("studied very extensively - opiates.", "studied very extensively, opiates."),
    ("one \u2013 two \u2014 three", "one, two, three"),
    ("this\u2014that", "this, that"),
    ("well-known", "well-known"),
    ("10 - 20 mg", "10 to 20 milligrams"),
    ("5 - 3 = 2", "5 - 3 equals 2"),
    # the text's own brackets are never phoneme input
    ("see [[note]]", "see [ [note] ]"),
]


@pytest.mark.parametrize(("text", "spoken"), ENGLISH)
def test_english(lexicons: dict[str, Lexicon], text: str, spoken: str) -> None:
    """English rules, exactly."""
    assert normalize(text, lexicons["en"]) == spoken


def test_day_first_english_site(lexicons: dict[str, Lexicon]) -> None:
    """A British site's 12/03/2021 is the twelfth of March, and so is its ISO date order."""
    assert (
        normalize("on 12/03/2021", lexicons["en-GB"]) == "on the twelfth of March twenty twenty-one"
    )
    assert normalize("2012-04-15", lexicons["en-GB"]) == "the fifteenth of April twenty twelve"


def test_site_setting_overrides_the_language_default() -> None:
    """`dates: day-first` on a US-English site reads 12/03/2021 day first."""
    lexicon = load_lexicon(language="en", dates="day-first")
    assert normalize("12/03/2021", lexicon) == "the twelfth of March twenty twenty-one"


OTHER_LANGUAGES = [
    ("es", "Publicado el 15 de abril de 2012.", "Publicado el quince de abril de dos mil doce."),
    ("es", "el 1 de mayo", "el primero de mayo"),
    ("es", "el 15/04/2012", "el quince de abril de dos mil doce"),
    ("es", "una dosis de 20 mg", "una dosis de 20 miligramos"),
    ("es", "el 50% de los casos", "el 50 por ciento de los casos"),
    ("es", "el Ca2+ entra", "el ion calcio entra"),
    ("es", "mucho - demasiado", "mucho, demasiado"),
    ("es", "p. ej. esto", "por ejemplo esto"),
    ("es", "véase https://www.ejemplo.es/a.", "véase ejemplo punto es."),
    ("nb", "se https://vg.no/x", "se vg punktum no"),
    ("nb", "Publisert 15. april 2012.", "Publisert femtende april to tusen og tolv."),
    ("nb", "den 15.04.2012", "den femtende april to tusen og tolv"),
    ("nb", "1 mg", "1 milligram"),
    ("nb", "30 % av elevene", "30 prosent av elevene"),
    ("nb", "f.eks. dette", "for eksempel dette"),
    ("sv", "Publicerad 15 april 2012.", "Publicerad femtonde april tvåtusentolv."),
    ("sv", "den 2012-04-15", "den femtonde april tvåtusentolv"),
    ("sv", "40 mg", "40 milligram"),
    ("sv", "t.ex. detta", "till exempel detta"),
]


@pytest.mark.parametrize(("language", "text", "spoken"), OTHER_LANGUAGES)
def test_other_languages(
    lexicons: dict[str, Lexicon], language: str, text: str, spoken: str
) -> None:
    """Spanish, Norwegian and Swedish rules, exactly."""
    assert normalize(text, lexicons[language]) == spoken


def test_english_tables_stay_english(lexicons: dict[str, Lexicon]) -> None:
    """English abbreviations and acronym spelling do not reach another language's text."""
    assert normalize("vs. NMDA", lexicons["es"]) == "vs. NMDA"


def _engine(text: str, lexicon: Lexicon) -> str:
    """What the engine is given for a displayed sentence."""
    return engine_text(normalize(text, lexicon), lexicon)


def _lexicon_file(tmp_path: Path, text: str) -> Path:
    """A user lexicon file holding `text`."""
    path = tmp_path / "lexicon.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_pronounce_respelling_phonemes_and_languages(tmp_path: Path) -> None:
    """An engine's phonemes win over `say` for that engine; each language has its own entry."""
    user = _lexicon_file(
        tmp_path,
        "pronounce:\n"
        "  memantine:\n"
        '    en: {espeak: "[[m@m\'anti:n]]", piper: "' + IPA + '", say: meh mantine}\n'
        "    es: memantina\n"
        "  Zyx:\n"
        "    en: zicks\n",
    )
    espeak = load_lexicon([user])
    assert normalize("memantine's", espeak) == "memantine's"  # the transcript keeps the word
    assert _engine("Memantine and memantine's zyx.", espeak) == (
        "[[m@m'anti:n]] and [[m@m'anti:nz]] zicks."
    )
    assert _engine("memantine", load_lexicon([user], engine="piper")) == IPA
    assert _engine("memantine", load_lexicon([user], engine="other")) == "meh mantine"
    assert _engine("la memantina o memantine", load_lexicon([user], language="es")) == (
        "la memantina o memantina"
    )
    assert _engine("memantines", espeak) == "memantines"  # whole words only


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("pronounce:\n  memantine: meh\n", "pronounce.memantine"),
        ("pronounce:\n  two words:\n    en: x\n", "one word"),
        ("pronounce:\n  memantine:\n    en: '[[m@m]]'\n", "espeak"),
        ("pronounce:\n  memantine:\n    en: {festival: x}\n", "festival"),
        ("pronounce:\n  memantine:\n    en: {espeak: m@m}\n", "[[...]]"),
        ("languages:\n  es:\n    sounds: {a: b}\n", "languages.es.sounds"),
        ("languages: [es]\n", "languages"),
    ],
)
def test_bad_pronunciations_name_file_and_entry(tmp_path: Path, body: str, names: str) -> None:
    """A malformed entry is one error naming the file and the entry."""
    user = _lexicon_file(tmp_path, body)
    with pytest.raises(ExporterError) as caught:
        load_lexicon([user])
    assert str(user) in str(caught.value)
    assert names in str(caught.value)


SEED_WORDS = {
    "memantine": "[[m@m'anti:n]]",
    "escitalopram": "[[,EsaIt'al@pram]]",
    "amantadine": "[[@m'ant@di:n]]",
    "norepinephrine": "[[n,O@rEpI2n'EfrIn]]",
    "posttraumatic": "[[p,oUsttrO:m'atIk]]",
    "Wellbutrin": "[[wEl'bju:trIn]]",
}


@pytest.mark.parametrize(("word", "phonemes"), SEED_WORDS.items())
def test_seed_lexicon_fixes_the_drug_names(word: str, phonemes: str) -> None:
    """The seed's lexicon gives each drug name eSpeak phonemes and Piper IPA."""
    assert _engine(f"{word} works", load_lexicon([SEED_LEXICON])) == f"{phonemes} works"
    piper = _engine(word, load_lexicon([SEED_LEXICON], engine="piper"))
    assert piper.startswith("[[") and piper != phonemes


def _seed_script() -> tuple[list[str], list[str]]:
    """The seed's narration with its lexicon: the spoken text, and what the engine is given."""
    from exporter.narrate.normalize import speak_url
    from exporter.narrate.script import speech_script
    from exporter.run.load import load_book

    seed = Path(__file__).parent / "cases" / "seed-memantine.md"
    book = load_book(seed)
    lexicon = load_lexicon([SEED_LEXICON], book.meta.language)
    script = speech_script(book, lambda text: normalize(text, lexicon), speak_url)
    spoken = [u.text for u in script.utterances]
    return spoken, [engine_text(text, lexicon) for text in spoken]


def test_the_seed_script_has_none_of_the_misreadings() -> None:
    """The seed's whole narration: drug names by phonemes, no doubled ion, no 'slash', dates."""
    spoken, given = ("\n".join(texts) for texts in _seed_script())
    said = spoken
    assert "Published April fifteenth, twenty twelve." in said
    assert "attention-deficit hyperactivity disorder" in said
    assert "A calcium ion influx occurs" in said
    assert "studied very extensively, opiates" in said
    for bad in ("(calcium", "Ca2+", "/", "slash", "April 15"):
        assert bad not in said, bad
    for word, phonemes in SEED_WORDS.items():
        assert word.lower() in spoken.lower(), word  # the transcript shows the word as written
        assert word.lower() not in given.lower(), word  # the engine gets phonemes instead
        assert phonemes in given, word
    assert "[[" not in spoken


@pytest.mark.slow
def test_say_writes_the_lexicon_pronunciation_to_a_wav(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`exporter say` with the seed lexicon: eSpeak gets phonemes and says them as one word."""
    import wave

    from exporter.cli import main

    fixed, plain = tmp_path / "fixed.wav", tmp_path / "plain.wav"
    assert main(["say", "memantine", "-o", str(fixed), "--lexicon", str(SEED_LEXICON)]) == 0
    assert "said: [[m@m'anti:n]]" in capsys.readouterr().out
    empty = tmp_path / "empty.yaml"
    empty.write_text("{}\n", encoding="utf-8")
    assert main(["say", "memantine", "-o", str(plain), "--lexicon", str(empty)]) == 0
    frames = {}
    for path in (fixed, plain):
        with wave.open(str(path)) as wav:
            assert (wav.getnchannels(), wav.getsampwidth()) == (1, 2)
            frames[path] = wav.getnframes()
    # Read as phonemes, the fix is about as long as the word; spelled out, over twice as long.
    assert 0.7 < frames[fixed] / frames[plain] < 1.4


def test_say_refuses_bad_input_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing lexicon or a bad language tag is a usage error; nothing is written."""
    from exporter.cli import main

    out = tmp_path / "x.wav"
    assert main(["say", "hi", "-o", str(out), "--lexicon", str(tmp_path / "none.yaml")]) == 2
    assert main(["say", "hi", "-o", str(out), "--language", "not a tag"]) == 2
    assert capsys.readouterr().err.count("\n") == 2
    assert not out.exists()
