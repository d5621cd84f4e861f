"""A new user's contact lists: what stops at once, what is said once, counted as people count."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.contacts.batch import run_batch
from mkbcopy.contacts.segments import segment_contacts
from mkbcopy.errors import InputError
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research

NO_STATUS = (
    "First name,Last name,Email,Age,Education\r\n"
    "Anouk,de Boer,anouk@example.nl,19,havo\r\n"
    "Chantal,\xd6zt\xfcrk,chantal@example.nl,28,hbo\r\n"
)


def test_a_list_without_the_column_the_study_requires_stops_before_anything_is_written(
    tmp_path: Path, research: Research, example_brief: Brief
) -> None:
    path = tmp_path / "leden.csv"
    path.write_bytes(NO_STATUS.encode("cp1252"))
    out = tmp_path / "leden-persona.csv"
    with pytest.raises(InputError) as raised:
        segment_contacts(path, research, out)
    message = str(raised.value)
    assert "no werksituatie column" in message and "'Education'" in message
    assert "--map COLUMN=status" in message
    assert not out.exists()
    with pytest.raises(InputError, match="no werksituatie column"):
        run_batch(path, example_brief, research, tmp_path / "batch")
    assert not (tmp_path / "batch").exists()
    # Named with --map, or with a persona column that places each contact itself: read.
    summary = segment_contacts(path, research, None, mapping={"Education": "status"})
    assert summary.rows_read == 2
    with_persona = tmp_path / "p.csv"
    with_persona.write_text(
        "email,persona\nanouk@example.nl,nieuwsgierige-student\n", encoding="utf-8"
    )
    assert segment_contacts(with_persona, research, None).placed == 1


def test_the_cli_stops_with_exit_1_and_one_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "leden.csv"
    path.write_bytes(NO_STATUS.encode("cp1252"))
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--map COLUMN=status" in result.stderr


def test_batch_says_the_list_was_read_as_windows_1252_as_segment_does(
    runner: CliRunner, tmp_path: Path, example_brief: Brief, research: Research
) -> None:
    path = tmp_path / "leden.csv"
    text = "Voornaam;E-mailadres;Leeftijd;Opleiding;Werksituatie\r\n"
    text += "Anouk;anouk@example.nl;19;havo;student\r\n"
    text += "Chantal \xd6zt\xfcrk;c@example.nl;28;hbo;werkend\r\n"
    path.write_bytes(text.encode("cp1252"))
    report = run_batch(path, example_brief, research, tmp_path / "batch")
    assert any("Windows-1252" in notice and ":3:" in notice for notice in report.notices)
    result = runner.invoke(app, ["batch", str(path), "--example", "-o", str(tmp_path / "b2")])
    assert result.exit_code == 0, result.output
    assert "Windows-1252" in result.stderr
    as_json = runner.invoke(
        app, ["batch", str(path), "--example", "-o", str(tmp_path / "b3"), "--json"]
    )
    assert any("Windows-1252" in n for n in json.loads(as_json.stdout)["notices"])


def test_one_duplicate_is_one(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "leden.csv"
    path.write_text(
        "email;leeftijd;opleiding;werksituatie\n"
        "anouk@example.nl;19;havo;student\nANOUK@example.nl;19;havo;student\n",
        encoding="utf-8",
    )
    segmented = runner.invoke(app, ["segment", str(path)])
    assert segmented.exit_code == 0, segmented.output
    assert "1 duplicate email." in segmented.stdout and "duplicate emails" not in segmented.stdout
    batch = runner.invoke(app, ["batch", str(path), "--example", "-o", str(tmp_path / "b")])
    assert batch.exit_code == 0, batch.output
    assert "1 duplicate (rejects.csv" in batch.stdout
    rejects = list(csv.reader((tmp_path / "b" / "rejects.csv").open(encoding="utf-8-sig")))
    assert len(rejects) == 2
