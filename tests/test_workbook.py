"""Excel workbooks as contact lists: real .xlsx files built with openpyxl, read back."""

from __future__ import annotations

import csv
import datetime as dt
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from mkbcopy.cli import app
from mkbcopy.contacts.reading import Row, open_contacts
from mkbcopy.contacts.segments import segment_contacts
from mkbcopy.errors import InputError, UsageError
from mkbcopy.research.personas import Research

HEADER = ["E-mailadres", "Voornaam", "Leeftijd", "Geboortedatum", "Telefoon", "Opleiding"]


def workbook(path: Path, *sheets: tuple[str, list[list[Any]]]) -> Path:
    book = Workbook()
    book.remove(book.active)  # type: ignore[arg-type]
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def read(path: Path, sheet: str | None = None) -> list[Row]:
    with open_contacts(path, sheet=sheet) as reader:
        return list(reader)


def test_cells_read_as_a_marketer_typed_them(tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.append(["anna@example.nl", "Anna", 34, dt.date(1990, 3, 14), "0612345678", "mbo 4"])
    sheet.append(["bram@example.nl", None, 41.0, dt.datetime(1983, 1, 2), 612345678, 4])
    sheet["E3"].number_format = "0000000000"  # a phone typed as a number, shown with its 0
    sheet.append(["cor@example.nl", "Cor", "=30+5", dt.datetime(1990, 5, 6, 14, 30), 1.5, True])
    book.save(path)

    anna, bram, cor = read(path)
    assert anna.raw == {
        "E-mailadres": "anna@example.nl",
        "Voornaam": "Anna",
        "Leeftijd": "34",
        "Geboortedatum": "1990-03-14",
        "Telefoon": "0612345678",
        "Opleiding": "mbo 4",
    }
    assert anna.fields["email"] == "anna@example.nl" and anna.fields["first_name"] == "Anna"
    assert bram.raw["Voornaam"] == "" and bram.raw["Leeftijd"] == "41"
    assert bram.raw["Geboortedatum"] == "1983-01-02" and bram.raw["Telefoon"] == "0612345678"
    assert bram.raw["Opleiding"] == "4"
    # openpyxl stores no computed value for a formula: an empty cell, never the formula text
    assert cor.raw["Leeftijd"] == "" and cor.raw["Geboortedatum"] == "1990-05-06 14:30"
    assert cor.raw["Telefoon"] == "1.5" and cor.raw["Opleiding"] == "TRUE"
    sheet["E4"] = 0.1 + 0.2
    book.save(path)
    assert read(path)[2].raw["Telefoon"] == "0.3"


def test_lines_are_excel_row_numbers_with_empty_rows_counted(tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for column, title in enumerate(HEADER, start=1):  # the header on row 3, as in some exports
        sheet.cell(3, column, title)
    sheet["A4"], sheet["B4"] = "a@example.nl", "Anna"
    sheet["C6"] = None  # an empty cell written on its own row
    sheet["A9"], sheet["B9"] = "b@example.nl", "Bram"
    book.save(path)
    assert [(r.line, r.fields["first_name"]) for r in read(path)] == [(4, "Anna"), (9, "Bram")]


def test_first_visible_sheet_or_a_named_one(tmp_path: Path) -> None:
    path = tmp_path / "lijst.xlsx"
    book = Workbook()
    hidden = book.active
    assert hidden is not None
    hidden.title = "Oud"
    hidden.append(["email"])
    hidden.append(["oud@example.nl"])
    hidden.sheet_state = "hidden"
    first = book.create_sheet("Leden")
    first.append(["email", "voornaam"])
    first.append(["lid@example.nl", "Lid"])
    other = book.create_sheet("Prospects 2026")
    other.append(["Mailadres", "Roepnaam"])
    other.append(["p@example.nl", "Pim"])
    book.save(path)

    with open_contacts(path) as reader:
        assert [r.fields["email"] for r in reader] == ["lid@example.nl"]
        assert any("Leden" in notice and "--sheet" in notice for notice in reader.notices)
    assert [r.fields["first_name"] for r in read(path, "Prospects 2026")] == ["Pim"]
    assert [r.fields["email"] for r in read(path, "prospects 2026")] == ["p@example.nl"]
    with pytest.raises(UsageError) as err:
        read(path, "Klanten")
    assert "'Klanten'" in str(err.value) and "'Leden'" in str(err.value)


def test_sheet_only_for_workbooks_and_no_encoding_for_them(tmp_path: Path) -> None:
    csv_path = tmp_path / "lijst.csv"
    csv_path.write_text("email\na@example.nl\n", encoding="utf-8")
    with pytest.raises(UsageError, match="--sheet"):
        read(csv_path, "Blad1")
    path = workbook(tmp_path / "lijst.xlsx", ("Blad1", [["email"], ["a@example.nl"]]))
    with pytest.raises(UsageError, match="--encoding"):
        open_contacts(path, encoding="cp1252")


def test_header_recognition_and_rejects_as_for_csv(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "lijst.xlsx",
        ("Blad1", [["Naam", "Telefoon"], ["Anna", "0612345678"]]),
    )
    with pytest.raises(InputError, match="no email column") as err:
        read(path)
    assert str(err.value).startswith(str(path))
    mapped = workbook(
        tmp_path / "mapped.xlsx", ("Blad1", [["Contact", "Naam"], ["a@example.nl", "Anna"]])
    )
    with open_contacts(mapped, mapping={"Contact": "email", "Naam": "first_name"}) as reader:
        assert next(reader).fields["first_name"] == "Anna"


def test_a_workbook_without_xlsx_suffix_is_still_read(tmp_path: Path) -> None:
    path = workbook(tmp_path / "export.xlsx", ("Blad1", [["email"], ["a@example.nl"]]))
    renamed = path.rename(tmp_path / "export.csv")
    assert [r.fields["email"] for r in read(renamed)] == ["a@example.nl"]


def _encrypted_like(path: Path) -> Path:
    """The start of an encrypted .xlsx: an OLE compound file naming EncryptionInfo."""
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    path.write_bytes(head + "EncryptionInfo".encode("utf-16-le") + bytes(2048))
    return path


@pytest.mark.parametrize(
    ("name", "make", "words"),
    [
        (
            "oud.xls",
            lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)),
            ".xls",
        ),
        ("geheim.xlsx", _encrypted_like, "password"),
        ("kapot.xlsx", lambda p: p.write_bytes(b"PK\x03\x04" + bytes(100)), "damaged"),
        ("leeg.xlsx", lambda p: zipfile.ZipFile(p, "w").writestr("x.txt", "x"), "damaged"),
    ],
)
def test_files_excel_alone_can_read_are_refused_in_one_line(
    tmp_path: Path, runner: CliRunner, name: str, make: Any, words: str
) -> None:
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as err:
        open_contacts(path)
    message = str(err.value)
    assert message.startswith(str(path)) and words in message and "\n" not in message
    result = runner.invoke(app, ["segment", str(path)])
    assert result.exit_code == 1 and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_a_truncated_sheet_names_the_row(tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "lijst.xlsx", ("Blad1", [["email"], *[[f"p{i}@example.nl"] for i in range(50)]])
    )
    damaged = tmp_path / "afgebroken.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    with pytest.raises(InputError) as err:
        read(damaged)
    assert err.value.line is not None and err.value.line > 2
    assert "damaged" in str(err.value)


def test_segment_and_batch_read_a_workbook(
    research: Research, runner: CliRunner, tmp_path: Path
) -> None:
    rows: list[list[Any]] = [
        ["E-mailadres", "Voornaam", "Leeftijd", "Opleiding", "Werksituatie", "Telefoon"],
        ["anna@example.nl", "Anna", 19, "havo", "student", "0612345678"],
        ["geen-adres", "Bram", 45, "mbo 4", "werkend", "0687654321"],
        [],
        ["cor@example.nl", "Cor", 38, "mbo 4", "werkend", "0611111111"],
    ]
    path = workbook(tmp_path / "leden.xlsx", ("Intro", [["lees mij"]]), ("Leden", rows))
    out = tmp_path / "leden-persona.csv"
    summary = segment_contacts(path, research, out, sheet="Leden", today=date(2026, 6, 1))
    assert summary.rows_read == 3 and summary.rejected == 1
    with out.open(encoding="utf-8-sig", newline="") as handle:
        written = list(csv.reader(handle, delimiter=";"))
    assert written[0][:6] == rows[0] and written[1][5] == "0612345678"
    with (tmp_path / "leden-persona-rejected.csv").open(encoding="utf-8-sig", newline="") as handle:
        rejected = list(csv.reader(handle, delimiter=";"))
    assert rejected[1][0] == "3"  # Excel's row number of Bram's row

    result = runner.invoke(
        app, ["batch", str(path), "--example", "--sheet", "Leden", "--out", str(tmp_path / "b")]
    )
    assert result.exit_code == 0, result.stderr
    with (tmp_path / "b" / "rejects.csv").open(encoding="utf-8-sig", newline="") as handle:
        assert [r[0] for r in csv.reader(handle, delimiter=";")][1:] == ["3"]
    missing = runner.invoke(app, ["segment", str(path), "--sheet", "Klanten"])
    assert missing.exit_code == 2 and "Leden" in missing.stderr


@pytest.mark.slow
def test_a_large_workbook_is_read_in_flat_memory(tmp_path: Path) -> None:
    """Peak memory grows with the shared strings, not with a tree of every cell."""
    path = tmp_path / "groot.xlsx"
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Contacten")
    sheet.append(["email", "voornaam", "leeftijd", "opleiding", "status"])
    for i in range(20_000):
        sheet.append([f"persoon{i}@example.nl", f"Voornaam{i}", 20 + i % 40, "mbo", "werkend"])
    book.save(path)
    tracemalloc.start()
    try:
        count = 0
        with open_contacts(path) as reader:
            for row in reader:
                count += 1
                assert row.fields["email"]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 20_000
    # A full (not read-only) load holds about 100 MB for this sheet; streamed it is a few.
    assert peak < 12_000_000, f"peak {peak} bytes"
