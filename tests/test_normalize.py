"""Speech normalization: what the narrator says for a displayed sentence, exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exporter.errors import ExporterError
from exporter.narrate.lexicon import Lexicon
from exporter.narrate.normalize import normalize, speak_url
from exporter.run.lexicons import load_lexicon


@pytest.fixture(scope="module")
def lex() -> Lexicon:
    """The shipped lexicon."""
    return load_lexicon()


def say(text: str, lexicon: Lexicon) -> str:
    """Normalize in English."""
    return normalize(text, lexicon)


def test_dose_per_kilogram(lex: Lexicon) -> None:
    """A dose per body weight."""
    assert say("10 mg/kg", lex) == "10 milligrams per kilogram"


def test_dose_with_route_in_parentheses(lex: Lexicon) -> None:
    """The seed's '(10 mg/kg, i.p.)'."""
    assert say("(10 mg/kg, i.p.)", lex) == "(10 milligrams per kilogram, intraperitoneally)"


def test_dose_range_per_day(lex: Lexicon) -> None:
    """A range of daily doses."""
    assert say("5-20 mg/day", lex) == "5 to 20 milligrams per day"


def test_unit_glued_to_number(lex: Lexicon) -> None:
    """'40mg' with no space."""
    assert say("40mg", lex) == "40 milligrams"


def test_dose_per_day(lex: Lexicon) -> None:
    """A daily dose."""
    assert say("20 mg/day", lex) == "20 milligrams per day"


def test_one_is_singular(lex: Lexicon) -> None:
    """'1 mg' is one milligram; a hyphenated unit is an adjective, also singular."""
    assert say("1 mg", lex) == "1 milligram"
    assert say("a 10-mg dose", lex) == "a 10 milligram dose"


def test_ratio_without_number_and_compound_denominator(lex: Lexicon) -> None:
    """'mg/kg' alone and 'mg/kg/day'."""
    assert say("doses in mg/kg", lex) == "doses in milligrams per kilogram"
    assert say("20 mg/kg/day", lex) == "20 milligrams per kilogram per day"


def test_route_abbreviation(lex: Lexicon) -> None:
    """'i.p.' inside a sentence."""
    assert say("injected i.p. daily", lex) == "injected intraperitoneally daily"


def test_abbreviation_ending_the_sentence_keeps_the_full_stop(lex: Lexicon) -> None:
    """'given i.p.' ends with the abbreviation's dot, which is also the sentence's."""
    assert say("given i.p.", lex) == "given intraperitoneally."


def test_common_abbreviations(lex: Lexicon) -> None:
    """e.g., i.e., vs. and etc."""
    assert say("e.g. this, i.e. that, A vs. B, etc.", lex) == (
        "for example this, that is that, A versus B, et cetera."
    )


def test_ion(lex: Lexicon) -> None:
    """'Ca2+' alone and before a noun; after words naming the ion, not read a second time."""
    assert say("Ca2+", lex) == "calcium ion"
    assert say("Ca2+ influx", lex) == "calcium ion influx"
    assert say("A calcium ion (Ca2+) influx occurs", lex) == "A calcium ion influx occurs"


def test_acronym_plural(lex: Lexicon) -> None:
    """eSpeak NG reads "N.M.D.A.R's" as 'en em dee ay arz' (a spaced 'A' would be 'uh')."""
    assert say("Calcium flux through NMDARs is thought to be critical", lex) == (
        "Calcium flux through N.M.D.A.R's is thought to be critical"
    )
    assert say("SSRIs and MAOIs", lex) == "S.S.R.I's and M.A.O.I's"
    assert say("the FDA's hurdles", lex) == "the F.D.A's hurdles"


def test_acronyms_as_letters(lex: Lexicon) -> None:
    """Initialisms are spelled, dotted so that eSpeak NG never reads them as words."""
    assert say("NMDA, OCD, ADHD, FDA, MDD, GAD", lex) == (
        "N.M.D.A, O.C.D, A.D.H.D, F.D.A, M.D.D, G.A.D"
    )
    assert say("BDNF levels", lex) == "B.D.N.F levels"


def test_acronyms_and_shouted_words_as_words(lex: Lexicon) -> None:
    """Acronyms said as words and capitalized English words become lowercase words."""
    assert say("NASA, AIDS, NATO", lex) == "nasa, aids, nato"
    assert say("SUMMARY: CONCLUSIONS:", lex) == "summary: conclusions:"
    assert say("it does NOT work, DON'T", lex) == "it does not work, don't"
    assert say("THINGS and DRUGS", lex) == "things and drugs"
    assert say("IN AN 8-WEEK TRIAL", lex) == "in an 8 week trial"


def test_roman_numerals(lex: Lexicon) -> None:
    """eSpeak NG says 'roman two' for II; the narrator says two."""
    assert say("type II diabetes", lex) == "type 2 diabetes"


def test_years(lex: Lexicon) -> None:
    """Years in the way people say them."""
    assert say("in 1968", lex) == "in nineteen sixty-eight"
    assert say("in 2012", lex) == "in twenty twelve"
    assert say("in 2005", lex) == "in two thousand five"
    assert say("Memantine was invented in 1968 so it's no longer under patent.", lex) == (
        "Memantine was invented in nineteen sixty-eight so it's no longer under patent."
    )


def test_numbers_that_are_not_years(lex: Lexicon) -> None:
    """Quantities, out-of-range numbers and thousands stay digits."""
    assert say("1968 mg", lex) == "1968 milligrams"
    assert say("1500-2000 mg", lex) == "1500 to 2000 milligrams"
    assert say("2050%", lex) == "2050 percent"
    assert say("about 10 years, 3000 people, 1,968 cases", lex) == (
        "about 10 years, 3000 people, 1,968 cases"
    )


def test_decades_and_year_ranges(lex: Lexicon) -> None:
    """'the 1990s' and '1990-2000'."""
    assert say("the 1990s", lex) == "the nineteen nineties"
    assert say("1990-2000", lex) == "nineteen ninety to two thousand"


def test_numeric_ranges(lex: Lexicon) -> None:
    """Hyphen and en dash ranges."""
    assert say("5-20", lex) == "5 to 20"
    assert say("8\u201312 weeks", lex) == "8 to 12 weeks"


def test_not_ranges(lex: Lexicon) -> None:
    """Scores, dates and phone numbers are not ranges."""
    assert say("won 3-2", lex) == "won 3-2"
    assert say("2012-04-15", lex) == "April fifteenth, twenty twelve"
    assert say("call 555-1234", lex) == "call 5 5 5, 1 2 3 4"


def test_number_hyphen_word(lex: Lexicon) -> None:
    """'8-week' is said '8 week'."""
    assert say("In an 8-week trial", lex) == "In an 8 week trial"


def test_url_in_text(lex: Lexicon) -> None:
    """A web address is spoken as its site's name; the punctuation after it stays."""
    assert say("see https://example.com/a/b?c=d", lex) == "see example dot com"
    assert say("(see https://en.wikipedia.org/wiki/A_(b)).", lex) == "(see wikipedia dot org)."


def test_speak_url() -> None:
    """The registered host name, without www. or the path."""
    url = "https://www.addforums.com/forums/showthread.php?p=1084099#post1084099"
    assert speak_url(url) == "addforums dot com"
    assert speak_url("http://news.bbc.co.uk/x") == "bbc dot co dot uk"
    assert speak_url("www.example.org") == "example dot org"
    assert speak_url("http://127.0.0.1:8000/") == "a web link"
    assert speak_url("http://[::1") == "a web link"


def test_symbols(lex: Lexicon) -> None:
    """%, &, ±, ° and °C."""
    assert say("50%", lex) == "50 percent"
    assert say("A & B", lex) == "A and B"
    assert say("5 ± 2", lex) == "5 plus or minus 2"
    assert say("37°C", lex) == "37 degrees Celsius"
    assert say("rotated 90°, 1°C warmer", lex) == "rotated 90 degrees, 1 degree Celsius warmer"
    assert say("~5 mg, p<0.05", lex) == "about 5 milligrams, p less than 0.05"


def test_seed_sentences(lex: Lexicon) -> None:
    """Whole sentences from the seed post."""
    assert say(
        "The uncompetitive N-methyl-d-aspartate (NMDA) antagonists memantine (10 mg/kg, i.p.) "
        "and amantadine (30 mg/kg, i.p.) significantly inhibited marble-burying behavior",
        lex,
    ) == (
        "The uncompetitive N-methyl-d-aspartate (N.M.D.A) antagonists memantine "
        "(10 milligrams per kilogram, intraperitoneally) and amantadine "
        "(30 milligrams per kilogram, intraperitoneally) significantly inhibited "
        "marble-burying behavior"
    )
    assert say(
        "CONCLUSIONS: In an 8-week trial, the low-to-moderate-affinity NMDA antagonist "
        "memantine in doses of 5-20 mg/day was not effective",
        lex,
    ) == (
        "conclusions: In an 8 week trial, the low-to-moderate-affinity N.M.D.A antagonist "
        "memantine in doses of 5 to 20 milligrams per day was not effective"
    )
    assert say("the minimum dose for depression is 30 or 40mg.", lex) == (
        "the minimum dose for depression is 30 or 40 milligrams."
    )


def test_languages_without_tables_keep_the_text() -> None:
    """A language the lexicon has no tables for only loses web addresses and extra spaces."""
    german = load_lexicon(language="de")
    assert normalize("10 mg/kg  siehe https://www.example.de/x", german) == (
        "10 mg/kg siehe example dot de"
    )


def test_user_lexicon_overrides_and_adds(tmp_path: Path) -> None:
    """A later file replaces a shipped entry and adds new ones, key by key."""
    user = tmp_path / "mine.yaml"
    user.write_text(
        "abbreviations:\n  i.p.: into the peritoneum\n"
        "units:\n  mEq: [milliequivalent, milliequivalents]\n"
        "acronyms_as_words: [NMDA]\n",
        encoding="utf-8",
    )
    lexicon = load_lexicon([user])
    assert say("(10 mg/kg, i.p.)", lexicon) == "(10 milligrams per kilogram, into the peritoneum)"
    assert say("20 mEq", lexicon) == "20 milliequivalents"
    assert say("NMDA", lexicon) == "nmda"
    assert say("i.v.", lexicon) == "intravenously."


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ("sounds:\n  a: b\n", "sounds"),
        ("units:\n  mEq: 5\n", "units.mEq"),
        ("units: [mg]\n", "units"),
        ("acronyms_as_letters: [nmda]\n", "nmda"),
        ("symbols:\n  '#': ''\n", "symbols.#"),
    ],
)
def test_bad_user_lexicon_names_file_and_key(tmp_path: Path, body: str, names: str) -> None:
    """A malformed user lexicon is reported with its path and the offending key."""
    user = tmp_path / "bad.yaml"
    user.write_text(body, encoding="utf-8")
    with pytest.raises(ExporterError) as caught:
        load_lexicon([user])
    assert str(user) in str(caught.value)
    assert names in str(caught.value)


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_never_raises(text: str) -> None:
    """Any text at all gives a string."""
    assert isinstance(normalize(text, _SHIPPED), str)


@settings(max_examples=200, deadline=None, database=None)
@given(st.lists(st.from_regex(r"[a-z]{3,12}", fullmatch=True), min_size=1, max_size=20))
def test_ordinary_words_are_kept(words: list[str]) -> None:
    """Lowercase words that no lexicon entry names come out unchanged."""
    keys = {*_SHIPPED.words, *_SHIPPED.abbreviations}
    text = " ".join(w for w in words if w not in keys) or "word"
    assert normalize(text, _SHIPPED) == text


@settings(max_examples=200, deadline=None, database=None)
@given(st.text(alphabet="abAB NMDARs19682-\u2013.,%&/mgk()+Ca:i.p", max_size=60))
def test_idempotent(text: str) -> None:
    """Normalizing spoken text again changes nothing."""
    once = normalize(text, _SHIPPED)
    assert normalize(once, _SHIPPED) == once


_SHIPPED = load_lexicon()
