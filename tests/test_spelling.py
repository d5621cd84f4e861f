"""Dutch spelling through hunspell-nl, with the project word list and name rules."""

from __future__ import annotations

import pytest

from mkbcopy.checks.spelling import (
    INSTALL_HINT,
    SpellChecker,
    candidate_words,
    check_text,
    checking,
    find_dictionary,
    is_acronym,
    misspelled,
    suggestions,
    unavailable_reason,
)

REASON = unavailable_reason()
needs_hunspell = pytest.mark.skipif(
    REASON is not None, reason=f"spelling tests need hunspell-nl: {REASON}"
)


def test_candidates_skip_names_links_numbers_hashtags_and_placeholders() -> None:
    text = (
        "Groet,\n"
        "Priya Raghoenath, Hogeschool Rivierland\n"
        "E-mail: mkbroute@hogeschoolrivierland.example\n\n"
        "Je werkt 32 uur bij Metaalwerk Oost. Kijk op https://www.school.example/route. "
        "Sanne de Vries zegt het ook. [AANVULLEN: wat kost de opleidnig?] #MkbRoote\n"
    )
    found = candidate_words(text)
    for skipped in ("Priya", "Raghoenath", "Hogeschool", "Rivierland", "Metaalwerk", "Oost"):
        assert skipped not in found
    for skipped in ("Sanne", "Vries", "opleidnig", "MkbRoote", "32", "mkbroute", "www"):
        assert skipped not in found
    assert found[:2] == ["Groet", "E-mail"]
    assert "werkt" in found and "zegt" in found


def test_a_capitalised_word_starting_a_sentence_is_checked() -> None:
    assert candidate_words("Opleidnig is leuk.")[0] == "Opleidnig"
    # ... unless the text also uses it as a name mid-sentence
    assert "Priya" not in candidate_words("Priya belt je. Je krijgt een mail van Priya.")


def test_known_abbreviations_in_capitals_are_not_candidates() -> None:
    assert candidate_words("Je volgt de BBL bij het ROC. Dat is GRATSI.") == [
        "Je",
        "volgt",
        "de",
        "bij",
        "het",
        "Dat",
        "is",
        "GRATSI",
    ]


def test_without_hunspell_spelling_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    assert misspelled(["opleidnig"]) is None
    assert check_text("Je volgt een opleidnig.") is None
    reason = unavailable_reason()
    assert reason is not None and INSTALL_HINT in reason


@needs_hunspell
def test_dictionary_is_found() -> None:
    dictionary = find_dictionary()
    assert dictionary is not None
    assert dictionary.suffix == ".dic" and dictionary.with_suffix(".aff").is_file()


@needs_hunspell
def test_misspelling_is_found_and_correct_words_pass() -> None:
    assert misspelled(["opleidnig", "opleiding", "werkgever", "wrekgever", "opleidnig"]) == [
        "opleidnig",
        "wrekgever",
    ]


@needs_hunspell
def test_word_list_terms_pass() -> None:
    terms = ["zij-instromer", "Mkb-route", "mkb-bedrijven", "BBL", "utm", "propedeuse", "Eén"]
    assert misspelled(terms) == []


@needs_hunspell
def test_hyphenated_words_pass_when_each_part_does() -> None:
    assert misspelled(["werkplek-coach", "hbo-werkplek"]) == []
    assert misspelled(["werkplek-cooch"]) == ["werkplek-cooch"]


@needs_hunspell
def test_check_text_finds_misspellings_but_not_names() -> None:
    text = (
        "Je volgt een opleidnig bij Hogeschool Rivierland. Priya Raghoenath helpt je. "
        "Het collegegeld is 1.320 euro. Mail naar mkbroute@hogeschoolrivierland.example."
    )
    assert check_text(text) == ["opleidnig"]


@needs_hunspell
def test_suggestions() -> None:
    assert "opleiding" in suggestions(["opleidnig"])["opleidnig"]
    assert suggestions([]) == {}


@needs_hunspell
def test_one_checker_answers_as_separate_runs_do() -> None:
    drafts = [
        ["opleidnig", "opleiding", "werkplek-cooch", "hbo-werkplek"],
        ["wrekgever", "werkgever", "opleidnig", "GRATSI"],
        [],
    ]
    with SpellChecker() as checker:
        checker.prefetch(drafts)
        together = [checker.misspelled(words) for words in drafts]
        hints = [checker.suggestions(words) for words in together if words]
    assert together == [misspelled(words) for words in drafts]
    assert together[1] == ["wrekgever", "opleidnig", "GRATSI"]
    # hunspell stops looking for suggestions after 1/4 s of processor time per step,
    # so on a busy machine a list can come out shorter, from one run or the other.
    # What must hold: every word gets its own list (not a neighbour's), with its fix.
    fixes = {
        "opleidnig": "opleiding",
        "werkplek-cooch": "werkplek-coach",
        "wrekgever": "werkgever",
        "GRATSI": "GRATIS",
    }
    separate = [suggestions(words) for words in together if words]
    for run in (hints, separate):
        assert [list(found) for found in run] == [w for w in together if w]
        assert all(fixes[word] in found[word] for found in run for word in found), run


@needs_hunspell
def test_inside_checking_the_module_functions_use_the_one_checker() -> None:
    with checking() as checker:
        assert misspelled(["opleidnig", "huis"]) == ["opleidnig"]
        assert checker.misspelled(["opleidnig"]) == ["opleidnig"]
        assert "opleiding" in suggestions(["opleidnig"])["opleidnig"]


def test_a_checker_without_hunspell_reports_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with SpellChecker() as checker:
        checker.prefetch([["opleidnig"]])
        assert checker.misspelled(["opleidnig"]) is None
        assert checker.suggestions(["opleidnig"]) == {}


def test_short_words_in_capitals_are_acronyms() -> None:
    for word in ("VVT", "CTO", "ICT", "HBO", "CTO's", "ROC’s", "HAVO", "CROHO"):
        assert is_acronym(word), word
    for word in ("GRATSI", "Cto", "V", "cto", "VV1", "B-1"):
        assert not is_acronym(word), word


@needs_hunspell
def test_short_acronyms_are_not_misspelled_but_long_capitals_are() -> None:
    # hunspell-nl rejects VVT and CTO; the copy is full of them (cao VVT, CTO van Datalab)
    assert misspelled(["VVT", "CTO", "CTO's", "HBO", "CTO-functie", "GRATSI", "opleidnig"]) == [
        "GRATSI",
        "opleidnig",
    ]
    assert check_text("Je krijgt een salaris volgens de cao VVT. De CTO zegt het ook.") == []
