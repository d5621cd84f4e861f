"""Dutch readability: syllables of real words, sentence splitting, Flesch-Douma, hints."""

from __future__ import annotations

import pytest

from mkbcopy.checks.readability import (
    analyse,
    douma,
    flesch_douma,
    known_words,
    split_sentences,
    syllables,
    words,
)

# Counted by hand, by how the word is spoken. Note: "opleiding" is op-lei-ding, 3.
SYLLABLES = {
    "opleiding": 3,
    "werkgever": 3,
    "werkgevers": 3,
    "hbo": 3,
    "HBO": 3,
    "mbo": 3,
    "vwo": 3,
    "mkb": 3,
    "bbl": 3,
    "BBL": 3,
    "utm": 3,
    "UWV": 3,
    "havo": 2,  # said as a word: ha-vo
    "mkb-bedrijf": 5,
    "mkb-bedrijven": 6,
    "hbo-diploma": 6,
    "hbo-opleiding": 6,
    "havo-vwo-mbo": 8,
    "zij-instromer": 4,
    "e-mail": 2,
    "werkervaring": 4,
    "begeleiding": 4,
    "collegegeld": 4,
    "kennismaking": 4,
    "studiepunten": 4,
    "informatieavond": 6,
    "informatiebijeenkomst": 7,
    "toekomstperspectief": 5,
    "organisatie": 5,
    "mogelijkheden": 5,
    "verrassingen": 4,
    "aanmelden": 3,
    "doorstromer": 3,
    "propedeuse": 4,
    "salaris": 3,
    "diploma": 3,
    "minuten": 3,
    "studenten": 3,
    "bedrijfskunde": 4,
    "praktijk": 2,
    "techniek": 2,
    "voorwaarden": 3,
    "geregeld": 3,
    "onderwerp": 3,
    # one letter alone at the edge, which hyphenation never splits off
    "over": 2,
    "even": 2,
    "april": 2,
    "idee": 2,
    "ideaal": 3,
    "radio": 3,
    "media": 3,
    "video": 3,
    "bioscoop": 3,
    "vrije": 2,
    # diphthongs and diaeresis
    "mooie": 2,
    "koeien": 2,
    "nieuw": 1,
    "leeuw": 1,
    "geïnteresseerd": 5,
    "reëel": 2,
    "zeeën": 2,
    "poëzie": 3,
    "één": 1,
    "financieel": 4,
    "individueel": 5,
    "creatief": 3,
    "maatschappij": 3,
    "ruimte": 2,
    "route": 2,
    # loan words the copy uses
    "team": 1,
    "coach": 1,
    "LinkedIn": 3,
    "Instagram": 3,
    "je": 1,
    "ook": 1,
}


@pytest.mark.parametrize(("word", "expected"), sorted(SYLLABLES.items()))
def test_syllables_of_real_words(word: str, expected: int) -> None:
    assert syllables(word) == expected


def test_numbers_count_one_syllable_and_punctuation_is_ignored() -> None:
    assert syllables("1.320") == 1
    assert syllables("2027") == 1
    assert syllables("werkgever,") == 3
    assert syllables("") == 0


def test_sentences_calls_to_action_bullets_and_headings() -> None:
    text = (
        "# Werken en leren op het hbo\n\n"
        "Je leert op school. Je werkt bij een mkb-bedrijf.\n\n"
        "- Eerst leren, dan werken\n"
        "- Je krijgt hulp van een coach\n\n"
        "Meld je aan.\n"
        "Stop je eerder? Dan betaal je niets terug!\n"
    )
    assert split_sentences(text) == [
        "Werken en leren op het hbo",
        "Je leert op school.",
        "Je werkt bij een mkb-bedrijf.",
        "Eerst leren, dan werken",
        "Je krijgt hulp van een coach",
        "Meld je aan.",
        "Stop je eerder?",
        "Dan betaal je niets terug!",
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Je werkt bijv. bij Metaalwerk Oost in Arnhem.",
        "Je leert o.a. LinkedIn gebruiken voor je werk.",
        "Het collegegeld is 1.320 euro per jaar.",
        "Kijk op https://www.hogeschool.example/mkb-route?a=1.2 voor meer informatie.",
        "Mail naar mkbroute@hogeschoolrivierland.example als je vragen hebt.",
        "Kijk op hogeschool.example/mkb-route. of bel ons.",
        "Je praat met J. de Vries van de hogeschool.",
        "Het duurt ca. 30 minuten.",
    ],
)
def test_no_split_inside_abbreviations_numbers_and_links(sentence: str) -> None:
    assert split_sentences(sentence) == [sentence]


def test_a_link_at_the_end_of_a_sentence_still_ends_it() -> None:
    text = "Lees meer op www.hogeschool.example/mkb. Meld je daarna aan."
    assert split_sentences(text) == [
        "Lees meer op www.hogeschool.example/mkb.",
        "Meld je daarna aan.",
    ]


def test_wrapped_lines_join_but_new_sentences_do_not() -> None:
    text = "Je werkt drie dagen per week\nen je hebt een dag les.\nDat is de week."
    assert split_sentences(text) == [
        "Je werkt drie dagen per week en je hebt een dag les.",
        "Dat is de week.",
    ]


def test_words_leave_out_links_addresses_and_hashtags() -> None:
    sentence = "Mail info@school.example of kijk op https://school.example/x #MkbRoute nu"
    assert words(sentence) == ["Mail", "of", "kijk", "op", "nu"]


def test_flesch_douma_formula() -> None:
    # 4 words, 2 sentences, 4 syllables: 206.835 - 0.93 * 2 - 77 * 1
    assert flesch_douma("Je werkt. Je leert.") == pytest.approx(127.975, abs=0.05)
    assert douma(0, 0, 0) == 0.0
    assert douma(100, 10, 150) == pytest.approx(206.835 - 9.3 - 115.5)


def test_easy_text_scores_higher_than_hard_text() -> None:
    easy = "Je werkt drie dagen. Je leert een dag. Je krijgt loon. Zo haal je je diploma."
    hard = (
        "Gedurende de gehele opleidingsperiode ontvangt de deelnemer een marktconforme "
        "vergoeding, waarbij de werkgeversbijdrage afhankelijk is van de individuele "
        "arbeidsovereenkomst en de toepasselijke collectieve arbeidsvoorwaarden."
    )
    assert flesch_douma(easy) > 90
    assert flesch_douma(hard) < 20


def test_analyse_reports_longest_sentence_average_and_long_words() -> None:
    text = (
        "Je werkt. "
        "Je krijgt begeleiding van een coach en een werkplekbegeleider bij het bedrijf. "
        "De verantwoordelijkheid ligt bij Ruitenberglaan Vastgoed."
    )
    result = analyse(text)
    assert result.sentence_count == 3
    assert result.word_count == 2 + 12 + 6
    assert result.average_words == pytest.approx(20 / 3, abs=0.05)
    assert result.longest is not None
    assert result.longest.words == 12
    assert result.longest.text.startswith("Je krijgt begeleiding")
    # begeleiding and werkplekbegeleider are on the word list; Ruitenberglaan is a name
    assert result.long_words == ("verantwoordelijkheid",)


def test_word_list_is_loaded_case_insensitively() -> None:
    known = known_words()
    for word in ("mkb-route", "zij-instromer", "linkedin", "leertraject", "bbl", "utm"):
        assert word in known


def test_empty_text() -> None:
    result = analyse("#MkbRoute https://school.example\n\n")
    assert (result.score, result.sentence_count, result.word_count) == (0.0, 0, 0)
    assert result.longest is None


@pytest.mark.parametrize(
    ("sentence", "passive"),
    [
        ("Het collegegeld wordt betaald door je werkgever.", True),
        ("Je wordt op school begeleid door een coach.", True),
        ("Je salaris wordt gewoon doorbetaald.", True),
        ("De opleiding werd in 2020 opgezet.", True),
        ("Het collegegeld is door je werkgever betaald.", True),
        ("Je werkgever betaalt het collegegeld.", False),
        ("Wat wil je later worden?", False),
        ("Het wordt gewoon leuk.", False),
        ("Je diploma is erkend.", False),
        ("Je bent klaar door je harde werk.", False),
    ],
)
def test_passive_hints(sentence: str, passive: bool) -> None:
    assert (analyse(sentence).passive == (sentence,)) is passive
