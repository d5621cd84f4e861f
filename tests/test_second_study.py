"""A second, invented study taken through the tool as a marketer with a new study would."""

from __future__ import annotations

import csv
import email
import json
import shutil
from datetime import date
from email.message import EmailMessage
from email.policy import default
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from mkbcopy.checks.lint import lint_paths
from mkbcopy.cli import app
from mkbcopy.compose.channels import channel_names
from mkbcopy.contacts.placing import Placer
from mkbcopy.contacts.segments import segment_contacts
from mkbcopy.errors import ValidationError
from mkbcopy.research.personas import Research
from mkbcopy.research.study import load_personas
from mkbcopy.research.studycheck import check_study

from .conftest import REPO

STUDY = REPO / "tests" / "fixtures" / "second_study"
TODAY = date(2026, 6, 1)


@pytest.fixture(scope="module")
def second() -> Research:
    return load_personas(STUDY / "personas.yaml")


@pytest.fixture
def study(tmp_path: Path) -> Path:
    """A copy of the study folder, so the tests write nowhere in the repository."""
    folder = tmp_path / "studie"
    shutil.copytree(STUDY, folder)
    return folder


def test_the_study_is_sound(runner: CliRunner) -> None:
    result = runner.invoke(app, ["personas", "check", str(STUDY / "personas.yaml")])
    assert result.exit_code == 0, result.output
    assert "2 personas" in result.output and "shares add up to 100" in result.output
    assert check_study(REPO / "personas.yaml") == []


def test_personas_list_reads_the_study(runner: CliRunner) -> None:
    result = runner.invoke(app, ["personas", "list", "--personas", str(STUDY / "personas.yaml")])
    assert result.exit_code == 0, result.output
    assert "Herintreder" in result.output and "Nieuwsgierige" not in result.output


@pytest.mark.parametrize(
    ("fields", "placed"),
    [
        ({"status": "werkloos", "column:regio": "Fryslân"}, ("herintreder", "noord")),
        ({"status": "werkzoekend", "column:regio": "BRABANT"}, ("herintreder", "zuid")),
        ({"status": "werkzoekend", "column:regio": "Utrecht"}, ("herintreder", None)),
        ({"status": "werkzoekend"}, ("herintreder", None)),
        (
            {"status": "zzp'er", "age": "40", "column:regio": "zeeland"},
            ("carrierewisselaar", "zuid"),
        ),
        ({"status": "werkend", "column:regio": "drenthe"}, ("carrierewisselaar", "noord")),
        ({"persona": "Herintreder", "column:regio": "limburg"}, ("herintreder", "zuid")),
    ],
)
def test_placed_by_the_studys_own_rule(
    second: Research, fields: dict[str, str], placed: tuple[str, str | None]
) -> None:
    assert Placer(second, TODAY).place(fields)[:2] == placed


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"status": "werkend", "age": "22"}, "outside the research's groups: leeftijd '22'"),
        ({"status": "student", "column:regio": "groningen"}, "werksituatie 'student'"),
        ({"column:regio": "groningen"}, "no werksituatie (status)"),
        ({"status": "vrijwilliger"}, "werksituatie 'vrijwilliger' not recognised"),
    ],
)
def test_not_placed_says_why_in_the_studys_terms(
    second: Research, fields: dict[str, str], words: str
) -> None:
    placement = Placer(second, TODAY).place(fields)
    assert placement.persona is None and words in (placement.reason or "")


def test_segment_reads_the_studys_columns(second: Research, tmp_path: Path) -> None:
    out = tmp_path / "uit.csv"
    summary = segment_contacts(STUDY / "contacts.csv", second, out, today=TODAY)
    assert summary.rows_read == 8 and summary.placed == 5 and summary.rejected == 3
    assert summary.by_subgroup == {
        ("herintreder", "noord"): 1,
        ("herintreder", "zuid"): 1,
        ("carrierewisselaar", "noord"): 1,
        ("carrierewisselaar", "zuid"): 1,
        ("carrierewisselaar", None): 1,
    }
    rows = list(csv.DictReader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert {r["email"]: (r["persona"], r["subgroup"]) for r in rows}["cas@example.nl"] == (
        "carrierewisselaar",
        "noord",
    )


def test_from_check_to_batch(runner: CliRunner, study: Path, tmp_path: Path) -> None:
    """check -> init-deck -> templates check (lacks) -> the filled deck -> generate,
    lint, coverage, preview, segment and batch; the brief names study and templates."""
    personas = str(study / "personas.yaml")
    assert runner.invoke(app, ["personas", "check", personas]).exit_code == 0

    fresh = tmp_path / "nieuw-deck"
    result = runner.invoke(app, ["personas", "init-deck", personas, str(fresh)])
    assert result.exit_code == 0, result.output
    skeleton = (fresh / "_shared" / "copy.yaml").read_text(encoding="utf-8")
    assert "# Een nieuw begin: Laat zien hoe de opleiding" in skeleton
    assert "the brief states: costs, paid_by" in skeleton
    again = runner.invoke(app, ["personas", "init-deck", personas, str(fresh)])
    assert again.exit_code == 1 and "--force" in again.output

    lacking = runner.invoke(app, ["templates", "check", str(fresh), "--personas", personas])
    assert lacking.exit_code == 1
    empty = [line for line in lacking.output.splitlines() if "is still empty" in line]
    # per persona: aanbod, onderwerp, hashtags and a vraag for each of 4 items
    assert len(empty) == 2 * (3 + 4), lacking.output
    assert "herintreder.motivators.nieuw-begin.vraag" in lacking.output

    brief = study / "brief.yaml"
    stopped = runner.invoke(
        app, ["generate", str(brief), "-t", str(fresh), "-o", str(tmp_path / "niet"), "--no-lint"]
    )
    assert stopped.exit_code == 1
    assert "the copy deck is not complete, 14 lines" in stopped.output
    assert "herintreder.aanbod" in stopped.output
    assert not (tmp_path / "niet").exists()

    checked = runner.invoke(app, ["templates", "check", "--brief", str(brief)])
    assert checked.exit_code == 0, checked.output
    assert runner.invoke(app, ["brief", "check", str(brief)]).exit_code == 0

    out = tmp_path / "drafts"
    result = runner.invoke(app, ["generate", str(brief), "-o", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["personas"] == str((study / "personas.yaml").resolve())
    channels = {f["channel"] for f in manifest["files"]}
    assert channels == set(channel_names())
    assert {f["persona"] for f in manifest["files"]} == {"herintreder", "carrierewisselaar"}

    mail = email.message_from_bytes(
        (out / "herintreder" / "email.eml").read_bytes(), policy=default
    )
    assert isinstance(mail, EmailMessage)
    body = mail.get_body(("plain",))
    assert body is not None and "Hogeschool Rivierland" in body.get_content()
    flyer = docx.Document(str(out / "carrierewisselaar" / "flyer.docx"))
    assert "Toe aan een ander vak?" in "\n".join(p.text for p in flyer.paragraphs)

    reports = lint_paths([out])
    assert len(reports) == 16 and sum(r.count("error") for r in reports) == 0

    covered = runner.invoke(app, ["coverage", str(out)])
    assert covered.exit_code == 0, covered.output
    assert "0 items unaddressed" in covered.output
    rows = list(csv.DictReader((out / "coverage.csv").read_text(encoding="utf-8").splitlines()))
    assert {r["persona"] for r in rows} == {"herintreder", "carrierewisselaar"}

    shown = runner.invoke(app, ["preview", str(out)])
    assert shown.exit_code == 0, shown.output

    segmented = tmp_path / "segmented.csv"
    result = runner.invoke(
        app, ["segment", str(study / "contacts.csv"), "--personas", personas, "-o", str(segmented)]
    )
    assert result.exit_code == 0, result.output
    assert "5 of 8 contacts placed" in result.output

    mailing = tmp_path / "mailing"
    result = runner.invoke(
        app, ["batch", str(study / "contacts.csv"), str(brief), "-o", str(mailing)]
    )
    assert result.exit_code == 0, result.output
    segments = sorted(p.name for p in (mailing / "segments").iterdir())
    assert segments == [
        "carrierewisselaar",
        "carrierewisselaar--noord",
        "carrierewisselaar--zuid",
        "herintreder--noord",
        "herintreder--zuid",
    ]


BROKEN = """\
report: r.txt
segmentation:
  description: d
  source_lines: [1]
  columns:
    regio: {values: {noord: [groningen]}}
  rules:
    - persona: a
      werkzaamheid: [werkend]
    - persona: b
      werkzaamheid: [gepensioneerd, sterrenkijker]
    - persona: c
      regio: [noord]
personas:
  - id: a
    name: A
    share: 60
    profile_bar: {employment: e, age: a, education: o, source_lines: [1]}
    profile: p
    profile_lines: [1]
    learning_style: l
    learning_style_lines: [1]
    life_phase: f
    life_phase_lines: [1]
    motivators:
      - {id: m, title: t, guidance: g, needs: [costs], source_lines: [1]}
      - {id: m, title: t, guidance: g, needs: [prijs], source_lines: [1]}
    drempels:
      - {id: d, description: x, needs: [duration], source_lines: [1]}
    subgroups:
      - id: zuid
        name: Z
        match: {regio: [zuid]}
        nuances: [n]
        stress: [q]
        source_lines: [1]
      - id: jong
        name: J
        match: {leeftijd: 40-30}
        nuances: [n]
        source_lines: [1]
      - id: student
        name: S
        match: {werkzaamheid: [student]}
        nuances: [n]
        source_lines: [1]
      - id: land
        name: L
        match: {land: [nl]}
        nuances: [n]
        source_lines: [1]
  - id: a
    name: B
    share: 30
    profile_bar: {employment: e, age: a, education: o, source_lines: [1]}
    profile: p
    profile_lines: [1]
    learning_style: l
    learning_style_lines: [1]
    life_phase: f
    life_phase_lines: [1]
    motivators:
      - {id: m, title: t, guidance: g, needs: [costs], source_lines: [1]}
    drempels:
      - {id: d, description: x, needs: [duration], source_lines: [1]}
"""


def test_check_reports_every_problem_with_line_and_key(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "studie.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    result = runner.invoke(app, ["personas", "check", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    expected = [
        ("10", "segmentation.rules[1].persona", "unknown persona 'b'"),
        ("11", "segmentation.rules[1].werkzaamheid", "'sterrenkijker' is not a value"),
        ("12", "segmentation.rules[2].persona", "unknown persona 'c'"),
        ("14", "personas:", "shares add up to 90, not 100"),
        ("27", "personas[0].motivators[1].id", "used twice (first on line 26)"),
        ("27", "personas[0].motivators[1].needs[0]", "'prijs' is not a brief fact"),
        ("33", "personas[0].subgroups[0].match.regio", "'zuid' is not a value of regio"),
        ("35", "personas[0].subgroups[0].stress[0]", "'q' is not a motivator or drempel"),
        ("39", "personas[0].subgroups[1].match.leeftijd", "the range 40-30 is empty"),
        ("44", "personas[0].subgroups[2].match.werkzaamheid", "places no contact"),
        ("49", "personas[0].subgroups[3].match.land", "'land' is not a column"),
        ("52", "personas[1].id", "persona id 'a' is used twice"),
    ]
    for line, key, words in expected:
        assert any(f"{path}:{line}: {key}" in found and words in found for found in lines), (
            line,
            key,
            words,
            lines,
        )
    assert len(lines) == len(expected), lines
    with pytest.raises(ValidationError, match="more: run mkbcopy personas check"):
        load_personas(path)


def test_a_numeric_column_of_the_studys_own(tmp_path: Path) -> None:
    text = (STUDY / "personas.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    regio:\n",
        "    medewerkers: {numeric: true, headers: [aantal medewerkers]}\n    regio:\n",
    ).replace("      leeftijd: 25+\n", "      medewerkers: 250+\n")
    path = tmp_path / "studie.yaml"
    path.write_text(text, encoding="utf-8")
    assert check_study(path) == []
    placer = Placer(load_personas(path), TODAY)
    big = placer.place({"status": "werkend", "column:medewerkers": "1000"})
    assert big.persona == "carrierewisselaar"
    small = placer.place({"status": "werkend", "column:medewerkers": "12"})
    assert small.persona is None and "medewerkers '12'" in (small.reason or "")
    assert placer.find_columns(["E-mail", "Aantal medewerkers"]) == {
        "column:medewerkers": "Aantal medewerkers"
    }


MINIMAL = """\
segmentation:
  rules:
    - {persona: werkgever, rol: [werkgever]}
    - {persona: werknemer, rol: [werknemer]}
  columns:
    rol: {values: {werkgever: [eigenaar, directeur], werknemer: [medewerker]}}
personas:
  - id: werkgever
    name: Werkgever
    share: 50
    motivators: [{id: m, title: T, guidance: G, needs: [costs], source_lines: [1]}]
    drempels: [{id: d, description: D, needs: [paid_by], source_lines: [2]}]
  - id: werknemer
    name: Werknemer
    share: 50
    motivators: [{id: m, title: T, guidance: G, needs: [salary], source_lines: [3]}]
    drempels: [{id: d, description: D, needs: [duration], source_lines: [4]}]
"""


def test_a_study_needs_only_personas_items_and_a_rule(tmp_path: Path) -> None:
    path = tmp_path / "klein.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert check_study(path) == []
    placer = Placer(load_personas(path), TODAY)
    assert placer.place({"column:rol": "Directeur"}).persona == "werkgever"
    assert placer.place({"column:rol": "medewerker", "age": "10"}).persona == "werknemer"
    assert "rol 'stagiair'" in (placer.place({"column:rol": "stagiair"}).reason or "")


def test_a_list_without_the_studys_column_says_so(second: Research, tmp_path: Path) -> None:
    source = tmp_path / "lijst.csv"
    source.write_text("email;werksituatie\nan@example.nl;werkzoekend\n", encoding="utf-8")
    summary = segment_contacts(source, second, None, today=TODAY)
    assert summary.by_subgroup == {("herintreder", None): 1}
    assert any("no column 'regio' or 'provincie'" in n for n in summary.notices), summary.notices


def test_ids_of_any_kind_are_reported_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "raar.yaml"
    path.write_text(
        MINIMAL.replace(
            "{id: m, title: T, guidance: G, needs: [costs]",
            "{id: [], title: T, guidance: G, needs: [costs]",
        ).replace("  - id: werknemer", "  - id: {x: 1}"),
        encoding="utf-8",
    )
    problems = check_study(path)
    assert {p.key for p in problems} >= {"personas[0].motivators[0].id", "personas[1].id"}
