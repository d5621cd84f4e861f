"""Facts that will read badly as copy: `brief check` warns at their line, and only warns."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.checks.facttext import (
    ABBREVIATIONS,
    check_fact_texts,
    fact_problems,
    warning_line,
)
from mkbcopy.checks.spelling import unavailable_reason
from mkbcopy.cli import app
from mkbcopy.research.brief import example_brief_path, load_brief

FIXTURES = Path(__file__).resolve().parent / "fixtures"
TERSE = FIXTURES / "terse-brief.yaml"
needs_hunspell = pytest.mark.skipif(unavailable_reason() is not None, reason="needs hunspell-nl")

# Facts written as sentences, in shapes briefs use: none may be called a note.
SENTENCES = [
    "De stage duurt 20 weken.",
    "Het programma bestaat uit vier blokken.",
    "Studenten lopen een dag mee.",
    "Deelnemers ontvangen een certificaat.",
    "Onze alumni werken bij bedrijven als ASML en Philips.",
    "Het salaris stijgt elk jaar.",
    "Werk en studie wisselen elkaar per week af.",
    "Lesmateriaal zit in het collegegeld.",
    "Vorig jaar vond 92 procent een baan binnen drie maanden.",
    "Bij ziekte loopt je salaris door.",
    "Stop je eerder? Dan betaal je niets terug.",
    "Nee, je begint meteen bij je werkgever.",
    "Je krijgt 2.400 euro bruto per maand.",
    '"Na drie maanden draaide ze volledig mee." (Piet Smit, eigenaar van Bakkerij Smit)',
    "Dat merken onze cliënten meteen.",
    '"Wij werken graag met hen." – Jan de Vries, eigenaar van De Vries Installatie',
    "Kom eerst een dag kijken bij het bedrijf.",
]
# Notes, as terse briefs write them.
NOTES = [
    "2 jaar.",
    "Ad-diploma (hbo).",
    "€ 2.300 - € 2.900 bruto p/m.",
    "Contract van 2 jaar.",
    "Niets terugbetalen.",
    "Kantoor in Enschede, 2 dagen thuiswerken.",
    "Data pipelines bouwen en onderhouden voor klanten.",
    "Collegegeld: 1.320 euro per jaar.",
    "Vaste kantoren in Enschede.",
    "Leren en werken tegelijk.",
    "Geen kosten.",
]


@pytest.mark.parametrize("text", SENTENCES)
def test_a_fact_written_as_a_sentence_gets_no_warning(text: str) -> None:
    assert fact_problems(text) == []


@pytest.mark.parametrize("text", NOTES)
def test_a_fact_written_as_a_note_is_one(text: str) -> None:
    assert [p.rule for p in fact_problems(text)][:1] == ["fact.note"]


def test_no_full_stop_and_a_bare_yes_or_no() -> None:
    assert [p.rule for p in fact_problems("Je werkt vier dagen")] == ["fact.no-full-stop"]
    assert [p.rule for p in fact_problems("Ad-diploma (hbo)")] == ["fact.no-full-stop"]
    for answer in ("Nee.", "Ja", "nee!", "Klopt."):
        assert [p.rule for p in fact_problems(answer)] == ["fact.yes-no"], answer
    # Said after a question, yes or no is a sentence too short to stand on its own.
    assert [p.rule for p in fact_problems("Kun je eerst leren? Ja.")] == ["fact.yes-no"]


def test_abbreviations_are_named_with_what_to_write_instead() -> None:
    problems = fact_problems("Je krijgt o.a. een laptop en 50 euro p.p. i.v.m reiskosten.")
    found = [(p.word, p.said.params["full"]) for p in problems if p.rule == "fact.abbreviation"]
    assert found == [("o.a.", "onder andere"), ("p.p.", "per persoon"), ("i.v.m", "door, of omdat")]
    # At a sentence start too; not inside words, a company's bv, a name or a web address.
    assert [p.word for p in fact_problems("O.a. de reiskosten zijn vergoed.")] == ["O.a."]
    clean = "Je werkt bij Datalab bv. Kijk op www.ivm.example. Je ziet de ivmap. Hij heet Max."
    assert fact_problems(clean) == []
    assert all(full and " " not in abbreviation for abbreviation, full in ABBREVIATIONS.items())


@pytest.mark.parametrize(
    "brief",
    [example_brief_path(), FIXTURES / "second_study" / "brief.yaml"],
    ids=["example", "second-study"],
)
def test_well_written_briefs_get_no_warnings(brief: Path) -> None:
    assert check_fact_texts(load_brief(brief), brief).warnings == ()


@needs_hunspell
def test_the_terse_brief_gets_a_warning_per_note_at_its_line() -> None:
    check = check_fact_texts(load_brief(TERSE), TERSE)
    assert check.spelling_checked
    found = {w.key: (w.line, [p.rule for p in w.problems]) for w in check.warnings}
    lines = TERSE.read_text(encoding="utf-8").splitlines()
    for key, (line, _rules) in found.items():
        assert line is not None and lines[line - 1].lstrip().startswith(f"{key}:")
    rules = {key: rules for key, (_line, rules) in found.items()}
    assert rules["programme_content"] == ["fact.note", "fact.not-dutch"]
    assert rules["salary"] == ["fact.note", "fact.abbreviation"]
    assert rules["learn_first"] == ["fact.yes-no"]
    assert rules["duration"] == rules["diploma"] == rules["guidance"] == ["fact.note"]
    # Sentences, and a quote with its (name, CTO company) after it, are fine.
    assert not {"paid_by", "future", "employer_testimonial"} & set(rules)
    assert len(found) == 12
    assert [w.line for w in check.warnings] == sorted(line or 0 for line, _rules in found.values())
    salary = next(w for w in check.warnings if w.key == "salary")
    assert "'p/m'" in salary.message() and "'per maand'" in salary.message()
    assert "'welk salaris krijg je?'" in salary.message()  # the question the fact answers


def test_without_hunspell_the_other_warnings_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    check = check_fact_texts(load_brief(TERSE), TERSE)
    assert not check.spelling_checked
    rules = {w.key: [p.rule for p in w.problems] for w in check.warnings}
    assert rules["programme_content"] == ["fact.note"] and len(rules) == 12


def test_brief_check_warns_at_each_line_and_keeps_its_exit_code(tmp_path: Path) -> None:
    runner = CliRunner()
    normal = runner.invoke(app, ["brief", "check", str(TERSE)])
    assert normal.exit_code == 0, normal.output  # the brief has every fact: only warnings
    warned = [line for line in normal.stderr.splitlines() if line.startswith("warning:")]
    assert f"warning: {TERSE}:8: facts.duration: reads as a note" in normal.stderr
    assert len(warned) >= 11 and "complete" in normal.stdout
    quiet = runner.invoke(app, ["brief", "check", str(TERSE), "-q"])
    assert quiet.exit_code == 0 and "facts." not in quiet.stderr
    as_json = runner.invoke(app, ["brief", "check", str(TERSE), "--json"])
    assert as_json.exit_code == 0
    report = json.loads(as_json.stdout)
    duration = next(w for w in report["fact_warnings"] if w["key"] == "facts.duration")
    assert duration["line"] == 8 and duration["text"] == "2 jaar."
    assert duration["problems"] == [
        {"rule": "fact.note", "word": None, "message": "reads as a note, not as a sentence"}
    ]
    assert duration["message"].startswith("reads as a note, not as a sentence. Drafts paste")
    assert isinstance(report["spelling_checked"], bool)
    # generate writes drafts from it as before
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(TERSE), "-o", str(out), "-c", "x", "--no-lint"])
    assert result.exit_code == 0, result.output


def test_a_brief_without_problems_has_an_empty_list(write_brief: Callable[..., Path]) -> None:
    result = CliRunner().invoke(app, ["brief", "check", str(write_brief()), "--json"])
    assert json.loads(result.stdout)["fact_warnings"] == []


def test_a_warning_is_one_line_whatever_the_fact_holds(write_brief: Callable[..., Path]) -> None:
    brief = write_brief(facts={"learn_first": "Ja\n", "duration": "2 jaar\nlang"})
    check = check_fact_texts(load_brief(brief), brief)
    lines = [warning_line(w, brief) for w in check.warnings]
    assert [line.split(": ")[1] for line in lines] == ["facts.duration", "facts.learn_first"]
    assert all("\n" not in line and line.startswith(f"{brief}:") for line in lines)
