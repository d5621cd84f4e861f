"""A new user's contact lists: what stops at once, what is said once, counted as people count."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.contacts.addresses import validate_email
from mkbcopy.contacts.batch import run_batch
from mkbcopy.contacts.reading import open_contacts
from mkbcopy.contacts.reasons import Reason
from mkbcopy.contacts.segments import segment_contacts, segment_rows
from mkbcopy.errors import InputError
from mkbcopy.i18n import _
from mkbcopy.research.brief import Brief
from mkbcopy.research.personas import Research
from mkbcopy.research.study import load_personas
from tests.test_progress import _under_terminal

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


def _book(path: Path, *sheets: tuple[str, list[list[Any]]], write_only: bool = False) -> Path:
    book = Workbook(write_only=write_only)
    if not write_only:
        book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


HEADER = ["Voornaam", "E-mailadres", "Leeftijd", "Opleidingsniveau", "Werksituatie"]
NOTES = ("Notities", [["Export uit CRM, 30-11-2026"], ["Niet bewerken"]])


def test_without_sheet_the_first_sheet_with_an_email_column_is_read(tmp_path: Path) -> None:
    path = _book(
        tmp_path / "leden.xlsx",
        NOTES,
        ("Leden", [HEADER, ["Anouk", "anouk@example.nl", 19, "havo", "student"]]),
    )
    with open_contacts(path) as reader:
        rows = list(reader)
        assert reader.sheet == "Leden" and rows[0].line == 2
        assert reader.notices == [
            f"{path}: read sheet 'Leden'; the first sheet 'Notities' has no email column"
        ]


def test_a_workbook_without_an_email_column_names_its_sheets_not_csv(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = _book(tmp_path / "leden.xlsx", NOTES, ("Data", [["naam", "tel"], ["Anouk", "06"]]))
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "sheet 'Notities'" in result.stderr and "'Data'" in result.stderr
    assert "--sheet NAME" in result.stderr and "CSV" not in result.stderr
    chosen = runner.invoke(app, ["segment", str(path), "--sheet", "Data"])
    assert chosen.exit_code == 1 and "sheet 'Data' (columns: 'naam', 'tel')" in chosen.stderr
    assert "other sheets: 'Notities'" in chosen.stderr
    alone = _book(tmp_path / "alleen.xlsx", ("Blad1", [["Opmerking"], ["x"]]))
    single = runner.invoke(app, ["segment", str(alone)])
    assert "no email column on sheet 'Blad1'" in single.stderr and "CSV" not in single.stderr


def test_a_file_named_xlsx_that_is_no_workbook_is_refused_as_such(
    runner: CliRunner, tmp_path: Path
) -> None:
    fake = tmp_path / "leden.xlsx"
    fake.write_text("email;naam\nanouk@example.nl;Anouk\n", encoding="utf-8")
    result = runner.invoke(app, ["segment", str(fake)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert f"{fake}: is not a valid Excel workbook" in result.stderr


def test_a_title_above_the_header_is_skipped_with_row_numbers_kept(
    tmp_path: Path, research: Research
) -> None:
    rows: list[list[Any]] = [
        ["Ledenlijst Zuidkust, export 30-11-2026"],
        [],
        HEADER,
        ["Anouk", "anouk@example.nl", 19, "havo", "student"],
        [],
        ["Bas", "bas@@example.nl", 40, "mbo", "werkend"],
    ]
    book = _book(tmp_path / "leden.xlsx", ("Export", rows))
    text = tmp_path / "leden.csv"
    lines = [";".join(str(c) for c in row) for row in rows]
    text.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for path in (book, text):
        out = tmp_path / f"{path.suffix[1:]}-persona.csv"
        summary = segment_contacts(path, research, out)
        assert summary.rows_read == 2 and summary.placed == 1 and summary.delimiter == ";"
        assert f"{path}:3: the column names are on this row" in summary.notices[0]
        with out.with_name(f"{out.stem}-rejected.csv").open(encoding="utf-8-sig") as handle:
            rejected = list(csv.reader(handle, delimiter=";"))
        assert rejected[0][2:] == HEADER and rejected[1][0] == "6", rejected


def test_a_header_is_not_looked_for_among_contacts(tmp_path: Path) -> None:
    """A list without column names still says so, whatever its later rows hold."""
    path = tmp_path / "c.csv"
    path.write_text("anouk@example.nl;Anouk\nemail;naam\n", encoding="utf-8")
    with pytest.raises(InputError, match="holds an email address, not column names"):
        open_contacts(path)


def test_a_workbook_tells_its_size_recorded_or_counted(tmp_path: Path) -> None:
    rows = [HEADER, *(["A", f"a{n}@example.nl", 30, "mbo", "werkend"] for n in range(40))]
    recorded = _book(tmp_path / "r.xlsx", ("Leden", rows))
    counted = _book(tmp_path / "c.xlsx", ("Leden", rows), write_only=True)  # no <dimension>
    titled = _book(tmp_path / "t.xlsx", ("Leden", [["Ledenlijst"], *rows]))
    for path, total in ((recorded, 40), (counted, 40), (titled, 40)):
        with open_contacts(path) as reader:
            assert reader.total_rows == total, path


def test_batch_on_a_workbook_shows_a_total_on_a_terminal(tmp_path: Path) -> None:
    rows = [HEADER, *(["A", f"a{n}@example.nl", 30, "mbo", "werkend"] for n in range(3000))]
    book = _book(tmp_path / "leden.xlsx", ("Leden", rows))
    args = [sys.executable, "-m", "mkbcopy", "batch", str(book), "--example"]
    screen, stdout = _under_terminal([*args, "-o", str(tmp_path / "tty")])
    assert re.search(r"/3000 contacts\s+\d+%", screen), screen
    assert b"Wrote " in stdout


@pytest.mark.parametrize(
    "address",
    [
        "sanne@example.test",
        "sanne@example.c0m1",
        "sanne@ab--cd.nl",
        "sanne@xn--zz.nl",
        "sanne@" + "a" * 300 + ".nl",
        "sanne@exa_mple.nl",
    ],
)
def test_an_address_the_library_refuses_gets_our_short_reason(address: str) -> None:
    """Never email-validator's long English ("The part after the @-sign is ..."): our
    own few words, each a message of the catalogue."""
    problem = validate_email(address)
    assert isinstance(problem, Reason) and problem.detail in _extracted_messages()
    assert "@-sign" not in problem and len(problem) < 70 and problem == problem.lower()


def _extracted_messages() -> set[str]:
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    package = str(Path(__file__).parent.parent / "mkbcopy")
    found = extract_from_dir(package, keywords=DEFAULT_KEYWORDS)
    return {message for _f, _l, message, _c, _x in found if isinstance(message, str)}


def test_every_reason_goes_through_the_catalogue_and_dutch_shows_in_the_rejects_file(
    runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "leden.csv"
    path.write_text(
        "email;leeftijd;opleiding;werksituatie;persona\n"
        "anouk@example.nl;19;havo;student;\n"
        "ANOUK@example.nl;19;havo;student;\n"
        "bas@example.test;40;mbo;werkend;\n"
        "cor@example.nl;40;vmbo;werkend;\n"
        "dina@example.nl;40;mbo;;\n"
        "eef@example.nl;40;mbo;werkend;onbekend\n"
        "fien@example.nl;40;mbo;werkend;;x\n",
        encoding="utf-8",
    )
    with open_contacts(path) as reader:
        reasons = [p.reason for _l, _c, p in segment_rows(reader, load_personas()) if p.reason]
    assert len(reasons) == 6
    messages = _extracted_messages()
    for reason in reasons:
        assert isinstance(reason, Reason) and reason.category in messages
        words = re.sub(r"%\(\w+\)s", "", reason.detail)
        assert reason.detail in messages or not re.search("[a-z]", words), reason
        inner = [v for v in reason.params.values() if isinstance(v, Reason)]
        assert all(v.detail in messages for v in inner), reason
    out = tmp_path / "nl.csv"
    result = runner.invoke(app, ["--lang", "nl", "segment", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    with (tmp_path / "nl-rejected.csv").open(encoding="utf-8-sig") as handle:
        rejected = list(csv.reader(handle, delimiter=";"))
    assert rejected[0][:2] == [_("line", "nl"), _("reason", "nl")]
    said = [row[1] for row in rejected[1:]]
    assert said == [reason.render("nl") for reason in reasons]
    assert said[0].startswith("dubbel e-mailadres: ") and said[1].startswith("ongeldig e-mailadres")
    assert not any(s.startswith(("duplicate", "invalid", "outside", "cannot")) for s in said)


def test_a_title_above_columns_named_by_map_is_skipped_too(tmp_path: Path) -> None:
    path = tmp_path / "leden.csv"
    path.write_text(
        "Ledenlijst Zuidkust\nNaam;Mail werk;Werksituatie\nAnouk;anouk@example.nl;student\n",
        encoding="utf-8",
    )
    with open_contacts(path, mapping={"Mail werk": "email"}) as reader:
        rows = list(reader)
        assert reader.delimiter == ";" and reader.header_line == 2
        assert [(r.line, r.fields["email"]) for r in rows] == [(3, "anouk@example.nl")]
